from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from stplan.errors import ServiceError
from stplan.review import selectors, services
from stplan.review.models import Assignment, AssignmentStatus, DeclaredConflict, PairRule, Review
from stplan.review.selectors import aggregate
from tests.world import BureauAdminFactory, ExpertFactory, LeaderFactory, open_guide, passed_25, review_round

pytestmark = pytest.mark.django_db


@pytest.fixture
def guide():
    return open_guide()


@pytest.fixture
def staff():
    return BureauAdminFactory()


def _allowed(review_round_, application, expert):
    m = services.build_matrices(review_round_)
    i = [a.pk for a in m.applications].index(application.pk)
    j = [e.pk for e in m.experts].index(expert.pk)
    return bool(m.allowed[i, j]), m.reasons.get((application.pk, expert.pk), [])


def test_expert_of_the_lead_unit_is_conflicted(guide):
    application = passed_25(guide)
    expert = ExpertFactory(
        unit_credit_code=application.lead_unit.credit_code, unit_name=application.lead_unit.name
    )
    assert _allowed(review_round(guide), application, expert) == (
        False,
        ["专家所在单位是本项目的申报单位（牵头或合作）"],
    )


def test_expert_who_is_the_leader_or_a_team_member_is_conflicted(guide):
    application = passed_25(guide)
    form = application.versions.get().snapshot["form"]
    leader = ExpertFactory(id_number=form["leader-id_number"][0])
    member = ExpertFactory(id_number=form["team-0-id_number"][0].lower())
    current = review_round(guide)
    for expert in (leader, member):
        assert _allowed(current, application, expert) == (False, ["专家是本项目的负责人或团队成员"])


def test_applicant_exclusion_request_keeps_the_named_expert_away(guide):
    expert = ExpertFactory(user__full_name="赵建国", unit_name="广西大学")
    namesake = ExpertFactory(user__full_name="赵建国", unit_name="另一所大学")
    application = passed_25(guide, exclusions=(("赵建国", "广西大学", "学术争议"),))
    current = review_round(guide)
    assert _allowed(current, application, expert) == (False, ["申报人申请回避：学术争议"])
    assert _allowed(current, application, namesake) == (True, [])


def test_declared_conflict_is_hard(guide, staff):
    application = passed_25(guide)
    expert = ExpertFactory()
    services.declare_conflict_by_bureau(
        actor=staff, expert=expert, application=application, kind="relative", reason="配偶"
    )
    assert _allowed(review_round(guide), application, expert) == (False, ["已声明利益冲突"])


def test_assignment_gives_each_application_k_experts_without_conflicts_within_caps(guide, staff):
    applications = [passed_25(guide) for _ in range(3)]
    experts = [ExpertFactory(load_cap=2) for _ in range(4)]
    conflicted = ExpertFactory(unit_credit_code=applications[0].lead_unit.credit_code)
    current = services.propose_assignment(review_round=review_round(guide), actor=staff)
    pairs = list(Assignment.objects.filter(round=current).values_list("application_id", "expert_id"))
    assert len(pairs) == 6
    assert (applications[0].pk, conflicted.pk) not in pairs
    loads = {e.pk: sum(1 for _a, x in pairs if x == e.pk) for e in [*experts, conflicted]}
    assert all(load <= 2 for load in loads.values())
    assert current.solver_report["uncovered"] == []


def test_too_few_unconflicted_experts_is_reported_not_failed(guide, staff):
    application = passed_25(guide)
    ExpertFactory()
    ExpertFactory(unit_credit_code=application.lead_unit.credit_code)
    current = services.propose_assignment(review_round=review_round(guide), actor=staff)
    assert current.solver_report["uncovered"] == [
        {
            "application": application.pk,
            "number": application.number,
            "missing": 1,
            "reason": "回避后可用的专家只有1名，少于所需的2名。",
        }
    ]


def test_forbidden_pair_is_left_out_and_pinned_pair_kept(guide, staff):
    application = passed_25(guide)
    best = ExpertFactory(keywords="柔性传感材料 柔性传感材料研究")
    pinned = ExpertFactory(keywords="罗汉果 栽培")
    others = [ExpertFactory(keywords="柔性传感") for _ in range(2)]
    current = review_round(guide)
    services.set_pair_rule(
        review_round=current, actor=staff, application=application, expert=best, kind="forbid"
    )
    services.set_pair_rule(
        review_round=current, actor=staff, application=application, expert=pinned, kind="pin"
    )
    services.propose_assignment(review_round=current, actor=staff)
    chosen = set(Assignment.objects.filter(round=current).values_list("expert_id", flat=True))
    assert pinned.pk in chosen and best.pk not in chosen
    assert len(chosen & {o.pk for o in others}) == 1
    assert PairRule.objects.count() == 2


def test_outside_county_option_puts_one_expert_from_another_county(guide, staff):
    application = passed_25(guide)
    county = application.lead_unit.county
    local = [ExpertFactory(county=county, keywords="柔性传感材料研究") for _ in range(3)]
    remote = ExpertFactory(county="万秀区", keywords="无关")
    current = review_round(guide, require_outside_county=True)
    services.propose_assignment(review_round=current, actor=staff)
    chosen = set(Assignment.objects.filter(round=current).values_list("expert_id", flat=True))
    assert remote.pk in chosen
    assert len(chosen & {e.pk for e in local}) == 1


def test_publish_notifies_each_expert_once(guide, staff, django_capture_on_commit_callbacks):
    passed_25(guide)
    passed_25(guide)
    experts = [ExpertFactory() for _ in range(2)]
    current = services.propose_assignment(review_round=review_round(guide), actor=staff)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.publish(review_round=current, actor=staff) == 4
    assert sorted(m.to[0] for m in mail.outbox) == sorted(e.user.email for e in experts)
    assert set(Assignment.objects.values_list("status", flat=True)) == {AssignmentStatus.PUBLISHED}


def _published_task(guide, staff, **round_fields):
    passed_25(guide)
    for _ in range(3):
        ExpertFactory()
    current = services.propose_assignment(review_round=review_round(guide, **round_fields), actor=staff)
    services.publish(review_round=current, actor=staff)
    return Assignment.objects.filter(round=current).first()


def test_expert_must_confirm_no_conflict_and_pledge_before_reading(guide, staff):
    task = _published_task(guide, staff)
    expert = task.expert.user
    assert not expert.has_perm("review.read_application", task)
    with pytest.raises(ServiceError, match="请确认与本项目无利益冲突，并签署保密承诺。"):
        services.confirm_no_conflict(assignment=task, actor=expert, pledge=True, no_conflict=False)
    task = services.confirm_no_conflict(assignment=task, actor=expert, pledge=True, no_conflict=True)
    assert task.pledged_at is not None
    assert expert.has_perm("review.read_application", task)


def test_late_conflict_withdraws_the_task_and_resolving_fills_only_that_slot(guide, staff):
    task = _published_task(guide, staff)
    kept = Assignment.objects.exclude(pk=task.pk).get(round=task.round)
    services.declare_conflict(
        assignment=task, actor=task.expert.user, kind="collaborator", reason="合作发表论文"
    )
    task.refresh_from_db()
    assert task.status == AssignmentStatus.WITHDRAWN
    assert DeclaredConflict.objects.get().expert == task.expert
    services.propose_assignment(review_round=task.round, actor=staff)
    current = Assignment.objects.filter(round=task.round).exclude(status=AssignmentStatus.WITHDRAWN)
    assert set(current.values_list("expert_id", flat=True)) == {kept.expert_id} | (
        set(current.filter(status=AssignmentStatus.PROPOSED).values_list("expert_id", flat=True))
    )
    (new,) = current.filter(status=AssignmentStatus.PROPOSED)
    assert new.expert_id not in (task.expert_id, kept.expert_id)


def _confirmed(guide, staff, **round_fields):
    task = _published_task(guide, staff, **round_fields)
    return services.confirm_no_conflict(
        assignment=task, actor=task.expert.user, pledge=True, no_conflict=True
    )


def _full_scores(task, value=20):
    sheet = selectors.sheet_for(task.round, task.application)
    return {c["code"]: min(value, c["max"]) for c in sheet.criteria}, {
        c["code"]: "意见" for c in sheet.criteria
    }


def test_draft_review_keeps_partial_scores_and_submit_demands_everything(guide, staff):
    task = _confirmed(guide, staff)
    user = task.expert.user
    review = services.save_review(
        assignment=task,
        actor=user,
        scores={"talent": 30},
        comments={},
        overall_comment="",
        recommendation="",
        submit=False,
    )
    assert review.scores["talent"] == 30 and review.total is None and review.submitted_at is None
    with pytest.raises(ServiceError) as refused:
        services.save_review(
            assignment=task,
            actor=user,
            scores={"talent": 30},
            comments={},
            overall_comment="",
            recommendation="",
            submit=True,
        )
    assert str(refused.value) == (
        "请填写“申报人能力与潜力”的评审意见；请为“选题创新性”打分；请填写“选题创新性”的评审意见；"
        "请为“研究方案可行性”打分；请填写“研究方案可行性”的评审意见；请为“单位支持与配套”打分；"
        "请填写“单位支持与配套”的评审意见；请选择推荐意见。"
    )
    scores, comments = _full_scores(task)
    review = services.save_review(
        assignment=task,
        actor=user,
        scores=scores,
        comments=comments,
        overall_comment="好",
        recommendation="fund",
        submit=True,
    )
    task.refresh_from_db()
    assert (review.total, task.status) == (80, AssignmentStatus.SUBMITTED)
    with pytest.raises(ServiceError, match="评审意见已提交，不能修改。"):
        services.save_review(
            assignment=task,
            actor=user,
            scores=scores,
            comments=comments,
            overall_comment="",
            recommendation="fund",
            submit=True,
        )


def test_refused_submission_keeps_what_the_expert_typed(guide, staff):
    task = _confirmed(guide, staff)
    with pytest.raises(ServiceError, match="请选择推荐意见"):
        services.save_review(
            assignment=task,
            actor=task.expert.user,
            scores={"talent": 31},
            comments={"talent": "基础扎实"},
            overall_comment="总体良好",
            recommendation="",
            submit=True,
        )
    review = Review.objects.get(assignment=task)
    assert (review.scores["talent"], review.comments["talent"], review.overall_comment) == (
        31,
        "基础扎实",
        "总体良好",
    )
    assert review.submitted_at is None


def test_score_out_of_range_is_refused(guide, staff):
    task = _confirmed(guide, staff)
    with pytest.raises(ServiceError, match="“申报人能力与潜力”的得分须在0到35之间"):
        services.save_review(
            assignment=task,
            actor=task.expert.user,
            scores={"talent": 36},
            comments={},
            overall_comment="",
            recommendation="",
            submit=False,
        )


def test_sheet_for_talent_directions_is_the_programme_sheet(guide, staff):
    task = _confirmed(guide, staff)
    assert selectors.sheet_for(task.round, task.application).name == "人才项目评分表"


@pytest.mark.parametrize(
    ("totals", "method", "expected"),
    [
        ([60, 70, 80, 90, 100], "trimmed_mean", 80.0),
        ([60, 70, 80, 100, 100], "trimmed_mean", 250 / 3),
        ([60, 70, 80, 90], "trimmed_mean", 75.0),
        ([60, 70, 80, 90], "mean", 75.0),
        ([60, 70, 95], "median", 70.0),
        ([], "mean", None),
    ],
)
def test_aggregate(totals, method, expected):
    assert aggregate(totals, method) == expected


def _score(task, total_per_criterion, recommendation="fund"):
    task = services.confirm_no_conflict(
        assignment=task, actor=task.expert.user, pledge=True, no_conflict=True
    )
    scores, comments = _full_scores(task, total_per_criterion)
    services.save_review(
        assignment=task,
        actor=task.expert.user,
        scores=scores,
        comments=comments,
        overall_comment="",
        recommendation=recommendation,
        submit=True,
    )


def test_ranking_flags_disagreement_and_breaks_ties_by_median_then_fund_votes(guide, staff):
    first, second = passed_25(guide), passed_25(guide)
    for _ in range(4):
        ExpertFactory()
    current = services.propose_assignment(
        review_round=review_round(guide, aggregation="mean", disagreement_threshold=10), actor=staff
    )
    services.publish(review_round=current, actor=staff)
    a1, a2 = Assignment.objects.filter(application=first).order_by("pk")
    b1, b2 = Assignment.objects.filter(application=second).order_by("pk")
    _score(a1, 10)  # 40
    _score(a2, 20)  # 80: mean 60, spread 20
    _score(b1, 15, "may_fund")  # 60
    _score(b2, 15, "may_fund")  # 60: mean 60, spread 0
    standings = selectors.standings(current)
    assert [(s.application, s.score, s.disagreement) for s in standings] == [
        (first, 60.0, True),
        (second, 60.0, False),
    ]
    assert [s.rank_in_direction for s in standings] == [1, 2]
    assert standings[0].median == standings[1].median == 60.0
    assert standings[0].fund_votes == 2


def test_reminders_go_to_experts_with_overdue_tasks_only(guide, staff, django_capture_on_commit_callbacks):
    task = _published_task(guide, staff, due_at=timezone.now() - timedelta(hours=1))
    with django_capture_on_commit_callbacks(execute=True):
        assert services.send_reminders() == 2
    assert task.expert.user.email in [m.to[0] for m in mail.outbox]
    assert mail.outbox[-1].subject == "【科技计划项目管理系统】评审任务已逾期，请尽快完成"


def test_only_bureau_staff_may_run_the_assignment(guide):
    with pytest.raises(ServiceError, match="只有科技局经办人"):
        services.propose_assignment(review_round=review_round(guide), actor=LeaderFactory())


def test_expert_history_records_each_change(staff):
    expert = ExpertFactory()
    services.save_expert(actor=staff, expert=expert, values={"load_cap": 8, "enabled": False})
    (event,) = expert.events.all()
    assert event.changes == {"load_cap": [15, 8], "enabled": [True, False]}
    assert Review.objects.count() == 0


def test_kept_task_whose_pair_is_now_conflicted_is_withdrawn_on_resolve(guide, staff):
    task = _confirmed(guide, staff)
    services.save_expert(
        actor=staff,
        expert=task.expert,
        values={
            "unit_credit_code": task.application.lead_unit.credit_code,
            "unit_name": task.application.lead_unit.name,
        },
    )
    services.propose_assignment(review_round=task.round, actor=staff)
    task.refresh_from_db()
    assert task.status == AssignmentStatus.WITHDRAWN
    assert not task.expert.user.has_perm("review.read_application", task)
    active = Assignment.objects.filter(round=task.round, application=task.application).exclude(
        status="withdrawn"
    )
    assert active.count() == 2


def test_kept_task_of_an_expert_who_left_the_pool_still_counts(guide, staff):
    task = _published_task(guide, staff)
    services.save_expert(actor=staff, expert=task.expert, values={"available": False})
    services.propose_assignment(review_round=task.round, actor=staff)
    active = Assignment.objects.filter(round=task.round, application=task.application).exclude(
        status="withdrawn"
    )
    assert active.count() == 2


def test_bureau_conflict_after_submission_withdraws_the_score_from_the_ranking(guide, staff):
    task = _confirmed(guide, staff)
    scores, comments = _full_scores(task)
    services.save_review(
        assignment=task,
        actor=task.expert.user,
        scores=scores,
        comments=comments,
        overall_comment="",
        recommendation="fund",
        submit=True,
    )
    services.declare_conflict_by_bureau(
        actor=staff, expert=task.expert, application=task.application, kind="relative", reason="配偶"
    )
    task.refresh_from_db()
    assert task.status == AssignmentStatus.WITHDRAWN
    (standing,) = selectors.standings(task.round)
    assert standing.totals == []


def test_closed_round_takes_no_more_scores_and_is_not_published_again(guide, staff):
    task = _confirmed(guide, staff)
    services.close_round(review_round=task.round, actor=staff)
    scores, comments = _full_scores(task)
    with pytest.raises(ServiceError, match="评审已结束"):
        services.save_review(
            assignment=task,
            actor=task.expert.user,
            scores=scores,
            comments=comments,
            overall_comment="",
            recommendation="fund",
            submit=True,
        )
    with pytest.raises(ServiceError, match="评审已结束"):
        services.publish(review_round=task.round, actor=staff)
    assert list(task.round.events.values_list("action", "from_status", "to_status")) == [
        ("solve", "draft", "draft"),
        ("publish", "draft", "published"),
        ("close", "published", "closed"),
    ]


def test_unit_cap_holds_when_one_expert_of_the_unit_gave_no_county(guide, staff):
    application = passed_25(guide)
    county = application.lead_unit.county
    ExpertFactory(unit_name="同一研究院", county=county, keywords="柔性传感材料研究")
    ExpertFactory(unit_name="同一研究院", county="", keywords="柔性传感材料研究")
    ExpertFactory(unit_name="另一研究院", county="万秀区", keywords="无关")
    current = review_round(guide, require_outside_county=True, max_experts_per_unit=1)
    services.propose_assignment(review_round=current, actor=staff)
    units = list(Assignment.objects.filter(round=current).values_list("expert__unit_name", flat=True))
    assert sorted(units) == sorted(["同一研究院", "另一研究院"])
