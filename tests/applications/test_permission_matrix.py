"""Who may open and do what: every role × every view × every application state, generated
from the expectation tables below.

The tables are written out by hand from the issue's rules (a person sees only their unit's
申报书; a 推荐单位 only those it recommends, never drafts; a 科室 only the 方向 it manages,
never drafts; the 局管理员 everything but drafts; nobody anything without logging in). They do
not ask stplan's predicates, which would make the test agree with whatever the code does.

The world is built once for the module inside a transaction that is rolled back at the end;
each test runs in its own savepoint, so a test that moves an application on leaves no trace.
"""

import hashlib
import re
from dataclasses import dataclass
from io import BytesIO
from urllib.parse import parse_qs, urlsplit

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client, override_settings
from django.urls import get_resolver, reverse
from openpyxl import load_workbook

from stplan.accounts.models import Unit, UnitEvent, UnitStatus
from stplan.applications import services
from stplan.applications.models import Application, ApplicationEvent, Attachment, Status
from stplan.demo.builders import MINIMAL_PDF
from tests.world import (
    BureauAdminFactory,
    LeaderFactory,
    OfficerFactory,
    RecommenderFactory,
    RecommenderUnitFactory,
    UnitAdminFactory,
    UnitFactory,
    direction,
    draft_25,
    open_guide,
    qualification_proof,
    submitted_25,
)

# --------------------------------------------------------------------------------------------
# The expectation tables
# --------------------------------------------------------------------------------------------

ANONYMOUS = "anonymous"
ACTORS = (
    "leader_own",  # 项目负责人 of unit A, leads every A application
    "leader_colleague",  # 项目负责人 at unit A who leads none of them
    "leader_other",  # 项目负责人 at unit B
    "unit_admin_own",  # 申报单位管理员 of unit A
    "unit_admin_other",  # 申报单位管理员 of unit B
    "recommender_own",  # 推荐单位 named on A's applications
    "recommender_other",  # 推荐单位 named on B's applications
    "officer_own",  # 国外智力引进与人才科, which manages 方向25
    "officer_other",  # 农业农村科技科
    "bureau_admin",  # 局管理员 (one bureau: there is no "other" one)
    ANONYMOUS,
)

# Unit A's 方向25 applications, one per state, all led by leader_own and recommended by
# recommender_own; the matrix is run on these.
OWN_APPS = ("draft", "submitted", "unit_approved", "recommended", "returned")
# Unit B's, recommended by recommender_other: they exist so that lists can leak them.
OTHER_APPS = ("other_draft", "other_recommended")
NOT_DRAFT = {"submitted", "unit_approved", "recommended", "returned"}

VISIBLE = {
    "leader_own": set(OWN_APPS),
    "leader_colleague": set(),
    "leader_other": set(OTHER_APPS),
    "unit_admin_own": set(OWN_APPS),
    "unit_admin_other": set(OTHER_APPS),
    "recommender_own": NOT_DRAFT,
    "recommender_other": {"other_recommended"},
    "officer_own": NOT_DRAFT | {"other_recommended"},
    "officer_other": set(),
    "bureau_admin": NOT_DRAFT | {"other_recommended"},
    ANONYMOUS: set(),
}

# The applications each actor's 工作台 lists (待办 and the list below it).
WORKSPACE_SHOWS = {
    "leader_own": set(OWN_APPS),
    "leader_colleague": set(),
    "leader_other": set(OTHER_APPS),
    "unit_admin_own": NOT_DRAFT,
    "unit_admin_other": {"other_recommended"},
    "recommender_own": NOT_DRAFT,
    "recommender_other": {"other_recommended"},
    "officer_own": {"recommended", "other_recommended"},
    "officer_other": set(),
    "bureau_admin": {"recommended", "other_recommended"},
}

# Only the 项目负责人 edits, and only while the 申报书 is a draft or has been returned.
EDITS = {("leader_own", "draft"), ("leader_own", "returned")}

# Which /act/<action>/ posts change an application: (actor, state) → actions.
MAY_ACT = {
    ("leader_own", "draft"): {"withdraw"},
    ("leader_own", "submitted"): {"withdraw"},
    ("leader_own", "returned"): {"withdraw"},
    ("unit_admin_own", "submitted"): {"unit_approve", "unit_return"},
    ("recommender_own", "unit_approved"): {"recommend", "recommender_return"},
    ("officer_own", "recommended"): {"formal_reject", "formal_return"},
    ("bureau_admin", "recommended"): {"formal_reject", "formal_return"},
}
# Submitting goes through the edit page (it freezes a version) and passing through the review
# page (it records the officer's handling of every automatic error): /act/ refuses them.
# 立项 comes only from a final funding plan.
NOT_BY_ACT = {"submit", "resubmit", "formal_pass", "fund"}
TARGET = {
    "submit": "submitted",
    "resubmit": "submitted",
    "withdraw": "withdrawn",
    "unit_approve": "unit_approved",
    "unit_return": "returned",
    "recommend": "recommended",
    "recommender_return": "returned",
    "formal_pass": "passed",
    "formal_reject": "rejected",
    "formal_return": "returned",
    "fund": "funded",
}
# 形式审查: the 科室 that manages the 方向, and the 局管理员; decisions only on 已推荐.
REVIEWERS = {"officer_own", "bureau_admin"}
DECISIONS = ("formal_pass", "formal_reject", "formal_return")
BUREAU_STAFF = {"officer_own", "officer_other", "bureau_admin"}
HAS_UNIT = {
    "leader_own",
    "leader_colleague",
    "leader_other",
    "unit_admin_own",
    "unit_admin_other",
    "recommender_own",
    "recommender_other",
}
LEADERS = {"leader_own", "leader_colleague", "leader_other"}

# The PDF takes about a second to lay out: every refusal is checked, the rendering only here.
PRINTED = {("leader_own", "draft"), ("recommender_own", "returned")}

# URL names the matrix does not cover: they act on no application or unit of someone else's.
NOT_IN_MATRIX = {
    "accounts:login",
    "accounts:logout",
    "accounts:register",
    "accounts:resubmit_registration",
    "accounts:invite",
    "accounts:accept_invitation",
    "accounts:confirm_registration",
    "accounts:login_verify",
}


@dataclass(frozen=True)
class Expect:
    status: int
    location: str | None = None  # login | login_to_edit | detail | edit | attachments | desk | ...
    effect: str | None = None  # saved | uploaded | removed | a target status | approved


@dataclass(frozen=True)
class Cell:
    view: str
    method: str
    actor: str
    app: str | None = None
    action: str | None = None

    @property
    def id(self):
        parts = [self.view, self.action, self.method, self.actor, self.app]
        return "-".join(p for p in parts if p)


LOGIN = Expect(302, "login")


def expect_object(cell: Cell) -> Expect:
    """What one request about one of unit A's applications must answer."""
    view, method, actor, app, action = cell.view, cell.method, cell.actor, cell.app, cell.action
    if actor == ANONYMOUS:
        keeps_post = view in ("edit", "autosave", "submit")
        return Expect(302, "login_to_edit" if keeps_post else "login")
    if method == "GET" and view in ("autosave", "submit", "upload", "remove", "act"):
        return Expect(405)
    visible = app in VISIBLE[actor]
    if not visible:
        return Expect(404)
    edits = (actor, app) in EDITS
    match view:
        case "detail" | "attachment" | "print":
            return Expect(200)
        case "version":
            return Expect(200 if app != "draft" else 404)
        case "edit" if method == "GET":
            return Expect(200) if edits else Expect(302, "detail")
        case "edit":
            return Expect(302, "edit", "saved") if edits else Expect(302, "detail")
        case "autosave":
            return Expect(200, None, "saved" if edits else None)
        case "submit":
            # The matrix posts an incomplete 申报书: kept as the draft, the submission refused.
            return Expect(200, None, "saved") if edits else Expect(302, "detail")
        case "upload":
            return Expect(302, "attachments", "uploaded" if edits else None)
        case "remove":
            return Expect(302, "attachments", "removed" if edits else None)
        case "act":
            if action in NOT_BY_ACT:
                return Expect(403)
            allowed = action in MAY_ACT.get((actor, app), set())
            return Expect(302, "detail", TARGET[action] if allowed else None)
        case "review":
            if actor not in REVIEWERS:
                return Expect(403)
            if method == "GET":
                return Expect(200)
            if app == "recommended":
                return Expect(302, "desk", TARGET[action])
            return Expect(200)
    raise AssertionError(cell)


# Without a login every request is sent to the login page before the application is looked
# up, so two states (one most people may not see, one most may) stand for all five.
ANONYMOUS_APPS = ("draft", "recommended")


def object_cells():
    for actor in ACTORS:
        for app in ANONYMOUS_APPS if actor == ANONYMOUS else OWN_APPS:
            if app == "draft":
                # POST-only views answer a GET before looking at the application at all.
                yield Cell("autosave", "GET", actor, app)
                yield Cell("submit", "GET", actor, app)
                yield Cell("upload", "GET", actor, app)
                yield Cell("remove", "GET", actor, app)
                yield Cell("act", "GET", actor, app, "withdraw")
            yield Cell("detail", "GET", actor, app)
            yield Cell("edit", "GET", actor, app)
            yield Cell("edit", "POST", actor, app)
            yield Cell("autosave", "POST", actor, app)
            yield Cell("submit", "POST", actor, app)
            yield Cell("upload", "POST", actor, app)
            yield Cell("attachment", "GET", actor, app)
            yield Cell("remove", "POST", actor, app)
            yield Cell("version", "GET", actor, app)
            for action in services.TRANSITIONS:
                yield Cell("act", "POST", actor, app, action)
            yield Cell("review", "GET", actor, app)
            for decision in DECISIONS:
                yield Cell("review", "POST", actor, app, decision)
            cell = Cell("print", "GET", actor, app)
            if expect_object(cell).status != 200 or (actor, app) in PRINTED:
                yield cell


# Finding one's way back in without a password: open to everyone, logged in or not.
PASSWORD_RESET_VIEWS = (
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
)


def expect_list(cell: Cell) -> Expect:
    view, method, actor = cell.view, cell.method, cell.actor
    if view in PASSWORD_RESET_VIEWS:
        return Expect(200)
    if actor == ANONYMOUS:
        return LOGIN
    match view:
        case "workspace" | "list":
            return Expect(200)
        case "desk" | "desk_export":
            return Expect(200) if actor in BUREAU_STAFF else Expect(403)
        case "desk_bulk" if method == "GET":
            return Expect(405)
        case "desk_bulk":
            # Ticks unit A's recommended application for 退回修改: its 科室 returns it; an
            # officer of another 科室 is told it is not in their list.
            if actor not in BUREAU_STAFF:
                return Expect(403)
            return Expect(302, "desk", "returned") if actor in REVIEWERS else Expect(200)
        case "registrations":
            return Expect(200) if actor == "bureau_admin" else Expect(403)
        case "registration_detail" if method == "GET":
            return Expect(200) if actor == "bureau_admin" else Expect(403)
        case "registration_detail":
            # Decisions have their own URLs; the page itself takes no POST.
            return Expect(405)
        case "registration_approve":
            return Expect(302, "registrations", "approved") if actor == "bureau_admin" else Expect(403)
        case "registration_reject":
            # Posted without a reason: the 局管理员 is told one is needed, nothing changes.
            return Expect(200) if actor == "bureau_admin" else Expect(403)
        case "qualification_proof":
            return Expect(200) if actor == "bureau_admin" else Expect(403)
        case "unit":
            return Expect(200) if actor in HAS_UNIT else Expect(403)
        case "create":
            return Expect(302, "new_edit", "created") if actor in LEADERS else Expect(302, "workspace")
        case "password_change" | "password_change_done":
            return Expect(200)
    raise AssertionError(cell)


LIST_VIEWS = (
    ("workspace", "GET"),
    ("list", "GET"),
    ("desk", "GET"),
    ("desk_export", "GET"),
    ("desk_bulk", "GET"),
    ("desk_bulk", "POST"),
    ("registrations", "GET"),
    ("registration_detail", "GET"),
    ("registration_detail", "POST"),
    ("registration_approve", "POST"),
    ("registration_reject", "POST"),
    ("qualification_proof", "GET"),
    ("unit", "GET"),
    ("create", "POST"),
    ("password_change", "GET"),
    ("password_change_done", "GET"),
    *((view, "GET") for view in PASSWORD_RESET_VIEWS),
)


def list_cells():
    for actor in ACTORS:
        for view, method in LIST_VIEWS:
            yield Cell(view, method, actor)


# --------------------------------------------------------------------------------------------
# The world
# --------------------------------------------------------------------------------------------


@dataclass
class World:
    actors: dict
    apps: dict
    pending_unit: Unit
    proof: object
    media: object
    sessions: dict
    first_attachment: dict


def _build_world(media) -> World:
    guide = open_guide()
    unit_a, unit_b = UnitFactory(name="甲测试大学"), UnitFactory(name="乙测试大学")
    recommends_a, recommends_b = RecommenderUnitFactory(), RecommenderUnitFactory()
    actors = {
        "leader_own": LeaderFactory(unit=unit_a),
        "leader_colleague": LeaderFactory(unit=unit_a),
        "leader_other": LeaderFactory(unit=unit_b),
        "unit_admin_own": UnitAdminFactory(unit=unit_a),
        "unit_admin_other": UnitAdminFactory(unit=unit_b),
        "recommender_own": RecommenderFactory(unit=recommends_a),
        "recommender_other": RecommenderFactory(unit=recommends_b),
        "officer_own": OfficerFactory(section="国外智力引进与人才科"),
        "officer_other": OfficerFactory(section="农业农村科技科"),
        "bureau_admin": BureauAdminFactory(),
    }
    assert direction(guide, 25).section == "国外智力引进与人才科"

    def move(application, *steps):
        for action, actor in steps:
            application = services.transition(
                application=application, action=action, actor=actors[actor], reason="测试理由"
            )
        return application

    own = {"guide": guide, "leader": actors["leader_own"], "recommender": recommends_a}
    other = {"guide": guide, "leader": actors["leader_other"], "recommender": recommends_b}
    to_recommended = [("unit_approve", "unit_admin_own"), ("recommend", "recommender_own")]
    apps = {
        "draft": draft_25(**own),
        "submitted": submitted_25(**own),
        "unit_approved": move(submitted_25(**own), ("unit_approve", "unit_admin_own")),
        "recommended": move(submitted_25(**own), *to_recommended),
        "returned": move(submitted_25(**own), *to_recommended, ("formal_return", "officer_own")),
        "other_draft": draft_25(**other),
        "other_recommended": move(
            submitted_25(**other), ("unit_approve", "unit_admin_other"), ("recommend", "recommender_other")
        ),
    }
    for name, application in apps.items():
        expected = name.removeprefix("other_")
        assert Application.objects.get(pk=application.pk).status == expected
    pending = UnitFactory(name="待审核测试单位", approved=False)
    sessions = {}
    for name, user in actors.items():
        client = Client()
        client.force_login(user)
        sessions[name] = client.cookies[django_settings.SESSION_COOKIE_NAME].value
    first_attachment = {
        name: a.attachments.filter(removed_at=None).order_by("pk").values_list("pk", flat=True).first()
        for name, a in apps.items()
    }
    return World(
        actors=actors,
        apps=apps,
        pending_unit=pending,
        proof=qualification_proof(pending),
        media=media,
        sessions=sessions,
        first_attachment=first_attachment,
    )


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    """The world, in a transaction held open for the module and rolled back at its end."""
    media = tmp_path_factory.mktemp("matrix-media")
    # What tests/conftest.py sets for each test, set once for the module (see below).
    with override_settings(
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        MEDIA_ROOT=media,
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
    ):
        with django_db_blocker.unblock():
            outer = transaction.atomic()
            outer.__enter__()
        try:
            with django_db_blocker.unblock():
                built = _build_world(media)
            yield built
        finally:
            with django_db_blocker.unblock():
                transaction.set_rollback(True)
                outer.__exit__(None, None, None)


@pytest.fixture(autouse=True)
def _fast_passwords_and_private_media():
    """Replaces the suite's per-test settings fixture: the world sets the same once."""


@pytest.fixture(autouse=True)
def db(world, django_db_blocker):
    """This module's own `db`: each test in a savepoint of the world's transaction, rolled
    back afterwards.

    pytest-django's `db` sets up a TestCase per test, which costs more than many of the
    requests under test; keeping the name keeps pytest-django creating the test database
    for this module when it runs alone. As under pytest-django's, on_commit callbacks (mail)
    never run."""
    with django_db_blocker.unblock():
        savepoint = transaction.atomic()
        savepoint.__enter__()
        try:
            yield
        finally:
            transaction.set_rollback(True)
            savepoint.__exit__(None, None, None)


# --------------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------------

NUMBER = re.compile(r"GL\d{4}-\d{2}-\d{5,}")
POSTED_FORM = {"basic-title": ["矩阵测试改过的项目名称"], "basic-summary": ["改过的摘要"]}


def _login(client, world, actor):
    # One session per actor, made with the world: logging in again for each of the
    # matrix's cells would cost more than the request under test.
    if actor != ANONYMOUS:
        client.cookies[django_settings.SESSION_COOKIE_NAME] = world.sessions[actor]


def _object_url(world, cell: Cell, application: Application) -> str:
    pk = application.pk
    attachment = world.first_attachment[cell.app]
    match cell.view:
        case "detail" | "edit" | "autosave" | "submit" | "review" | "print":
            return reverse(f"applications:{cell.view}", args=[pk])
        case "upload":
            return reverse("applications:upload_attachment", args=[pk])
        case "attachment":
            return reverse("applications:attachment", args=[pk, attachment])
        case "remove":
            return reverse("applications:remove_attachment", args=[pk, attachment])
        case "version":
            return reverse("applications:version", args=[pk, 1])
        case "act":
            return reverse("applications:act", args=[pk, cell.action])
    raise AssertionError(cell)


def _post_data(cell: Cell):
    match cell.view:
        case "edit" | "autosave" | "submit":
            return {k: v[0] for k, v in POSTED_FORM.items()}
        case "upload":
            return {"code": "other", "file": SimpleUploadedFile("补充材料.pdf", MINIMAL_PDF)}
        case "act":
            return {"reason": "矩阵测试理由"}
        case "review":
            return {"decision": cell.action, "reason": "矩阵测试理由"}
    return {}


def _state(application):
    """Everything a request could change about an application."""
    pk = application.pk
    row = (
        Application.objects.filter(pk=pk).values("status", "form", "title", "recommender", "updated_at").get()
    )
    events = ApplicationEvent.objects.filter(application_id=pk).order_by("pk")
    live = Attachment.objects.filter(application_id=pk, removed_at=None).order_by("pk")
    return {
        **row,
        "events": list(events.values_list("pk", flat=True)),
        "attachments": list(live.values_list("pk", flat=True)),
    }


def _assert_location(response, where, *, url, application=None):
    location = response["Location"]
    parts = urlsplit(location)
    match where:
        case "login":
            assert parts.path == reverse("accounts:login")
            assert parse_qs(parts.query) == {"next": [url]}
        case "login_to_edit":
            assert parts.path == reverse("accounts:login")
            assert parse_qs(parts.query) == {"next": [reverse("applications:edit", args=[application.pk])]}
        case "detail":
            assert location == reverse("applications:detail", args=[application.pk])
        case "edit":
            assert location == reverse("applications:edit", args=[application.pk])
        case "attachments":
            assert location == reverse("applications:edit", args=[application.pk]) + "#section-attachments"
        case "desk":
            assert location == reverse("applications:desk")
        case "registrations":
            assert location == reverse("accounts:registrations")
        case "workspace":
            assert location == reverse("workspace")
        case "new_edit":
            newest = Application.objects.order_by("-pk").first()
            assert location == reverse("applications:edit", args=[newest.pk])
        case _:
            raise AssertionError(where)


def _numbers(world, names):
    return {world.apps[name].number for name in names}


def _shown_numbers(response) -> set[str]:
    if response["Content-Type"].startswith("application/vnd.openxmlformats"):
        sheet = load_workbook(BytesIO(response.content)).active
        return {row[0] for row in sheet.iter_rows(min_row=2, values_only=True)}
    return set(NUMBER.findall(response.content.decode()))


# --------------------------------------------------------------------------------------------
# The matrix
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("cell", list(object_cells()), ids=lambda c: c.id)
def test_object_view(cell, world, client):
    application = world.apps[cell.app]
    expected = expect_object(cell)
    _login(client, world, cell.actor)
    url = _object_url(world, cell, application)
    before = _state(application)

    response = client.get(url) if cell.method == "GET" else client.post(url, _post_data(cell))

    assert response.status_code == expected.status, response
    if expected.location:
        _assert_location(response, expected.location, url=url, application=application)
    after = _state(application)
    unchanged = {"status", "form", "title", "recommender", "updated_at", "events", "attachments"}

    def same(*keys):
        kept = unchanged - set(keys)
        return {k: after[k] for k in kept} == {k: before[k] for k in kept}

    match expected.effect:
        case None:
            assert after == before
        case "saved":
            assert after["form"] == POSTED_FORM
            assert after["title"] == POSTED_FORM["basic-title"][0]
            # The recommender is read from the form, which now names none.
            assert after["recommender"] is None
            assert same("form", "title", "recommender", "updated_at")
        case "uploaded":
            assert after["attachments"][:-1] == before["attachments"]
            assert len(after["attachments"]) == len(before["attachments"]) + 1
            assert same("attachments")
            newest = Attachment.objects.get(pk=after["attachments"][-1])
            assert (newest.code, newest.sha256) == ("other", hashlib.sha256(MINIMAL_PDF).hexdigest())
        case "removed":
            assert after["attachments"] == before["attachments"][1:]
            assert same("attachments")
        case target:
            assert after["status"] == target
            assert after["events"][:-1] == before["events"]
            assert len(after["events"]) == len(before["events"]) + 1
            assert same("status", "events", "updated_at")
            event = ApplicationEvent.objects.get(pk=after["events"][-1])
            assert (event.actor_id, event.action, event.from_status, event.to_status) == (
                world.actors[cell.actor].pk,
                cell.action,
                before["status"],
                target,
            )
    if expected.status == 200 and cell.view == "attachment":
        assert b"".join(response.streaming_content) == MINIMAL_PDF
    if expected.status == 200 and cell.view == "print":
        assert response["Content-Type"] == "application/pdf"
        assert response.content.startswith(b"%PDF")
    if expected.status == 200 and cell.view in ("detail", "edit", "submit", "review", "version"):
        assert application.number in response.content.decode()
    if cell.view == "submit" and expected.status == 200:
        assert "未能提交" in response.content.decode()
    if cell.view == "autosave" and expected.status == 200 and expected.effect is None:
        assert "该申报书当前不可修改。" in response.content.decode()


@pytest.mark.parametrize("cell", list(list_cells()), ids=lambda c: c.id)
def test_list_view(cell, world, client):
    expected = expect_list(cell)
    _login(client, world, cell.actor)
    pending = world.pending_unit
    urls = {
        "workspace": reverse("workspace"),
        "list": reverse("applications:list"),
        "desk": reverse("applications:desk"),
        "desk_export": reverse("applications:desk_export"),
        "desk_bulk": reverse("applications:desk_bulk"),
        "registrations": reverse("accounts:registrations"),
        "registration_detail": reverse("accounts:registration_detail", args=[pending.pk]),
        "registration_approve": reverse("accounts:registration_approve", args=[pending.pk]),
        "registration_reject": reverse("accounts:registration_reject", args=[pending.pk]),
        "qualification_proof": reverse("accounts:qualification_proof", args=[pending.pk, world.proof.pk]),
        "unit": reverse("accounts:unit"),
        "create": reverse("applications:create"),
        "password_change": reverse("accounts:password_change"),
        "password_change_done": reverse("accounts:password_change_done"),
        "password_reset": reverse("accounts:password_reset"),
        "password_reset_done": reverse("accounts:password_reset_done"),
        # A link no one was sent: the page says so, to everyone alike.
        "password_reset_confirm": reverse("accounts:password_reset_confirm", args=["MQ", "no-such-token"]),
        "password_reset_complete": reverse("accounts:password_reset_complete"),
    }
    url = urls[cell.view]
    applications_before = Application.objects.count()
    unit_events_before = UnitEvent.objects.filter(unit=pending).count()

    if cell.method == "GET":
        response = client.get(url)
    elif cell.view == "create":
        response = client.post(url, {"direction": world.apps["draft"].direction_id})
    elif cell.view == "desk_bulk":
        bulk = {
            "applications": world.apps["recommended"].pk,
            "decision": "formal_return",
            "reason": "矩阵退回",
        }
        response = client.post(url, bulk)
    else:
        response = client.post(url, {"action": "approve"})

    assert response.status_code == expected.status
    if expected.location:
        _assert_location(response, expected.location, url=url)
    assert Application.objects.count() == applications_before + (expected.effect == "created")
    pending.refresh_from_db()
    approved = expected.effect == "approved"
    assert pending.status == (UnitStatus.APPROVED if approved else UnitStatus.PENDING)
    assert UnitEvent.objects.filter(unit=pending).count() == unit_events_before + approved
    recommended = Application.objects.get(pk=world.apps["recommended"].pk)
    assert (recommended.status == Status.RETURNED) == (expected.effect == "returned")
    if expected.effect == "created":
        created = Application.objects.order_by("-pk").first()
        assert created.leader == world.actors[cell.actor]
        assert created.status == "draft"

    if expected.status != 200:
        return
    shown = None
    match cell.view:
        case "workspace":
            shown = WORKSPACE_SHOWS[cell.actor]
        case "list" | "desk" | "desk_export":
            shown = VISIBLE[cell.actor]
        case "registrations" | "registration_detail":
            assert pending.name in response.content.decode()
        case "registration_reject":
            assert [str(m) for m in response.context["messages"]] == ["审核不通过须填写理由。"]
        case "qualification_proof":
            assert b"".join(response.streaming_content) == MINIMAL_PDF
        case "password_change":
            assert 'name="old_password"' in response.content.decode()
        case "password_reset":
            assert 'name="email"' in response.content.decode()
        case "password_reset_confirm":
            assert "重设密码的链接无效" in response.content.decode()
        case "unit":
            html = response.content.decode()
            own_unit = world.actors[cell.actor].unit
            assert own_unit.name in html
            for other in Unit.objects.exclude(pk=own_unit.pk):
                assert other.name not in html
    if shown is not None:
        # No leaks: every number on the page is one the actor may see, and all of those are there.
        assert _shown_numbers(response) == _numbers(world, shown)


def test_desk_filters_do_not_widen_what_another_section_sees(world, client):
    client.force_login(world.actors["officer_other"])
    for name in ("applications:desk", "applications:desk_export", "applications:list"):
        response = client.get(reverse(name), {"q": "甲测试大学", "direction": "25", "status": "recommended"})
        assert response.status_code == 200
        assert _shown_numbers(response) == set()


def test_attachment_of_another_application_is_not_served_under_a_visible_one(world, client):
    client.force_login(world.actors["leader_other"])
    mine = world.apps["other_draft"]
    theirs = world.apps["draft"].attachments.first()
    url = reverse("applications:attachment", args=[mine.pk, theirs.pk])
    assert client.get(url).status_code == 404
    remove = reverse("applications:remove_attachment", args=[mine.pk, theirs.pk])
    assert client.post(remove).status_code == 404
    assert Attachment.objects.get(pk=theirs.pk).removed_at is None


def test_matrix_covers_every_transition_in_the_table():
    assert set(TARGET) == set(services.TRANSITIONS)
    acts = {c.action for c in object_cells() if c.view == "act" and c.method == "POST"}
    assert acts == set(services.TRANSITIONS)


COVERED_URL_NAMES = {
    "applications:detail",
    "applications:edit",
    "applications:autosave",
    "applications:submit",
    "applications:upload_attachment",
    "applications:attachment",
    "applications:remove_attachment",
    "applications:act",
    "applications:version",
    "applications:print",
    "applications:review",
    "applications:list",
    "applications:create",
    "applications:desk",
    "applications:desk_export",
    "applications:desk_bulk",
    "accounts:registrations",
    "accounts:registration_detail",
    "accounts:registration_approve",
    "accounts:registration_reject",
    "accounts:qualification_proof",
    "accounts:unit",
    # Its own matrix: tests/accounts/test_unit_changes.py::test_unit_change_decision_matrix.
    "accounts:unit_change",
    "accounts:password_change",
    "accounts:password_change_done",
    "accounts:password_reset",
    "accounts:password_reset_done",
    "accounts:password_reset_confirm",
    "accounts:password_reset_complete",
    # Their own matrix: tests/accounts/test_two_step.py::test_two_step_pages_by_role.
    "accounts:two_step",
    "accounts:two_step_remove",
}


def test_matrix_covers_every_url_name_of_applications_and_accounts():
    names = set()
    for namespace in ("applications", "accounts"):
        resolver = get_resolver().namespace_dict[namespace][1]
        names |= {f"{namespace}:{p.name}" for p in resolver.url_patterns if p.name}
    assert names == COVERED_URL_NAMES | NOT_IN_MATRIX
