"""验收专家组: the 科室 forms a panel from the review app's expert pool (its 回避 rules and
its solver), the experts judge each committed 考核指标 and give an overall opinion, and the
科室 records the 验收结论 on their judgement. After a pass or 结题 the 验收证书 / 结题证书."""

import hashlib
from collections import Counter
from dataclasses import dataclass
from datetime import datetime

import numpy as np
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from stplan.accounts.models import Role, User
from stplan.applications.selectors import latest_content
from stplan.errors import ServiceError
from stplan.notifications import notify
from stplan.projects.models import (
    Acceptance,
    AcceptanceCertificate,
    AcceptanceOpinion,
    AcceptancePanel,
    AcceptancePanelStatus,
    AcceptanceReview,
    AcceptanceReviewStatus,
    AcceptanceStatus,
    CertificateKind,
    IndicatorRating,
    Project,
    ProjectFile,
)
from stplan.projects.services import indicator_comparison, input_output_ratio, input_output_required
from stplan.review import affinity, solver
from stplan.review.models import Expert
from stplan.review.selectors import application_text
from stplan.review.services import conflicts, expert_text
from stplan.workflow import perform, record

MAX_EXPERTS = 15
# The certificate each conclusion earns.
CERTIFICATES = {
    AcceptanceStatus.PASSED: CertificateKind.ACCEPTANCE,
    AcceptanceStatus.CLOSED: CertificateKind.CLOSURE,
}


def current_panel(acceptance: Acceptance | None) -> AcceptancePanel | None:
    return acceptance.panels.first() if acceptance is not None else None


@transaction.atomic
def form_panel(*, project: Project, actor: User, experts: int, due_at: datetime) -> AcceptancePanel:
    """A panel of `experts` experts for the project's 验收, chosen by the solver by affinity,
    none of the project's units or people nor one who declared a conflict with it, and at
    most one of any unit."""
    acceptance = Acceptance.objects.select_for_update().filter(project=project).first()
    if not actor.has_perm("projects.manage_project", project):
        raise ServiceError("只有该方向所属科室的经办人或局管理员可以组建验收专家组。")
    if acceptance is None or acceptance.status != AcceptanceStatus.SUBMITTED:
        raise ServiceError("没有待审核的验收申请，不能组建验收专家组。")
    if acceptance.panels.exclude(status=AcceptancePanelStatus.CLOSED).exists():
        raise ServiceError("已有未结束的验收专家组，请先结束它。")
    if not 1 <= experts <= MAX_EXPERTS:
        raise ServiceError(f"验收专家人数须为1至{MAX_EXPERTS}人。")
    if due_at <= timezone.now():
        raise ServiceError("评审截止须晚于现在。")
    pool = list(Expert.objects.filter(enabled=True, available=True).prefetch_related("fields").order_by("pk"))
    chosen, excluded = _choose(project, pool, experts)
    panel = AcceptancePanel.objects.create(acceptance=acceptance, due_at=due_at)
    AcceptanceReview.objects.bulk_create(AcceptanceReview(panel=panel, expert=e) for e in chosen)
    record(
        panel,
        "create",
        actor=actor,
        payload={
            "experts": [e.name for e in chosen],
            "shortfall": experts - len(chosen),
            "excluded": excluded,
        },
    )
    return panel


def _choose(project: Project, pool: list[Expert], k: int) -> tuple[list[Expert], int]:
    """The experts the solver picks, and how many of the pool 回避 kept out."""
    if not pool:
        return [], 0
    application = project.application
    content = latest_content(application)
    allowed, _reasons = conflicts([application], [content], pool)
    units = {key: n for n, key in enumerate(dict.fromkeys(e.unit_credit_code or e.unit_name for e in pool))}
    problem = solver.Problem(
        affinity=affinity.text_affinity([application_text(content)], [expert_text(e) for e in pool]),
        allowed=allowed,
        k=np.array([k]),
        capacity=np.ones(len(pool), dtype=int),
        expert_unit=np.array([units[e.unit_credit_code or e.unit_name] for e in pool]),
        max_per_unit=1,
    )
    solution = solver.solve(problem)
    return [pool[int(e)] for _n, e in solution.pairs], int((~allowed[0]).sum())


@transaction.atomic
def transition_panel(*, panel: AcceptancePanel, action: str, actor: User) -> AcceptancePanel:
    panel = perform(panel, action, actor=actor)
    if action == "publish":
        # The experts learn of their task by mail, once the publication has committed.
        project = panel.project
        local_due = timezone.localtime(panel.due_at)
        notify(
            recipients=[r.expert.user.email for r in panel.reviews.select_related("expert__user")],
            subject=f"验收评审任务：{project.number}",
            body=(
                f"您被选为项目{project.number}“{project.application.title}”的验收评审专家，"
                f"请于{local_due:%Y-%m-%d %H:%M}前在“我的验收评审”中评价各项考核指标的完成情况。"
            ),
            link=reverse("projects:acceptance_reviews"),
        )
    return panel


def submit_review(
    *,
    review: AcceptanceReview,
    actor: User,
    ratings: dict[str, str],
    remarks: dict[str, str],
    opinion: str,
    comment: str,
    now=None,
) -> AcceptanceReview:
    """The expert's rating of every committed indicator and overall opinion, by the due date."""
    metrics = [row["metric"] for row in review.project.contract.content["indicators"]]

    def apply(locked: AcceptanceReview) -> dict:
        unrated = [m for m in metrics if ratings.get(m) not in IndicatorRating.values]
        if unrated:
            labels = {row["metric"]: row["label"] for row in review.project.contract.content["indicators"]}
            raise ServiceError("请评价每项考核指标：" + "、".join(labels[m] for m in unrated) + "。")
        if opinion not in AcceptanceOpinion.values:
            raise ServiceError("请选择总体意见：通过、结题或不通过。")
        if not (comment or "").strip():
            raise ServiceError("请填写评审意见。")
        locked.ratings = {m: ratings[m] for m in metrics}
        locked.remarks = {m: remarks.get(m, "").strip()[:500] for m in metrics if remarks.get(m, "").strip()}
        locked.opinion, locked.comment = opinion, comment.strip()
        locked.submitted_at = timezone.now()
        counts = Counter(locked.ratings.values())
        return {
            "opinion": AcceptanceOpinion(opinion).label,
            "ratings": {IndicatorRating(r).label: counts[r] for r in IndicatorRating.values if counts[r]},
        }

    return perform(review, "submit", actor=actor, apply=apply, now=now)


def decline_review(*, review: AcceptanceReview, actor: User, reason: str) -> AcceptanceReview:
    """The expert declares a conflict with the project: the review is withdrawn."""
    return perform(review, "decline", actor=actor, reason=reason)


@dataclass
class IndicatorTally:
    metric: str
    label: str
    committed: int
    achieved: int
    met: bool
    counts: dict[str, int]  # IndicatorRating value -> experts


@dataclass
class PanelResult:
    panel: AcceptancePanel
    reviews: list[AcceptanceReview]
    submitted: int
    indicators: list[IndicatorTally]
    opinions: list[tuple[str, int]]  # (label, experts), in the order 通过, 结题, 不通过


def panel_result(panel: AcceptancePanel) -> PanelResult:
    reviews = list(panel.reviews.select_related("expert__user").order_by("pk"))
    done = [r for r in reviews if r.status == AcceptanceReviewStatus.SUBMITTED]
    indicators = [
        IndicatorTally(
            row["metric"],
            row["label"],
            row["committed"],
            row["achieved"],
            row["met"],
            {
                value: sum(r.ratings.get(row["metric"]) == value for r in done)
                for value in IndicatorRating.values
            },
        )
        for row in indicator_comparison(panel.project)
    ]
    opinions = Counter(r.opinion for r in done)
    return PanelResult(
        panel,
        reviews,
        len(done),
        indicators,
        [(choice.label, opinions[choice.value]) for choice in AcceptanceOpinion],
    )


# --------------------------------------------------------------------------------------------
# Reads for the expert
# --------------------------------------------------------------------------------------------


def reviews_of_expert(user) -> QuerySet[AcceptanceReview]:
    """An expert's 验收评审, once published: only what they are assigned."""
    if user.role != Role.EXPERT:
        return AcceptanceReview.objects.none()
    return (
        AcceptanceReview.objects.filter(
            expert__user=user,
            panel__status__in=(AcceptancePanelStatus.OPEN, AcceptancePanelStatus.CLOSED),
        )
        .select_related("panel__acceptance__project__application__lead_unit")
        .order_by("-panel__created_at", "pk")
    )


def review_for(user, pk: int) -> AcceptanceReview:
    review = reviews_of_expert(user).filter(pk=pk).first()
    if review is None or not user.has_perm("projects.score_acceptance", review):
        raise Http404
    return review


def review_context(review: AcceptanceReview) -> dict:
    """What an expert judges by: the committed indicators with the achieved values, the
    项目's figures, the 验收总结 and the evidence."""
    project = review.project
    acceptance = project.acceptance
    return {
        "project": project,
        "acceptance": acceptance,
        "comparison": indicator_comparison(project),
        "ratio": input_output_ratio(acceptance),
        "ratio_required": input_output_required(project),
        "evidence": project.files.filter(purpose="acceptance").order_by("pk"),
        "ratings": IndicatorRating.choices,
        "opinions": AcceptanceOpinion.choices,
    }


def evidence_for(review: AcceptanceReview, pk: int) -> ProjectFile:
    evidence = review.project.files.filter(pk=pk, purpose="acceptance").first()
    if evidence is None:
        raise Http404
    return evidence


# --------------------------------------------------------------------------------------------
# 验收证书 / 结题证书
# --------------------------------------------------------------------------------------------


def certificate_of(project: Project, *, actor: User) -> AcceptanceCertificate:
    """The project's certificate, laid out on first request and kept as issued."""
    acceptance = Acceptance.objects.filter(project=project).first()
    if acceptance is None or acceptance.status not in CERTIFICATES:
        raise Http404
    existing = AcceptanceCertificate.objects.filter(acceptance=acceptance).first()
    if existing is not None:
        return existing
    return _issue(acceptance, actor)


@transaction.atomic
def _issue(acceptance: Acceptance, actor: User) -> AcceptanceCertificate:
    from weasyprint import HTML  # a second to import: only when a certificate is first laid out

    acceptance = Acceptance.objects.select_for_update().select_related("project").get(pk=acceptance.pk)
    if existing := AcceptanceCertificate.objects.filter(acceptance=acceptance).first():
        return existing
    kind = CERTIFICATES[acceptance.status]
    project = acceptance.project
    number = f"{project.number}-{'YS' if kind == CertificateKind.ACCEPTANCE else 'JT'}"
    contract = project.contract.content
    html = render_to_string(
        "projects/certificate_print.html",
        {
            "project": project,
            "acceptance": acceptance,
            "kind": CertificateKind(kind),
            "number": number,
            "parties": contract.get("parties", {}),
            "panel": current_panel(acceptance),
            "issuer": project.application.guide.spec.issuer,
        },
    )
    pdf = HTML(string=html).write_pdf()
    sha256 = hashlib.sha256(pdf).hexdigest()
    certificate = AcceptanceCertificate(acceptance=acceptance, kind=kind, number=number, sha256=sha256)
    certificate.file.save(f"{number}.pdf", ContentFile(pdf), save=False)
    certificate.save()
    record(acceptance, "certificate", actor=actor, payload={"number": number, "sha256": sha256})
    return certificate
