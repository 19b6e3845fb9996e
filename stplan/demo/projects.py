"""The demo's 立项 and projects: a final plan from the demo round's ranking, projects at
different steps, and a second draft plan to compare with."""

from datetime import date

from stplan.accounts.models import Role, User
from stplan.funding import services as funding
from stplan.funding.models import FundingPlan
from stplan.projects import services as projects
from stplan.projects.selectors import projects_of_plan
from stplan.review.models import ReviewRound


def load_projects_demo(*, guide, admin: User) -> None:
    review_round = ReviewRound.objects.filter(guide=guide).first()
    if review_round is None or FundingPlan.objects.filter(guide=guide).exists():
        return
    # Enough for every fundable application of the six 方向 (135万元) and the winning 揭榜
    # team of 方向1 (200万元): with less, the optimiser funds many small projects instead.
    plan = funding.create_plan(
        actor=admin, review_round=review_round, name="2022年度立项方案（定稿）", total_budget=3_400_000
    )
    plan = funding.publicize(plan=plan, actor=admin, days=1)
    funding.finalize(plan=plan, actor=admin, now=plan.publicity_ends)  # the demo skips the wait
    # The 揭榜 project is taken through its 军令状 by the 揭榜挂帅 demo.
    created = [p for p in projects_of_plan(plan) if p.application.challenge_item_id is None]
    funding.create_plan(actor=admin, review_round=review_round, name="测算：预算50万元", total_budget=500_000)
    for index, project in enumerate(created):
        leader = project.application.leader
        if index == 0:
            continue  # 任务书 waiting for the 负责人
        projects.advance_contract(project=project, actor=leader, action="confirm")
        unit_admin = User.objects.get(role=Role.UNIT_ADMIN, unit=project.application.lead_unit)
        if index == 1:
            continue  # waiting for the unit
        projects.advance_contract(project=project, actor=unit_admin, action="unit_approve")
        projects.advance_contract(project=project, actor=admin, action="approve")
        first = project.tranches.get(sequence=1)
        projects.pay(tranche=first, actor=admin, paid_on=date.today(), voucher=f"GLCZ-{project.pk:04d}")
        if index == 2:
            project.refresh_from_db()
            projects.allow_early(
                project=project,
                actor=admin,
                what="report:1",
                reason="演示：提前提交第1年度报告，供查看审核流程。",
            )
            projects.submit_report(
                project=project,
                actor=leader,
                year=1,
                progress={row["metric"]: 0 for row in project.contract.content["indicators"]},
                narrative="完成技术方案设计和试验基地建设，开展第一轮试验。",
                spent=project.amount // 2,
            )
