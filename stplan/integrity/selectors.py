"""Reads for 查重: the texts compared, the pairs a person may see, what blocks 立项."""

from django.db.models import Q, QuerySet

from stplan.applications.models import Application, ApplicationVersion, Status
from stplan.applications.selectors import visible_applications
from stplan.applications.submission import SubmittedApplication
from stplan.eligibility.guide import load_guide_data
from stplan.eligibility.rules import Sanction
from stplan.integrity.models import PairStatus, SanctionEntry, ScanRun, SimilarPair

# What an application's 查重 compares: its submitted 项目名称, 摘要, 研究内容 and 考核指标.
NEVER_COMPARED = (Status.DRAFT, Status.WITHDRAWN)


def application_text(content: SubmittedApplication) -> str:
    metrics = load_guide_data(content.guide_slug).metrics if content.guide_slug else {}
    indicators = "；".join(
        f"{metrics[code].label}{value}{metrics[code].unit}" if code in metrics else f"{code}{value}"
        for code, value in sorted(content.indicators.items())
        if value
    )
    parts = (content.title, content.summary, content.research_content, indicators)
    return "\n".join(part for part in parts if part)


def compared_applications() -> QuerySet[Application]:
    return Application.objects.filter(version__gt=0).exclude(status__in=NEVER_COMPARED)


def latest_versions(applications) -> dict[int, ApplicationVersion]:
    latest: dict[int, ApplicationVersion] = {}
    for version in ApplicationVersion.objects.filter(application__in=applications).order_by("number"):
        latest[version.application_id] = version
    return latest


def visible_pairs(user) -> QuerySet[SimilarPair]:
    """The pairs with either side among the applications the person may see."""
    seen = visible_applications(user).values("pk")
    return SimilarPair.objects.filter(Q(application__in=seen) | Q(earlier__in=seen)).select_related(
        "application__direction",
        "application__lead_unit",
        "earlier__direction",
        "earlier__lead_unit",
        "earlier__guide",
        "registered",
    )


REPORT_FILTERS = ("status", "direction", "stale")


def report(user, *, guide, params) -> QuerySet[SimilarPair]:
    """The 查重 report of a batch: pairs whose later application is in the guide's batch."""
    pairs = visible_pairs(user).filter(application__guide=guide)
    status = params.get("status", "")
    if status in PairStatus.values:
        pairs = pairs.filter(status=status)
    if (value := params.get("direction")) and str(value).isdigit():
        pairs = pairs.filter(application__direction__number=int(value))
    # Pending pairs the latest run no longer finds are noise; decided ones stay on record.
    if params.get("stale") != "1":
        pairs = pairs.exclude(stale=True, status=PairStatus.PENDING)
    return pairs.order_by("-similarity", "pk")


def pairs_of(application: Application, user) -> QuerySet[SimilarPair]:
    return (
        visible_pairs(user)
        .filter(Q(application=application) | Q(earlier=application))
        .exclude(stale=True, status=PairStatus.PENDING)
        .order_by("-similarity", "pk")
    )


def blocking_pairs(applications) -> dict[int, SimilarPair]:
    """For each application a confirmed duplicate keeps from 立项, the pair that does."""
    blocking: dict[int, SimilarPair] = {}
    pairs = SimilarPair.objects.filter(
        application__in=applications, status=PairStatus.DUPLICATE
    ).select_related("application", "earlier", "registered")
    for pair in pairs.order_by("-similarity", "pk"):
        blocking.setdefault(pair.application_id, pair)
    return blocking


def funding_refusal(pair: SimilarPair) -> str:
    return (
        f"{pair.application.number}经查重确认为重复申报（与{pair.other_label}相似度{pair.similarity:.0%}），"
        "不能立项；如确需立项，须在查重报告中填写理由准予立项。"
    )


def latest_scan(guide) -> ScanRun | None:
    return ScanRun.objects.filter(guide=guide).order_by("-at", "-pk").first()


def imported_sanctions() -> dict:
    """The outside 失信 lists as the credit_sanction rule reads them (`eligibility.rules.Records`)."""
    return {
        "sanctions": tuple(
            Sanction(
                subject=entry.identifier,
                name=entry.name,
                on=entry.sanctioned_on,
                reason=f"{entry.authority}认定：{entry.reason}",
                until=entry.until,
            )
            for entry in SanctionEntry.objects.order_by("sanctioned_on", "pk")
        )
    }
