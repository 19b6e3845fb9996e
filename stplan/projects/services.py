"""Writes for a funded project: 任务书, tranches and payments, reports, changes, 验收."""

from datetime import date, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from stplan.accounts.models import Role, User
from stplan.applications.selectors import latest_content
from stplan.eligibility.guide import Payments, load_guide_data
from stplan.errors import ServiceError
from stplan.guides.models import Guide
from stplan.notifications import notify
from stplan.projects.models import (
    Acceptance,
    AcceptanceStatus,
    ChangeKind,
    ChangeRequest,
    Contract,
    ContractStatus,
    CountyAward,
    CreditRecord,
    ProgressReport,
    Project,
    ProjectFile,
    ProjectStatus,
    ReportStatus,
    Tranche,
    TrancheStatus,
)
from stplan.projects.selectors import add_years, missing_report_years, reported_years
from stplan.projects.workflow import CONTRACT, project_open
from stplan.uploads import check_upload
from stplan.workflow import perform, record


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


def create_projects_of_plan(plan, *, event, actor: User) -> None:
    """立项 of a final funding plan starts a project for each application it selected."""
    for item in plan.items.filter(selected=True).select_related("application__direction"):
        create_project(item=item, actor=actor)


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
    record(project, "create", actor=actor, payload={"amount": project.amount})
    notify(
        recipients=[application.leader.email],
        subject=f"立项通知：{application.title}",
        body=f"您的项目已立项（{project.number}），资助{project.amount:,}元。请登录系统确认任务书。",
    )
    return project


def advance_contract(*, project: Project, actor: User, action: str) -> Contract:
    """任务书: 负责人确认 → 单位审核 → 科室审核; the last step starts the project."""
    if action not in CONTRACT.transitions:
        raise ServiceError("不支持的操作。")
    with transaction.atomic():
        contract = perform(project.contract, action, actor=actor)
        if contract.status == ContractStatus.APPROVED:
            perform(project, "start", actor=actor, cause=str(CONTRACT.label_of(action)))
            _release(project, "signing", actor)
    return contract


def _non_negative(*amounts: int) -> None:
    if any(a < 0 for a in amounts):
        raise ServiceError("金额不能为负数。")


def _cancel_unpaid(project: Project, actor: User, why: str) -> None:
    for tranche in project.tranches.filter(status__in=[TrancheStatus.PLANNED, TrancheStatus.RELEASED]):
        perform(
            tranche, "cancel", actor=actor, reason=why, cause=why, payload={"amount": tranche.planned_amount}
        )


def _release(project: Project, condition: str, actor: User) -> None:
    for tranche in project.tranches.filter(condition=condition, status=TrancheStatus.PLANNED):
        perform(
            tranche,
            "release",
            actor=actor,
            cause=tranche.condition_label,
            payload={"sequence": tranche.sequence, "amount": tranche.planned_amount},
        )


@transaction.atomic
def pay(*, tranche: Tranche, actor: User, paid_on: date, voucher: str) -> Tranche:
    tranche = Tranche.objects.select_for_update().select_related("project").get(pk=tranche.pk)
    if not actor.has_perm("projects.manage_project", tranche):
        raise ServiceError("您没有权限登记拨付。")
    if tranche.status != TrancheStatus.RELEASED:
        raise ServiceError(f"第{tranche.sequence}笔尚不满足拨付条件（{tranche.condition_label}）。")
    if not voucher.strip():
        raise ServiceError("请填写拨付凭证号。")
    if paid_on > timezone.localdate():
        raise ServiceError("拨付日期不能晚于今天。")

    def apply(locked: Tranche) -> dict:
        locked.paid_amount, locked.paid_on, locked.voucher = locked.planned_amount, paid_on, voucher.strip()
        return {"sequence": locked.sequence, "amount": locked.paid_amount, "voucher": locked.voucher}

    return perform(tranche, "pay", actor=actor, apply=apply, locked=True)


@transaction.atomic
def verify_post_subsidy(*, project: Project, actor: User, new_benefit: int, budget_executed: int) -> Project:
    """先实施后补助 (方向27): the verified figures decide the amount by the guide's formula,
    never more than was decided at 立项; nothing to pay cancels the tranche."""
    project = Project.objects.select_for_update().get(pk=project.pk)
    if not actor.has_perm("projects.manage_project", project):
        raise ServiceError("您没有权限核验。")
    if problem := project_open(project):
        raise ServiceError(problem)
    if project.status != ProjectStatus.IN_PROGRESS:
        raise ServiceError(f"项目当前为“{project.get_status_display()}”，不能核验。")
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
    figures = {"new_benefit": new_benefit, "budget_executed": budget_executed, "amount": verified}
    record(project, "verified", actor=actor, payload=figures)
    project.amount = verified
    project.save(update_fields=["amount"])

    def apply(locked: Tranche) -> None:
        locked.planned_amount = verified

    if verified > 0:
        perform(tranche, "verify", actor=actor, apply=apply, payload=figures)
    else:
        perform(tranche, "cancel", actor=actor, reason="核验后补助金额为0元", apply=apply, payload=figures)
    return project


def project_year_ends(project: Project, year: int) -> date:
    """The last day of the project's `year`-th year, counted from its start in the 任务书."""
    return add_years(project.starts_on, year) - timedelta(days=1)


def _allowed_early(project: Project, what: str) -> bool:
    return project.events.filter(action="allow_early", payload__what=what).exists()


def _schedule_problem(project: Project, what: str, due: date, today: date, label: str) -> str | None:
    """Reports and 验收 follow the dates of the 任务书: from the guide's `schedule.lead_days`
    before their date on, unless an officer has allowed it earlier, with a written reason."""
    lead_days = load_guide_data(project.application.guide.slug).schedule.lead_days
    opens = due - timedelta(days=lead_days)
    if today < opens and not _allowed_early(project, what):
        return (
            f"按任务书，{label}自{opens:%Y-%m-%d}起办理（项目{project.starts_on:%Y-%m-%d}开始，"
            f"{due:%Y-%m-%d}到期）。如需提前，请科室经办人准许并写明理由。"
        )
    return None


def early_items(project: Project) -> dict[str, str]:
    """What an officer may allow before the 任务书's date: each year's report and 验收."""
    years = project.application.direction.duration_years
    return {**{f"report:{y}": f"第{y}年度报告" for y in range(1, years + 1)}, "acceptance": "验收"}


@transaction.atomic
def allow_early(*, project: Project, actor: User, what: str, reason: str) -> None:
    """An officer lets a report or 验收 be filed before the 任务书's date, with a reason."""
    if not actor.has_perm("projects.manage_project", project):
        raise ServiceError("您没有权限进行此操作。")
    if project.status != ProjectStatus.IN_PROGRESS:
        raise ServiceError(f"项目当前为“{project.get_status_display()}”，不能准许提前办理。")
    labels = early_items(project)
    if what not in labels:
        raise ServiceError("请选择准许提前办理的事项。")
    if not reason.strip():
        raise ServiceError("准许提前办理须写明理由。")
    record(project, "allow_early", actor=actor, reason=reason, payload={"what": what, "label": labels[what]})


@transaction.atomic
def submit_report(
    *, project: Project, actor: User, year: int, progress: dict, narrative: str, spent: int, today=None
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
    today = today or timezone.localdate()
    due = min(project_year_ends(project, year), project.ends_on)
    if problem := _schedule_problem(project, f"report:{year}", due, today, f"第{year}年度报告"):
        raise ServiceError(problem)
    report = ProgressReport.objects.create(
        project=project, year=year, progress=progress, narrative=narrative.strip(), spent=spent
    )
    record(report, "submit", actor=actor, payload={"year": year, "spent": spent})
    return report


def review_report(*, report: ProgressReport, actor: User, accept: bool, note: str = "") -> ProgressReport:
    def apply(locked: ProgressReport) -> dict:
        locked.review_note, locked.reviewed_at = note.strip(), timezone.now()
        return {"year": locked.year}

    with transaction.atomic():
        report = perform(report, "accept" if accept else "return", actor=actor, reason=note, apply=apply)
        if accept:
            _release(report.project, f"report:{report.year}", actor)
    return report


@transaction.atomic
def request_change(*, project: Project, actor: User, kind: str, details: dict, reason: str) -> ChangeRequest:
    if not actor.has_perm("projects.act_as_leader", project):
        raise ServiceError("只有项目负责人可以提出变更申请。")
    if project.status not in (ProjectStatus.CONTRACTING, ProjectStatus.IN_PROGRESS):
        raise ServiceError(f"项目当前为“{project.get_status_display()}”，不能提出变更申请。")
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
    record(change, "request", actor=actor, reason=reason, payload={"kind": change.get_kind_display()})
    return change


def decide_change(*, change: ChangeRequest, actor: User, approve: bool, note: str) -> ChangeRequest:
    def apply(locked: ChangeRequest) -> dict:
        locked.decision_note, locked.decided_by = note.strip(), actor
        return {"kind": locked.get_kind_display()}

    with transaction.atomic():
        change = perform(change, "approve" if approve else "reject", actor=actor, reason=note, apply=apply)
        if approve:
            _apply_change(change, actor)
    return change


def _apply_change(change: ChangeRequest, actor: User) -> None:
    project = Project.objects.select_for_update().get(pk=change.project_id)
    if change.kind == "extension":
        project.ends_on = date.fromisoformat(change.details["ends_on"])
        project.save(update_fields=["ends_on"])
        record(
            project, "extended", actor=actor, reason=change.reason, payload={"ends_on": str(project.ends_on)}
        )
    elif change.kind == "leader":
        application = project.application
        successor = User.objects.get(username=change.details["username"])
        record(
            project,
            "leader_changed",
            actor=actor,
            reason=change.reason,
            payload={"before": str(application.leader), "after": str(successor)},
        )
        application.leader = successor
        application.save(update_fields=["leader"])
    elif change.kind == "budget":
        contract = project.contract
        description = change.details["description"]
        contract.content.setdefault("budget_changes", []).append(
            {"description": description, "approved_on": timezone.localdate().isoformat()}
        )
        contract.save(update_fields=["content"])
        record(
            contract,
            "budget_changed",
            actor=actor,
            reason=change.reason,
            payload={"description": description},
        )


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
    today=None,
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
    today = today or timezone.localdate()
    if problem := _schedule_problem(project, "acceptance", project.ends_on, today, "验收申请"):
        raise ServiceError(problem)
    fields = {
        "achieved": achieved,
        "total_investment": total_investment,
        "new_output": new_output,
        "summary": summary.strip(),
    }
    acceptance = Acceptance.objects.select_for_update().filter(project=project).first()
    if acceptance is None:
        acceptance = Acceptance.objects.create(project=project, **fields)
        record(acceptance, "submit", actor=actor)
    elif acceptance.status == AcceptanceStatus.SUBMITTED:
        for name, value in fields.items():
            setattr(acceptance, name, value)
        acceptance.save()
        record(acceptance, "revise", actor=actor)
    else:
        raise ServiceError("验收已有结论，不能再修改。")
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


ACCEPTANCE_DECISIONS = {"passed": "pass", "closed": "close", "failed": "fail"}


def decide_acceptance(*, project: Project, actor: User, decision: str, reason: str) -> Acceptance:
    action = ACCEPTANCE_DECISIONS.get(decision)
    if action is None:
        raise ServiceError("请选择验收结论。")
    acceptance = Acceptance.objects.filter(project=project).first()
    if acceptance is None or acceptance.status != AcceptanceStatus.SUBMITTED:
        raise ServiceError("没有待审核的验收申请。")

    def apply(locked: Acceptance) -> None:
        locked.decision_reason = reason.strip()
        locked.decided_by, locked.decided_at = actor, timezone.now()

    with transaction.atomic():
        acceptance = perform(acceptance, action, actor=actor, reason=reason, apply=apply)
        label = acceptance.get_status_display()
        perform(project, action, actor=actor, reason=reason or label, cause=f"验收结论：{label}")
        if decision == "passed":
            _release(project, "acceptance", actor)
        else:
            _cancel_unpaid(project, actor, label)
        if decision == "failed":
            record_credit(project, "failed", reason)
    return acceptance


@transaction.atomic
def record_award(*, actor: User, county: str, year: int, amount: int, county_match: int, proof: str):
    """奖励性后补助 (方向40): the award and the county's match as the latest guide sets them."""
    if not actor.has_perm("projects.manage_awards"):
        raise ServiceError("只有管理县域奖励方向的科室经办人或局管理员可以登记奖励。")
    guide = Guide.objects.order_by("-year").first()
    direction = next(d for d in load_guide_data(guide.slug).directions if d.funding_mode == "award")
    if not county.strip() or not proof.strip():
        raise ServiceError("请填写县（市、区）和自治区级奖励资金到位证明。")
    for label, value, field in (
        ("县（市、区）", county, "county"),
        ("自治区级奖励资金到位证明", proof, "region_funds_proof"),
    ):
        limit = CountyAward._meta.get_field(field).max_length
        if len(value.strip()) > limit:
            raise ServiceError(f"{label}不能超过{limit}个字。")
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
            award = CountyAward.objects.create(
                county=county.strip(),
                year=year,
                amount=amount,
                county_match=county_match,
                region_funds_proof=proof.strip(),
                recorded_by=actor,
            )
    except IntegrityError:
        raise ServiceError(f"{county}{year}年度的奖励已登记。") from None
    record(
        award,
        "record",
        actor=actor,
        payload={"county": award.county, "year": year, "amount": amount, "county_match": county_match},
    )
    return award


def revoke_award(*, award: CountyAward, actor: User, reason: str) -> CountyAward:
    return perform(award, "revoke", actor=actor, reason=reason)


# The purposes the project page offers (its upload form's 用途).
EVIDENCE_PURPOSES = ("acceptance", "report")


@transaction.atomic
def add_evidence(*, project: Project, actor: User, purpose: str, upload) -> ProjectFile:
    """Evidence for a report or 验收: PDF or image, judged by content, kept with its SHA-256."""
    if not actor.has_perm("projects.act_as_leader", project):
        raise ServiceError("只有项目负责人可以上传佐证材料。")
    if purpose not in EVIDENCE_PURPOSES:
        raise ServiceError("请选择佐证材料的用途：验收佐证或年度报告佐证。")
    checked = check_upload(upload)
    evidence = ProjectFile(
        project=project,
        purpose=purpose,
        original_name=upload.name[:200],
        sha256=checked.sha256,
        size=upload.size,
        uploaded_by=actor,
    )
    evidence.file.save(f"{checked.sha256}.{checked.extension}", upload, save=False)
    evidence.save()
    record(project, "evidence_uploaded", actor=actor, payload={"purpose": purpose, "sha256": evidence.sha256})
    return evidence


def terminate(*, project: Project, actor: User, reason: str) -> Project:
    """终止实施: the project stops, unpaid tranches are cancelled, and the abandonment is
    recorded against the unit and the 负责人."""
    with transaction.atomic():
        project = perform(project, "terminate", actor=actor, reason=reason)
        _cancel_unpaid(project, actor, "终止实施")
        record_credit(project, "abandoned", reason)
    return project


def record_credit(project: Project, kind: str, note: str) -> None:
    """信用记录 against the unit and the 负责人 of a failed or abandoned project, or of a
    broken 军令状."""
    CreditRecord.objects.create(
        project=project,
        unit=project.application.lead_unit,
        person=project.application.leader,
        kind=kind,
        note=note.strip(),
    )


def overdue_reports(*, today=None) -> list[tuple[Project, int]]:
    today = today or timezone.localdate()
    found = []
    projects = list(
        Project.objects.filter(status=ProjectStatus.IN_PROGRESS).select_related("application__leader")
    )
    # A report waiting for review is no reason to remind its 负责人.
    have = reported_years(projects, counted=(ReportStatus.SUBMITTED, ReportStatus.ACCEPTED))
    for project in projects:
        found += [
            (project, year) for year in missing_report_years(project, today=today, have=have[project.pk])
        ]
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
