"""Who may read and do what through the API's review, funding and project endpoints: every
role × own/other object × endpoint × method, from tables written by hand from the rules (an
expert sees only their own tasks; a plan is its round's 科室 and the 局管理员's, its 公示
public once publicized; a project is its 负责人's, its unit's, its 科室's and the bureau's).
"""

import json
from datetime import timedelta

import pytest
from django.test import Client
from django.test.utils import override_settings

from stplan.api.services import create_token
from stplan.funding import services as funding
from stplan.funding.models import FundingPlan
from stplan.projects.selectors import projects_of_plan
from stplan.review.models import Assignment
from tests.matrix import ANONYMOUS, BUREAU_STAFF, MANAGERS, make_actors, module_world, savepoint_db
from tests.world import open_guide, scored_round

ACTORS = (
    "leader_own",
    "leader_other",
    "unit_admin_own",
    "unit_admin_other",
    "recommender",
    "expert",
    "expert_other",
    "officer_own",
    "officer_other",
    "bureau_admin",
    ANONYMOUS,
)
PLANS = ("final", "draft")
# Projects each person sees: "own" is leader_own's, "second" another unit's in the same plan.
PROJECTS_SEEN = {
    "leader_own": {"own"},
    "unit_admin_own": {"own"},
    "officer_own": {"own", "second"},
    "bureau_admin": {"own", "second"},
}


def expect(endpoint: str, actor: str, obj: str | None) -> int:
    if endpoint == "publicity":
        return 200
    if endpoint == "publicity_detail":
        return 200 if obj == "final" else 404
    if actor == ANONYMOUS:
        return 401
    match endpoint:
        case "plans":
            return 200 if actor in BUREAU_STAFF else 403
        case "plan" | "funded":
            if actor not in BUREAU_STAFF:
                return 403
            if actor not in MANAGERS:
                return 404
            return 200 if endpoint == "plan" or obj == "final" else 404
        case "projects":
            return 200
        case "project":
            return 200 if "own" in PROJECTS_SEEN.get(actor, set()) else 404
        case "tasks":
            return 200 if actor in ("expert", "expert_other") else 403
        case "task":
            return 200 if actor == "expert" else 404
        case "confirm" | "review":
            # The expert's task is already submitted: the service refuses, the task stays.
            return 422 if actor == "expert" else 404
        case "pay" | "report":
            # Whoever sees the project is answered by the service (REFUSALS); others not at all.
            return 422 if "own" in PROJECTS_SEEN.get(actor, set()) else 404
        case "integrity" | "findings":
            # The funded application: its 科室 and the 局管理员 review it; its applicants see it
            # but not its 查重 or the desk's findings; everyone else is not told it exists.
            if actor in MANAGERS:
                return 200
            return 403 if actor in ("leader_own", "unit_admin_own") else 404
        case "pairs":
            return 200 if actor in BUREAU_STAFF else 403
    raise AssertionError(endpoint)


# The Chinese refusal each caller who sees the project gets: the tranche is not yet released
# (the 任务书 is unsigned) and the project not yet in progress, or the caller may not act.
REFUSALS = {
    ("pay", "officer_own"): "第1笔尚不满足拨付条件",
    ("pay", "bureau_admin"): "第1笔尚不满足拨付条件",
    ("pay", "leader_own"): "您没有权限登记拨付。",
    ("pay", "unit_admin_own"): "您没有权限登记拨付。",
    ("report", "leader_own"): "项目不在实施中。",
    ("report", "unit_admin_own"): "只有项目负责人可以提交年度报告。",
    ("report", "officer_own"): "只有项目负责人可以提交年度报告。",
    ("report", "bureau_admin"): "只有项目负责人可以提交年度报告。",
}


ENDPOINTS = [
    ("publicity", None),
    *(("publicity_detail", p) for p in PLANS),
    ("plans", None),
    *(("plan", p) for p in PLANS),
    *(("funded", p) for p in PLANS),
    ("projects", None),
    ("project", "own"),
    ("tasks", None),
    ("task", "own"),
    ("confirm", "own"),
    ("review", "own"),
    ("pay", "own"),
    ("report", "own"),
    ("integrity", "own"),
    ("findings", "own"),
    ("pairs", None),
]
CELLS = [(endpoint, actor, obj) for actor in ACTORS for endpoint, obj in ENDPOINTS]


def _build():
    guide = open_guide()
    current, (funded, second), staff = scored_round(guide, [90, 80])
    plan = funding.create_plan(actor=staff, review_round=current, name="矩阵方案", total_budget=100_000)
    plan = funding.publicize(plan=plan, actor=staff)
    funding.finalize(plan=plan, actor=staff, now=plan.publicity_ends + timedelta(seconds=1))
    draft = funding.create_plan(actor=staff, review_round=current, name="矩阵草稿", total_budget=50_000)
    task = Assignment.objects.filter(application=funded).first()
    actors = make_actors(leader_own=funded.leader, expert=task.expert)
    projects = {p.application_id: p for p in projects_of_plan(plan)}
    with override_settings(STPLAN_API_RATE="100000/min"):
        tokens = {
            name: create_token(user=user, name="矩阵", scopes=["read", "write", "submit"], days=30)[1]
            for name, user in actors.items()
        }
    return {
        "tokens": tokens,
        "plans": {"final": FundingPlan.objects.get(pk=plan.pk), "draft": draft},
        "projects": {"own": projects[funded.pk], "second": projects[second.pk]},
        "task": task,
        "expert_tasks": set(Assignment.objects.filter(expert=task.expert).values_list("pk", flat=True)),
        "tranches_before": list(projects[funded.pk].tranches.values("status", "paid_amount")),
    }


world = module_world(_build)


@pytest.fixture(autouse=True)
def _fast_passwords_and_private_media():
    """Replaces the suite's per-test settings fixture: the world sets the same once."""


@pytest.fixture(autouse=True)
def db(world, django_db_blocker):
    with override_settings(STPLAN_API_RATE="100000/min"):
        yield from savepoint_db(world, django_db_blocker)


def _url(world, endpoint, obj):
    plan = world["plans"].get(obj)
    task = world["task"]
    return {
        "publicity": "/api/v1/funding/publicity",
        "publicity_detail": f"/api/v1/funding/publicity/{plan.pk}" if plan else "",
        "plans": "/api/v1/funding/plans",
        "plan": f"/api/v1/funding/plans/{plan.pk}" if plan else "",
        "funded": f"/api/v1/funding/plans/{plan.pk}/funded-projects" if plan else "",
        "projects": "/api/v1/projects",
        "project": f"/api/v1/projects/{world['projects']['own'].pk}",
        "tasks": "/api/v1/review/tasks",
        "task": f"/api/v1/review/tasks/{task.pk}",
        "confirm": f"/api/v1/review/tasks/{task.pk}/confirm",
        "review": f"/api/v1/review/tasks/{task.pk}/review",
        "pay": f"/api/v1/projects/{world['projects']['own'].pk}/tranches/1/payment",
        "report": f"/api/v1/projects/{world['projects']['own'].pk}/reports",
        "integrity": f"/api/v1/applications/{world['projects']['own'].application_id}/integrity",
        "findings": f"/api/v1/applications/{world['projects']['own'].application_id}/findings",
        "pairs": f"/api/v1/integrity/pairs?guide={world['projects']['own'].application.guide.slug}",
    }[endpoint]


@pytest.mark.parametrize(("endpoint", "actor", "obj"), CELLS, ids=["-".join(filter(None, c)) for c in CELLS])
def test_api_permission(world, endpoint, actor, obj):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {world['tokens'][actor]}"} if actor != ANONYMOUS else {}
    client = Client()
    url = _url(world, endpoint, obj)
    task_before = Assignment.objects.filter(pk=world["task"].pk).values().get()

    if endpoint == "confirm":
        body = json.dumps({"pledge": True, "no_conflict": True})
        response = client.post(url, body, content_type="application/json", **headers)
    elif endpoint == "review":
        response = client.put(url, json.dumps({"scores": {}}), content_type="application/json", **headers)
    elif endpoint == "pay":
        body = json.dumps({"paid_on": "2022-01-05", "voucher": "矩阵凭证"})
        response = client.post(url, body, content_type="application/json", **headers)
    elif endpoint == "report":
        body = json.dumps({"year": 1, "narrative": "进展", "spent": 0})
        response = client.post(url, body, content_type="application/json", **headers)
    else:
        response = client.get(url, **headers)

    assert response.status_code == expect(endpoint, actor, obj), response.content.decode()
    assert Assignment.objects.filter(pk=world["task"].pk).values().get() == task_before
    body = response.json()
    if endpoint in ("pay", "report"):
        project = world["projects"]["own"]
        assert list(project.tranches.values("status", "paid_amount")) == world["tranches_before"]
        assert not project.reports.exists()
        if response.status_code == 422:
            assert body["code"] == "refused"
            assert body["message"].startswith(REFUSALS[endpoint, actor])
    if endpoint == "projects" and response.status_code == 200:
        seen = {name for name, p in world["projects"].items() if p.pk in {r["id"] for r in body["results"]}}
        assert seen == PROJECTS_SEEN.get(actor, set())
    if endpoint == "tasks" and response.status_code == 200:
        assert {r["id"] for r in body["results"]} == (world["expert_tasks"] if actor == "expert" else set())
    if endpoint == "plans" and response.status_code == 200:
        ids = {r["id"] for r in body["results"]}
        assert ids & {p.pk for p in world["plans"].values()} == (
            {p.pk for p in world["plans"].values()} if actor in MANAGERS else set()
        )
    if endpoint == "publicity":
        assert {r["id"] for r in body["results"]} == {world["plans"]["final"].pk}
