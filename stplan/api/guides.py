"""Public: the 申报指南 and its 方向, and the eligibility check of interchange-format files."""

import json
from typing import Any

from django.utils.translation import gettext as _
from ninja import Body, Query, Router

from stplan.api.responses import PUBLIC, found
from stplan.api.schemas import CheckResult, DirectionDetail, GuideDetail, GuideOut
from stplan.eligibility.engine import check_batch
from stplan.eligibility.interchange import read_batch
from stplan.guides import selectors
from stplan.guides.models import Direction, Guide

router = Router(tags=["申报指南"])


def _direction(direction: Direction) -> dict:
    return {
        "number": direction.number,
        "title": direction.title,
        "programme": direction.category.programme,
        "category": direction.category.name,
        "section": direction.section,
        "duration_years": direction.duration_years,
        "funding_mode": direction.funding_mode,
        "quota_kind": direction.quota_kind,
        "quota_count": direction.quota_count,
        "amount_kind": direction.amount_kind,
        "amount_max": direction.amount_max,
        "novelty_exempt": direction.novelty_exempt,
        "accepts_applications": direction.accepts_applications,
    }


@router.get("/guides", response={200: list[GuideOut], **PUBLIC}, auth=None, summary="申报指南列表")
def guide_list(request):
    return selectors.guide_list()


def _guide(slug: str) -> Guide:
    return found(Guide.objects.filter(slug=slug).first())


@router.get("/guides/{slug}", response={200: GuideDetail, **PUBLIC}, auth=None, summary="申报指南及其方向")
def guide_detail(request, slug: str):
    guide = _guide(slug)
    directions = guide.directions.select_related("category").order_by("number")
    return {**GuideOut.from_orm(guide).model_dump(), "directions": [_direction(d) for d in directions]}


@router.get(
    "/guides/{slug}/directions/{number}",
    response={200: DirectionDetail, **PUBLIC},
    auth=None,
    summary="方向详情（研究内容、考核指标、申报要求和自动审查规则）",
)
def direction_detail(request, slug: str, number: int):
    guide = _guide(slug)
    direction = found(Direction.objects.select_related("category").filter(guide=guide, number=number).first())
    return {
        **_direction(direction),
        "research_scope": direction.research_scope,
        "indicators": direction.indicators,
        "requirements": direction.requirements,
        "rules": direction.data.get("rules", []),
    }


@router.post(
    "/check",
    response={200: list[CheckResult], **PUBLIC},
    auth=None,
    summary="资格审查：与 `stplan check --json` 相同的引擎和结果",
    description=_(
        '请求体为申报数据交换格式 v1：一个申报对象、申报对象的数组，或 {"guide": …, "applications": […]}。'
        "输入有误时答 422，problems 中逐条列出（申报编号和字段路径）。"
    ),
)
def check(
    request,
    document: Body[dict[str, Any] | list[Any]],
    guide: Query[str | None] = None,
):
    batch = read_batch(json.dumps(document, ensure_ascii=False), guide_slug=guide)
    return [r.as_dict() for r in check_batch(batch.applications, batch.guide)]
