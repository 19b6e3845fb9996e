"""The guards of 专家评审: declared conflicts, due dates and extensions."""

from datetime import timedelta

import pytest
from django.utils import timezone

from stplan.errors import ServiceError
from stplan.review import selectors, services
from stplan.review.models import Assignment, AssignmentEvent, AssignmentStatus, Review, ReviewStatus
from tests.world import BureauAdminFactory, ExpertFactory, OfficerFactory, open_guide, passed_25, review_round

pytestmark = pytest.mark.django_db

CONFLICTED = "已声明与该项目存在利益冲突，不能评审该项目。"


@pytest.fixture
def guide():
    return open_guide()


def _published_round(guide, staff, **fields):
    current = review_round(guide, **fields)
    services.propose_assignment(review_round=current, actor=staff)
    services.publish(review_round=current, actor=staff)
    return current


def _full_marks(review_round_, application):
    sheet = selectors.sheet_for(review_round_, application)
    return (
        {c["code"]: c["max"] for c in sheet.criteria},
        {c["code"]: "意见" for c in sheet.criteria},
    )


def _score(task, *, submit=True, now=None):
    scores, comments = _full_marks(task.round, task.application)
    return services.save_review(
        assignment=task,
        actor=task.expert.user,
        scores=scores,
        comments=comments,
        overall_comment="",
        recommendation="fund",
        submit=submit,
        now=now,
    )


def _confirm(task, *, now=None):
    return services.confirm_no_conflict(
        assignment=task, actor=task.expert.user, pledge=True, no_conflict=True, now=now
    )


def _two_rounds(guide):
    """An application reviewed by the same two experts in two rounds; in the first both
    have submitted their scores, in the second the tasks are published."""
    staff = BureauAdminFactory()
    application = passed_25(guide)
    expert, other = ExpertFactory(), ExpertFactory()
    first = _published_round(guide, staff)
    for task in Assignment.objects.filter(round=first):
        _score(_confirm(task))
    second = _published_round(guide, staff, name="复评")
    return staff, application, expert, other, first, second


def _states(expert, application):
    return sorted(
        Assignment.objects.filter(expert=expert, application=application).values_list("round__name", "status")
    )


def _assert_withdrawn_everywhere(expert, application, first, second):
    assert _states(expert, application) == [
        ("复评", AssignmentStatus.WITHDRAWN),
        ("测试评审", AssignmentStatus.WITHDRAWN),
    ]
    revoked = Review.objects.get(assignment__round=first, assignment__expert=expert)
    assert revoked.status == ReviewStatus.REVOKED
    (standing,) = selectors.standings(first)
    assert (standing.application.pk, standing.expected, len(standing.totals)) == (application.pk, 1, 1)
    for task in Assignment.objects.filter(expert=expert, application=application):
        with pytest.raises(ServiceError, match=r"^这不是您的评审任务。$"):
            _confirm(task)
        with pytest.raises(ServiceError, match=r"^请先确认无利益冲突并签署保密承诺。$"):
            _score(task)


def test_conflict_declared_by_expert_withdraws_tasks_and_revokes_scores_in_every_round(guide):
    _staff, application, expert, other, first, second = _two_rounds(guide)
    task = Assignment.objects.get(round=second, expert=expert)
    services.declare_conflict(assignment=task, actor=expert.user, kind="relative", reason="与负责人是亲属")
    _assert_withdrawn_everywhere(expert, application, first, second)
    assert _states(other, application) == [
        ("复评", AssignmentStatus.PUBLISHED),
        ("测试评审", AssignmentStatus.SUBMITTED),
    ]


def test_conflict_registered_by_bureau_withdraws_tasks_and_revokes_scores_in_every_round(guide):
    staff, application, expert, _other, first, second = _two_rounds(guide)
    services.declare_conflict_by_bureau(
        actor=staff, expert=expert, application=application, kind="relative", reason="配偶"
    )
    _assert_withdrawn_everywhere(expert, application, first, second)
    revoke = AssignmentEvent.objects.get(assignment__round=first, assignment__expert=expert, action="revoke")
    assert (revoke.action, revoke.actor, revoke.reason, revoke.payload) == (
        "revoke",
        staff,
        "配偶",
        {"cause": "声明回避：配偶"},
    )


def test_conflicted_expert_is_not_assigned_in_a_later_round(guide):
    staff, application, expert, other, _first, _second = _two_rounds(guide)
    services.declare_conflict_by_bureau(
        actor=staff, expert=expert, application=application, kind="relative", reason="配偶"
    )
    third = review_round(guide, name="三评")
    services.propose_assignment(review_round=third, actor=staff)
    assert list(Assignment.objects.filter(round=third).values_list("expert", flat=True)) == [other.pk]


def test_task_past_due_refuses_confirm_and_submit_but_keeps_the_draft(guide):
    staff = BureauAdminFactory()
    passed_25(guide)
    ExpertFactory(), ExpertFactory()
    current = _published_round(guide, staff, due_at=timezone.now() + timedelta(days=1))
    late, early = Assignment.objects.filter(round=current).order_by("pk")
    _confirm(early)
    current.refresh_from_db()
    later = current.due_at + timedelta(seconds=1)
    with pytest.raises(
        ServiceError, match=r"^评审截止时间为.*已过期，不能再确认或提交。如需延期，请联系科技局经办人。$"
    ):
        _confirm(late, now=later)
    with pytest.raises(ServiceError, match=r"^评审截止时间为"):
        _score(early, now=later)
    draft = Review.objects.get(assignment=early)
    assert (draft.status, draft.total) == (ReviewStatus.DRAFT, 100)
    assert Assignment.objects.get(pk=early.pk).status == AssignmentStatus.CONFIRMED


def test_task_extended_by_section_officer_can_be_submitted(guide):
    staff = BureauAdminFactory()
    passed_25(guide)
    ExpertFactory(), ExpertFactory()
    current = _published_round(guide, staff, due_at=timezone.now() - timedelta(hours=1))
    task = Assignment.objects.filter(round=current).first()
    officer = OfficerFactory(section="国外智力引进与人才科")
    with pytest.raises(ServiceError, match=r"^请写明延期理由。$"):
        services.extend_task(
            assignment=task, actor=officer, due_at=timezone.now() + timedelta(days=1), reason=" "
        )
    with pytest.raises(ServiceError, match=r"^延长后的截止时间须晚于现在。$"):
        services.extend_task(
            assignment=task, actor=officer, due_at=timezone.now() - timedelta(minutes=1), reason="出差"
        )
    services.extend_task(
        assignment=task, actor=officer, due_at=timezone.now() + timedelta(days=1), reason="出差"
    )
    review = _score(_confirm(task))
    assert (review.status, Assignment.objects.get(pk=task.pk).status) == (
        ReviewStatus.SUBMITTED,
        AssignmentStatus.SUBMITTED,
    )


def test_task_extended_by_officer_of_another_section_is_refused(guide):
    staff = BureauAdminFactory()
    passed_25(guide)
    ExpertFactory(), ExpertFactory()
    current = _published_round(guide, staff)
    task = Assignment.objects.filter(round=current).first()
    with pytest.raises(ServiceError, match=r"^该评审批次不属于您所在科室管理的方向，您不能进行此操作。$"):
        services.extend_task(
            assignment=task,
            actor=OfficerFactory(section="农业农村科技科"),
            due_at=timezone.now() + timedelta(days=1),
            reason="出差",
        )
    assert Assignment.objects.get(pk=task.pk).due_at is None
    assert not AssignmentEvent.objects.filter(assignment=task, action="extend").exists()


def test_round_of_another_section_is_refused_and_bureau_admin_may(guide):
    staff = BureauAdminFactory()
    passed_25(guide)
    ExpertFactory(), ExpertFactory()
    current = review_round(guide)
    stranger = OfficerFactory(section="农业农村科技科")
    refused = "^该评审批次不属于您所在科室管理的方向，您不能进行此操作。$"
    with pytest.raises(ServiceError, match=refused):
        services.propose_assignment(review_round=current, actor=stranger)
    services.propose_assignment(review_round=current, actor=staff)
    with pytest.raises(ServiceError, match=refused):
        services.publish(review_round=current, actor=stranger)
    services.publish(review_round=current, actor=staff)
    with pytest.raises(ServiceError, match=refused):
        services.close_round(review_round=current, actor=stranger)
    assert services.close_round(review_round=current, actor=staff).status == "closed"
