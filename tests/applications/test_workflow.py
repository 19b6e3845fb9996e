"""The guards of 申报: who sees a withdrawn draft, the revision window after the call's
deadline, and 立项 that only a final funding plan performs."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from stplan.applications import selectors, services
from stplan.applications.models import ApplicationEvent, Status
from stplan.errors import ServiceError
from stplan.funding import services as funding
from tests.world import (
    BureauAdminFactory,
    OfficerFactory,
    RecommenderFactory,
    UnitAdminFactory,
    direction_25_form,
    draft_25,
    open_guide,
    scored_round,
    set_call_window,
    submitted_25,
)

pytestmark = pytest.mark.django_db

NO_PERMISSION = "您没有权限进行此操作。"


@pytest.fixture
def guide():
    return open_guide()


def _refused(call) -> str:
    with pytest.raises(ServiceError) as refused:
        call()
    return str(refused.value)


def _sees(user, application) -> tuple[bool, bool]:
    return (
        user.has_perm("applications.view_application", application),
        selectors.visible_applications(user).filter(pk=application.pk).exists(),
    )


def _people(application):
    return {
        "leader": application.leader,
        "unit_admin": UnitAdminFactory(unit=application.lead_unit),
        "recommender": RecommenderFactory(unit=application.recommender),
        "officer": OfficerFactory(section=application.direction.section),
        "bureau_admin": BureauAdminFactory(),
    }


# (a) A draft withdrawn before it was ever submitted stays its applicant's own.


def test_draft_withdrawn_before_submission_is_hidden_from_the_recommender_and_the_bureau(guide):
    application = draft_25(guide=guide)
    application = services.transition(application=application, action="withdraw", actor=application.leader)
    assert (application.status, application.version) == (Status.WITHDRAWN, 0)
    people = _people(application)
    assert {role: _sees(person, application) for role, person in people.items()} == {
        "leader": (True, True),
        "unit_admin": (True, True),
        "recommender": (False, False),
        "officer": (False, False),
        "bureau_admin": (False, False),
    }


def test_draft_is_hidden_from_the_recommender_and_the_bureau_before_submission(guide):
    application = draft_25(guide=guide)
    people = _people(application)
    assert {role: _sees(person, application) for role, person in people.items()} == {
        "leader": (True, True),
        "unit_admin": (True, True),
        "recommender": (False, False),
        "officer": (False, False),
        "bureau_admin": (False, False),
    }


def test_withdrawn_application_that_was_submitted_once_stays_visible_to_all_who_handled_it(guide):
    application = submitted_25(guide=guide)
    application = services.transition(
        application=application, action="withdraw", actor=application.leader, reason="重复申报"
    )
    assert (application.status, application.version) == (Status.WITHDRAWN, 1)
    people = _people(application)
    assert {role: _sees(person, application) for role, person in people.items()} == {
        role: (True, True) for role in people
    }


def test_withdrawn_draft_page_is_not_found_for_the_bureau(guide, client):
    application = draft_25(guide=guide)
    services.transition(application=application, action="withdraw", actor=application.leader)
    client.force_login(BureauAdminFactory())
    assert client.get(reverse("applications:detail", args=[application.pk])).status_code == 404
    client.force_login(application.leader)
    assert client.get(reverse("applications:detail", args=[application.pk])).status_code == 200


# (b) After the call's deadline a returned application has guide.revision_days to come back.


def _close(guide, *, ago: timedelta, revision_days: int = 7):
    guide.revision_days = revision_days
    guide.save(update_fields=["revision_days"])
    set_call_window(guide, closes_at=timezone.now() - ago)


def _return(application):
    admin = UnitAdminFactory(unit=application.lead_unit)
    return services.transition(application=application, action="unit_return", actor=admin, reason="补充附件")


def _late(application) -> str:
    application.refresh_from_db()
    # The later of the call's deadline and the end of the revision days after the return.
    guide = application.guide
    deadline = max(guide.closes_at, application.returned_at + timedelta(days=guide.revision_days))
    return (
        f"本批次申报已截止，退回修改的申报须在{timezone.localtime(deadline):%Y-%m-%d %H:%M}前重新提交，"
        "已超过期限。"
    )


def _resubmit(application):
    return services.transition(application=application, action="resubmit", actor=application.leader)


def test_returned_before_the_deadline_may_be_resubmitted_within_the_revision_days(guide):
    application = _return(submitted_25(guide=guide))
    _close(guide, ago=timedelta(minutes=1))
    assert _resubmit(application).status == Status.SUBMITTED


def test_returned_before_the_deadline_is_refused_outside_the_revision_days(guide):
    application = _return(submitted_25(guide=guide))
    _close(guide, ago=timedelta(minutes=1), revision_days=0)
    assert _refused(lambda: _resubmit(application)) == _late(application)
    application.refresh_from_db()
    assert (application.status, application.version) == (Status.RETURNED, 1)


def test_returned_long_before_the_deadline_counts_the_revision_days_from_the_return(guide):
    """Returned 10 days before the deadline with 7 revision days: the revision days ended
    before the call did, so right after the deadline resubmission is refused, naming the
    call's deadline."""
    application = _return(submitted_25(guide=guide))
    application.returned_at = timezone.now() - timedelta(days=11)
    application.save(update_fields=["returned_at"])
    _close(guide, ago=timedelta(days=1), revision_days=7)
    assert _refused(lambda: _resubmit(application)) == _late(application)


def test_returned_after_the_deadline_may_be_resubmitted_within_the_revision_days(guide):
    application = submitted_25(guide=guide)
    _close(guide, ago=timedelta(days=3))
    application = _return(application)
    assert application.returned_at > guide.closes_at
    assert _resubmit(application).status == Status.SUBMITTED


def test_returned_after_the_deadline_is_refused_outside_the_revision_days(guide):
    application = submitted_25(guide=guide)
    _close(guide, ago=timedelta(days=10))
    application = _return(application)
    application.returned_at = timezone.now() - timedelta(days=8)
    application.save(update_fields=["returned_at"])
    assert _refused(lambda: _resubmit(application)) == _late(application)
    assert list(
        ApplicationEvent.objects.filter(application=application).values_list("action", flat=True)
    ) == ["submit", "unit_return"]


def test_draft_cannot_be_submitted_after_the_deadline_whatever_the_revision_days(guide):
    application = draft_25(guide=guide)
    _close(guide, ago=timedelta(minutes=1), revision_days=30)
    message = _refused(
        lambda: services.transition(application=application, action="submit", actor=application.leader)
    )
    assert message == f"本批次申报已于{timezone.localtime(guide.closes_at):%Y-%m-%d %H:%M}截止，不能再提交。"


def _outside_the_window(guide):
    application = _return(submitted_25(guide=guide))
    _close(guide, ago=timedelta(minutes=1), revision_days=0)
    assert _refused(lambda: _resubmit(application)) == _late(application)
    application.refresh_from_db()
    return application


def test_returned_application_stays_editable_within_the_revision_days(guide):
    application = _return(submitted_25(guide=guide))
    _close(guide, ago=timedelta(minutes=1))
    leader = application.leader
    assert leader.has_perm("applications.change_application", application)
    form = direction_25_form(leader=leader, recommender=application.recommender, title="修改后的项目名称")
    services.save_draft(application=application, actor=leader, data=form)
    application.refresh_from_db()
    assert application.title == "修改后的项目名称"


def test_returned_application_outside_the_revision_window_can_no_longer_be_edited(guide):
    application = _outside_the_window(guide)
    leader = application.leader
    assert not leader.has_perm("applications.change_application", application)
    form = direction_25_form(leader=leader, recommender=application.recommender, title="期限后修改")
    with pytest.raises(ServiceError):
        services.save_draft(application=application, actor=leader, data=form)


# (c) 立项 is performed by a final funding plan and by nothing else.


def _funded(guide):
    current, (application,), staff = scored_round(guide, [90])
    plan = funding.create_plan(actor=staff, review_round=current, name="方案", total_budget=1_000_000)
    plan = funding.publicize(plan=plan, actor=staff)
    funding.finalize(plan=plan, actor=staff, now=plan.publicity_ends + timedelta(seconds=1))
    application.refresh_from_db()
    return application, staff


def test_application_in_a_final_plan_is_funded_with_its_event(guide):
    application, staff = _funded(guide)
    assert application.status == Status.FUNDED
    event = ApplicationEvent.objects.get(application=application, action="fund")
    assert (event.actor, event.from_status, event.to_status) == (staff, Status.PASSED, Status.FUNDED)
    assert event.payload["amount"] == 50_000


def test_fund_cannot_be_acted_on_through_the_act_url(guide, client):
    application, staff = _funded(guide)
    url = reverse("applications:act", args=[application.pk, "fund"])
    for person in (application.leader, staff, OfficerFactory(section=application.direction.section)):
        client.force_login(person)
        assert client.post(url).status_code == 403
    events = ApplicationEvent.objects.filter(application=application, action="fund")
    assert events.count() == 1


def test_fund_by_the_leader_through_the_service_is_refused(guide):
    application, _staff = _funded(guide)
    message = _refused(
        lambda: services.transition(application=application, action="fund", actor=application.leader)
    )
    assert message == NO_PERMISSION
    application.refresh_from_db()
    assert application.status == Status.FUNDED


def test_funded_application_cannot_be_funded_again_or_withdrawn(guide):
    application, staff = _funded(guide)
    assert (
        _refused(
            lambda: services.fund_application(application=application, actor=staff, plan="方案二", amount=1)
        )
        == "项目申报当前状态为“已立项”，不能立项。"
    )
    assert (
        _refused(
            lambda: services.transition(
                application=application, action="withdraw", actor=application.leader, reason="不做了"
            )
        )
        == "项目申报当前状态为“已立项”，不能撤回。"
    )
    assert services.available_actions(application=application, user=application.leader) == []
    assert services.available_actions(application=application, user=staff) == []


def test_draft_after_the_deadline_can_no_longer_be_edited(guide):
    application = draft_25(guide=guide)
    _close(guide, ago=timedelta(minutes=1), revision_days=30)
    leader = application.leader
    assert not leader.has_perm("applications.change_application", application)
    form = direction_25_form(leader=leader, recommender=application.recommender, title="截止后修改")
    with pytest.raises(ServiceError):
        services.save_draft(application=application, actor=leader, data=form)
