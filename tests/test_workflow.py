"""The workflow kernel (stplan/workflow.py), through the real workflow of 项目申报."""

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from stplan import workflow
from stplan.accounts.models import User
from stplan.accounts.services import transition_unit
from stplan.applications import services
from stplan.applications.models import Application, ApplicationEvent, Status
from stplan.applications.workflow import APPLICATION
from stplan.errors import ServiceError
from tests.world import (
    BureauAdminFactory,
    LeaderFactory,
    UnitAdminFactory,
    UnitFactory,
    draft_25,
    open_guide,
    pass_two_step,
    submitted_25,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def guide():
    return open_guide()


def _refused(call) -> str:
    with pytest.raises(ServiceError) as refused:
        call()
    return str(refused.value)


def _events(application) -> list[tuple[str, str, str]]:
    return list(
        ApplicationEvent.objects.filter(application=application)
        .order_by("at", "pk")
        .values_list("action", "from_status", "to_status")
    )


def test_perform_refuses_an_unknown_action(guide):
    application = submitted_25(guide=guide)
    admin = UnitAdminFactory(unit=application.lead_unit)
    message = _refused(lambda: workflow.perform(application, "approve_everything", actor=admin))
    assert message == "不支持的操作。"
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED
    assert _events(application) == [("submit", Status.DRAFT, Status.SUBMITTED)]


def test_perform_refuses_a_source_state_not_in_the_table(guide):
    application = draft_25(guide=guide)
    admin = UnitAdminFactory(unit=application.lead_unit)
    message = _refused(lambda: workflow.perform(application, "unit_approve", actor=admin))
    assert message == "项目申报当前状态为“草稿”，不能单位审核通过。"
    application.refresh_from_db()
    assert application.status == Status.DRAFT
    assert _events(application) == []


def test_perform_refuses_a_missing_required_reason(guide):
    application = submitted_25(guide=guide)
    admin = UnitAdminFactory(unit=application.lead_unit)
    for reason in ("", "   \n"):
        message = _refused(
            lambda reason=reason: services.transition(
                application=application, action="unit_return", actor=admin, reason=reason
            )
        )
        assert message == "单位退回修改须填写理由。"
    application.refresh_from_db()
    assert (application.status, application.returned_at) == (Status.SUBMITTED, None)
    assert _events(application) == [("submit", Status.DRAFT, Status.SUBMITTED)]


def test_perform_refuses_a_user_without_permission(guide):
    application = submitted_25(guide=guide)
    strangers = [
        UnitAdminFactory(),  # another unit's admin
        application.leader,  # the leader may not approve for the unit
        LeaderFactory(unit=application.lead_unit),
        BureauAdminFactory(),
    ]
    for stranger in strangers:
        message = _refused(
            lambda stranger=stranger: workflow.perform(application, "unit_approve", actor=stranger)
        )
        assert message == "您没有权限进行此操作。"
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED
    assert _events(application) == [("submit", Status.DRAFT, Status.SUBMITTED)]


def test_perform_refuses_an_anonymous_actor(guide):
    from django.contrib.auth.models import AnonymousUser

    application = submitted_25(guide=guide)
    for actor in (None, AnonymousUser()):
        message = _refused(lambda actor=actor: workflow.perform(application, "unit_approve", actor=actor))
        assert message == "您没有权限进行此操作。"


def test_perform_writes_exactly_one_event_with_its_fields(guide):
    application = submitted_25(guide=guide)
    admin = UnitAdminFactory(unit=application.lead_unit)
    before = ApplicationEvent.objects.count()
    moved = workflow.perform(
        application,
        "unit_approve",
        actor=admin,
        reason="  材料齐全，同意推荐。 ",
        payload={"checked": ["附件"]},
    )
    assert moved.status == Status.UNIT_APPROVED
    application.refresh_from_db()
    assert application.status == Status.UNIT_APPROVED
    assert ApplicationEvent.objects.count() == before + 1
    event = ApplicationEvent.objects.filter(application=application).latest("pk")
    assert (event.actor, event.action, event.from_status, event.to_status) == (
        admin,
        "unit_approve",
        Status.SUBMITTED,
        Status.UNIT_APPROVED,
    )
    assert event.reason == "材料齐全，同意推荐。"
    assert event.payload == {"checked": ["附件"]}
    assert event.version == 1
    assert (event.action_label, event.from_label, event.to_label) == (
        "单位审核通过",
        "已提交，待单位审核",
        "单位已审核，待推荐",
    )


def test_perform_adds_what_apply_returns_to_the_payload(guide):
    application = submitted_25(guide=guide)
    admin = UnitAdminFactory(unit=application.lead_unit)
    workflow.perform(
        application, "unit_approve", actor=admin, payload={"a": 1}, apply=lambda locked: {"b": "二"}
    )
    event = ApplicationEvent.objects.filter(application=application).latest("pk")
    assert event.payload == {"a": 1, "b": "二"}


def test_failing_apply_rolls_back_the_status_the_changes_and_the_event(guide):
    application = submitted_25(guide=guide)
    admin = UnitAdminFactory(unit=application.lead_unit)
    title = application.title
    before = ApplicationEvent.objects.count()

    def apply(locked: Application):
        locked.title = "不应保存的名称"
        locked.save(update_fields=["title"])
        raise ServiceError("核对不通过。")

    message = _refused(lambda: workflow.perform(application, "unit_approve", actor=admin, apply=apply))
    assert message == "核对不通过。"
    application.refresh_from_db()
    assert (application.status, application.title) == (Status.SUBMITTED, title)
    assert ApplicationEvent.objects.count() == before
    assert _events(application) == [("submit", Status.DRAFT, Status.SUBMITTED)]


def test_record_refuses_an_undeclared_action(guide):
    application = draft_25(guide=guide)
    with pytest.raises(ValueError, match=r"^Application: undeclared action 'edit'$"):
        workflow.record(application, "edit", actor=application.leader)
    assert _events(application) == []


def test_record_writes_a_declared_action_without_moving_the_status():
    unit = UnitFactory()
    admin = UnitAdminFactory(unit=unit)
    event = workflow.record(
        unit, "update", actor=admin, reason=" 地址变更 ", payload={"changes": {"地址": "新址"}}
    )
    assert (event.action, event.from_status, event.to_status, event.reason) == (
        "update",
        "approved",
        "approved",
        "地址变更",
    )
    assert event.moved is False
    unit.refresh_from_db()
    assert unit.status == "approved"


def test_history_is_oldest_first_with_chinese_labels_and_changes(guide):
    application = submitted_25(guide=guide)
    admin = UnitAdminFactory(unit=application.lead_unit)
    services.transition(application=application, action="unit_return", actor=admin, reason="补充附件")
    services.transition(application=application, action="resubmit", actor=application.leader)
    services.transition(
        application=application, action="withdraw", actor=application.leader, reason="重复申报"
    )
    rows = workflow.history(application)
    assert [(r.subject, r.actor, r.action, r.change, r.reason) for r in rows] == [
        ("项目申报", str(application.leader), "提交", "草稿 → 已提交，待单位审核", ""),
        ("项目申报", str(admin), "单位退回修改", "已提交，待单位审核 → 退回修改", "补充附件"),
        ("项目申报", str(application.leader), "重新提交", "退回修改 → 已提交，待单位审核", ""),
        ("项目申报", str(application.leader), "撤回", "已提交，待单位审核 → 已撤回", "重复申报"),
    ]
    assert [r.at for r in rows] == sorted(r.at for r in rows)
    assert rows[0].details[0][0] == "版本 SHA-256"


def _form_data(page) -> dict:
    form = page.context["adminform"].form
    return {name: ("" if form[name].value() is None else form[name].value()) for name in form.fields}


def test_history_includes_the_admins_changes_as_backend_edits(client):
    chief = User.objects.create_superuser("chief", password="pw-123456")
    unit = UnitFactory(approved=False)
    pass_two_step(client, chief)
    url = reverse("admin:accounts_unit_change", args=[unit.pk])
    response = client.post(url, {**_form_data(client.get(url)), "address": "桂林市临桂区新址路8号"})
    assert response.status_code == 302
    bureau = BureauAdminFactory()
    transition_unit(unit=unit, action="approve", actor=bureau)
    entry = LogEntry.objects.get(content_type=ContentType.objects.get_for_model(unit), object_id=str(unit.pk))
    rows = workflow.history(unit)
    assert [(r.subject, r.actor, r.action, r.change) for r in rows] == [
        ("单位", str(chief), "后台修改", ""),
        ("单位", str(bureau), "审核通过", "待审核 → 已通过"),
    ]
    assert rows[0].details == [("修改内容", entry.get_change_message())]
    assert rows[0].at == entry.action_time


def test_register_refuses_a_target_state_not_in_the_models_choices():
    broken = workflow.Workflow(
        model=Application,
        event_model=ApplicationEvent,
        subject="application",
        transitions={
            "archive": workflow.transition("归档", {Status.FUNDED}, "archived", None),
            "submit": APPLICATION.transitions["submit"],
        },
    )
    with pytest.raises(ValueError, match=r"^Application: unknown target states \['archived'\]$"):
        workflow.register(broken)
    assert workflow.workflow_of(Application) is APPLICATION
