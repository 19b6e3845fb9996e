"""The facts of an application, as the 申报数据交换格式 v1 gives them.

One definition serves the JSON interchange format, `stplan check` and (later) the web
forms, so that every entry point feeds the eligibility engine the same shapes. Types are
strict: a string where an integer belongs is an input error, never silently coerced.
"""

import re
from datetime import date, datetime
from typing import Annotated, Literal
from zoneinfo import ZoneInfo

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictBool,
    StrictInt,
    StrictStr,
)

OrganizationKind = Literal[
    "enterprise", "university", "institute", "hospital", "government", "social_org", "other"
]
Qualification = Literal[
    "high_tech_enterprise",
    "gazelle",
    "tech_sme",
    "innovative_county",
    "new_platform_since_2020",
    "incubator",
    "tech_transfer_demo",
    "science_base",
    "key_clinical_specialty",
    "agri_park",
    "own_land",
]
AttachmentCode = Literal[
    "financial_statements",
    "audit_report",
    "county_recommendation",
    "talent_proof",
    "ethics_approval",
    "sales_proof",
    "platform_accreditation",
    "service_agreement",
    "appointment_letter",
    "id_card",
    "doctorate_certificate",
    "guilin_arrival_proof",
    "matching_commitment",
    "employment_contract",
    "unit_commitment",
    "benefit_audit_report",
    "ip_proof",
    "no_city_funding_commitment",
    "cooperation_agreement",
    "b_class_verification",
    "novelty_report",
    "reward_funds_proof",
]
Degree = Literal["doctorate", "master", "bachelor", "other"]
Discipline = Literal["natural_science", "engineering", "agriculture", "medical", "social_science", "other"]
Title = Literal["senior", "associate_senior", "intermediate", "junior", "none"]
IdType = Literal["resident_id", "passport", "other"]
RecommenderKind = Literal["county_st", "department"]

SHANGHAI = ZoneInfo("Asia/Shanghai")

Yuan = Annotated[StrictInt, Field(ge=0)]


_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_ISO_DATETIME = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}([T ][0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]+)?)?)?(Z|[+-][0-9]{2}:?[0-9]{2})?"
)


def _iso_date(value: object) -> object:
    # Only ISO text: pydantic would otherwise read "1652148000" or 1652148000 as a Unix timestamp.
    if isinstance(value, date) or (isinstance(value, str) and _ISO_DATE.fullmatch(value)):
        return value
    raise ValueError("应为日期 YYYY-MM-DD")


def _iso_datetime(value: object) -> object:
    if isinstance(value, datetime) or (isinstance(value, str) and _ISO_DATETIME.fullmatch(value)):
        return value
    raise ValueError("应为时间 YYYY-MM-DDTHH:MM:SS")


IsoDate = Annotated[date, BeforeValidator(_iso_date), Field(strict=False)]


def _convertible(value: datetime) -> datetime:
    # An offset near the ends of the calendar cannot be carried to Shanghai time.
    if value.tzinfo is not None:
        try:
            value.astimezone(SHANGHAI)
        except OverflowError:
            raise ValueError("时间超出可表示的范围") from None
    return value


IsoDateTime = Annotated[
    datetime, BeforeValidator(_iso_datetime), AfterValidator(_convertible), Field(strict=False)
]


# JSON arrays arrive as lists: container fields are lax (list to tuple), their items stay strict.


class Fact(BaseModel):
    model_config = ConfigDict(strict=True, frozen=True, extra="ignore")


class Organization(Fact):
    name: StrictStr
    credit_code: StrictStr
    kind: OrganizationKind
    in_guilin: StrictBool = False
    province: StrictStr = ""
    county: StrictStr = ""
    qualifications: Annotated[tuple[Qualification, ...], Field(strict=False)] = ()
    rd_expense_last_year: Yuan | None = None
    revenue_last_year: Yuan | None = None
    matching: Yuan | None = None


class Person(Fact):
    name: StrictStr
    id_type: IdType
    id_number: StrictStr
    birth_date: IsoDate | None = None
    degree: Degree | None = None
    discipline: Discipline | None = None
    title: Title | None = None
    arrived_in_guilin_on: IsoDate | None = None
    talent_category: Annotated[StrictInt, Field(ge=1)] | None = None
    foreign_expert_class: Literal["A", "B", "C"] | None = None
    core_member: StrictBool = False


class Funding(Fact):
    requested: Yuan
    matching: Yuan


class Outcomes(Fact):
    new_benefit: Yuan | None = None
    budget_executed: Yuan | None = None
    product_annual_sales: Yuan | None = None


class ChallengeIndicator(Fact):
    """One indicator of a 榜单 item beside what the 揭榜方案 commits to."""

    metric: StrictStr
    label: StrictStr
    unit: StrictStr
    required: Annotated[StrictInt, Field(ge=0)]
    committed: Annotated[StrictInt, Field(ge=0)] = 0


class ChallengeAnswer(Fact):
    """The 榜单 item an application answers (揭榜) and its 揭榜方案, as submitted."""

    item: StrictStr
    title: StrictStr
    # Published and in its 揭榜 period when the application was submitted.
    open: StrictBool
    amount_max: Yuan | None = None
    indicators: Annotated[tuple[ChallengeIndicator, ...], Field(strict=False)] = ()
    overall_plan: StrictStr = ""
    technical_route: StrictStr = ""


class Application(Fact):
    id: StrictStr
    direction: StrictInt
    track: StrictStr | None = None
    title: StrictStr
    summary: StrictStr = ""
    submitted_at: IsoDateTime
    duration_years: StrictInt
    lead: Organization
    partners: Annotated[tuple[Organization, ...], Field(strict=False)] = ()
    leader: Person
    team: Annotated[tuple[Person, ...], Field(strict=False)] = ()
    subprojects: Annotated[StrictInt, Field(ge=0)] = 1
    funding: Funding
    outcomes: Outcomes | None = None
    attachments: Annotated[frozenset[AttachmentCode], Field(strict=False)] = frozenset()
    recommended_by: StrictStr | None = None
    recommended_by_kind: RecommenderKind | None = None
    challenge: ChallengeAnswer | None = None

    @property
    def units(self) -> tuple[Organization, ...]:
        return (self.lead, *self.partners)

    @property
    def submitted_local(self) -> datetime:
        """The submission time on Asia/Shanghai wall clocks, so that times from any zone compare."""
        if self.submitted_at.tzinfo is None:
            return self.submitted_at
        return self.submitted_at.astimezone(SHANGHAI).replace(tzinfo=None)

    @property
    def submitted_on(self) -> date:
        return self.submitted_local.date()
