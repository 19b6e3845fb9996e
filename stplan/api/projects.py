"""Projects, their tranches (拨付) and annual reports: the bureau's, the 科室's own, and a
unit's or 负责人's own, as stplan.projects' selector and predicate allow."""

from datetime import date, datetime

from django.http import Http404
from ninja import Query, Router, Schema

from stplan.api import auth
from stplan.api.pagination import PageQuery, page
from stplan.api.responses import SIGNED_IN, found
from stplan.projects.selectors import visible_projects

router = Router(tags=["项目"])


class ProjectOut(Schema):
    id: int
    number: str
    application_number: str
    title: str
    lead_unit: str
    direction: int
    amount: int
    funding_mode: str
    status: str
    status_label: str
    starts_on: date
    ends_on: date


class ProjectPage(Schema):
    results: list[ProjectOut]
    next: str | None


class TrancheOut(Schema):
    sequence: int
    condition: str
    planned_amount: int
    status: str
    status_label: str
    paid_amount: int | None
    paid_on: date | None


class ReportOut(Schema):
    year: int
    status: str
    status_label: str
    spent: int
    progress: dict
    submitted_at: datetime


class ProjectDetail(ProjectOut):
    tranches: list[TrancheOut]
    reports: list[ReportOut]


def _summary(project) -> dict:
    application = project.application
    return {
        "id": project.pk,
        "number": project.number,
        "application_number": application.number,
        "title": application.title,
        "lead_unit": application.lead_unit.name,
        "direction": application.direction.number,
        "amount": project.amount,
        "funding_mode": project.funding_mode,
        "status": project.status,
        "status_label": project.get_status_display(),
        "starts_on": project.starts_on,
        "ends_on": project.ends_on,
    }


@router.get("/projects", response={200: ProjectPage, **SIGNED_IN}, auth=auth.READ, summary="我能看到的项目")
def project_list(request, paging: Query[PageQuery]):
    return page(visible_projects(request.user), paging, _summary)


@router.get(
    "/projects/{pk}",
    response={200: ProjectDetail, **SIGNED_IN},
    auth=auth.READ,
    summary="一个项目及其拨付和年度报告",
)
def project_detail(request, pk: int):
    project = found(visible_projects(request.user).filter(pk=pk).first())
    if not request.user.has_perm("projects.view_project", project):
        raise Http404
    tranches = [
        {
            "sequence": t.sequence,
            "condition": t.condition,
            "planned_amount": t.planned_amount,
            "status": t.status,
            "status_label": t.get_status_display(),
            "paid_amount": t.paid_amount,
            "paid_on": t.paid_on,
        }
        for t in project.tranches.order_by("sequence")
    ]
    reports = [
        {
            "year": r.year,
            "status": r.status,
            "status_label": r.get_status_display(),
            "spent": r.spent,
            "progress": r.progress,
            "submitted_at": r.submitted_at,
        }
        for r in project.reports.order_by("year", "pk")
    ]
    return {**_summary(project), "tranches": tranches, "reports": reports}
