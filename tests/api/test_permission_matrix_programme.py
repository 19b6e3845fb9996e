"""Who may read and do what through the API's guide, review, funding and project endpoints:
every role × own/other object × endpoint × method, from tables written by hand from the rules
(the 申报指南, the eligibility check and the 公示 answer anyone alike; an expert sees only their
own tasks; a plan is its round's 科室 and the 局管理员's, its 公示 public once publicized; a
project is its 负责人's, its unit's, its 科室's and the bureau's).
"""

import json
from datetime import timedelta
from io import BytesIO

import pytest
from django.test import Client
from django.test.utils import override_settings
from openpyxl import load_workbook

from stplan.api.services import create_token
from stplan.funding import services as funding
from stplan.funding.models import FundingPlan
from stplan.projects.selectors import projects_of_plan
from stplan.review.models import Assignment
from tests.factories import ApplicationData
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


# Answered to anyone, signed in or not, with the same body whoever asks.
PUBLIC = ("guides", "guide", "direction", "check", "publicity", "publicity_detail")


def expect(endpoint: str, actor: str, obj: str | None) -> int:
    if endpoint in ("guides", "guide", "direction", "check", "publicity"):
        return 200
    if endpoint == "publicity_detail":
        return 200 if obj == "final" else 404
    if actor == ANONYMOUS:
        return 401
    match endpoint:
        case "plans":
            return 200 if actor in BUREAU_STAFF else 403
        case "plan" | "funded" | "funded_xlsx":
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
        case "confirm" | "declare" | "review" | "submit_review":
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


# The Chinese refusal of every 422: the expert's task is submitted; the tranche is not yet
# released (the 任务书 is unsigned) and the project not yet in progress, or the caller may not act.
REFUSALS = {
    ("confirm", "expert"): "评审分配当前状态为“已提交评审意见”，不能确认无利益冲突并签署保密承诺。",
    ("declare", "expert"): "评审意见已提交，如有利益冲突请联系科技局。",
    ("review", "expert"): "评审意见已提交，不能修改。",
    ("submit_review", "expert"): "评审意见已提交，不能修改。",
    ("pay", "officer_own"): "第1笔尚不满足拨付条件",
    ("pay", "bureau_admin"): "第1笔尚不满足拨付条件",
    ("pay", "leader_own"): "您没有权限登记拨付。",
    ("pay", "unit_admin_own"): "您没有权限登记拨付。",
    ("report", "leader_own"): "项目不在实施中。",
    ("report", "unit_admin_own"): "只有项目负责人可以提交年度报告。",
    ("report", "officer_own"): "只有项目负责人可以提交年度报告。",
    ("report", "bureau_admin"): "只有项目负责人可以提交年度报告。",
}


# Each endpoint's operation (method, path template as the OpenAPI document writes it): the
# requests below are made to it, and tests/api/test_matrix_coverage.py checks every operation
# of the API is some matrix's.
OPERATIONS = {
    "guides": ("GET", "/api/v1/guides"),
    "guide": ("GET", "/api/v1/guides/{slug}"),
    "direction": ("GET", "/api/v1/guides/{slug}/directions/{number}"),
    "check": ("POST", "/api/v1/check"),
    "publicity": ("GET", "/api/v1/funding/publicity"),
    "publicity_detail": ("GET", "/api/v1/funding/publicity/{pk}"),
    "plans": ("GET", "/api/v1/funding/plans"),
    "plan": ("GET", "/api/v1/funding/plans/{pk}"),
    "funded": ("GET", "/api/v1/funding/plans/{pk}/funded-projects"),
    "funded_xlsx": ("GET", "/api/v1/funding/plans/{pk}/funded-projects.xlsx"),
    "projects": ("GET", "/api/v1/projects"),
    "project": ("GET", "/api/v1/projects/{pk}"),
    "tasks": ("GET", "/api/v1/review/tasks"),
    "task": ("GET", "/api/v1/review/tasks/{pk}"),
    "confirm": ("POST", "/api/v1/review/tasks/{pk}/confirm"),
    "declare": ("POST", "/api/v1/review/tasks/{pk}/declare"),
    "review": ("PUT", "/api/v1/review/tasks/{pk}/review"),
    "submit_review": ("POST", "/api/v1/review/tasks/{pk}/review/submit"),
    "pay": ("POST", "/api/v1/projects/{pk}/tranches/{sequence}/payment"),
    "report": ("POST", "/api/v1/projects/{pk}/reports"),
    "integrity": ("GET", "/api/v1/applications/{pk}/integrity"),
    "findings": ("GET", "/api/v1/applications/{pk}/findings"),
    "pairs": ("GET", "/api/v1/integrity/pairs"),
}
BODIES = {
    "check": [ApplicationData(id="A-1")],
    "confirm": {"pledge": True, "no_conflict": True},
    "declare": {"kind": "relative", "reason": "与负责人是亲属"},
    "review": {"scores": {}},
    "submit_review": {"scores": {}},
    "pay": {"paid_on": "2022-01-05", "voucher": "矩阵凭证"},
    "report": {"year": 1, "narrative": "进展", "spent": 0},
}
ENDPOINTS = [
    ("guides", None),
    ("guide", None),
    ("direction", None),
    ("check", None),
    ("publicity", None),
    *(("publicity_detail", p) for p in PLANS),
    ("plans", None),
    *(("plan", p) for p in PLANS),
    *(("funded", p) for p in PLANS),
    *(("funded_xlsx", p) for p in PLANS),
    ("projects", None),
    ("project", "own"),
    ("tasks", None),
    ("task", "own"),
    ("confirm", "own"),
    ("declare", "own"),
    ("review", "own"),
    ("submit_review", "own"),
    ("pay", "own"),
    ("report", "own"),
    ("integrity", "own"),
    ("findings", "own"),
    ("pairs", None),
]
CELLS = [(endpoint, actor, obj) for actor in ACTORS for endpoint, obj in ENDPOINTS]
COVERED = {OPERATIONS[endpoint] for endpoint, _actor, _obj in CELLS}


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
    project = world["projects"]["own"]
    pk = {
        "publicity_detail": world["plans"].get(obj),
        "plan": world["plans"].get(obj),
        "funded": world["plans"].get(obj),
        "funded_xlsx": world["plans"].get(obj),
        "project": project,
        "pay": project,
        "report": project,
        "integrity": project.application,
        "findings": project.application,
    }.get(endpoint, world["task"])
    guide = project.application.guide
    url = OPERATIONS[endpoint][1].format(pk=pk.pk, slug=guide.slug, number=25, sequence=1)
    return f"{url}?guide={guide.slug}" if endpoint == "pairs" else url


def _send(url, method, endpoint, headers):
    send = getattr(Client(), method.lower())
    if endpoint in BODIES:
        return send(url, json.dumps(BODIES[endpoint]), content_type="application/json", **headers)
    return send(url, **headers)


def _numbers_listed(response, endpoint):
    if endpoint == "funded_xlsx":
        rows = load_workbook(BytesIO(response.content)).active.iter_rows(min_row=2, values_only=True)
        return {row[0] for row in rows}
    return {r["number"] for r in response.json()}


@pytest.mark.parametrize(("endpoint", "actor", "obj"), CELLS, ids=["-".join(filter(None, c)) for c in CELLS])
def test_api_permission(world, endpoint, actor, obj):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {world['tokens'][actor]}"} if actor != ANONYMOUS else {}
    method = OPERATIONS[endpoint][0]
    url = _url(world, endpoint, obj)
    task_before = Assignment.objects.filter(pk=world["task"].pk).values().get()

    response = _send(url, method, endpoint, headers)

    assert response.status_code == expect(endpoint, actor, obj), response.content.decode()
    assert Assignment.objects.filter(pk=world["task"].pk).values().get() == task_before
    if endpoint in PUBLIC:
        assert response.content == _send(url, method, endpoint, {}).content
    if endpoint in ("funded", "funded_xlsx") and response.status_code == 200:
        assert _numbers_listed(response, endpoint) == {p.number for p in world["projects"].values()}
    if endpoint == "funded_xlsx" and response.status_code == 200:
        return
    body = response.json()
    if response.status_code == 422:
        assert body["code"] == "refused"
        assert body["message"].startswith(REFUSALS[endpoint, actor])
    if endpoint in ("pay", "report"):
        project = world["projects"]["own"]
        assert list(project.tranches.values("status", "paid_amount")) == world["tranches_before"]
        assert not project.reports.exists()
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
