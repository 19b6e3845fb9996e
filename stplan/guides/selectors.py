from dataclasses import dataclass, field

from django.db.models import Q
from django.shortcuts import get_object_or_404

from stplan.guides.models import Category, Direction, Guide


@dataclass
class ProgrammeListing:
    name: str
    categories: list[tuple[Category, list[Direction]]] = field(default_factory=list)


def guide_list() -> list[Guide]:
    return list(Guide.objects.all())


def guide_by_slug(slug: str) -> Guide:
    return get_object_or_404(Guide, slug=slug)


def sections_of(guide: Guide) -> list[str]:
    return list(guide.directions.order_by("section").values_list("section", flat=True).distinct())


def programmes_of(guide: Guide) -> list[str]:
    return list(guide.categories.order_by("position").values_list("programme", flat=True).distinct())


def directions_by_programme(
    guide: Guide,
    *,
    section: str | None = None,
    programme: str | None = None,
    funding_mode: str | None = None,
    q: str = "",
) -> list[ProgrammeListing]:
    """The guide's 方向 grouped by 计划 and 类别 in the guide's order, optionally of one 科室,
    计划 or 资助方式, and those whose number, title, content or requirements have every word of q."""
    directions = guide.directions.select_related("category").order_by("number")
    if section:
        directions = directions.filter(section=section)
    if programme:
        directions = directions.filter(category__programme=programme)
    if funding_mode:
        directions = directions.filter(funding_mode=funding_mode)
    for word in q.split()[:10]:
        match = (
            Q(title__icontains=word)
            | Q(research_scope__icontains=word)
            | Q(indicators__icontains=word)
            | Q(requirements__icontains=word)
            | Q(category__name__icontains=word)
        )
        number = word.removeprefix("方向")
        if number.isdigit() and len(number) <= 4:
            match |= Q(number=int(number))
        directions = directions.filter(match)
    listings: dict[str, ProgrammeListing] = {}
    grouped: dict[int, list[Direction]] = {}
    for direction in directions:
        category = direction.category
        listing = listings.setdefault(category.programme, ProgrammeListing(category.programme))
        if category.pk not in grouped:
            grouped[category.pk] = []
            listing.categories.append((category, grouped[category.pk]))
        grouped[category.pk].append(direction)
    return list(listings.values())


def direction_by_number(guide: Guide, number: int) -> Direction:
    return get_object_or_404(Direction.objects.select_related("category"), guide=guide, number=number)
