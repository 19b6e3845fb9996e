"""Property-based fuzz of stplan's GET filters and POST forms: whatever a person types into
a query string or a form, as whoever they are logged in as, the answer is never a 500.

Every named URL of the apps below is tried; its <int:...> arguments are filled with ids of
objects that exist in the world (or any other number), its <str:...>/<slug:...> ones with
real names or anything. The world is built once for the module inside a transaction rolled
back at the end (tests/matrix.py); each example runs in its own savepoint, so a POST that
happens to be accepted leaves nothing for the next one.

No rule of who may see what is asserted here: the permission matrices do that. The test
client re-raises a view's exception, so a 500 shows its traceback.
"""

import json
import os
import string
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.urls import get_resolver
from django.urls.resolvers import URLPattern, URLResolver
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from stplan.accounts.models import Invitation, Unit, UnitChange
from stplan.accounts.services import invite_person
from stplan.api.models import ApiToken
from stplan.api.services import create_token
from stplan.applications.models import Application, Attachment
from stplan.appraisals.models import Panel, PanelTask
from stplan.challenges.models import ChallengeItem, Need, NeedCall
from stplan.challenges.services import save_need
from stplan.demo.builders import MINIMAL_PDF
from stplan.funding import services as funding
from stplan.funding.models import FundingPlan, Objection
from stplan.integrity import services as integrity
from stplan.integrity.models import SimilarPair
from stplan.pledges.models import Pledge
from stplan.projects import services as projects
from stplan.projects.models import (
    AcceptancePanel,
    AcceptanceReview,
    ChangeRequest,
    CountyAward,
    ProgressReport,
    Project,
    ProjectFile,
    Tranche,
)
from stplan.projects.selectors import projects_of_plan
from stplan.review.models import Assignment, Expert, ReviewRound
from tests.matrix import module_world
from tests.world import (
    BureauAdminFactory,
    LeaderFactory,
    OfficerFactory,
    RecommenderFactory,
    UnitAdminFactory,
    UnitFactory,
    acceptance_panel,
    appraisal_panel,
    draft_25,
    need_call,
    need_fields,
    open_guide,
    passed_25,
    passed_challenge,
    published_item,
    scored_round,
    submitted_25,
    submitted_need,
)

NAMESPACES = (
    "applications",
    "accounts",
    "review",
    "funding",
    "projects",
    "guides",
    "integrity",
    "api",
    "challenges",
    "pledges",
    "appraisals",
    "statistics",
    "jobs",
)
TOP_LEVEL = ("workspace", "history")
ROLES = ("anonymous", "leader", "unit_admin", "recommender", "officer", "bureau_admin", "expert")

# A PDF takes about a second to lay out: these get few examples.
SLOW = {
    "applications:print",
    "projects:contract_pdf",
    "projects:certificate",
    "challenges:board",
    "pledges:pdf",
}
EXAMPLES = 16
SLOW_EXAMPLES = 3

GET_KEYS = (
    "q",
    "by",
    "value",
    "direction",
    "status",
    "county",
    "unit_kind",
    "programme",
    "page",
    "sort",
    "format",
    "min_score",
    "section",
    "left",
    "right",
    "round",
    "next",
    "kind",
    "year",
    "guide",
    "stale",
    "version",
)
POST_KEYS = (
    # name="…" in stplan's templates
    "action",
    "add_row",
    "amount",
    "application",
    "assignment",
    "award",
    "budget_executed",
    "change",
    "contact",
    "content",
    "county",
    "county_match",
    "days",
    "decision",
    "description",
    "direction",
    "due_at",
    "ends_on",
    "expert",
    "handling",
    "item",
    "kind",
    "language",
    "left",
    "min_score",
    "name",
    "narrative",
    "new_benefit",
    "new_leader",
    "new_output",
    "next",
    "note",
    "objection",
    "objective",
    "paid_on",
    "programme",
    "proof",
    "purpose",
    "reason",
    "report",
    "review_round",
    "right",
    "section",
    "section_budgets",
    "selected",
    "spent",
    "status",
    "summary",
    "total_budget",
    "total_investment",
    "tranche",
    "unit_kind",
    "voucher",
    "what",
    "year",
    "guide",
    # fields of stplan's Django forms
    "username",
    "password",
    "password2",
    "full_name",
    "email",
    "phone",
    "credit_code",
    "title",
    "pledge",
    "no_conflict",
    "overall_comment",
    "recommendation",
    "keywords",
    "unit_name",
    "id_number",
    "birth_date",
    "start_date",
    "end_date",
    "duration_years",
    "research_content",
    "technical_route",
    "leader_name",
    "role",
    "old_password",
    "new_password1",
    "new_password2",
    "score_innovation",
    "comment_innovation",
    "segment",
    "problem",
    "bottleneck",
    "target_text",
    "commitment",
    "deadline",
    "contact_name",
    "contact_phone",
    "metric_new_product",
    "into",
    "amount_max",
    "winners",
    "importance",
    "feasibility",
    "comment",
    "recommend",
    "recommended",
    "opinion",
    "experts_per_need",
    "call",
    "need",
    "opens_at",
    "closes_at",
    "csrfmiddlewaretoken",
    "scopes",
    # 验收专家组
    "experts",
    "rating-new_technology_or_funding",
    "remark-new_technology_or_funding",
    "days",
)
# What the templates' buttons send as action/what/kind/decision/status.
ACTION_VALUES = [
    "accept",
    "accept_report",
    "acceptance",
    "allow_early",
    "approve",
    "approve_change",
    "change",
    "clear",
    "close",
    "closed",
    "confirm",
    "conflict",
    "decide_acceptance",
    "declare",
    "evidence",
    "extend",
    "failed",
    "finalize",
    "forbid",
    "formal_pass",
    "formal_reject",
    "formal_return",
    "merge",
    "leader_confirm",
    "unit_confirm",
    "return",
    "decline",
    "handle",
    "optimise",
    "passed",
    "pay",
    "pin",
    "publicize",
    "publish",
    "reject",
    "reject_change",
    "report",
    "return_report",
    "revoke",
    "save",
    "solve",
    "submit",
    "terminate",
    "unit_approve",
    "verify",
    "withdraw",
    "unit_return",
    "recommend",
    "recommender_return",
    "resubmit",
    "fund",
    "budget",
    "report:1",
    "mark_distinct",
    "mark_duplicate",
    "allow",
]
HISTORY_KINDS = ("unit", "application", "round", "plan", "project", "award")

# --------------------------------------------------------------------------------------------
# Values
# --------------------------------------------------------------------------------------------

control = st.text(
    alphabet=st.characters(min_codepoint=0, max_codepoint=31) | st.sampled_from("\x7f\u200b\ufeff")
)
numeric_edges = st.sampled_from(
    [
        "nan",
        "NaN",
        "inf",
        "-inf",
        "Infinity",
        "-1",
        "1e400",
        "-1e400",
        "0",
        "-0",
        "0.0",
        "1.5",
        "99999999999999999999",
        "-99999999999999999999",
        "9223372036854775808",
        "2147483648",
        "1_000",
        " 1 ",
        "0x10",
        "1,000",
        "１２３",  # full-width digits
        "٣",  # Arabic-Indic digit
        "²",
        "2022-02-30",
        "2022-13-01",
        "9999-12-31",
        "0001-01-01",
        "true",
        "on",
        "null",
        "[]",
        "{}",
        "%00",
    ]
)
fullwidth_digits = st.text(alphabet="０１２３４５６７８９．－", min_size=1, max_size=12)
values = st.one_of(
    st.text(max_size=40),
    st.text(max_size=20).map(lambda s: f"{s}\x00{s}"),
    control,
    st.just("长" * 5000),
    st.text(alphabet=string.ascii_letters, min_size=5000, max_size=5000),
    numeric_edges,
    fullwidth_digits,
    st.integers(min_value=-(10**25), max_value=10**25).map(str),
    st.just(""),
)
action_values = st.sampled_from(ACTION_VALUES)
random_keys = st.text(min_size=1, max_size=12)


def data_strategy(keys, *, many):
    """A dict of a few known keys (and some random ones) to a value or, for a POST, a list."""
    value = values | action_values
    if many:
        value = value | st.lists(value, min_size=0, max_size=3)
    return st.dictionaries(st.sampled_from(keys) | random_keys, value, max_size=8)


# --------------------------------------------------------------------------------------------
# The world
# --------------------------------------------------------------------------------------------


def _build():
    guide = open_guide()
    # 揭榜挂帅: a team answering a published 榜单 item is funded beside the 方向25 projects,
    # so its project has a 军令状.
    team = passed_challenge(published_item(guide))
    current, (funded, second, _team), staff = scored_round(
        guide, [90, 80, 85], directions=(25, 1), applications=[passed_25(guide), passed_25(guide), team]
    )
    expert = Assignment.objects.filter(round=current).first().expert.user
    plan = funding.create_plan(actor=staff, review_round=current, name="模糊方案", total_budget=2_100_000)
    plan = funding.publicize(plan=plan, actor=staff)
    funding.finalize(plan=plan, actor=staff, now=plan.publicity_ends + timedelta(seconds=1))
    funding.create_plan(actor=staff, review_round=current, name="模糊草稿方案", total_budget=50_000)
    leader = funded.leader
    unit_admin = UnitAdminFactory(unit=leader.unit)
    officer = OfficerFactory(section="国外智力引进与人才科")
    running = next(p for p in projects_of_plan(plan) if p.application.leader_id == second.leader_id)
    projects.advance_contract(project=running, actor=second.leader, action="confirm")
    projects.advance_contract(
        project=running, actor=UnitAdminFactory(unit=second.lead_unit), action="unit_approve"
    )
    projects.advance_contract(project=running, actor=officer, action="approve")
    running.refresh_from_db()
    projects.allow_early(project=running, actor=officer, what="report:1", reason="模糊准备")
    projects.submit_report(
        project=running, actor=second.leader, year=1, progress={}, narrative="进展", spent=10_000
    )
    projects.request_change(
        project=running, actor=second.leader, kind="budget", details={"description": "调整"}, reason="调整"
    )
    projects.record_award(
        actor=BureauAdminFactory(),
        county="阳朔县",
        year=2022,
        amount=300_000,
        county_match=100_000,
        proof="证明",
    )
    # Applications of the leader's own unit at each early state, and a pending registration.
    submitted_25(guide=guide, leader=leader)
    draft_25(guide=guide, leader=leader)
    UnitFactory(name="待审核模糊单位", approved=False)
    # The world's applications share one text: 查重 finds them as pairs.
    integrity.scan(guide=guide, actor=staff)
    # 验收 of the running project, allowed early, before a published 验收专家组.
    projects.allow_early(project=running, actor=officer, what="acceptance", reason="模糊准备")
    projects.add_evidence(
        project=running,
        actor=second.leader,
        purpose="acceptance",
        upload=SimpleUploadedFile("proof.pdf", MINIMAL_PDF, content_type="application/pdf"),
    )
    projects.submit_acceptance(
        project=running,
        actor=second.leader,
        achieved={},
        total_investment=10_000,
        new_output=0,
        summary="模糊验收",
    )
    acceptance_panel(running, officer, experts=2)
    # 揭榜挂帅: an open 专家论证, a need under review and an enterprise's draft need.
    appraisal_panel(guide)
    call = need_call(guide)
    submitted_need(call)
    enterprise_admin = UnitAdminFactory(unit=UnitFactory(kind="enterprise"))
    save_need(actor=enterprise_admin, call=call, fields=need_fields(), targets={"new_product": 4})
    invitation = invite_person(
        unit=leader.unit, invited_by=unit_admin, full_name="王五", email="w5@test.local"
    )
    users = {
        "leader": leader,
        "unit_admin": unit_admin,
        "recommender": RecommenderFactory(unit=funded.recommender),
        "officer": officer,
        "bureau_admin": BureauAdminFactory(),
        "expert": expert,
    }
    LeaderFactory(unit=leader.unit)
    create_token(user=leader, name="模糊令牌", scopes=["read"], days=30)
    sessions = {}
    for role, user in users.items():
        client = Client()
        client.force_login(user)
        sessions[role] = client.cookies[django_settings.SESSION_COOKIE_NAME].value
    models = (
        ApiToken,
        Unit,
        UnitChange,
        Invitation,
        Application,
        Attachment,
        Expert,
        ReviewRound,
        Assignment,
        FundingPlan,
        Objection,
        Project,
        Tranche,
        ProgressReport,
        ChangeRequest,
        CountyAward,
        SimilarPair,
        Need,
        NeedCall,
        ChallengeItem,
        Pledge,
        Panel,
        PanelTask,
        AcceptancePanel,
        AcceptanceReview,
        ProjectFile,
    )
    ids = sorted({pk for model in models for pk in model.objects.values_list("pk", flat=True)} | {1, 2})
    strings = {
        "slug": [guide.slug],
        "token": [invitation.token],
        "kind": list(HISTORY_KINDS),
        "action": ACTION_VALUES,
    }
    return {"sessions": sessions, "ids": ids, "strings": strings}


world = module_world(_build)


@pytest.fixture(autouse=True)
def _fast_passwords_and_private_media():
    """Replaces the suite's per-test settings fixture: the world sets the same once."""


@pytest.fixture(autouse=True)
def db(world, django_db_blocker):
    """Only unblocks the database: each example opens its own savepoint (see `_request`)."""
    with django_db_blocker.unblock():
        yield


# --------------------------------------------------------------------------------------------
# The URLs
# --------------------------------------------------------------------------------------------


def _patterns():
    """(name, [(converter, argument)…] parts, route) of every named URL under test."""
    found = []

    def walk(resolver, prefix, namespace):
        for pattern in resolver.url_patterns:
            if isinstance(pattern, URLResolver):
                inner = pattern.namespace or namespace
                if inner in NAMESPACES or (namespace is None and pattern.namespace is None):
                    walk(pattern, prefix + str(pattern.pattern), inner)
            elif isinstance(pattern, URLPattern) and pattern.name:
                name = f"{namespace}:{pattern.name}" if namespace else pattern.name
                if namespace in NAMESPACES or name in TOP_LEVEL:
                    found.append((name, prefix + str(pattern.pattern)))

    walk(get_resolver(), "", None)
    return sorted(found)


PATTERNS = _patterns()


def _url(draw, route, world):
    """The route with its <converter:name> parts filled in."""
    out, rest = [], route
    while "<" in rest:
        head, _, tail = rest.partition("<")
        spec, _, rest = tail.partition(">")
        converter, _, name = spec.rpartition(":")
        converter = converter or "str"
        if converter == "int":
            value = draw(st.sampled_from(world["ids"]) | st.integers(min_value=0, max_value=10**20))
        else:
            known = world["strings"].get(name, [])
            safe = st.text(alphabet=string.ascii_letters + string.digits + "-_", min_size=1, max_size=40)
            if converter == "str":
                safe = safe | st.text(min_size=1, max_size=40).filter(lambda s: "/" not in s)
            value = draw(st.sampled_from(known) | safe) if known else draw(safe)
        out += [head, str(value)]
    out.append(rest)
    return "/" + "".join(out)


@st.composite
def requests(draw, route, method, world):
    role = draw(st.sampled_from(ROLES))
    url = _url(draw, route, world)
    if method == "GET":
        data = draw(data_strategy(GET_KEYS, many=False))
    else:
        data = draw(data_strategy(POST_KEYS, many=True))
    return role, url, data


# Requests made, by method, URL name and role; written to $STPLAN_FUZZ_COUNTS (JSON) at the
# module's end when that is set, never printed.
TRIED = Counter()


@pytest.fixture(scope="module", autouse=True)
def _counts():
    yield
    if path := os.environ.get("STPLAN_FUZZ_COUNTS"):
        rows = [{"method": m, "url": n, "role": r, "requests": c} for (m, n, r), c in sorted(TRIED.items())]
        Path(path).write_text(json.dumps(rows, ensure_ascii=False, indent=1))


def _request(world, name, method, role, url, data):
    client = Client()  # raise_request_exception stays True: a 500 shows its traceback
    if role != "anonymous":
        client.cookies[django_settings.SESSION_COOKIE_NAME] = world["sessions"][role]
    cache.clear()  # rate-limit counters
    with transaction.atomic():
        response = client.get(url, data) if method == "GET" else client.post(url, data)
        transaction.set_rollback(True)
    TRIED[method, name, role] += 1
    return response


def _fuzz(world, name, route, method):
    @settings(
        max_examples=SLOW_EXAMPLES if name in SLOW else EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(requests(route, method, world))
    def run(request):
        role, url, data = request
        response = _request(world, name, method, role, url, data)
        assert response.status_code < 500, (method, url, role, data)

    run()


@pytest.mark.parametrize(("name", "route"), PATTERNS, ids=[name for name, _ in PATTERNS])
def test_get_never_500(world, name, route):
    _fuzz(world, name, route, "GET")


@pytest.mark.parametrize(("name", "route"), PATTERNS, ids=[name for name, _ in PATTERNS])
def test_post_never_500(world, name, route):
    _fuzz(world, name, route, "POST")


def test_every_app_is_fuzzed():
    names = {name.partition(":")[0] if ":" in name else name for name, _ in PATTERNS}
    assert names == set(NAMESPACES) | set(TOP_LEVEL)
