"""查重: an officer's decision on a pair of near-duplicate texts."""

from django.utils.translation import gettext_lazy as _

from stplan import workflow
from stplan.integrity.models import PairEvent, PairStatus, SimilarPair
from stplan.review.workflow import other_section

t = workflow.transition
PAIR = workflow.register(
    workflow.Workflow(
        model=SimilarPair,
        event_model=PairEvent,
        subject="pair",
        denied=other_section("申报"),
        transitions={
            "mark_distinct": t(
                _("不是重复"),
                {PairStatus.PENDING, PairStatus.DUPLICATE, PairStatus.ALLOWED},
                PairStatus.DISTINCT,
                "integrity.mark_pair",
                reason_required=True,
            ),
            "mark_duplicate": t(
                _("重复申报"),
                {PairStatus.PENDING, PairStatus.DISTINCT, PairStatus.ALLOWED},
                PairStatus.DUPLICATE,
                "integrity.mark_pair",
                reason_required=True,
            ),
            # A confirmed duplicate the bureau funds all the same (say, a later stage of the
            # same project that the guide allows): the reason is the record of why.
            "allow": t(
                _("准予立项"),
                {PairStatus.DUPLICATE},
                PairStatus.ALLOWED,
                "integrity.mark_pair",
                reason_required=True,
            ),
        },
        records={"find": _("查重发现")},
        payload_labels={"similarity": _("相似度"), "other": _("相似的申报或项目")},
    )
)
