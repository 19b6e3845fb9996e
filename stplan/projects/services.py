"""Writes for a funded project: 任务书, tranches and payments, reports, changes, 验收."""

from datetime import date

from django.db import IntegrityError, transaction
from django.utils import timezone

from stplan.accounts.models import Role, User
from stplan.applications.selectors import latest_content
from stplan.errors import ServiceError
from stplan.guides.models import Guide
from stplan.guides.schema import Payments, load_guide_data
from stplan.notifications import notify
from stplan.projects.models import (
    Acceptance,
    ChangeKind,
    ChangeRequest,
    Contract,
    ContractStatus,
    CountyAward,
    CreditRecord,
    ProgressReport,
    Project,
    ProjectEvent,
    ProjectFile,
    ProjectStatus,
    ReportStatus,
    Tranche,
    TrancheStatus,
)
from stplan.projects.selectors import missing_report_years
from stplan.uploads import check_upload


def split(amount: int, percents: tuple[int, ...]) -> list[int]:
    """Integer 元 parts in the given proportions that add up to exactly `amount`."""
    parts = [amount * p // 100 for p in percents]
    parts[-1] += amount - sum(parts)
    return parts


def tranche_plan(*, mode: str, amount: int, years: int, payments: Payments) -> list[tuple[str, int]]:
    """The tranches of a project's funding: (condition, amount) in order, split as the
    guide's `payments` says."""
    if mode == "upfront":
        return [("signing", amount)]
    if mode == "yearly_tranches":
        percents = payments.yearly_splits.get(years)
        if percents is None:
            raise ServiceError(f"申报指南未规定实施年限{years}年的项目分年拨付的比例。")
        conditions = ["signing", *(f"report:{year}" for year in range(1, years))]
        return list(zip(conditions, split(amount, percents), strict=True))
    if mode == "post_subsidy":
        return [("verification", amount)]
    if mode == "mixed":
        first, rest = split(amount, payments.mixed_split)
        return [("signing", first), ("acceptance", rest)]
    raise ServiceError(f"资助方式“{mode}”不按项目拨付。")


def _event(project: Project, actor: User, action: str, **detail) -> None:
    ProjectEvent.objects.create(project=project, actor=actor, action=action, detail=detail)


def contract_content(application, amount: int) -> dict:
    content = latest_content(application)
    guide = load_guide_data(application.guide.slug)
    labels = {code: f"{m.label}（{m.unit}）" for code, m in guide.metrics.items()}
    sources = content.budget_sources
    return {
        "title": content.title,
        "direction": f"方向{content.direction_number} {content.direction_title}",
        "objectives": content.research_content,
        "indicators": [
            {"metric": code, "label": labels.get(code, code), "committed": value}
            for code, value in content.indicators.items()
        ],
        "schedule": {
            "start": content.start_date.isoformat() if content.start_date else "",
            "end": content.end_date.isoformat() if content.end_date else "",
        },
        "budget": {
            "city": amount,
            "city_requested": sources.city,
            "self_raised": sources.self_raised,
            "other": sources.other,
            "years": [y.model_dump() for y in content.budget_years],
        },
        "parties": {
            "bureau": guide.issuer,
            "lead_unit": application.lead_unit.name,
            "partners": [p.name for p in content.partners],
            "leader": str(application.leader),
        },
    }


@transaction.atomic
def create_project(*, item, actor: User) -> Project:
    application = item.application
    direction = application.direction
    content = latest_content(application)
    start = (content.start_date if content else None) or timezone.localdate()
    end = (content.end_date if content else None) or date(start.year + direction.duration_years - 1, 12, 31)
    project = Project.objects.create(
        application=application,
        plan_item=item,
        number=f"tmp-{application.pk}",
        amount=item.amount,
        funding_mode=direction.funding_mode,
        starts_on=start,
        ends_on=end,
    )
    project.number = f"GLKJ{application.guide.year}-{direction.number:02d}-{project.pk:04d}"
    project.save(update_fields=["number"])
    Contract.objects.create(project=project, content=contract_content(application, item.amount))
    plan = tranche_plan(
        mode=project.funding_mode,
        amount=project.amount,
        years=direction.duration_years,
        payments=load_guide_data(application.guide.slug).payments,
    )
    for sequence, (condition, planned) in enumerate(plan, start=1):
        Tranche.objects.create(
            project=project, sequence=sequence, condition=condition, planned_amount=planned
        )
    _event(project, actor, "create", amount=project.amount)
    notify(
        recipients=[application.leader.email],
        subject=f"立项通知：{application.title}",
        body=f"您的项目已立项（{project.number}），资助{project.amount:,}元。请登录系统确认任务书。",
    )
    return project


CONTRACT_STEPS = {
    "confirm": (ContractStatus.DRAFT, ContractStatus.CONFIRMED, "projects.act_as_leader"),
    "unit_approve": (ContractStatus.CONFIRMED, ContractStatus.UNIT_APPROVED, "projects.act_as_unit"),
    "approve": (ContractStatus.UNIT_APPROVED, ContractStatus.APPROVED, "projects.manage_project"),
}


@transaction.atomic
def advance_contract(*, project: Project, actor: User, action: str) -> Contract:
    """任务书: 负责人确认 → 单位审核 → 科室审核; the last step starts the project."""
    source, target, permission = CONTRACT_STEPS.get(action, (None, None, None))
    if source is None:
        raise ServiceError("不支持的操作。")
    project = Project.objects.select_for_update().get(pk=project.pk)
    if not actor.has_perm(permission, project):
        raise ServiceError("您没有权限进行此操作。")
    _require_open(project, ProjectStatus.CONTRACTING)
    contract = project.contract
    if contract.status != source:
        raise ServiceError(f"任务书当前状态为“{contract.get_status_display()}”，不能进行此操作。")
    contract.status = target
    contract.save(update_fields=["status"])
    _event(project, actor, f"contract_{action}")
    if target == ContractStatus.APPROVED:
        project.status = ProjectStatus.IN_PROGRESS
        project.save(update_fields=["status"])
        _release(project, "signing", actor)
    return contract


def _require_open(project: Project, *statuses: str) -> None:
    if project.status == ProjectStatus.TERMINATED:
        raise ServiceError("项目已终止实施。")
    if project.status not in statuses:
        raise ServiceError(f"项目当前为“{project.get_status_display()}”，不能进行此操作。")


def _non_negative(*amounts: int) -> None:
    if any(a < 0 for a in amounts):
        raise ServiceError("金额不能为负数。")


def _cancel_unpaid(project: Project, actor: User, why: str) -> None:
    unpaid = project.tranches.exclude(status__in=[TrancheStatus.PAID, TrancheStatus.CANCELLED])
    if unpaid.exists():
        _event(project, actor, "tranches_cancelled", reason=why, amount=sum(t.planned_amount for t in unpaid))
        unpaid.update(status=TrancheStatus.CANCELLED)


def _release(project: Project, condition: str, actor: User) -> None:
    for tranche in project.tranches.filter(condition=condition, status=TrancheStatus.PLANNED):
        tranche.status = TrancheStatus.RELEASED
        tranche.save(update_fields=["status"])
        _event(project, actor, "tranche_released", sequence=tranche.sequence, amount=tranche.planned_amount)


@transaction.atomic
def pay(*, tranche: Tranche, actor: User, paid_on: date, voucher: str) -> Tranche:
    tranche = Tranche.objects.select_for_update().select_related("project").get(pk=tranche.pk)
    if not actor.has_perm("projects.manage_project", tranche.project):
        raise ServiceError("您没有权限登记拨付。")
    if tranche.status != TrancheStatus.RELEASED:
        raise ServiceError(f"第{tranche.sequence}笔尚不满足拨付条件（{tranche.condition_label}）。")
    _require_open(tranche.project, ProjectStatus.IN_PROGRESS, ProjectStatus.ACCEPTED)
    if not voucher.strip():
        raise ServiceError("请填写拨付凭证号。")
    tranche.status, tranche.paid_amount, tranche.paid_on, tranche.voucher = (
        TrancheStatus.PAID,
        tranche.planned_amount,
        paid_on,
        voucher.strip(),
    )
    tranche.save()
    _event(
        tranche.project,
        actor,
        "paid",
        sequence=tranche.sequence,
        amount=tranche.paid_amount,
        voucher=tranche.voucher,
    )
    return tranche


@transaction.atomic
def verify_post_subsidy(*, project: Project, actor: User, new_benefit: int, budget_executed: int) -> Project:
    """先实施后补助 (方向27): the verified figures decide the amount by the guide's formula,
    never more than was decided at 立项."""
    project = Project.objects.select_for_update().get(pk=project.pk)
    if not actor.has_perm("projects.manage_project", project):
        raise ServiceError("您没有权限核验。")
    _require_open(project, ProjectStatus.IN_PROGRESS)
    _non_negative(new_benefit, budget_executed)
    if project.funding_mode != "post_subsidy":
        raise ServiceError("该项目不是先实施后补助项目。")
    amount_rule = (
        load_guide_data(project.application.guide.slug).direction(project.application.direction.number).amount
    )
    verified = min(
        project.amount, amount_rule.post_subsidy(new_benefit=new_benefit, budget_executed=budget_executed)
    )
    tranche = project.tranches.get(condition="verification")
    if tranche.status not in (TrancheStatus.PLANNED, TrancheStatus.RELEASED):
        raise ServiceError(f"补助{tranche.get_status_display()}，不能再核验。")
    _event(
        project,
        actor,
        "verified",
        new_benefit=new_benefit,
        budget_executed=budget_executed,
        amount=verified,
        before=project.amount,
    )
    project.amount = verified
    project.save(update_fields=["amount"])
    tranche.planned_amount = verified
    tranche.status = TrancheStatus.RELEASED if verified > 0 else TrancheStatus.PLANNED
    tranche.save(update_fields=["planned_amount", "status"])
    return project


@transaction.atomic
def submit_report(
    *, project: Project, actor: User, year: int, progress: dict, narrative: str, spent: int
) -> ProgressReport:
    if not actor.has_perm("projects.act_as_leader", project):
        raise ServiceError("只有项目负责人可以提交年度报告。")
    if project.status != ProjectStatus.IN_PROGRESS:
        raise ServiceError("项目不在实施中。")
    years = project.application.direction.duration_years
    if not 1 <= year <= years:
        raise ServiceError(f"项目年度应为1至{years}。")
    _non_negative(spent)
    if not narrative.strip():
        raise ServiceError("请填写工作进展。")
    if project.reports.filter(year=year, status__in=[ReportStatus.SUBMITTED, ReportStatus.ACCEPTED]).exists():
        raise ServiceError(f"第{year}年度报告已提交。")
    report = ProgressReport.objects.create(
        project=project, year=year, progress=progress, narrative=narrative.strip(), spent=spent
    )
    _event(project, actor, "report_submitted", year=year)
    return report


@transaction.atomic
def review_report(*, report: ProgressReport, actor: User, accept: bool, note: str = "") -> ProgressReport:
    report = ProgressReport.objects.select_for_update().select_related("project").get(pk=report.pk)
    if not actor.has_perm("projects.manage_project", report.project):
        raise ServiceError("您没有权限审核年度报告。")
    if report.status != ReportStatus.SUBMITTED:
        raise ServiceError("该报告已审核。")
    if not accept and not note.strip():
        raise ServiceError("退回须写明意见。")
    report.status = ReportStatus.ACCEPTED if accept else ReportStatus.RETURNED
    report.review_note, report.reviewed_at = note.strip(), timezone.now()
    report.save()
    _event(report.project, actor, "report_accepted" if accept else "report_returned", year=report.year)
    if accept:
        _release(report.project, f"report:{report.year}", actor)
    return report


@transaction.atomic
def request_change(*, project: Project, actor: User, kind: str, details: dict, reason: str) -> ChangeRequest:
    if not actor.has_perm("projects.act_as_leader", project):
        raise ServiceError("只有项目负责人可以提出变更申请。")
    if not reason.strip():
        raise ServiceError("请写明变更理由。")
    if kind not in ChangeKind.values:
        raise ServiceError("请选择变更类型。")
    if kind == "leader":
        successor = User.objects.filter(
            username=details.get("username", ""), role=Role.LEADER, unit=project.application.lead_unit
        ).first()
        if successor is None or successor.pk == project.application.leader_id:
            raise ServiceError("新负责人须是本单位已注册的其他项目负责人。")
    if kind == "budget" and not str(details.get("description", "")).strip():
        raise ServiceError("请写明预算调整的内容。")
    if kind == "extension":
        try:
            new_end = date.fromisoformat(details.get("ends_on", ""))
        except ValueError:
            raise ServiceError("请填写延期后的结束日期（YYYY-MM-DD）。") from None
        if new_end <= project.ends_on:
            raise ServiceError("延期后的结束日期须晚于原结束日期。")
    change = ChangeRequest.objects.create(project=project, kind=kind, details=details, reason=reason.strip())
    _event(project, actor, "change_requested", kind=kind)
    return change


@transaction.atomic
def decide_change(*, change: ChangeRequest, actor: User, approve: bool, note: str) -> ChangeRequest:
    change = ChangeRequest.objects.select_for_update().select_related("project").get(pk=change.pk)
    if not actor.has_perm("projects.manage_project", change.project):
        raise ServiceError("您没有权限审批变更。")
    if change.status != "pending":
        raise ServiceError("该变更申请已审批。")
    change.status, change.decision_note, change.decided_by = (
        ("approved" if approve else "rejected"),
        note.strip(),
        actor,
    )
    change.save()
    if approve:
        _apply_change(change, actor)
    _event(change.project, actor, "change_decided", kind=change.kind, approved=approve)
    return change


def _apply_change(change: ChangeRequest, actor: User) -> None:
    project = change.project
    if change.kind == "extension":
        project.ends_on = date.fromisoformat(change.details["ends_on"])
        project.save(update_fields=["ends_on"])
    elif change.kind == "leader":
        application = project.application
        successor = User.objects.get(username=change.details["username"])
        _event(project, actor, "leader_changed", before=application.leader.username, after=successor.username)
        application.leader = successor
        application.save(update_fields=["leader"])
    elif change.kind == "budget":
        contract = project.contract
        contract.content.setdefault("budget_changes", []).append(
            {"description": change.details["description"], "approved_on": timezone.localdate().isoformat()}
        )
        contract.save(update_fields=["content"])


def input_output_required(project: Project) -> int | None:
    """The N of “投入产出比达到1:N以上”, from the 方向's structured 考核指标."""
    targets = project.application.direction.spec.targets
    return next((t.min for t in targets if t.metric == "input_output_ratio"), None)


@transaction.atomic
def submit_acceptance(
    *,
    project: Project,
    actor: User,
    achieved: dict[str, int],
    total_investment: int,
    new_output: int,
    summary: str,
) -> Acceptance:
    if not actor.has_perm("projects.act_as_leader", project):
        raise ServiceError("只有项目负责人可以申请验收。")
    if project.status != ProjectStatus.IN_PROGRESS:
        raise ServiceError("项目不在实施中，不能申请验收。")
    if not summary.strip():
        raise ServiceError("请填写验收总结。")
    _non_negative(total_investment, new_output)
    if input_output_required(project) and total_investment <= 0:
        raise ServiceError("本方向考核投入产出比，请填写项目总投入。")
    acceptance, _ = Acceptance.objects.update_or_create(
        project=project,
        defaults={
            "achieved": achieved,
            "total_investment": total_investment,
            "new_output": new_output,
            "summary": summary.strip(),
            "decision": "",
        },
    )
    _event(project, actor, "acceptance_submitted")
    return acceptance


def indicator_comparison(project: Project) -> list[dict]:
    achieved = project.acceptance.achieved if hasattr(project, "acceptance") else {}
    rows = []
    for row in project.contract.content["indicators"]:
        got = int(achieved.get(row["metric"], 0) or 0)
        rows.append({**row, "achieved": got, "met": got >= row["committed"]})
    return rows


def input_output_ratio(acceptance: Acceptance) -> float | None:
    if acceptance.total_investment <= 0:
        return None
    return acceptance.new_output / acceptance.total_investment


@transaction.atomic
def decide_acceptance(*, project: Project, actor: User, decision: str, reason: str) -> Acceptance:
    project = Project.objects.select_for_update().get(pk=project.pk)
    if not actor.has_perm("projects.manage_project", project):
        raise ServiceError("您没有权限作出验收结论。")
    acceptance = getattr(project, "acceptance", None)
    if acceptance is None or acceptance.decision:
        raise ServiceError("没有待审核的验收申请。")
    if decision not in ("passed", "closed", "failed"):
        raise ServiceError("请选择验收结论。")
    if decision != "passed" and not reason.strip():
        raise ServiceError("结题或不通过须写明理由。")
    acceptance.decision, acceptance.decision_reason = decision, reason.strip()
    acceptance.decided_by, acceptance.decided_at = actor, timezone.now()
    acceptance.save()
    project.status = {
        "passed": ProjectStatus.ACCEPTED,
        "closed": ProjectStatus.CLOSED,
        "failed": ProjectStatus.FAILED,
    }[decision]
    project.save(update_fields=["status"])
    _event(project, actor, "acceptance_decided", decision=decision)
    if decision == "passed":
        _release(project, "acceptance", actor)
    if decision in ("failed", "closed"):
        _cancel_unpaid(project, actor, acceptance.get_decision_display())
    if decision == "failed":
        CreditRecord.objects.create(
            project=project,
            unit=project.application.lead_unit,
            person=project.application.leader,
            kind="failed",
            note=reason.strip(),
        )
    return acceptance


@transaction.atomic
def record_award(*, actor: User, county: str, year: int, amount: int, county_match: int, proof: str):
    """奖励性后补助 (方向40): the award and the county's match as the latest guide sets them."""
    if not actor.has_perm("review.manage_review"):
        raise ServiceError("只有科技局经办人可以登记奖励。")
    guide = Guide.objects.order_by("-year").first()
    direction = next(d for d in load_guide_data(guide.slug).directions if d.funding_mode == "award")
    if not county.strip() or not proof.strip():
        raise ServiceError("请填写县（市、区）和自治区级奖励资金到位证明。")
    if not 2000 <= year <= 2100:
        raise ServiceError("请填写正确的年度。")
    if amount <= 0 or amount > direction.amount.amount:
        raise ServiceError(
            f"奖励金额应大于0且不超过{direction.amount.amount:,}元（方向{direction.number}）。"
        )
    if county_match < direction.amount.county_match:
        raise ServiceError(f"县级配套不少于{direction.amount.county_match:,}元（方向{direction.number}）。")
    try:
        with transaction.atomic():
            return CountyAward.objects.create(
                county=county.strip(),
                year=year,
                amount=amount,
                county_match=county_match,
                region_funds_proof=proof.strip(),
                recorded_by=actor,
            )
    except IntegrityError:
        raise ServiceError(f"{county}{year}年度的奖励已登记。") from None


@transaction.atomic
def add_evidence(*, project: Project, actor: User, purpose: str, upload) -> ProjectFile:
    """Evidence for a report or 验收: PDF or image, judged by content, kept with its SHA-256."""
    if not actor.has_perm("projects.act_as_leader", project):
        raise ServiceError("只有项目负责人可以上传佐证材料。")
    checked = check_upload(upload)
    record = ProjectFile(
        project=project,
        purpose=purpose,
        original_name=upload.name[:200],
        sha256=checked.sha256,
        size=upload.size,
        uploaded_by=actor,
    )
    record.file.save(f"{checked.sha256}.{checked.extension}", upload, save=False)
    record.save()
    _event(project, actor, "evidence_uploaded", purpose=purpose, sha256=record.sha256)
    return record


@transaction.atomic
def terminate(*, project: Project, actor: User, reason: str) -> Project:
    """终止实施: the project stops, unpaid tranches are cancelled, and the abandonment is
    recorded against the unit and the 负责人."""
    project = Project.objects.select_for_update().get(pk=project.pk)
    if not actor.has_perm("projects.manage_project", project):
        raise ServiceError("您没有权限终止项目。")
    if project.status not in (ProjectStatus.CONTRACTING, ProjectStatus.IN_PROGRESS):
        raise ServiceError("只有签订中或实施中的项目可以终止。")
    if not reason.strip():
        raise ServiceError("请写明终止理由。")
    project.status = ProjectStatus.TERMINATED
    project.save(update_fields=["status"])
    cancelled = project.tranches.exclude(status=TrancheStatus.PAID)
    _event(
        project,
        actor,
        "terminated",
        reason=reason.strip(),
        cancelled=sum(t.planned_amount for t in cancelled),
    )
    cancelled.update(status=TrancheStatus.CANCELLED)
    CreditRecord.objects.create(
        project=project,
        unit=project.application.lead_unit,
        person=project.application.leader,
        kind="abandoned",
        note=reason.strip(),
    )
    return project


def overdue_reports(*, today=None) -> list[tuple[Project, int]]:
    today = today or timezone.localdate()
    found = []
    for project in Project.objects.filter(status=ProjectStatus.IN_PROGRESS).select_related(
        "application__leader"
    ):
        # A report waiting for review is no reason to remind its 负责人.
        counted = (ReportStatus.SUBMITTED, ReportStatus.ACCEPTED)
        found += [(project, year) for year in missing_report_years(project, today=today, counted=counted)]
    return found


def send_reminders(*, today=None) -> int:
    overdue = overdue_reports(today=today)
    with transaction.atomic():
        for project, year in overdue:
            notify(
                recipients=[project.application.leader.email],
                subject=f"年度报告逾期：{project.number}",
                body=f"{project.number}「{project.application.title}」第{year}年度报告尚未提交，请尽快登录系统提交。",
            )
    return len(overdue)
