"""A submitted 申报书 as the rest of stplan reads it.

`ApplicationVersion.snapshot` is frozen JSON in the applications app's own layout: the raw
posted form (`basic-start_date`, `team-TOTAL_FORMS`, …), the eligibility facts, the check
result. Review, funding and projects read a version through `SubmittedApplication`
instead, built by the one reader `submitted_content`, so that the form's field names
stay the applications app's business and a snapshot frozen before a key existed still
reads (the missing part comes back empty, or None where "not recorded" differs from empty).

`SCHEMA_VERSION` is this object's layout: raise it when a field is renamed, removed or
changes meaning, so that anything that stored a dump of it can tell.
"""

import re
from collections.abc import Mapping
from datetime import date, datetime
from types import MappingProxyType
from typing import TYPE_CHECKING, Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, PlainSerializer

from stplan.applications.forms import LIST_LIMITS

if TYPE_CHECKING:
    from stplan.applications.models import ApplicationVersion

SCHEMA_VERSION = 1


def _frozen_mapping(value: Mapping) -> Mapping:
    return MappingProxyType(dict(value))


# A read-only {key: value}: a frozen model's dict field could still be changed in place.
FrozenIntMapping = Annotated[Mapping[str, int], AfterValidator(_frozen_mapping), PlainSerializer(dict)]


class Part(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SubmittedUnit(Part):
    name: str
    credit_code: str


class SubmittedPerson(Part):
    name: str
    id_number: str


class ExclusionRequest(Part):
    """An expert the applicant asked to keep away from the application (申请回避)."""

    name: str
    unit_name: str
    reason: str


class BudgetSources(Part):
    """经费来源, in 元."""

    city: int
    self_raised: int
    other: int = 0

    @property
    def total(self) -> int:
        return self.city + self.self_raised + self.other


class BudgetYear(Part):
    """One year's 经费支出, in 元."""

    year: int
    equipment: int = 0
    business: int = 0
    labor: int = 0
    indirect: int = 0

    @property
    def total(self) -> int:
        return self.equipment + self.business + self.labor + self.indirect


class SubmittedAttachment(Part):
    # `Attachment` primary key: the stored file stays even if removed from a later draft.
    id: int
    code: str
    name: str
    sha256: str
    size: int


class ChallengeIndicator(Part):
    metric: str
    label: str
    unit: str
    required: int
    committed: int


class SubmittedChallenge(Part):
    """揭榜挂帅: the 榜单 item answered and the 揭榜方案, as submitted."""

    item: str
    title: str
    indicators: tuple[ChallengeIndicator, ...]
    overall_plan: str
    technical_route: str


class SubmittedApplication(Part):
    schema_version: Literal[1] = SCHEMA_VERSION
    # The version this was read from.
    version_number: int
    version_sha256: str
    submitted_at: datetime
    number: str
    guide_slug: str
    # The guide data the version was checked against; None for versions frozen before it was recorded.
    guide_sha256: str | None
    direction_number: int
    direction_title: str
    title: str
    keywords: tuple[str, ...]
    summary: str
    research_content: str
    technical_route: str
    # `review.FieldOfStudy` primary key, as the form posts it.
    field_of_study_id: int | None
    track: str | None
    duration_years: int
    start_date: date | None
    end_date: date | None
    lead_unit: SubmittedUnit
    partners: tuple[SubmittedUnit, ...]
    recommender: str | None
    leader: SubmittedPerson
    team: tuple[SubmittedPerson, ...]
    exclusion_requests: tuple[ExclusionRequest, ...]
    requested_city_funds: int
    budget_sources: BudgetSources
    budget_years: tuple[BudgetYear, ...]
    # The most 市财政资助 the guide allowed at submission (0 when ineligible).
    fundable_max: int
    # 考核指标 committed: metric code → value.
    indicators: FrozenIntMapping
    attachments: tuple[SubmittedAttachment, ...]
    challenge: SubmittedChallenge | None = None

    @property
    def units(self) -> tuple[SubmittedUnit, ...]:
        return (self.lead_unit, *self.partners)

    @property
    def people(self) -> tuple[SubmittedPerson, ...]:
        return (self.leader, *self.team)


def submitted_content(version: "ApplicationVersion") -> SubmittedApplication:
    """The typed content of a submitted version, from snapshots of any age."""
    snapshot = version.snapshot
    form = snapshot.get("form") or {}
    facts = snapshot.get("facts") or {}
    direction = snapshot.get("direction") or {}
    lead = snapshot.get("lead_unit") or facts.get("lead") or {}
    leader = facts.get("leader") or {}
    funding = facts.get("funding") or {}
    return SubmittedApplication(
        version_number=version.number,
        version_sha256=version.sha256,
        submitted_at=version.submitted_at,
        number=snapshot.get("number") or facts.get("id") or "",
        guide_slug=snapshot.get("guide") or "",
        guide_sha256=snapshot.get("guide_sha256") or version.guide_sha256 or None,
        direction_number=direction.get("number") or facts.get("direction"),
        direction_title=direction.get("title") or "",
        title=facts.get("title") or _value(form, "basic-title"),
        keywords=tuple(k for k in re.split(r"[,，、;；\s]+", _value(form, "basic-keywords")) if k),
        summary=facts.get("summary") or _value(form, "basic-summary"),
        research_content=_value(form, "content-research_content"),
        technical_route=_value(form, "content-technical_route"),
        field_of_study_id=_int(form, "basic-field_of_study"),
        track=facts.get("track") or None,
        duration_years=facts.get("duration_years") or _int(form, "basic-duration_years") or 0,
        start_date=_date(form, "basic-start_date"),
        end_date=_date(form, "basic-end_date"),
        lead_unit=_unit(lead),
        partners=tuple(_unit(p) for p in facts.get("partners") or ()),
        recommender=snapshot.get("recommender"),
        leader=SubmittedPerson(
            name=leader.get("name") or (snapshot.get("leader") or {}).get("name") or "",
            id_number=leader.get("id_number") or _value(form, "leader-id_number").upper(),
        ),
        team=tuple(
            SubmittedPerson(name=p.get("name") or "", id_number=p.get("id_number") or "")
            for p in facts.get("team") or ()
        ),
        exclusion_requests=tuple(
            ExclusionRequest(**row)
            for row in _rows(form, "exclusions", ("name", "unit_name", "reason"))
            if row["name"]
        ),
        requested_city_funds=funding.get("requested") or _int(form, "sources-city") or 0,
        budget_sources=BudgetSources(
            city=_int(form, "sources-city") or funding.get("requested") or 0,
            self_raised=_int(form, "sources-self_raised") or 0,
            other=_int(form, "sources-other") or 0,
        ),
        budget_years=tuple(
            BudgetYear(year=i, **{k: int(v) if v.isdigit() else 0 for k, v in row.items()})
            for i, row in enumerate(
                _rows(form, "budget", ("equipment", "business", "labor", "indirect"), deletable=False), 1
            )
        ),
        fundable_max=(snapshot.get("result") or {}).get("fundable_max") or 0,
        indicators=snapshot.get("indicators") or {},
        attachments=tuple(
            SubmittedAttachment(
                id=a["id"], code=a["code"], name=a.get("name", ""), sha256=a["sha256"], size=a.get("size", 0)
            )
            for a in snapshot.get("attachments") or ()
        ),
        challenge=_challenge(facts.get("challenge")),
    )


def _challenge(answer: dict | None) -> SubmittedChallenge | None:
    if not answer:
        return None
    return SubmittedChallenge(
        item=answer.get("item") or "",
        title=answer.get("title") or "",
        indicators=tuple(
            ChallengeIndicator(**{k: i.get(k) for k in ("metric", "label", "unit", "required", "committed")})
            for i in answer.get("indicators") or ()
        ),
        overall_plan=answer.get("overall_plan") or "",
        technical_route=answer.get("technical_route") or "",
    )


def _value(form: dict, key: str) -> str:
    values = form.get(key) or [""]
    return str(values[0] if values else "").strip()


def _int(form: dict, key: str) -> int | None:
    raw = _value(form, key)
    return int(raw) if raw.isdigit() else None


def _date(form: dict, key: str) -> date | None:
    try:
        return date.fromisoformat(_value(form, key))
    except ValueError:
        return None


def _rows(form: dict, prefix: str, names: tuple[str, ...], *, deletable: bool = True) -> list[dict[str, str]]:
    """The rows of a list section as posted, deleted rows left out, no more than the form allows."""
    total = _int(form, f"{prefix}-TOTAL_FORMS") or 0
    return [
        {name: _value(form, f"{prefix}-{i}-{name}") for name in names}
        for i in range(min(total, LIST_LIMITS[prefix]))
        if not (deletable and _value(form, f"{prefix}-{i}-DELETE"))
    ]


def _unit(org: dict) -> SubmittedUnit:
    return SubmittedUnit(name=org.get("name") or "", credit_code=org.get("credit_code") or "")
