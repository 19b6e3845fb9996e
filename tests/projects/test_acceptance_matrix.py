"""Who may open and do what with a project's 验收专家组, an expert's 验收评审 and the
验收证书: every role × view × project, from the tables below, written by hand from the rules
(the panel is the 方向's 科室's and the 局管理员's; a review is its expert's alone; the
certificate is for whoever sees the project). They do not ask stplan's predicates.

Three 方向25 projects of one plan, each with a 验收 application reached through stplan's
services: "pending" (no panel yet), "panel" (a published panel of one expert: "expert")
and "passed" (验收通过). "leader_own" and "unit_admin_own" are, for each project, its own
负责人 and its unit's administrator.
"""

from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from stplan.demo.builders import MINIMAL_PDF
from stplan.funding import services as funding
from stplan.projects import acceptance_panel as panels
from stplan.projects import services
from stplan.projects.models import AcceptanceCertificate, AcceptancePanel, AcceptanceReview, Project
from stplan.projects.selectors import projects_of_plan
from tests.matrix import (
    ANONYMOUS,
    MANAGERS,
    OWN_SECTION,
    Cell,
    Expect,
    login,
    make_actors,
    module_world,
    savepoint_db,
    sessions_of,
)
from tests.world import OfficerFactory, UnitAdminFactory, open_guide, scored_round

ACTORS = (
    "leader_own",
    "leader_other",
    "unit_admin_own",
    "unit_admin_other",
    "recommender",
    "expert",  # the panel's expert
    "expert_other",
    "officer_own",
    "officer_other",
    "bureau_admin",
    ANONYMOUS,
)
PROJECTS = ("pending", "panel", "passed")
SEES_PROJECT = {"leader_own", "unit_admin_own", "officer_own", "bureau_admin"}
# The panel page's POST forms a panel: only the pending project has an application without one.
FORMS_PANEL_ON = {"pending"}
# publish is refused on the open panel (it is published), close closes it.
PANEL_ACTIONS = ("publish", "close")
MOVES = {"close"}
CERTIFIED = {"passed"}


def expect(cell: Cell) -> Expect:
    view, method, actor, obj, action = cell.view, cell.method, cell.actor, cell.obj, cell.action
    if actor == ANONYMOUS:
        return Expect(302)
    match view:
        case "acceptance_panel" | "acceptance_panel_action":
            if actor not in SEES_PROJECT:
                return Expect(404)
            if actor not in MANAGERS:
                return Expect(403)
            if view == "acceptance_panel":
                if method == "GET":
                    return Expect(200)
                return Expect(302, True) if obj in FORMS_PANEL_ON else Expect(200)
            if obj != "panel":
                return Expect(404)  # no panel to act on
            return Expect(302, action in MOVES)
        case "certificate":
            if actor not in SEES_PROJECT or obj not in CERTIFIED:
                return Expect(404)
            return Expect(200, True)  # the first download issues it
        case "acceptance_reviews":
            return Expect(200) if actor in ("expert", "expert_other") else Expect(403)
        case "acceptance_review" | "acceptance_review_decline" | "acceptance_evidence":
            if actor != "expert":
                return Expect(404)
            return Expect(200) if method == "GET" else Expect(302, True)
    raise AssertionError(cell)


def cells():
    for actor in ACTORS:
        yield Cell("acceptance_reviews", "GET", actor)
        yield Cell("acceptance_review", "GET", actor, "panel")
        yield Cell("acceptance_review", "POST", actor, "panel")
        yield Cell("acceptance_review_decline", "POST", actor, "panel")
        yield Cell("acceptance_evidence", "GET", actor, "panel")
        for obj in PROJECTS:
            yield Cell("acceptance_panel", "GET", actor, obj)
            yield Cell("acceptance_panel", "POST", actor, obj)
            yield Cell("certificate", "GET", actor, obj)
            for action in PANEL_ACTIONS:
                yield Cell("acceptance_panel_action", "POST", actor, obj, action)


@dataclass
class World:
    actors: dict
    sessions: dict
    own_sessions: dict  # project key -> sessions of its own leader and unit admin
    projects: dict
    review: AcceptanceReview


def _apply_for_acceptance(project, officer):
    leader = project.application.leader
    unit_admin = UnitAdminFactory(unit=project.application.lead_unit)
    services.advance_contract(project=project, actor=leader, action="confirm")
    services.advance_contract(project=project, actor=unit_admin, action="unit_approve")
    services.advance_contract(project=project, actor=officer, action="approve")
    project.refresh_from_db()
    services.allow_early(project=project, actor=officer, what="acceptance", reason="矩阵准备")
    services.add_evidence(
        project=project,
        actor=leader,
        purpose="acceptance",
        upload=SimpleUploadedFile("proof.pdf", MINIMAL_PDF, content_type="application/pdf"),
    )
    services.submit_acceptance(
        project=project,
        actor=leader,
        achieved={row["metric"]: 1 for row in project.contract.content["indicators"]},
        total_investment=100_000,
        new_output=100_000,
        summary="矩阵验收",
    )
    return {"leader_own": leader, "unit_admin_own": unit_admin}


def _build():
    current, applications, staff = scored_round(open_guide(), [90, 85, 80])
    plan = funding.create_plan(actor=staff, review_round=current, name="方案", total_budget=1_000_000)
    plan = funding.publicize(plan=plan, actor=staff)
    funding.finalize(plan=plan, actor=staff, now=plan.publicity_ends + timedelta(seconds=1))
    by_leader = {p.application.leader_id: p for p in projects_of_plan(plan)}
    projects = {key: by_leader[a.leader_id] for key, a in zip(PROJECTS, applications, strict=True)}
    officer = OfficerFactory(section=OWN_SECTION)
    own = {key: _apply_for_acceptance(project, officer) for key, project in projects.items()}
    panel = panels.form_panel(
        project=projects["panel"], actor=officer, experts=1, due_at=timezone.now() + timedelta(days=5)
    )
    panels.transition_panel(panel=panel, action="publish", actor=officer)
    services.decide_acceptance(project=projects["passed"], actor=officer, decision="passed", reason="")
    review = panel.reviews.get()
    actors = make_actors(leader_own=projects["panel"].application.leader, expert=review.expert)
    return World(
        actors,
        sessions_of(actors),
        {key: sessions_of(people) for key, people in own.items()},
        projects,
        review,
    )


world = module_world(_build)


@pytest.fixture(autouse=True)
def _fast_passwords_and_private_media():
    """Replaces the suite's per-test settings fixture: the world sets the same once."""


@pytest.fixture(autouse=True)
def db(world, django_db_blocker):
    yield from savepoint_db(world, django_db_blocker)


def _state():
    return {
        "panels": list(AcceptancePanel.objects.order_by("pk").values_list("pk", "status")),
        "reviews": list(AcceptanceReview.objects.order_by("pk").values_list("pk", "status")),
        "certificates": AcceptanceCertificate.objects.count(),
        "projects": list(Project.objects.order_by("pk").values_list("pk", "status")),
    }


def _url(world, cell):
    match cell.view:
        case "acceptance_reviews":
            return reverse("projects:acceptance_reviews")
        case "acceptance_review" | "acceptance_review_decline":
            return reverse(f"projects:{cell.view}", args=[world.review.pk])
        case "acceptance_evidence":
            evidence = world.projects["panel"].files.get()
            return reverse("projects:acceptance_evidence", args=[world.review.pk, evidence.pk])
        case "acceptance_panel_action":
            return reverse(
                "projects:acceptance_panel_action", args=[world.projects[cell.obj].pk, cell.action]
            )
    return reverse(f"projects:{cell.view}", args=[world.projects[cell.obj].pk])


def _post_data(world):
    data = {"experts": "1", "due_at": (timezone.localtime() + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")}
    data |= {"opinion": "passed", "comment": "矩阵意见", "reason": "矩阵回避"}
    for row in world.projects["panel"].contract.content["indicators"]:
        data[f"rating-{row['metric']}"] = "met"
    return data


@pytest.mark.parametrize("cell", list(cells()), ids=lambda c: c.id)
def test_acceptance_cell_answers_as_the_rules_say(cell, world, client):
    expected = expect(cell)
    sessions = world.sessions
    if cell.obj in world.own_sessions and cell.view in (
        "acceptance_panel",
        "acceptance_panel_action",
        "certificate",
    ):
        sessions = {**sessions, **world.own_sessions[cell.obj]}
    login(client, sessions, cell.actor)
    url = _url(world, cell)
    before = _state()

    response = client.get(url) if cell.method == "GET" else client.post(url, _post_data(world))

    assert response.status_code == expected.status
    if cell.actor == ANONYMOUS:
        assert response["Location"].startswith(reverse("accounts:login"))
    assert (_state() != before) == expected.changed, (before, _state())
    if cell.view == "acceptance_reviews" and expected.status == 200:
        shown = world.projects["panel"].number in response.content.decode()
        assert shown == (cell.actor == "expert")
