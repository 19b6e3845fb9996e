from collections import Counter

from django.db.models import Q, QuerySet

from stplan.accounts.models import Role, Unit
from stplan.applications.models import Application, ApplicationVersion, LimitSlot, Status
from stplan.applications.records import SOURCES
from stplan.applications.submission import SubmittedApplication, submitted_content
from stplan.eligibility.engine import Result, check_application
from stplan.eligibility.facts import Application as Facts
from stplan.eligibility.guide import load_guide_data
from stplan.eligibility.rules import Funded, Records


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


def prior_counts(application: Application) -> dict[tuple[int, str, str], int]:
    """Places under 限报N项 that other applications hold, keyed as the engine counts them."""
    held = LimitSlot.objects.filter(guide=application.guide).exclude(application=application)
    return dict(Counter((s.direction_number, s.rule_kind, s.key) for s in held))


def leader_ids(applications) -> dict[int, str]:
    """The 负责人's identity number as each application's latest version gives it."""
    rows = (
        ApplicationVersion.objects.filter(application__in=applications)
        .order_by("number")
        .values_list("application_id", "snapshot__facts__leader")
    )
    # The leader's object, not its id_number key: SQLite's JSON extraction would give a number
    # for an identity number of digits only.
    return {pk: str((leader or {}).get("id_number") or "") for pk, leader in rows}


def system_records() -> Records:
    """What the repeat-funding, 限项 and 失信 rules check against: every application the system
    has 立项 (the year of its guide, the funding line of its 方向, its lead unit as registered
    now), the submitted applications by 负责人, and what the later stages provide."""
    compared = list(
        Application.objects.filter(version__gt=0)
        .exclude(status__in=(Status.WITHDRAWN, Status.REJECTED))
        .select_related("guide", "direction", "lead_unit")
    )
    leaders = leader_ids(compared)
    funded, by_leader = [], {}
    for application in compared:
        leader = leaders.get(application.pk, "")
        by_leader.setdefault((application.guide.slug, leader), []).append(application.number)
        if application.status != Status.FUNDED:
            continue
        direction = load_guide_data(application.guide.slug).direction(application.direction.number)
        unit = application.lead_unit
        funded.append(
            Funded(
                number=application.number,
                year=application.guide.year,
                policy=direction.funding_line if direction else application.direction.title,
                unit=unit.credit_code,
                county=f"{unit.province}/{unit.county}",
                leader=leader,
            )
        )
    provided: dict = {}
    for source in SOURCES:
        provided.update(source())
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
    latest: dict[int, ApplicationVersion] = {}
    for version in ApplicationVersion.objects.filter(application__in=list(applications)).order_by("number"):
        latest[version.application_id] = version
    return {pk: submitted_content(version) for pk, version in latest.items()}


def recheck(application: Application) -> Result | None:
    """The submitted facts checked again with the units' current registry records (资质,
    性质, 所在地) and the places now taken: what the 形审 desk puts before the officer."""
    return rechecks([application])[application.pk]


def rechecks(applications) -> dict[int, Result | None]:
    """`recheck` for a whole list with a fixed number of queries, for the desk and exports."""
    applications = list(applications)
    versions: dict[int, ApplicationVersion] = {}
    for version in ApplicationVersion.objects.filter(application__in=applications).order_by("number"):
        versions[version.application_id] = version
    codes = {code for v in versions.values() for code in _codes(v.snapshot["facts"])}
    units = {u.credit_code: u for u in Unit.objects.filter(credit_code__in=codes)}
    slots = LimitSlot.objects.filter(guide__in={a.guide_id for a in applications})
    held_by: dict[int, Counter] = {}
    for slot in slots:
        held_by.setdefault(slot.application_id, Counter())[
            (slot.direction_number, slot.rule_kind, slot.key)
        ] += 1
    everyone = sum(held_by.values(), Counter())
    records = system_records()

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
        version = versions.get(application.pk)
        if version is None:
            results[application.pk] = None
            continue
        facts = version.snapshot["facts"]
        guide = load_guide_data(application.guide.slug)
        current = {
            **facts,
            "lead": refreshed(facts["lead"], guide.city),
            "partners": [refreshed(p, guide.city) for p in facts["partners"]],
        }
        others = everyone - held_by.get(application.pk, Counter())
        results[application.pk] = check_application(
            Facts.model_validate(current), guide, prior_counts=dict(others), records=records
        )
    return results


def _codes(facts: dict) -> list[str]:
    return [facts["lead"]["credit_code"], *(p["credit_code"] for p in facts["partners"])]


DESK_FILTERS = ("programme", "direction", "status", "county", "unit_kind", "q")


def desk_applications(user, params) -> QuerySet[Application]:
    """The 形审 desk's list with the filters on screen; the xlsx export uses the same."""
    qs = visible_applications(user).order_by("direction__number", "first_submitted_at", "pk")
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
    if value := params.get("q"):
        qs = qs.filter(
            Q(title__icontains=value) | Q(number__icontains=value) | Q(lead_unit__name__icontains=value)
        )
    return qs
