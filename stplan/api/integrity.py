"""查重 and the automatic findings, for the bureau's staff: the pairs of one application or of
a batch, and what the 形审 desk's recheck finds. The web's selectors and predicates decide:
a 科室 sees the applications of its own 方向 (and the pairs either side of which is one)."""

from datetime import datetime

from django.core.exceptions import PermissionDenied
from django.http import Http404
from ninja import Field, Query, Router, Schema

from stplan.api import auth
from stplan.api.pagination import PageQuery, page
from stplan.api.responses import SIGNED_IN, found
from stplan.applications import selectors as applications
from stplan.applications.models import Application
from stplan.guides.models import Guide
from stplan.integrity import selectors

router = Router(tags=["查重与审查意见"])


class PairOut(Schema):
    id: int
    application: str = Field(description="在后申报的申报编号（重复时不能立项的一方）")
    other: str = Field(description="相似的在先申报或外部已立项项目")
    other_application: str | None = Field(description="相似的在先申报的申报编号；外部项目为空")
    similarity: float
    status: str
    status_label: str
    stale: bool = Field(description="最近一次查重未再发现")
    shared: list = Field(description="相同段落")
    found_at: datetime


class PairPage(Schema):
    results: list[PairOut]
    next: str | None


class ApplicationPairs(Schema):
    application: str
    pairs: list[PairOut]


class FindingOut(Schema):
    rule: str
    severity: str
    message: str
    clause: str


class OverrideOut(Schema):
    version: int
    rule: str
    clause: str
    message: str
    reason: str
    at: datetime


class FindingsOut(Schema):
    application: str
    version: int
    verdict: str | None = Field(description="自动审查结论；从未提交的为空")
    fundable_max: int | None
    findings: list[FindingOut]
    overrides: list[OverrideOut] = Field(description="科室不予采纳的自动审查意见及理由")


class PairQuery(Schema):
    guide: str = Field(description="申报指南（批次）标识，如 guilin-2022", max_length=50)
    status: str | None = Field(None, description="pending | distinct | duplicate | allowed", max_length=20)
    direction: int | None = Field(None, ge=1, le=999)
    stale: bool = Field(False, description="是否包括最近一次查重未再发现的待核实项")


def _pair(pair) -> dict:
    return {
        "id": pair.pk,
        "application": pair.application.number,
        "other": pair.other_label,
        "other_application": pair.earlier.number if pair.earlier_id else None,
        "similarity": round(pair.similarity, 4),
        "status": pair.status,
        "status_label": pair.get_status_display(),
        "stale": pair.stale,
        "shared": pair.shared,
        "found_at": pair.found_at,
    }


def _reviewed(request, pk: int) -> Application:
    """An application the caller may see and review (形审): its 科室 or a 局管理员."""
    application = found(applications.visible_applications(request.user).filter(pk=pk).first())
    if not request.user.has_perm("applications.view_application", application):
        raise Http404
    if not request.user.has_perm("applications.formal_review_application", application):
        raise PermissionDenied
    return application


@router.get(
    "/applications/{pk}/integrity",
    response={200: ApplicationPairs, **SIGNED_IN},
    auth=auth.READ,
    summary="一项申报的查重结果（科室、局管理员）",
)
def application_pairs(request, pk: int):
    application = _reviewed(request, pk)
    pairs = selectors.pairs_of(application, request.user)
    return {"application": application.number, "pairs": [_pair(p) for p in pairs]}


@router.get(
    "/applications/{pk}/findings",
    response={200: FindingsOut, **SIGNED_IN},
    auth=auth.READ,
    summary="一项申报的自动审查意见（科室、局管理员）",
)
def application_findings(request, pk: int):
    application = _reviewed(request, pk)
    result = applications.recheck(application)
    overrides = application.overrides.order_by("at", "pk")
    return {
        "application": application.number,
        "version": application.version,
        "verdict": result.verdict if result else None,
        "fundable_max": result.fundable_max if result else None,
        "findings": [f.as_dict() for f in result.findings] if result else [],
        "overrides": [
            {
                "version": o.version,
                "rule": o.rule,
                "clause": o.clause,
                "message": o.message,
                "reason": o.reason,
                "at": o.at,
            }
            for o in overrides
        ],
    }


@router.get(
    "/integrity/pairs",
    response={200: PairPage, **SIGNED_IN},
    auth=auth.READ,
    summary="一个批次的查重报告（科室、局管理员）",
)
def batch_pairs(request, filters: Query[PairQuery], paging: Query[PageQuery]):
    if not request.user.has_perm("integrity.view_report"):
        raise PermissionDenied
    guide = found(Guide.objects.filter(slug=filters.guide).first())
    params = {
        "status": filters.status or "",
        "direction": filters.direction or "",
        "stale": "1" if filters.stale else "",
    }
    return page(selectors.report(request.user, guide=guide, params=params), paging, _pair)
