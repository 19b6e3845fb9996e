"""Schemathesis against /api/v1/openapi.json: every operation, as an anonymous caller and as
each role's token, with a bounded number of generated requests each.

Each answer must be no 500, have a status code, content type and body the document declares,
and name no application (GL…-number) the caller may not see. The world is built once for the
module in a transaction rolled back at its end (tests/matrix.py); each example runs in its own
savepoint, so an accepted write leaves nothing for the next one.
"""

import re
from datetime import timedelta

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from django.test import override_settings
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from stplan.api.services import create_token
from stplan.applications.models import Application
from stplan.applications.selectors import visible_applications
from stplan.funding import services as funding
from stplan.funding.models import FundingPlan
from stplan.projects.models import Project
from stplan.review.models import Assignment
from stplan.wsgi import application as wsgi_application
from tests.matrix import module_world
from tests.world import (
    BureauAdminFactory,
    OfficerFactory,
    RecommenderFactory,
    UnitAdminFactory,
    draft_25,
    open_guide,
    scored_round,
    submitted_25,
)

# Examples per operation and role: enough to reach each refusal, few enough to keep the suite fast.
EXAMPLES = 6
ROLES = ("anonymous", "leader", "unit_admin", "recommender", "officer", "bureau_admin", "expert")
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
NUMBER = re.compile(r"GL\d{4}-\d{2}-\d{5,}")

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", wsgi_application)


def _build():
    guide = open_guide()
    current, (funded, _second), staff = scored_round(guide, [90, 80])
    plan = funding.create_plan(actor=staff, review_round=current, name="模糊方案", total_budget=100_000)
    plan = funding.publicize(plan=plan, actor=staff)
    funding.finalize(plan=plan, actor=staff, now=plan.publicity_ends + timedelta(seconds=1))
    funding.create_plan(actor=staff, review_round=current, name="模糊草稿", total_budget=50_000)
    leader = funded.leader
    draft_25(guide=guide, leader=leader)
    theirs = submitted_25(guide=guide)
    draft_25(guide=guide)
    expert = Assignment.objects.filter(application=funded).first().expert.user
    users = {
        "leader": leader,
        "unit_admin": UnitAdminFactory(unit=leader.unit),
        "recommender": RecommenderFactory(unit=funded.recommender),
        "officer": OfficerFactory(section="农业农村科技科"),
        "bureau_admin": BureauAdminFactory(),
        "expert": expert,
    }
    assert theirs.lead_unit_id != leader.unit_id
    tokens = {
        role: create_token(user=user, name="fuzz", scopes=["read", "write", "submit"], days=30)[1]
        for role, user in users.items()
    }
    visible = {
        role: set(visible_applications(user).values_list("number", flat=True)) for role, user in users.items()
    }
    visible["expert"] = set(
        Assignment.objects.filter(expert__user=expert).values_list("application__number", flat=True)
    )
    # The 公示 names the selected applications to anyone.
    public = set(plan.items.filter(selected=True).values_list("application__number", flat=True))
    models = (Application, Assignment, FundingPlan, Project)
    ids = sorted({pk for model in models for pk in model.objects.values_list("pk", flat=True)})
    allowed = {role: numbers | public for role, numbers in visible.items()}
    return {"tokens": tokens, "visible": {**allowed, "anonymous": public}, "ids": ids}


@pytest.fixture(scope="module", autouse=True)
def _one_connection_per_module():
    """Requests arrive through WSGI as in production, where the end of each request closes a
    connection found inside a transaction; here every request runs inside the world's
    transaction, so (as Django's test client does) connections stay open between requests."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


world = module_world(_build)


@pytest.fixture(autouse=True)
def _fast_passwords_and_private_media():
    """Replaces the suite's per-test settings fixture: the world sets the same once."""


@pytest.fixture(autouse=True)
def db(world, django_db_blocker):
    with django_db_blocker.unblock(), override_settings(STPLAN_API_RATE="1000000/min"):
        yield


@pytest.mark.parametrize("role", ROLES)
@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
    ],
)
def test_api_fuzz(case, role, world):
    headers = {"Authorization": f"Bearer {world['tokens'][role]}"} if role != "anonymous" else {}
    pk = (case.path_parameters or {}).get("pk")
    if isinstance(pk, int) and pk % 3:
        # Two in three ids name an object that exists (another unit's as often as one's own).
        case.path_parameters["pk"] = world["ids"][pk % len(world["ids"])]
    savepoint = transaction.atomic()
    savepoint.__enter__()
    try:
        response = case.call(headers=headers)
        case.validate_response(response, checks=CHECKS)
        is_json = response.headers.get("content-type", [""])[0].startswith("application/json")
        named = set(NUMBER.findall(response.text)) if is_json else set()
        created = (
            {response.json()["number"]}
            if response.status_code == 201 and "number" in response.text
            else set()
        )
        assert named <= world["visible"][role] | created, (case.method, case.path, named)
    finally:
        transaction.set_rollback(True)
        savepoint.__exit__(None, None, None)
