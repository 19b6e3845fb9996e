from django.db.models import Q, QuerySet

from stplan.accounts.models import RecommenderKind, Unit, UnitStatus
from stplan.accounts.places import normalised, places


def same_name_units(*, unit: Unit) -> list[Unit]:
    """Other units registered under the same name, compared without spaces and with
    full-width letters and digits read as half-width: the bureau is to decide whether the
    registration is a duplicate or an impostor. The registrant is never told."""
    name = normalised(unit.name).casefold()
    return [
        other
        for other in Unit.objects.registered().exclude(pk=unit.pk).order_by("created_at")
        if normalised(other.name).casefold() == name
    ]


def recommenders_for(*, unit: Unit) -> QuerySet[Unit]:
    """The approved 推荐单位 `unit` may choose: the county-bound kinds (县（市、区）科技主管部门)
    of its own county only, every other kind whatever the county (see the guide data's
    `recommendation`)."""
    bound = county_bound_kinds()
    recommenders = Unit.objects.filter(status=UnitStatus.APPROVED).exclude(
        recommender_kind=RecommenderKind.NONE
    )
    same_county = Q(county=unit.county) if unit.county and unit.in_city(places().city) else Q(pk__in=[])
    return recommenders.filter(~Q(recommender_kind__in=bound) | same_county)


def county_bound_kinds() -> tuple[str, ...]:
    recommendation = places().recommendation
    return recommendation.county_bound_kinds if recommendation else ()


def recommender_refusal(*, unit: Unit, recommender: Unit | None) -> str | None:
    """Why `recommender` may not recommend `unit`'s applications, in Chinese with the clause, or None."""
    if recommender is None or recommender.recommender_kind not in county_bound_kinds():
        return None
    here = places()
    if unit.county and unit.in_city(here.city) and normalised(recommender.county) == normalised(unit.county):
        return None
    where = unit.county if unit.county and unit.in_city(here.city) else f"{here.city}外"
    rule = here.recommendation
    return (
        f"推荐单位“{recommender.name}”是{recommender.county or '其他县（市、区）'}的"
        f"{recommender.get_recommender_kind_display()}，本单位所在地为{where}："
        f"县（市、区）科技主管部门只推荐本县（市、区）的单位（指南{rule.clause}“{rule.quote}”）。"
        "请选择本县（市、区）的科技主管部门或不限县（市、区）的推荐部门。"
    )
