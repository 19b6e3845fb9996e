"""The audit trail is append-only in Python, in the database, and in the admin: history rows
(every concrete AppendOnly model), the admin's own log and submitted scores cannot be
changed or deleted, whichever way is tried."""

import re

import pytest
from django.contrib import admin
from django.contrib.admin.models import ADDITION, CHANGE, LogEntry
from django.core.management import call_command
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.db.models import ProtectedError
from django.test import Client, RequestFactory
from django.urls import reverse

from stplan.accounts import services as account_services
from stplan.accounts.models import Unit, UnitEvent, User
from stplan.applications.models import ApplicationEvent, ApplicationVersion
from stplan.audit import FROZEN_WHEN, AppendOnly, HistoryIsAppendOnly, triggers
from stplan.audit.admin import ReadOnlyAdmin, WorkflowAdmin, check_history_admins, register_append_only
from stplan.audit.models import append_only_models, check_append_only_managers
from stplan.review import selectors as review_selectors
from stplan.review import services as review_services
from stplan.review.models import (
    Assignment,
    AssignmentEvent,
    AssignmentStatus,
    ExpertEvent,
    FieldOfStudy,
    Review,
    ReviewRound,
    RoundEvent,
    ScoreSheet,
)
from tests.factories import credit_code
from tests.world import (
    BureauAdminFactory,
    ExpertFactory,
    UnitFactory,
    open_guide,
    pass_two_step,
    passed_25,
    review_round,
    submitted_25,
)

pytestmark = pytest.mark.django_db


# --- rows made the way the system makes them -------------------------------------------


def _published_task() -> Assignment:
    """A published 评审任务 of a published round: a RoundEvent and an AssignmentEvent."""
    guide = open_guide()
    staff = BureauAdminFactory()
    passed_25(guide)
    for _ in range(3):
        ExpertFactory()
    current = review_services.propose_assignment(review_round=review_round(guide), actor=staff)
    review_services.publish(review_round=current, actor=staff)
    return Assignment.objects.filter(round=current).first()


def _review(*, submit: bool) -> Review:
    task = _published_task()
    task = review_services.confirm_no_conflict(
        assignment=task, actor=task.expert.user, pledge=True, no_conflict=True
    )
    sheet = review_selectors.sheet_for(task.round, task.application)
    return review_services.save_review(
        assignment=task,
        actor=task.expert.user,
        scores={c["code"]: c["max"] for c in sheet.criteria},
        comments={c["code"]: "意见" for c in sheet.criteria},
        overall_comment="",
        recommendation="fund",
        submit=submit,
    )


def _application_event():
    return ApplicationEvent.objects.get(application=submitted_25(guide=open_guide()))


def _application_version():
    return ApplicationVersion.objects.get(application=submitted_25(guide=open_guide()))


def _unit_event():
    user = account_services.register_unit(
        unit_fields={
            "name": "桂林某科技有限公司",
            "credit_code": credit_code(),
            "kind": "enterprise",
            "county": "七星区",
            "address": "七星路1号",
            "contact_name": "王",
            "contact_phone": "0773-1",
            "contact_email": "a@b.cn",
        },
        username="qiye-admin",
        password="Guilin-2022-pass",
        full_name="王主任",
        email="admin@qiye.cn",
        phone="138",
    )
    return UnitEvent.objects.get(unit=user.unit)


def _expert_event():
    expert = review_services.save_expert(
        actor=BureauAdminFactory(),
        expert=None,
        values={"unit_name": "广西师范大学", "title": "教授"},
        user_values={"username": "zhuanjia", "full_name": "李教授"},
    )
    return ExpertEvent.objects.get(expert=expert)


def _round_event():
    return RoundEvent.objects.get(review_round=_published_task().round, action="publish")


def _assignment_event():
    return AssignmentEvent.objects.get(assignment=_published_task())


# kind: (how the row is made, a field to tamper with, the tampered value)
HISTORY = {
    "application_event": (_application_event, "reason", "篡改"),
    "application_version": (_application_version, "sha256", "0" * 64),
    "unit_event": (_unit_event, "reason", "篡改"),
    "expert_event": (_expert_event, "action", "delete"),
    "round_event": (_round_event, "to_status", "draft"),
    "assignment_event": (_assignment_event, "reason", "篡改"),
}


@pytest.fixture(params=list(HISTORY))
def history(request):
    make, field, tampered = HISTORY[request.param]
    row = make()
    assert getattr(row, field) != tampered
    return row, field, tampered


def _stored(row, field):
    return getattr(type(row).objects.get(pk=row.pk), field)


def _raw(sql: str, params) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def _raw_update(row, field, value) -> None:
    quote = connection.ops.quote_name
    meta = row._meta
    _raw(
        f"UPDATE {quote(meta.db_table)} SET {quote(meta.get_field(field).column)} = %s "
        f"WHERE {quote(meta.pk.column)} = %s",
        [value, row.pk],
    )


def _raw_delete(row) -> None:
    quote = connection.ops.quote_name
    _raw(f"DELETE FROM {quote(row._meta.db_table)} WHERE {quote(row._meta.pk.column)} = %s", [row.pk])


# --- history tables: every way of changing or deleting a row is refused ----------------


def test_history_row_save_is_refused(history):
    row, field, tampered = history
    original = getattr(row, field)
    setattr(row, field, tampered)
    with pytest.raises(HistoryIsAppendOnly, match=f"^{row._meta.verbose_name}不可修改$"):
        row.save()
    assert _stored(row, field) == original


def test_history_row_delete_is_refused(history):
    row, _, _ = history
    with pytest.raises(HistoryIsAppendOnly, match=f"^{row._meta.verbose_name}不可删除$"):
        row.delete()
    assert type(row).objects.filter(pk=row.pk).exists()


def test_history_queryset_update_is_refused(history):
    row, field, tampered = history
    with pytest.raises(HistoryIsAppendOnly, match=f"^{row._meta.verbose_name}不可修改$"):
        type(row).objects.filter(pk=row.pk).update(**{field: tampered})
    assert _stored(row, field) == getattr(row, field)


def test_history_queryset_bulk_update_is_refused(history):
    row, field, tampered = history
    original = getattr(row, field)
    setattr(row, field, tampered)
    with pytest.raises(HistoryIsAppendOnly, match=f"^{row._meta.verbose_name}不可修改$"):
        type(row).objects.bulk_update([row], [field])
    assert _stored(row, field) == original


def test_history_queryset_delete_is_refused(history):
    row, _, _ = history
    with pytest.raises(HistoryIsAppendOnly, match=f"^{row._meta.verbose_name}不可删除$"):
        type(row).objects.filter(pk=row.pk).delete()
    with pytest.raises(HistoryIsAppendOnly, match=f"^{row._meta.verbose_name}不可删除$"):
        type(row).objects.all().delete()
    assert type(row).objects.filter(pk=row.pk).exists()


def test_history_raw_sql_update_is_refused_by_the_trigger(history):
    row, field, tampered = history
    table = row._meta.db_table
    with (
        pytest.raises(DatabaseError, match=re.escape(f"{row._meta.verbose_name}不可修改（{table}）")),
        transaction.atomic(),
    ):
        _raw_update(row, field, tampered)
    assert _stored(row, field) == getattr(row, field)


def test_history_raw_sql_delete_is_refused_by_the_trigger(history):
    row, _, _ = history
    table = row._meta.db_table
    with (
        pytest.raises(DatabaseError, match=re.escape(f"{row._meta.verbose_name}不可删除（{table}）")),
        transaction.atomic(),
    ):
        _raw_delete(row)
    assert type(row).objects.filter(pk=row.pk).exists()


def test_history_upsert_is_refused():
    row = _application_event()
    copy = ApplicationEvent(**{f.attname: getattr(row, f.attname) for f in row._meta.concrete_fields})
    with pytest.raises(HistoryIsAppendOnly, match=r"^申报操作记录不可修改$"):
        ApplicationEvent.objects.bulk_create(
            [copy], update_conflicts=True, update_fields=["reason"], unique_fields=["id"]
        )


def test_cascade_delete_reaching_history_is_refused():
    task = _published_task()
    (event,) = task.events.all()
    with pytest.raises(ProtectedError), transaction.atomic():
        task.delete()
    assert Assignment.objects.filter(pk=task.pk).exists()
    assert AssignmentEvent.objects.filter(pk=event.pk).exists()


def test_cascade_delete_without_history_rows_still_works():
    # Proposed pairs have no history yet: re-solving replaces them by a cascading delete.
    guide = open_guide()
    staff = BureauAdminFactory()
    passed_25(guide)
    for _ in range(3):
        ExpertFactory()
    current = review_services.propose_assignment(review_round=review_round(guide), actor=staff)
    first = set(Assignment.objects.filter(round=current).values_list("pk", flat=True))
    review_services.propose_assignment(review_round=current, actor=staff)
    second = set(Assignment.objects.filter(round=current).values_list("pk", flat=True))
    assert (len(first), len(second), first & second) == (2, 2, set())
    assert set(Assignment.objects.values_list("status", flat=True)) == {AssignmentStatus.PROPOSED}


# --- the triggers are in the database -------------------------------------------------


def _triggers_by_table() -> dict[str, list[tuple[str, bool]]]:
    """table: sorted (operation, has a WHEN condition) of every trigger, read from the
    database's catalogue."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT tbl_name, sql FROM sqlite_master WHERE type = 'trigger'")
        else:
            cursor.execute(
                "SELECT c.relname, pg_get_triggerdef(t.oid) FROM pg_trigger t "
                "JOIN pg_class c ON c.oid = t.tgrelid WHERE NOT t.tgisinternal"
            )
        found: dict[str, list[tuple[str, bool]]] = {}
        for table, sql in cursor.fetchall():
            sql = " ".join(sql.upper().split())
            operation = re.search(r" BEFORE (UPDATE|DELETE) ON ", sql).group(1)
            found.setdefault(table, []).append((operation, "FOR EACH ROW WHEN" in sql))
    return {table: sorted(ops) for table, ops in found.items()}


def test_append_only_models_are_found_in_the_app_registry():
    labels = {model._meta.label for model in append_only_models()}
    assert labels >= {
        "accounts.UnitEvent",
        "applications.ApplicationEvent",
        "applications.ApplicationVersion",
        "review.ExpertEvent",
        "review.RoundEvent",
        "review.AssignmentEvent",
        "funding.PlanEvent",
        "projects.ProjectEvent",
        "challenges.NeedEvent",
        "challenges.ChallengeItemEvent",
        "challenges.ListVersion",
    }
    assert all(issubclass(model, AppendOnly) and not model._meta.abstract for model in append_only_models())


def test_append_only_managers_keep_the_queryset_guards():
    assert check_append_only_managers() == []
    for model in append_only_models():
        with pytest.raises(HistoryIsAppendOnly, match=f"^{model._meta.verbose_name}不可删除$"):
            model.objects.none().delete()


def test_every_append_only_table_has_update_and_delete_triggers():
    found = _triggers_by_table()
    for model in append_only_models():
        assert found.get(model._meta.db_table) == [("DELETE", False), ("UPDATE", False)], model._meta.label


def test_admin_log_and_frozen_tables_have_their_triggers():
    found = _triggers_by_table()
    assert found["django_admin_log"] == [("DELETE", False), ("UPDATE", False)]
    assert FROZEN_WHEN == {
        "review.Review": "OLD.submitted_at IS NOT NULL",
        "projects.AcceptanceReview": "OLD.submitted_at IS NOT NULL",
    }
    assert found["review_review"] == [("DELETE", True), ("UPDATE", True)]
    assert found["projects_acceptancereview"] == [("DELETE", True), ("UPDATE", True)]


def test_installing_the_triggers_again_changes_nothing():
    before = triggers.installed(connection)
    installed = triggers.install(connection)
    triggers.install(connection)
    assert triggers.installed(connection) == before
    assert sorted((guard.name, guard.table) for guard in installed) == before
    assert len(before) == 2 * len(append_only_models()) + 6


# --- the admin's log and submitted scores ----------------------------------------------


@pytest.fixture
def superuser():
    return User.objects.create_superuser("chief", password="pw-123456")


@pytest.fixture
def chief_client(client, superuser):
    pass_two_step(client, superuser)
    return client


def test_admin_edit_is_logged_and_its_log_entry_cannot_be_rewritten(chief_client, superuser):
    response = chief_client.post(
        reverse("admin:taxonomy_fieldofstudy_add"), {"code": "TEST-01", "name": "材料科学", "parent": ""}
    )
    assert response.status_code == 302
    entry = LogEntry.objects.get(object_id=str(FieldOfStudy.objects.get(code="TEST-01").pk))
    assert (entry.user, entry.action_flag) == (superuser, ADDITION)
    with pytest.raises(DatabaseError, match="不可修改（django_admin_log）"), transaction.atomic():
        _raw("UPDATE django_admin_log SET user_id = %s WHERE id = %s", [BureauAdminFactory().pk, entry.pk])
    with pytest.raises(DatabaseError, match="不可删除（django_admin_log）"), transaction.atomic():
        _raw("DELETE FROM django_admin_log WHERE id = %s", [entry.pk])
    with pytest.raises(IntegrityError, match="不可删除（django_admin_log）"), transaction.atomic():
        LogEntry.objects.filter(pk=entry.pk).delete()
    assert LogEntry.objects.get(pk=entry.pk).user == superuser


def test_submitted_review_cannot_be_changed_by_raw_sql():
    review = _review(submit=True)
    assert review.submitted_at is not None
    with (
        pytest.raises(DatabaseError, match=re.escape("评审意见已锁定，不可修改（review_review")),
        transaction.atomic(),
    ):
        _raw("UPDATE review_review SET total = %s WHERE id = %s", [1, review.pk])
    with (
        pytest.raises(DatabaseError, match=re.escape("评审意见已锁定，不可删除（review_review")),
        transaction.atomic(),
    ):
        _raw("DELETE FROM review_review WHERE id = %s", [review.pk])
    assert Review.objects.get(pk=review.pk).total == review.total


def test_submitted_review_cannot_be_changed_through_the_orm():
    review = _review(submit=True)
    with pytest.raises(IntegrityError, match="评审意见已锁定，不可修改"), transaction.atomic():
        Review.objects.filter(pk=review.pk).update(submitted_at=None)
    review.total = 1
    with pytest.raises(IntegrityError, match="评审意见已锁定，不可修改"), transaction.atomic():
        review.save()
    assert Review.objects.get(pk=review.pk).submitted_at == review.submitted_at


def test_draft_review_can_be_changed_by_raw_sql():
    review = _review(submit=False)
    assert review.submitted_at is None
    with transaction.atomic():
        _raw("UPDATE review_review SET overall_comment = %s WHERE id = %s", ["仍在修改", review.pk])
    assert Review.objects.get(pk=review.pk).overall_comment == "仍在修改"


# --- flush (test teardown) -------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_flush_empties_history_and_keeps_the_triggers():
    _review(submit=True)
    before = triggers.installed(connection)
    assert AssignmentEvent.objects.exists()
    call_command("flush", interactive=False, verbosity=0)
    assert (AssignmentEvent.objects.count(), Review.objects.count(), ReviewRound.objects.count()) == (0, 0, 0)
    assert triggers.installed(connection) == before


# --- the admin -------------------------------------------------------------------------


def _request(user):
    request = RequestFactory().get("/admin/")
    request.user = user
    return request


def test_every_history_model_is_registered_view_only(chief_client, superuser):
    assert check_history_admins() == []
    request = _request(superuser)
    for model in append_only_models():
        model_admin = admin.site.get_model_admin(model)
        permissions = (
            model_admin.has_view_permission(request),
            model_admin.has_add_permission(request),
            model_admin.has_change_permission(request),
            model_admin.has_delete_permission(request),
        )
        assert permissions == (True, False, False, False), model._meta.label
        opts = model._meta
        changelist = chief_client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
        assert changelist.status_code == 200, model._meta.label


def test_history_add_page_is_forbidden(chief_client):
    assert chief_client.get(reverse("admin:applications_applicationevent_add")).status_code == 403
    assert chief_client.get(reverse("admin:accounts_unitevent_add")).status_code == 403


def test_history_change_page_shows_the_row_and_refuses_a_post(chief_client):
    event = _application_event()
    url = reverse("admin:applications_applicationevent_change", args=[event.pk])
    page = chief_client.get(url)
    assert (page.status_code, page.context["has_change_permission"]) == (200, False)
    assert 'name="_save"' not in page.content.decode()
    assert chief_client.post(url, {"reason": "篡改"}).status_code == 403
    delete = reverse("admin:applications_applicationevent_delete", args=[event.pk])
    assert chief_client.post(delete, {"post": "yes"}).status_code == 403
    assert ApplicationEvent.objects.get(pk=event.pk).reason == event.reason


def _form_data(page) -> dict:
    form = page.context["adminform"].form
    return {name: ("" if form[name].value() is None else form[name].value()) for name in form.fields}


def test_unit_status_posted_to_the_admin_does_not_change_it(chief_client, superuser):
    unit = UnitFactory(approved=False)
    url = reverse("admin:accounts_unit_change", args=[unit.pk])
    page = chief_client.get(url)
    assert "status" not in page.context["adminform"].form.fields
    assert "review_reason" not in page.context["adminform"].form.fields
    data = {**_form_data(page), "recommender_kind": "department", "status": "approved", "review_reason": "x"}
    response = chief_client.post(url, data)
    assert response.status_code == 302
    unit.refresh_from_db()
    assert (unit.recommender_kind, unit.status, unit.review_reason) == ("department", "pending", "")
    entry = LogEntry.objects.get(object_id=str(unit.pk), content_type__model="unit")
    assert (entry.user, entry.action_flag) == (superuser, CHANGE)


def test_workflow_models_have_read_only_states_and_no_add_or_delete(superuser):
    request = _request(superuser)
    expected = {
        Unit: ["status", "review_reason"],
        ReviewRound: ["status", "solver_report"],
        Assignment: ["status", "round", "application", "expert", "pledged_at"],
    }
    for model, fields in expected.items():
        model_admin = admin.site.get_model_admin(model)
        assert list(model_admin.get_readonly_fields(request)) == fields, model._meta.label
        assert (model_admin.has_add_permission(request), model_admin.has_delete_permission(request)) == (
            False,
            False,
        ), model._meta.label


def test_assignment_admin_refuses_add_and_delete(chief_client):
    task = _published_task()
    assert chief_client.get(reverse("admin:review_assignment_add")).status_code == 403
    delete = reverse("admin:review_assignment_delete", args=[task.pk])
    assert chief_client.post(delete, {"post": "yes"}).status_code == 403
    page = chief_client.get(reverse("admin:review_assignment_change", args=[task.pk]))
    assert page.status_code == 200
    assert "status" not in page.context["adminform"].form.fields
    assert Assignment.objects.get(pk=task.pk).status == AssignmentStatus.PUBLISHED


def test_review_change_page_is_read_only(chief_client):
    review = _review(submit=True)
    url = reverse("admin:review_review_change", args=[review.pk])
    page = chief_client.get(url)
    assert (page.status_code, page.context["has_change_permission"]) == (200, False)
    assert 'name="_save"' not in page.content.decode()
    assert chief_client.post(url, {"overall_comment": "改"}).status_code == 403
    assert chief_client.get(reverse("admin:review_review_add")).status_code == 403
    delete = reverse("admin:review_review_delete", args=[review.pk])
    assert chief_client.post(delete, {"post": "yes"}).status_code == 403


def test_what_administrators_maintain_stays_editable(chief_client, superuser):
    guide = open_guide()
    request = _request(superuser)
    editable = {
        "guides_guide": (guide.pk, {"revision_days"}),
        "accounts_unit": (UnitFactory().pk, {"recommender_kind"}),
        "accounts_user": (superuser.pk, {"role"}),
    }
    for name, (pk, fields) in editable.items():
        page = chief_client.get(reverse(f"admin:{name}_change", args=[pk]))
        assert fields <= set(page.context["adminform"].form.fields), name
    for model in (ScoreSheet, FieldOfStudy):
        model_admin = admin.site.get_model_admin(model)
        assert (model_admin.has_add_permission(request), model_admin.has_change_permission(request)) == (
            True,
            True,
        ), model._meta.label


def test_new_admin_site_gets_every_history_model_read_only():
    site = admin.AdminSite(name="fresh")
    register_append_only(site)
    registered = {model for model in site._registry if isinstance(site.get_model_admin(model), ReadOnlyAdmin)}
    assert registered == {*append_only_models(), LogEntry}
    assert check_history_admins(site=site) == []


def test_history_model_registered_with_an_editable_admin_is_reported():
    site = admin.AdminSite(name="careless")
    site.register(UnitEvent)
    (error,) = check_history_admins(site=site)
    assert (error.id, error.msg) == (
        "audit.E001",
        "accounts.UnitEvent is append-only, but its admin ModelAdmin is not a stplan.audit.admin.ReadOnlyAdmin.",
    )


def test_workflow_admin_naming_an_unknown_field_is_reported():
    class TypoAdmin(WorkflowAdmin):
        readonly_workflow_fields = ("review_reasons",)

    errors = [e for e in TypoAdmin(Unit, admin.AdminSite(name="typo")).check() if e.id.startswith("audit.")]
    assert [(e.id, e.msg) for e in errors] == [
        (
            "audit.E002",
            "readonly_workflow_fields names 'review_reasons', which is not a field of accounts.Unit.",
        )
    ]


def test_admin_refuses_to_delete_a_user_whose_admin_log_would_go_with_it(chief_client):
    colleague = User.objects.create_superuser("deputy", password="pw-123456")
    deputy_client = Client()
    pass_two_step(deputy_client, colleague)
    deputy_client.post(
        reverse("admin:taxonomy_fieldofstudy_add"), {"code": "TEST-02", "name": "化学", "parent": ""}
    )
    assert LogEntry.objects.filter(user=colleague).count() == 1
    delete = reverse("admin:accounts_user_delete", args=[colleague.pk])
    page = chief_client.get(delete)
    assert [str(name) for name in page.context["perms_lacking"]] == ["日志记录"]
    assert chief_client.post(delete, {"post": "yes"}).status_code == 403
    assert User.objects.filter(pk=colleague.pk).exists()
