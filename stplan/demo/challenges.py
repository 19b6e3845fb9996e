"""The demo's 揭榜挂帅 for 方向1: a call for needs, needs in every state, a 专家论证, a
published 榜单, two teams answering its item, and (after 立项) the winner's signed 军令状."""

from datetime import date, timedelta

from django.utils import timezone
from django.utils.datastructures import MultiValueDict

from stplan.accounts.models import RecommenderKind, Role, Unit, User
from stplan.applications import services as applications
from stplan.appraisals import services as appraisals
from stplan.challenges import services as challenges
from stplan.challenges.models import ChallengeItem
from stplan.demo.builders import MINIMAL_PDF, application_form, challenge_plan_form
from stplan.demo.texts import TEXTS
from stplan.pledges import services as pledges
from stplan.pledges.models import Pledge
from stplan.projects import services as projects
from stplan.review import services as review
from stplan.review.models import Assignment, AssignmentStatus
from stplan.review.selectors import sheet_for

INDUSTRY = "先进装备制造"
NEED = {
    "segment": "伺服驱动",
    "problem": "国产伺服系统的驱动芯片依赖进口，供货周期长、成本高，制约整机企业扩产。",
    "bottleneck": "高压大电流驱动芯片的设计与车规级可靠性验证。",
    "target_text": "形成可量产的驱动芯片及配套整机，整机国产化率不低于90%。",
    "commitment": 6_000_000,
    "contact_name": "张工",
    "contact_phone": "0773-5000101",
}


def demo_recommender(units: dict[str, Unit], unit: Unit) -> Unit:
    """Who recommends `unit`'s applications in the demo: its county's 县（市、区）科技主管部门,
    or the county-free 推荐部门 (市教育局) where the demo has none."""
    by_county = {u.county: u for u in units.values() if u.recommender_kind == RecommenderKind.COUNTY_ST}
    department = next(u for u in units.values() if u.recommender_kind == RecommenderKind.DEPARTMENT)
    return by_county.get(unit.county, department)


def load_challenges_demo(
    *, guide, admin: User, units, unit_admins, leaders, officer: User, today: date
) -> None:
    """Before the review round: needs, 论证, the 榜单 and two 揭榜 applications through 形审."""
    direction = guide.directions.get(number=1)
    if ChallengeItem.objects.filter(direction=direction).exists():
        return
    now = timezone.now()
    call = challenges.open_call(
        actor=admin,
        direction=direction,
        industry=INDUSTRY,
        opens_at=now - timedelta(days=30),
        closes_at=now + timedelta(days=10),
        notice="面向先进装备制造产业链重点企业征集关键核心技术需求。",
    )
    enterprise = unit_admins["qiye"]

    def need(title, targets, **extra):
        fields = {**NEED, "title": title, "deadline": today + timedelta(days=1000), **extra}
        made = challenges.save_need(actor=enterprise, call=call, fields=fields, targets=targets)
        return challenges.transition_need(need=made, action="submit", actor=enterprise)

    chip = need("高性能伺服驱动芯片国产化", {"major_breakthrough": 3, "new_product": 4})
    encoder = need("高精度伺服电机编码器", {"new_product": 2}, segment="伺服电机")
    duplicate = need("伺服驱动芯片替代进口", {"new_product": 2})
    vague = need("智能产线升级", {}, target_text="提升产线水平。", segment="产线")
    challenges.transition_need(
        need=duplicate,
        action="merge",
        actor=officer,
        reason="与“高性能伺服驱动芯片国产化”为同一难题。",
        into=chip,
    )
    challenges.transition_need(
        need=vague, action="return", actor=officer, reason="请写明具体的技术难题和可考核的目标指标。"
    )
    for accepted in (chip, encoder):
        challenges.transition_need(need=accepted, action="accept", actor=officer)
    panel = appraisals.create_panel(
        actor=officer,
        call=call,
        name="先进装备制造技术需求专家论证",
        experts_per_need=3,
        due_at=now + timedelta(days=3),
    )
    panel = appraisals.transition_panel(panel=panel, action="publish", actor=officer)
    for index, task in enumerate(panel.tasks.select_related("expert__user", "need").order_by("pk")):
        strong = task.need_id == chip.pk
        appraisals.submit_task(
            task=task,
            actor=task.expert.user,
            importance=88 - index if strong else 70 - index,
            feasibility=80 - index if strong else 55,
            comment="需求明确，属产业链关键环节，具备攻关条件。"
            if strong
            else "市场需求有限，建议由企业自主研发。",
            recommend=strong,
        )
    appraisals.record_opinion(
        panel=panel, need=chip, actor=officer, recommended=True, opinion="建议列入榜单，指标按论证意见确定。"
    )
    appraisals.record_opinion(
        panel=panel, need=encoder, actor=officer, recommended=False, opinion="不建议列入本年度榜单。"
    )
    appraisals.transition_panel(panel=panel, action="close", actor=officer)
    challenges.transition_need(
        need=encoder, action="decline", actor=officer, reason="专家论证不建议列入本年度榜单。"
    )
    item = challenges.create_item(
        actor=officer,
        need=chip,
        fields={
            "title": "高性能伺服驱动芯片研发与产业化",
            "problem": chip.problem,
            "target_text": "驱动芯片通过可靠性验证并实现小批量生产。",
            "amount_max": 8_000_000,
            "winners": 1,
            "opens_at": now - timedelta(days=5),
            "closes_at": now + timedelta(days=25),
        },
        targets={"major_breakthrough": 3, "new_product": 4},
    )
    challenges.transition_item(item=item, action="publish", actor=officer)
    for key, title, requested in (
        ("qiye", "伺服驱动芯片联合攻关（漓江智能装备揭榜）", 2_000_000),
        ("gaoxiao", "驱动芯片设计与验证（理工示范大学揭榜）", 1_800_000),
    ):
        leader = leaders[key]
        application = applications.create_application(actor=leader, direction=direction)
        form = application_form(
            today=today,
            title=title,
            years=direction.duration_years,
            requested=requested,
            self_raised=requested * 3,
            leader_birth=date(1976, 8, 1),
            leader_serial=application.pk,
            recommender_pk=demo_recommender(units, units[key]).pk,
            indicators={"major_breakthrough": 3, "new_product": 4, "input_output_ratio": 3},
            summary=TEXTS[title][0],
            research_content=TEXTS[title][1],
        )
        form["lead-rd_expense_last_year"] = ["6500000"]
        form.update(challenge_plan_form(item_pk=item.pk, title=title))
        applications.save_draft(application=application, actor=leader, data=MultiValueDict(form))
        if units[key].kind == "enterprise":
            applications.add_attachment(
                application=application,
                actor=leader,
                code="financial_statements",
                upload=_pdf("财务报表.pdf"),
            )
        recommender = User.objects.get(unit=demo_recommender(units, units[key]), role=Role.RECOMMENDER)
        for action, actor in (
            ("submit", leader),
            ("unit_approve", unit_admins[key]),
            ("recommend", recommender),
            ("formal_pass", officer),
        ):
            application = applications.transition(application=application, action=action, actor=actor)


def _pdf(name):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, MINIMAL_PDF, content_type="application/pdf")


def score_challenge_teams(*, review_round) -> None:
    """Every expert on a 揭榜 application scores it; the enterprise-led team scores higher."""
    tasks = Assignment.objects.filter(
        round=review_round,
        application__challenge_item__isnull=False,
        status__in=(AssignmentStatus.PUBLISHED, AssignmentStatus.CONFIRMED),
    ).select_related("expert__user", "application__lead_unit")
    for task in tasks.order_by("pk"):
        if task.status == AssignmentStatus.PUBLISHED:
            task = review.confirm_no_conflict(
                assignment=task, actor=task.expert.user, pledge=True, no_conflict=True
            )
        sheet = sheet_for(review_round, task.application)
        share = 0.9 if task.application.lead_unit.kind == "enterprise" else 0.75
        review.save_review(
            assignment=task,
            actor=task.expert.user,
            scores={c["code"]: round(c["max"] * share) for c in sheet.criteria},
            comments={c["code"]: f"{c['label']}：揭榜方案与榜单指标对应。" for c in sheet.criteria},
            overall_comment="揭榜方案完整，技术路线可行。",
            recommendation="fund" if share > 0.8 else "may_fund",
            submit=True,
        )


def sign_pledges(*, admin: User) -> None:
    """The winner's 军令状 confirmed by its 首席专家 and lead unit; its 任务书 then approved."""
    for pledge in Pledge.objects.select_related(
        "project__application__leader", "project__application__lead_unit"
    ):
        project = pledge.project
        leader = project.application.leader
        unit_admin = User.objects.get(role=Role.UNIT_ADMIN, unit=project.application.lead_unit)
        pledge = pledges.confirm(pledge=pledge, actor=leader, action="leader_confirm")
        pledges.confirm(pledge=pledge, actor=unit_admin, action="unit_confirm")
        projects.advance_contract(project=project, actor=leader, action="confirm")
        projects.advance_contract(project=project, actor=unit_admin, action="unit_approve")
        projects.advance_contract(project=project, actor=admin, action="approve")
