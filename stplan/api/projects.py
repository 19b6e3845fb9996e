"""Projects, their tranches (拨付) and annual reports: the bureau's, the 科室's own, and a
unit's or 负责人's own, as stplan.projects' selector and predicate allow."""

from datetime import date, datetime
from typing import Annotated

from django.db import transaction
from django.http import Http404
from ninja import Field, Query, Router, Schema
from ninja import Status as Answer

from stplan.api import auth
from stplan.api.pagination import PageQuery, page
from stplan.api.responses import SIGNED_IN, found
from stplan.projects import services
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
    project = _visible(request, pk)
    tranches = [_tranche(t) for t in project.tranches.order_by("sequence")]
    reports = [_report(r) for r in project.reports.order_by("year", "pk")]
    return {**_summary(project), "tranches": tranches, "reports": reports}


def _visible(request, pk: int):
    project = found(visible_projects(request.user).filter(pk=pk).first())
    if not request.user.has_perm("projects.view_project", project):
        raise Http404
    return project


def _tranche(t) -> dict:
    return {
        "sequence": t.sequence,
        "condition": t.condition,
        "planned_amount": t.planned_amount,
        "status": t.status,
        "status_label": t.get_status_display(),
        "paid_amount": t.paid_amount,
        "paid_on": t.paid_on,
    }


def _report(r) -> dict:
    return {
        "year": r.year,
        "status": r.status,
        "status_label": r.get_status_display(),
        "spent": r.spent,
        "progress": r.progress,
        "submitted_at": r.submitted_at,
    }


class PaymentIn(Schema):
    paid_on: date = Field(description="拨付日期，不晚于今天")
    voucher: str = Field(description="拨付凭证号", max_length=50)


class ReportIn(Schema):
    year: int = Field(description="项目年度（第几年）", ge=1, le=20)
    narrative: str = Field(description="工作进展", max_length=20_000)
    spent: int = Field(0, description="累计支出（元）", ge=0, le=10**10)
    progress: dict[str, Annotated[int, Field(ge=0, le=10**10)]] = Field(
        default_factory=dict, description="各考核指标的完成值，键为任务书中的指标代码；未给的按0"
    )


@router.post(
    "/projects/{pk}/tranches/{sequence}/payment",
    response={200: TrancheOut, **SIGNED_IN},
    auth=auth.WRITE,
    summary="登记一笔拨付（科室、局管理员）",
)
def register_payment(request, pk: int, sequence: int, payment: PaymentIn):
    project = _visible(request, pk)
    tranche = found(project.tranches.filter(sequence=sequence).first())
    with transaction.atomic():
        paid = services.pay(
            tranche=tranche, actor=request.user, paid_on=payment.paid_on, voucher=payment.voucher
        )
    return _tranche(paid)


@router.post(
    "/projects/{pk}/reports",
    response={201: ReportOut, **SIGNED_IN},
    auth=auth.SUBMIT,
    summary="提交年度报告（本项目负责人）",
)
def submit_report(request, pk: int, report: ReportIn):
    project = _visible(request, pk)
    committed = (
        [row["metric"] for row in project.contract.content["indicators"]]
        if hasattr(project, "contract")
        else []
    )
    with transaction.atomic():
        created = services.submit_report(
            project=project,
            actor=request.user,
            year=report.year,
            progress={metric: report.progress.get(metric, 0) for metric in committed},
            narrative=report.narrative,
            spent=report.spent,
        )
    return Answer(201, _report(created))
