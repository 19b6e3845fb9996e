from collections import Counter
from collections.abc import Iterator, Mapping
from typing import NamedTuple

from django.db.models import Count, F, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from stplan.accounts.models import Role, Unit
from stplan.applications.models import Application, ApplicationVersion, LimitSlot, Status
from stplan.applications.records import SOURCES
from stplan.applications.submission import SubmittedApplication, submitted_content
from stplan.eligibility.engine import Result, check_application
from stplan.eligibility.facts import Application as Facts
from stplan.eligibility.guide import load_guide_data
from stplan.eligibility.rules import Funded, Records
from stplan.listing import Sort


def visible_applications(user) -> QuerySet[Application]:
    """What `applications.view_application` allows, as one query (the permission's twin)."""
    base = Application.objects.select_related("direction", "lead_unit", "leader", "recommender", "guide")
    if not user.is_authenticated:
        return base.none()
    # Ever submitted: a draft withdrawn before submission stays its applicant's own.
    submitted = Q(version__gt=0)
    match user.role:
        case Role.LEADER:
            return base.filter(leader=user)
        case Role.UNIT_ADMIN if user.unit_id:
            return base.filter(lead_unit_id=user.unit_id)
        case Role.RECOMMENDER if user.unit_id and user.unit.is_approved:
            return base.filter(submitted, recommender_id=user.unit_id)
        case Role.OFFICER if user.section:
            return base.filter(submitted, direction__section=user.section)
        case Role.BUREAU_ADMIN:
            return base.filter(submitted)
    return base.none()


PlaceKey = tuple[int, str, str]


def held_places(slots: QuerySet[LimitSlot]) -> Counter[PlaceKey]:
    """How many places `slots` hold per (方向, rule kind, key), counted in the database."""
    return Counter(
        {
            (row["direction_number"], row["rule_kind"], row["key"]): row["held"]
            for row in slots.values("direction_number", "rule_kind", "key").annotate(held=Count("pk"))
        }
    )


def prior_counts(application: Application) -> dict[PlaceKey, int]:
    """Places under 限报N项 that other applications hold, keyed as the engine counts them."""
    return dict(
        held_places(LimitSlot.objects.filter(guide_id=application.guide_id).exclude(application=application))
    )


class OthersHeld(Mapping):
    """The places everyone holds less those of one application, without copying the totals:
    one copy per application rechecked made the desk quadratic in the places held."""

    def __init__(self, everyone: Counter[PlaceKey], own: Counter[PlaceKey]):
        self.everyone, self.own = everyone, own

    def __getitem__(self, key: PlaceKey) -> int:
        held = self.everyone[key] - self.own[key]
        if held <= 0:
            raise KeyError(key)
        return held

    def __iter__(self) -> Iterator[PlaceKey]:
        return (key for key in self.everyone if self.everyone[key] > self.own[key])

    def __len__(self) -> int:
        return sum(1 for _key in self)


def leader_ids(applications) -> dict[int, str]:
    """The 负责人's identity number as each application's latest version gives it
    (`applications`: a list or a query of them)."""
    rows = ApplicationVersion.objects.filter(
        application__in=applications, number=F("application__version")
    ).values_list("application_id", "snapshot__facts__leader")
    # The leader's object, not its id_number key: SQLite's JSON extraction would give a number
    # for an identity number of digits only.
    return {pk: str((leader or {}).get("id_number") or "") for pk, leader in rows}


def system_records() -> Records:
    """What the repeat-funding, 限项 and 失信 rules check against: every application the system
    has 立项 (the year of its guide, the funding line of its 方向, its lead unit as registered
    now), the submitted applications by 负责人, and what the later stages provide."""
    compared = Application.objects.filter(version__gt=0).exclude(
        status__in=(Status.WITHDRAWN, Status.REJECTED)
    )
    leaders = leader_ids(compared.values("pk"))
    # Plain values, not models: the 方向's and the guide's data would be read for every row.
    rows = compared.values_list(
        "pk",
        "number",
        "status",
        "guide__slug",
        "guide__year",
        "direction__number",
        "direction__title",
        "lead_unit__credit_code",
        "lead_unit__province",
        "lead_unit__county",
    )
    funded, by_leader = [], {}
    for pk, number, status, slug, year, direction_number, title, credit_code, province, county in rows:
        leader = leaders.get(pk, "")
        by_leader.setdefault((slug, leader), []).append(number)
        if status != Status.FUNDED:
            continue
        direction = load_guide_data(slug).direction(direction_number)
        funded.append(
            Funded(
                number=number,
                year=year,
                policy=direction.funding_line if direction else title,
                unit=credit_code,
                county=f"{province}/{county}",
                leader=leader,
            )
        )
    provided: dict = {}
    for source in SOURCES:
        for key, value in source().items():
            # Several stages keep 失信 records (credit records, imported lists): they add up.
            provided[key] = provided[key] + value if key == "sanctions" and key in provided else value
    return Records(
        funded=tuple(funded),
        applications={key: tuple(numbers) for key, numbers in by_leader.items()},
        **provided,
    )


def latest_version(application: Application) -> ApplicationVersion | None:
    return application.versions.order_by("-number").first()


def latest_content(application: Application) -> SubmittedApplication | None:
    """What the application's last submission says; None if it was never submitted."""
    version = latest_version(application)
    return submitted_content(version) if version else None


def latest_contents(applications) -> dict[int, SubmittedApplication]:
    """`latest_content` for a list in one query, keyed by application pk; the never
    submitted are left out."""
    return {pk: submitted_content(version) for pk, version in latest_versions(applications).items()}


def latest_versions(applications) -> dict[int, ApplicationVersion]:
    """Each application's last submitted version in one query (its number is the
    application's version count), keyed by application pk; the never submitted are left out."""
    return {
        version.application_id: version
        for version in ApplicationVersion.objects.filter(
            application__in=[a.pk for a in applications if a.version], number=F("application__version")
        )
    }


def recheck(application: Application) -> Result | None:
    """The submitted facts checked again with the units' current registry records (资质,
    性质, 所在地) and the places now taken: what the 形审 desk puts before the officer."""
    return rechecks([application])[application.pk]


def rechecks(applications, *, records: Records | None = None) -> dict[int, Result | None]:
    """`recheck` for a whole list with a fixed number of queries, for the desk and exports;
    `records` (`system_records()`) once for a list rechecked in several steps."""
    applications = list(applications)
    results: dict[int, Result | None] = {a.pk: None for a in applications}
    submitted = [ListedApplication(a.pk, a.guide_id, a.guide.slug) for a in applications if a.version]
    results.update(rechecks_of(submitted, records=records))
    return results


class ListedApplication(NamedTuple):
    """What a re-check needs of a submitted application: a long export reads these as plain
    values, without building a model per row."""

    pk: int
    guide_id: int
    guide_slug: str


def rechecks_of(
    applications: list[ListedApplication], *, records: Records | None = None
) -> dict[int, Result | None]:
    """`rechecks` of submitted applications; None where no version is found."""
    # Only the facts the engine checks: the 申报书 as typed in each snapshot is the bulk of it.
    submitted = ApplicationVersion.objects.filter(
        application__in=[a.pk for a in applications], number=F("application__version")
    ).values_list("application_id", "snapshot__facts")
    facts_of = dict(submitted)
    codes = {code for facts in facts_of.values() for code in _codes(facts)}
    units = {u.credit_code: u for u in Unit.objects.filter(credit_code__in=codes)}
    # The totals per place are counted in the database; only the listed applications' own
    # places are read row by row.
    everyone = held_places(LimitSlot.objects.filter(guide__in={a.guide_id for a in applications}))
    held_by: dict[int, Counter[PlaceKey]] = {}
    for slot in LimitSlot.objects.filter(application__in=list(facts_of)):
        held_by.setdefault(slot.application_id, Counter())[
            (slot.direction_number, slot.rule_kind, slot.key)
        ] += 1
    records = system_records() if records is None else records

    def refreshed(org: dict, city: str) -> dict:
        unit = units.get(org["credit_code"])
        if unit is None:
            return org
        return {
            **org,
            "kind": unit.kind,
            "in_guilin": unit.in_city(city),
            "province": unit.province,
            "county": unit.county,
            "qualifications": list(unit.qualifications),
        }

    results: dict[int, Result | None] = {}
    for application in applications:
        facts = facts_of.get(application.pk)
        if facts is None:
            results[application.pk] = None
            continue
        guide = load_guide_data(application.guide_slug)
        current = {
            **facts,
            "lead": refreshed(facts["lead"], guide.city),
            "partners": [refreshed(p, guide.city) for p in facts["partners"]],
        }
        others = OthersHeld(everyone, held_by.get(application.pk, Counter()))
        results[application.pk] = check_application(
            Facts.model_validate(current), guide, prior_counts=others, records=records
        )
    return results


def _codes(facts: dict) -> list[str]:
    return [facts["lead"]["credit_code"], *(p["credit_code"] for p in facts["partners"])]


DESK_FILTERS = ("programme", "direction", "status", "county", "unit_kind", "q", "sort")

# What the lists of applications can be sorted by; the first is the default.
APPLICATION_SORTS = {
    "direction": Sort(_("方向、首次提交时间"), ("direction__number", "first_submitted_at", "pk")),
    "latest": Sort(_("最近提交在前"), ("-first_submitted_at", "-pk")),
    "number": Sort(_("申报编号"), ("number",)),
    "unit": Sort(_("牵头单位"), ("lead_unit__name", "pk")),
    "status": Sort(_("状态"), ("status", "direction__number", "first_submitted_at", "pk")),
    "updated": Sort(_("最后保存在前"), ("-updated_at", "-pk")),
}


def desk_applications(user, params) -> QuerySet[Application]:
    """The 形审 desk's list with the filters and the sort on screen; the xlsx export uses the
    same. The 申报书 as typed (`form`) and the guide's full data per direction are large and no
    list shows them: they stay in the database."""
    sort = APPLICATION_SORTS.get(params.get("sort", ""), APPLICATION_SORTS["direction"])
    qs = (
        visible_applications(user)
        .defer("form", "direction__data", "direction__research_scope", "direction__indicators")
        .order_by(*sort.order_by)
    )
    if value := params.get("programme"):
        qs = qs.filter(direction__category__programme=value)
    if (value := params.get("direction")) and str(value).isdigit():
        qs = qs.filter(direction__number=int(value))
    if value := params.get("status"):
        qs = qs.filter(status=value)
    if value := params.get("county"):
        qs = qs.filter(lead_unit__county=value)
    if value := params.get("unit_kind"):
        qs = qs.filter(lead_unit__kind=value)
    if value := str(params.get("q", "")).strip()[:100]:
        qs = qs.filter(keyword(value))
    return qs


def keyword(q: str) -> Q:
    """An application whose title, number or lead unit's name contains `q`. The units are
    found first (a few thousand rows): one OR across the join would keep the database from
    using the indexes on each column."""
    return (
        Q(title__icontains=q)
        | Q(number__icontains=q)
        | Q(lead_unit_id__in=Unit.objects.filter(name__icontains=q).values("pk"))
    )
