"""The applications' long jobs: the 形审 desk's export of a long list."""

from django.utils.translation import gettext_lazy as _

from stplan.applications import exports, selectors
from stplan.errors import ServiceError
from stplan.jobs import kinds

DESK_EXPORT = "applications.desk_export"


def desk_export(job, progress) -> kinds.Outcome:
    owner = job.owner
    # Asked again when the job runs: the permission may have gone since it was asked for.
    if not owner.has_perm("applications.export_applications"):
        raise ServiceError("您没有导出申报列表的权限。")
    applications = selectors.desk_applications(owner, job.params)
    count = applications.count()
    content = exports.applications_xlsx(applications, progress=progress)
    return kinds.Outcome(file=("形式审查.xlsx", content), summary=f"共导出{count}项申报。")


kinds.register(DESK_EXPORT, label=_("导出形式审查列表（Excel）"), run=desk_export)
