"""Reads of 揭榜挂帅: what an enterprise, an officer and the public see."""

from django.db.models import Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from stplan.accounts.models import Role
from stplan.challenges.models import ChallengeItem, ItemStatus, ListVersion, Need, NeedCall, NeedStatus
from stplan.guides.models import Direction, Guide


def challenge_directions(guide: Guide) -> list[Direction]:
    """The guide's 方向 that run 揭榜挂帅 (their data has a `challenge` section)."""
    return [d for d in guide.directions.order_by("number") if d.data.get("challenge")]


def open_calls(*, now=None) -> QuerySet[NeedCall]:
    now = now or timezone.now()
    return NeedCall.objects.filter(opens_at__lte=now, closes_at__gte=now).select_related("direction__guide")


def calls() -> QuerySet[NeedCall]:
    return NeedCall.objects.select_related("direction__guide")


def _managed(user) -> Q:
    if user.role == Role.BUREAU_ADMIN:
        return Q()
    if user.role == Role.OFFICER and user.section:
        return Q(call__direction__section=user.section)
    return Q(pk__in=[])


def needs_for(*, user, status: str = "") -> QuerySet[Need]:
    """The needs a person works on: their unit's own, or those a 科室 reviews (never drafts)."""
    needs = Need.objects.select_related("call__direction", "unit").order_by("-updated_at", "-pk")
    if user.role in (Role.UNIT_ADMIN, Role.LEADER) and user.unit_id:
        needs = needs.filter(unit=user.unit_id)
    else:
        needs = needs.filter(_managed(user)).exclude(status__in=(NeedStatus.DRAFT, NeedStatus.WITHDRAWN))
    if status in NeedStatus.values:
        needs = needs.filter(status=status)
    return needs


def need_for(*, user, pk: int) -> Need:
    """The need when the person may see it; 404 otherwise, so its existence is not told."""
    need = get_object_or_404(Need.objects.select_related("call__direction__guide", "unit"), pk=pk)
    if not user.has_perm("challenges.view_need", need):
        raise Http404
    return need


def merge_targets(need: Need) -> QuerySet[Need]:
    return (
        Need.objects.filter(call=need.call_id, status__in=(NeedStatus.SUBMITTED, NeedStatus.ACCEPTED))
        .exclude(pk=need.pk)
        .order_by("pk")
    )


def items_for(*, user) -> QuerySet[ChallengeItem]:
    items = ChallengeItem.objects.select_related("direction__guide", "need__unit").order_by("code")
    if user.role == Role.BUREAU_ADMIN:
        return items
    if user.role == Role.OFFICER and user.section:
        return items.filter(direction__section=user.section)
    return items.none()


def item_for(*, user, pk: int) -> ChallengeItem:
    item = get_object_or_404(ChallengeItem.objects.select_related("direction__guide", "need__unit"), pk=pk)
    if not user.has_perm("challenges.manage_item", item):
        raise Http404
    return item


def open_items(direction: Direction, *, now=None) -> QuerySet[ChallengeItem]:
    """The items an application may answer now: published and in their 揭榜 period."""
    now = now or timezone.now()
    return ChallengeItem.objects.filter(
        direction=direction, status=ItemStatus.PUBLISHED, opens_at__lte=now, closes_at__gte=now
    ).order_by("code")


def versions(direction: Direction) -> list[ListVersion]:
    return list(ListVersion.objects.filter(direction=direction).order_by("-number"))
