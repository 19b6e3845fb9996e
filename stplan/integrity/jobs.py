"""查重's long job: a run over a batch, which at provincial volume takes a minute or more."""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from stplan.errors import ServiceError
from stplan.guides.models import Guide
from stplan.integrity import services
from stplan.jobs import kinds

SCAN = "integrity.scan"


def scan(job, progress) -> kinds.Outcome:
    guide = Guide.objects.filter(pk=job.params.get("guide")).first()
    if guide is None:
        raise ServiceError(_("该申报批次不存在。"))
    progress(0, 1)
    # One transaction inside: a worker killed mid-run leaves the earlier results as they were.
    run = services.scan(guide=guide, actor=job.owner)
    return kinds.Outcome(
        summary=_("查重完成：比对%(texts)s份文本，发现%(pairs)s对疑似重复，用时%(seconds)s秒。")
        % {"texts": run.texts, "pairs": run.pairs, "seconds": run.seconds},
        url=f"{reverse('integrity:report')}?guide={guide.pk}",
    )


kinds.register(SCAN, label=gettext_lazy("查重"), run=scan)
