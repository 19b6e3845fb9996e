"""Reads for 专家评审: what the round reviews, conflicts, and the aggregated ranking."""

import statistics
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, QuerySet
from django.utils.translation import gettext_lazy as _

from stplan.accounts.models import Role
from stplan.applications.forms import ATTACHMENT_LABELS
from stplan.applications.models import Application, Status
from stplan.applications.submission import SubmittedApplication, submitted_content
from stplan.guides.models import Direction
from stplan.review.defaults import expert_may_see_attachment
from stplan.review.models import (
    Aggregation,
    Assignment,
    AssignmentStatus,
    DeclaredConflict,
    Expert,
    Recommendation,
    ReviewRound,
    ReviewStatus,
    ScoreSheet,
)

ACTIVE = (AssignmentStatus.PUBLISHED, AssignmentStatus.CONFIRMED, AssignmentStatus.SUBMITTED)


def round_applications(review_round: ReviewRound, *, funded: bool = False) -> QuerySet[Application]:
    """The applications that passed 形式审查 in the round's 方向; an application already
    立项 takes part in no further assignment, but keeps its place in the ranking it had."""
    statuses = [Status.PASSED, Status.FUNDED] if funded else [Status.PASSED]
    return (
        Application.objects.filter(
            guide=review_round.guide, status__in=statuses, direction__in=review_round.directions.all()
        )
        .select_related("direction", "direction__category", "lead_unit", "leader", "challenge_item")
        .order_by("direction__number", "pk")
    )


def managed_rounds(user) -> QuerySet[ReviewRound]:
    """The rounds a person runs: all for the 局管理员, for a 科室 officer those whose every
    方向 is the 科室's own."""
    if user.is_authenticated and user.role == Role.BUREAU_ADMIN:
        return ReviewRound.objects.all()
    if not (user.is_authenticated and user.role == Role.OFFICER and user.section):
        return ReviewRound.objects.none()
    foreign = Direction.objects.exclude(section=user.section).filter(review_rounds=OuterRef("pk"))
    return ReviewRound.objects.filter(directions__section=user.section).exclude(Exists(foreign)).distinct()


def funded_in_directions(review_round: ReviewRound) -> QuerySet[Application]:
    return Application.objects.filter(
        guide=review_round.guide, status=Status.FUNDED, direction__in=review_round.directions.all()
    ).order_by("number")


def pool(review_round: ReviewRound) -> QuerySet[Expert]:
    return (
        Expert.objects.filter(enabled=True, available=True)
        .select_related("user")
        .prefetch_related("fields", "fields__parent")
        .order_by("pk")
    )


def application_text(content: SubmittedApplication) -> str:
    """What the application is about, as the affinity measure reads it."""
    parts = [
        content.title,
        "，".join(content.keywords),
        content.summary,
        content.research_content,
        content.technical_route,
    ]
    return "\n".join(parts)


def application_people(content: SubmittedApplication) -> set[str]:
    """ID numbers of the 负责人 and the team, as submitted."""
    return {p.id_number.strip().upper() for p in content.people} - {""}


def application_units(content: SubmittedApplication) -> tuple[set[str], set[str]]:
    """Credit codes and names of the lead and partner units, as submitted."""
    units = content.units
    return {u.credit_code for u in units} - {""}, {u.name for u in units} - {""}


def declared_pairs(applications) -> set[tuple[int, int]]:
    return set(
        DeclaredConflict.objects.filter(application__in=applications).values_list(
            "expert_id", "application_id"
        )
    )


def sheet_for(review_round: ReviewRound, application: Application) -> ScoreSheet:
    sheets = list(ScoreSheet.objects.filter(guide=review_round.guide))
    number, programme = application.direction.number, application.direction.category.programme

    def specificity(sheet):
        if sheet.direction_numbers:
            return 2 if number in sheet.direction_numbers else -1
        if sheet.programme:
            return 1 if sheet.programme == programme else -1
        return 0

    ranked = sorted((s for s in sheets if specificity(s) >= 0), key=lambda s: (-specificity(s), s.pk))
    if not ranked:
        raise ScoreSheet.DoesNotExist("没有适用于该方向的评分表")
    return ranked[0]


@dataclass(frozen=True)
class RankedApplication:
    """What ranking needs of an application, read as plain columns: building 20,000 model
    objects with their relations took the ranking page tens of seconds."""

    pk: int
    number: str
    title: str
    direction_id: int
    category_id: int
    first_submitted_at: object
    challenge_item_id: int | None


@dataclass
class Standing:
    ranked: RankedApplication
    # The application itself: all of them for `standings`, the shown page's for the page.
    application: Application | None = None
    totals: list[int] = field(default_factory=list)
    recommendations: list[str] = field(default_factory=list)
    expected: int = 0
    score: float | None = None
    median: float | None = None
    spread: float | None = None
    disagreement: bool = False
    rank_in_direction: int | None = None
    rank_in_category: int | None = None
    # 揭榜挂帅: the teams answering one 榜单 item are ranked against each other.
    rank_in_item: int | None = None

    @property
    def fund_votes(self) -> int:
        return self.recommendations.count(Recommendation.FUND)


def aggregate(totals: list[int], method: str) -> float | None:
    if not totals:
        return None
    if method == Aggregation.MEDIAN:
        return float(statistics.median(totals))
    if method == Aggregation.TRIMMED_MEAN and len(totals) >= 5:
        trimmed = sorted(totals)[1:-1]
        return sum(trimmed) / len(trimmed)
    return sum(totals) / len(totals)


def standings(review_round: ReviewRound) -> list[Standing]:
    """Every application of the round with its aggregate, ranked per 方向 and per 类别.

    Ties are broken, in order, by the higher median, then more 建议资助, then the earlier
    first submission, then the 申报编号: each rule a bureau can state and check by hand.
    """
    ordered = ranked_standings(review_round)
    applications = (
        round_applications(review_round, funded=True)
        .select_related(None)
        .select_related("direction__category", "lead_unit", "guide", "challenge_item")
        .defer("form", "direction__data", "direction__research_scope", "direction__indicators")
    )
    by_pk = {a.pk: a for a in applications}
    for row in ordered:
        row.application = by_pk[row.ranked.pk]
    return ordered


def with_applications(rows: list[Standing]) -> list[Standing]:
    """The shown rows of a ranking with their applications, in one query."""
    by_pk = {
        a.pk: a
        for a in Application.objects.filter(pk__in=[r.ranked.pk for r in rows])
        .select_related("direction__category", "lead_unit", "challenge_item")
        .defer("form", "direction__data", "direction__research_scope", "direction__indicators")
    }
    for row in rows:
        row.application = by_pk[row.ranked.pk]
    return rows


def ranked_standings(review_round: ReviewRound) -> list[Standing]:
    """`standings` without the application objects: plain columns, for the ranking page."""
    columns = (
        "pk",
        "number",
        "title",
        "direction_id",
        "direction__category_id",
        "first_submitted_at",
        "challenge_item_id",
    )
    rows = {
        values[0]: Standing(ranked=RankedApplication(*values))
        for values in round_applications(review_round, funded=True).values_list(*columns)
    }
    # Only the four columns the aggregate needs: not each review's scores and comments.
    assignments = (
        Assignment.objects.filter(round=review_round, status__in=ACTIVE, application_id__in=rows)
        .order_by("pk")
        .values_list("application_id", "review__status", "review__total", "review__recommendation")
    )
    for application_id, review_status, total, recommendation in assignments:
        row = rows[application_id]
        row.expected += 1
        if review_status == ReviewStatus.SUBMITTED and total is not None:
            row.totals.append(total)
            row.recommendations.append(recommendation)
    for row in rows.values():
        row.score = aggregate(row.totals, review_round.aggregation)
        row.median = float(statistics.median(row.totals)) if row.totals else None
        row.spread = statistics.pstdev(row.totals) if len(row.totals) >= 2 else None
        row.disagreement = row.spread is not None and row.spread >= review_round.disagreement_threshold
    ordered = sorted(rows.values(), key=_ranking_key)
    groups = (
        ("rank_in_direction", lambda r: r.direction_id),
        ("rank_in_category", lambda r: r.category_id),
        ("rank_in_item", lambda r: r.challenge_item_id),
    )
    for attr, group_of in groups:
        counters: dict[int, int] = {}
        for row in ordered:
            group = group_of(row.ranked)
            if row.score is None or group is None:
                continue
            counters[group] = counters.get(group, 0) + 1
            setattr(row, attr, counters[group])
    return ordered


def _ranking_key(row: Standing):
    submitted = row.ranked.first_submitted_at
    return (
        row.score is None,
        -(row.score or 0),
        -(row.median or 0),
        -row.fund_votes,
        submitted.timestamp() if submitted else 0,
        row.ranked.number,
    )


@dataclass(frozen=True)
class ConflictParty:
    """A person or unit an expert must judge a conflict of interest against."""

    name: str
    kind: str  # lead, partner, leader, member
    unit: str = ""

    @property
    def role(self) -> str:
        return str(PARTY_ROLES[self.kind])


PARTY_ROLES = {
    "lead": _("牵头单位"),
    "partner": _("合作单位"),
    "leader": _("项目负责人"),
    "member": _("团队成员"),
}


def conflict_parties(version) -> list[ConflictParty]:
    """The units, the 负责人 and the team members of a submitted version (an
    `ApplicationVersion`), as the expert confirms having no conflict with them."""
    if version is None:
        return []
    content = submitted_content(version)
    form = version.snapshot.get("form") or {}

    def typed(key: str) -> str:
        values = form.get(key) or [""]
        return str(values[0]).strip()

    parties = [ConflictParty(content.lead_unit.name, "lead")]
    parties += [ConflictParty(unit.name, "partner") for unit in content.partners]
    parties.append(ConflictParty(content.leader.name, "leader", content.lead_unit.name))
    rows = sorted(
        {k.split("-")[1] for k in form if k.startswith("team-") and k.endswith("-name")},
        key=lambda i: int(i) if i.isdigit() else 0,
    )
    for i in rows:
        if typed(f"team-{i}-DELETE") or not typed(f"team-{i}-name"):
            continue
        parties.append(ConflictParty(typed(f"team-{i}-name"), "member", typed(f"team-{i}-unit_name")))
    return parties


def expert_attachments(assignment: Assignment, version) -> list:
    """The attachments of the submitted version the assigned expert is given, with labels."""
    if version is None:
        return []
    blind = assignment.round.hide_applicant_identity
    return [
        {**a, "label": ATTACHMENT_LABELS.get(a["code"], a["code"])}
        for a in version.snapshot.get("attachments") or ()
        if expert_may_see_attachment(a["code"], blind=blind)
    ]
