"""立项: the public 公示 lists, the plans for those who manage them, and the funded projects
of a final plan for provincial platforms (JSON and xlsx, one layout: stplan/projects/exports.py)."""

from datetime import date, datetime

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from ninja import Field, Query, Router, Schema

from stplan.api import auth
from stplan.api.pagination import PageQuery, page
from stplan.api.responses import PUBLIC, SIGNED_IN, found
from stplan.funding.models import FundingPlan, PlanStatus
from stplan.funding.selectors import managed_plans
from stplan.projects.exports import funded_project_rows, funded_projects_xlsx
from stplan.web import xlsx_response

router = Router(tags=["立项"])

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PUBLIC_STATUSES = (PlanStatus.PUBLICIZED, PlanStatus.FINAL)


class PlanOut(Schema):
    id: int
    guide: str
    name: str
    status: str
    status_label: str
    publicity_starts: datetime | None
    publicity_ends: datetime | None


class PlanPage(Schema):
    results: list[PlanOut]
    next: str | None


class PublicItem(Schema):
    application_number: str
    title: str
    lead_unit: str
    direction: int
    direction_title: str
    amount: int


class PublicityOut(PlanOut):
    items: list[PublicItem]


class PlanItemOut(PublicItem):
    score: float | None
    fundable_max: int
    selected: bool
    reasons: list[str]


class PlanDetail(PlanOut):
    total_budget: int
    min_score: float
    items: list[PlanItemOut]


class Indicator(Schema):
    metric: str
    label: str
    unit: str
    count: int


class FundedProject(Schema):
    number: str = Field(description="项目编号")
    title: str = Field(description="项目名称")
    unit: str = Field(description="承担单位")
    credit_code: str = Field(description="承担单位统一社会信用代码")
    leader: str = Field(description="项目负责人")
    starts_on: date = Field(description="起始日期")
    ends_on: date = Field(description="完成日期")
    amount: int = Field(description="资助金额（元）")
    funding_mode: str = Field(description="资助方式代码")
    funding_mode_label: str = Field(description="资助方式")
    indicators: list[Indicator] = Field(description="考核指标（申报书承诺值）")


def _plan(plan: FundingPlan) -> dict:
    return {
        "id": plan.pk,
        "guide": plan.guide.slug,
        "name": plan.name,
        "status": plan.status,
        "status_label": plan.get_status_display(),
        "publicity_starts": plan.publicity_starts,
        "publicity_ends": plan.publicity_ends,
    }


def _item(item) -> dict:
    application = item.application
    return {
        "application_number": application.number,
        "title": application.title,
        "lead_unit": application.lead_unit.name,
        "direction": application.direction.number,
        "direction_title": application.direction.title,
        "amount": item.amount,
    }


def _items(plan: FundingPlan, **filters):
    return plan.items.filter(**filters).select_related("application__direction", "application__lead_unit")


@router.get(
    "/publicity", response={200: PlanPage, **PUBLIC}, auth=None, summary="立项公示（公示中和已立项的方案）"
)
def publicity_list(request, paging: Query[PageQuery]):
    plans = FundingPlan.objects.filter(status__in=PUBLIC_STATUSES).select_related("guide")
    return page(plans, paging, _plan)


@router.get("/publicity/{pk}", response={200: PublicityOut, **PUBLIC}, auth=None, summary="一份立项公示")
def publicity_detail(request, pk: int):
    plan = found(FundingPlan.objects.filter(pk=pk, status__in=PUBLIC_STATUSES).first())
    return {**_plan(plan), "items": [_item(i) for i in _items(plan, selected=True).order_by("pk")]}


def _managed(request, pk: int) -> FundingPlan:
    if not request.user.has_perm("review.manage_review"):
        raise PermissionDenied
    plan = found(FundingPlan.objects.select_related("guide", "review_round").filter(pk=pk).first())
    if not request.user.has_perm("funding.manage_plan", plan):
        raise Http404
    return plan


@router.get("/plans", response={200: PlanPage, **SIGNED_IN}, auth=auth.READ, summary="我办理的立项方案")
def plan_list(request, paging: Query[PageQuery]):
    if not request.user.has_perm("review.manage_review"):
        raise PermissionDenied
    return page(managed_plans(request.user).select_related("guide"), paging, _plan)


@router.get("/plans/{pk}", response={200: PlanDetail, **SIGNED_IN}, auth=auth.READ, summary="一份立项方案")
def plan_detail(request, pk: int):
    plan = _managed(request, pk)
    items = [
        {
            **_item(i),
            "score": i.score,
            "fundable_max": i.fundable_max,
            "selected": i.selected,
            "reasons": i.reasons,
        }
        for i in _items(plan).order_by("-selected", "pk")
    ]
    return {**_plan(plan), "total_budget": plan.total_budget, "min_score": plan.min_score, "items": items}


def _final(request, pk: int) -> FundingPlan:
    plan = _managed(request, pk)
    if plan.status != PlanStatus.FINAL:
        raise Http404
    return plan


@router.get(
    "/plans/{pk}/funded-projects",
    response={200: list[FundedProject], **SIGNED_IN},
    auth=auth.READ,
    summary="已立项方案的立项项目（供自治区、国家平台对接）",
)
def funded_projects(request, pk: int):
    return funded_project_rows(_final(request, pk))


@router.get(
    "/plans/{pk}/funded-projects.xlsx",
    response={200: None, **SIGNED_IN},
    auth=auth.READ,
    summary="已立项方案的立项项目（xlsx，列与 JSON 相同）",
    openapi_extra={
        "responses": {
            "200": {
                "description": "xlsx",
                "content": {XLSX: {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    },
)
def funded_projects_workbook(request, pk: int) -> HttpResponse:
    plan = _final(request, pk)
    return xlsx_response(funded_projects_xlsx(funded_project_rows(plan)), f"立项项目-{plan.name}.xlsx")
