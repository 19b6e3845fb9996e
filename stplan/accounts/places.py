"""Where units are: the 县（市、区） of the city the programme runs in, as the guide data lists them.

Units register once for every year's call, so the newest guide's list is the one in force.
"""

import unicodedata
from dataclasses import dataclass

from stplan.eligibility.guide import Recommendation, available_guides, load_guide_data

# The county choice of a unit registered outside the city; such a unit belongs to no county.
OUTSIDE_CITY = "outside"


@dataclass(frozen=True)
class Places:
    city: str
    counties: tuple[str, ...]
    outside_city: bool
    recommendation: Recommendation | None


def places() -> Places:
    guides = [load_guide_data(slug) for slug in available_guides()]
    guide = max(guides, key=lambda g: g.year)
    counties = guide.counties
    return Places(
        city=guide.city,
        counties=counties.names if counties else (),
        outside_city=counties.outside_city if counties else True,
        recommendation=guide.recommendation,
    )


def normalised(text: str) -> str:
    """A name as typed, compared without spaces and with full-width forms read as half-width."""
    return "".join(unicodedata.normalize("NFKC", text or "").split())


def county_of(typed: str, *, counties: tuple[str, ...], city: str) -> str | None:
    """The listed county a free-text value names, or None when it names none (or several).

    "七星" or "桂林市七星区" is 七星区; "荔浦县" is 荔浦市 (renamed 2018); "龙胜" is 龙胜各族自治县."""
    value = normalised(typed).removeprefix(city)
    if value in counties:
        return value
    stem = value[:-1] if value[-1:] in ("区", "县", "市") else value
    if len(stem) < 2:
        return None
    matches = [name for name in counties if name.startswith(stem)]
    return matches[0] if len(matches) == 1 else None


def is_listed_county(county: str) -> bool:
    return county in places().counties
