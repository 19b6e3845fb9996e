"""Every page of stplan at 360, 768 and 1280 px wide: none scrolls sideways.

The demo world (stplan.demo: every role, units, applications, rounds, plans, projects, needs
and 榜单 in their states) is loaded once. Each role opens, in one browser context whose window
is resized between the widths, every page of every URL pattern it can open, the pattern's
parameters filled with one object per state. The test fails listing each page × width whose
document is wider than the window, or where an element reaches past the window's edge outside
any box that scrolls or clips it (a wide table scrolling inside its own box is fine).

Which pages a role can open is asked of Django's test client first (200 and HTML, not a
redirect elsewhere), so the browser loads only those. URL patterns that are no page for a
browser are listed in SKIPPED with the reason; a guard fails when a pattern is neither filled
in PAGES (or plain, without parameters) nor skipped, and when a page no role could open.
"""

import logging
import re
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.core import mail
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Page, expect

from stplan.accounts import services as accounts
from stplan.accounts.models import Unit, User
from stplan.applications.jobs import DESK_EXPORT
from stplan.applications.models import Application, ApplicationVersion
from stplan.applications.selectors import latest_content
from stplan.appraisals.models import Panel, PanelTask
from stplan.challenges.models import ChallengeItem, Need, NeedCall
from stplan.challenges.services import transition_need
from stplan.demo.services import GUIDE, load_demo
from stplan.funding.models import FundingPlan
from stplan.guides.models import Direction, Guide
from stplan.history import KINDS
from stplan.integrity import services as integrity
from stplan.integrity.models import FundedElsewhere, SimilarPair
from stplan.jobs import services as jobs
from stplan.jobs.models import Job
from stplan.pledges.models import Pledge
from stplan.projects.models import AcceptancePanel, CountyAward, Project
from stplan.review.models import Assignment, Expert, ReviewRound
from tests.factories import credit_code
from tests.world import LeaderFactory, OfficerFactory, need_call, registration_link, submitted_need

WIDTHS = (360, 768, 1280)
HEIGHT = 740

SKIPPED_NAMESPACES = {
    "admin": "Django's admin site: its own stylesheet, for staff at a desk",
    "api-v1": "the JSON API and its generated documentation: no page of stplan",
}
SKIPPED = {
    "/": "only redirects to 工作台 or 申报指南",
    "healthz": "plain-text health check for the load balancer",
    "readyz": "plain-text readiness check for the load balancer",
    "set_language": "POST only: the language form in the header",
    "accounts:logout": "POST only: the 退出 button",
    "accounts:two_step_remove": "POST only",
    "accounts:resubmit_registration": "POST only",
    "accounts:invite": "POST only: the invitation form on 本单位",
    "accounts:unit_change": "POST only: the decision on a registration's page",
    "applications:create": "POST only: the 申报本方向 buttons",
    "applications:autosave": "POST only: htmx autosave of the 申报书 form",
    "applications:upload_attachment": "POST only",
    "applications:remove_attachment": "POST only",
    "applications:act": "POST only: workflow buttons",
    "applications:attachment": "file download",
    "applications:print": "PDF download",
    "challenges:need_action": "POST only: workflow buttons",
    "challenges:item_action": "POST only: workflow buttons",
    "review:expert_template": "Excel download",
    "integrity:scan": "POST only",
    "integrity:export": "Excel download",
    "integrity:registry_template": "Excel download",
    "projects:contract_pdf": "PDF download",
    "api:revoke": "POST only",
    "pledges:pdf": "PDF download",
    "pledges:confirm": "POST only: workflow buttons",
    "appraisals:panel_action": "POST only: workflow buttons",
    "appraisals:task_decline": "POST only",
    "jobs:progress": "htmx fragment polled inside jobs:detail, measured there",
    "jobs:download": "file download",
    "applications:desk_bulk": "POST only: the desk's bulk decision",
    "guides:attachment_template": "PDF download",
    "funding:plan_optimise": "POST only: one action of the plan page",
    "funding:plan_item_change": "POST only: one action of the plan page",
    "funding:plan_publicize": "POST only: one action of the plan page",
    "funding:plan_finalize": "POST only: one action of the plan page",
    "funding:objection_handle": "POST only: one action of the plan page",
    "integrity:sanctions_template": "Excel download",
    "projects:acceptance_review": (
        "the demo's panel experts are chosen by the solver, not among ROLES: measured at 360 px in "
        "tests/browser/test_acceptance_panel_flow.py"
    ),
    "accounts:registration_approve": "POST only: one action of its page (a refused form is shown on that page)",
    "accounts:registration_reject": "POST only: one action of its page (a refused form is shown on that page)",
    "applications:submit": "POST only: one action of its page (a refused form is shown on that page)",
    "review:round_solve": "POST only: one action of its page (a refused form is shown on that page)",
    "review:round_publish": "POST only: one action of its page (a refused form is shown on that page)",
    "review:round_pin": "POST only: one action of its page (a refused form is shown on that page)",
    "review:round_forbid": "POST only: one action of its page (a refused form is shown on that page)",
    "review:round_clear": "POST only: one action of its page (a refused form is shown on that page)",
    "review:round_extend": "POST only: one action of its page (a refused form is shown on that page)",
    "review:round_conflict": "POST only: one action of its page (a refused form is shown on that page)",
    "review:round_close": "POST only: one action of its page (a refused form is shown on that page)",
    "review:task_confirm": "POST only: one action of its page (a refused form is shown on that page)",
    "review:task_declare": "POST only: one action of its page (a refused form is shown on that page)",
    "review:task_save": "POST only: one action of its page (a refused form is shown on that page)",
    "review:task_submit": "POST only: one action of its page (a refused form is shown on that page)",
    "projects:revoke_award": "POST only: one action of its page (a refused form is shown on that page)",
    "projects:confirm_contract": "POST only: one action of its page (a refused form is shown on that page)",
    "projects:unit_approve_contract": "POST only: one action of its page (a refused form is shown on that page)",
    "projects:approve_contract": "POST only: one action of its page (a refused form is shown on that page)",
    "projects:pay": "POST only: one action of its page (a refused form is shown on that page)",
    "projects:verify": "POST only: one action of its page (a refused form is shown on that page)",
    "projects:report": "POST only: one action of its page (a refused form is shown on that page)",
    "projects:accept_report": "POST only: one action of its page (a refused form is shown on that page)",
    "projects:return_report": "POST only: one action of its page (a refused form is shown on that page)",
    "projects:change": "POST only: one action of its page (a refused form is shown on that page)",
    "projects:approve_change": "POST only: one action of its page (a refused form is shown on that page)",
    "projects:reject_change": "POST only: one action of its page (a refused form is shown on that page)",
    "projects:acceptance": "POST only: one action of its page (a refused form is shown on that page)",
    "projects:decide_acceptance": "POST only: one action of its page (a refused form is shown on that page)",
    "projects:evidence": "POST only: one action of its page (a refused form is shown on that page)",
    "projects:terminate": "POST only: one action of its page (a refused form is shown on that page)",
    "projects:allow_early": "POST only: one action of its page (a refused form is shown on that page)",
    "projects:acceptance_panel_action": "POST only: one action of its page (a refused form is shown on that page)",
    "projects:acceptance_review_decline": "POST only: one action of its page (a refused form is shown on that page)",
    "accounts:qualification_proof": "file download",
    "review:task_attachment": "file download",
    "projects:certificate": "PDF download",
    "projects:acceptance_evidence": "file download",
}

# Who signs in for each role; a page is opened by the first of them who can open it. The
# last officer has 两步验证 on and has not given the code: the code form is his only page.
ROLES = {
    "visitor": [None],
    "leader": ["fuzeren-gaoxiao", "fuzeren-qiye"],
    "unit_admin": ["gaoxiao-admin", "daishen-admin"],
    "recommender": ["lingui-admin"],
    "officer": ["keshi-nongye", "keshi-second-step"],
    "bureau_admin": ["admin"],
    "expert": ["zhuanjia-01", "zhuanjia-13"],
}
# Pages that read the same for everyone, opened as the visitor only.
PUBLIC_ONLY = {"guides:direction_detail"}
PER_STATE = 1  # objects tried per state (the first a role cannot open is not retried with another)


def _route_names(patterns=None, namespace=""):
    """Every URL pattern's name (namespace:name; unnamed ones by their route), whether it
    takes parameters, and its namespace."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            inner = ":".join(n for n in (namespace, pattern.namespace or "") if n)
            yield from _route_names(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern):
            if pattern.callback.__module__ == "django.contrib.staticfiles.views":
                # Only there when DEBUG was on as the URLconf loaded (another test's settings):
                # static files, which WhiteNoise serves in production.
                continue
            if pattern.name:
                name = f"{namespace}:{pattern.name}" if namespace else pattern.name
            else:
                name = "/" + str(pattern.pattern)
            yield name, bool(pattern.pattern.converters or pattern.pattern.regex.groups), namespace


def _per_state(name, objects, state=lambda o: o.status, kwargs=lambda o: {"pk": o.pk}):
    """(state, path) for up to PER_STATE objects in each state."""
    seen, found = Counter(), []
    for obj in objects:
        key = str(state(obj))
        if seen[key] < PER_STATE:
            seen[key] += 1
            found.append((key, reverse(name, kwargs=kwargs(obj))))
    return found


def _history(_demo):
    models = {
        "unit": Unit,
        "application": Application,
        "round": ReviewRound,
        "plan": FundingPlan,
        "project": Project,
        "award": CountyAward,
    }
    assert set(models) == set(KINDS), "a new kind of history: add its model here"
    found = []
    for kind, model in models.items():
        objects = model.objects.order_by("pk")
        # One table of events whatever the state: the objects of each kind are tried in turn.
        paths = _per_state("history", objects, kwargs=lambda o, k=kind: {"kind": k, "pk": o.pk})
        found += [(kind, path) for _state, path in paths]
    return found


def _applications(name):
    return lambda _demo: _per_state(name, Application.objects.order_by("pk"))


def _version(_demo):
    versions = ApplicationVersion.objects.select_related("application").order_by("pk")
    return _per_state(
        "applications:version",
        versions,
        state=lambda v: v.application.status,
        kwargs=lambda v: {"pk": v.application_id, "number": v.number},
    )


def _project_state(project):
    contract = getattr(project, "contract", None)
    return f"{project.status}/{contract.status if contract else '-'}"


def _compare(_demo):
    left, right = FundingPlan.objects.order_by("pk")[:2]
    return [("", f"{reverse('funding:compare')}?left={left.pk}&right={right.pk}")]


PAGES: dict[str, Callable] = {
    "history": _history,
    "accounts:password_reset_confirm": lambda demo: [("", demo["password_reset"])],
    "accounts:confirm_registration": lambda demo: [("", demo["registration"])],
    "accounts:accept_invitation": lambda demo: [
        ("", reverse("accounts:accept_invitation", kwargs={"token": demo["invitation"].token}))
    ],
    "accounts:registration_detail": lambda _: _per_state(
        "accounts:registration_detail", Unit.objects.order_by("pk")
    ),
    "applications:detail": _applications("applications:detail"),
    "applications:edit": _applications("applications:edit"),
    "applications:review": _applications("applications:review"),
    "applications:version": _version,
    "applications:desk_export": lambda _: [("ask", reverse("applications:desk_export"))],
    "challenges:need_new": lambda _: _per_state(
        "challenges:need_new",
        NeedCall.objects.order_by("pk"),
        state=lambda c: "",
        kwargs=lambda c: {"call": c.pk},
    ),
    "challenges:need": lambda _: _per_state("challenges:need", Need.objects.order_by("pk")),
    "challenges:item_new": lambda _: _per_state(
        "challenges:item_new", Need.objects.filter(status="accepted"), kwargs=lambda n: {"need": n.pk}
    ),
    "challenges:item": lambda _: _per_state("challenges:item", ChallengeItem.objects.order_by("pk")),
    "challenges:board_index": lambda _: [("", reverse("challenges:board_index", kwargs={"slug": GUIDE}))],
    "challenges:board": lambda _: _per_state(
        "challenges:board",
        ChallengeItem.objects.select_related("direction").order_by("pk"),
        state=lambda i: i.direction.number,
        kwargs=lambda i: {"slug": GUIDE, "number": i.direction.number},
    ),
    "guides:guide_detail": lambda _: [("", reverse("guides:guide_detail", kwargs={"slug": GUIDE}))],
    "guides:direction_detail": lambda _: _per_state(
        "guides:direction_detail",
        Direction.objects.order_by("number"),
        state=lambda d: d.category_id,
        kwargs=lambda d: {"slug": GUIDE, "number": d.number},
    ),
    "review:expert": lambda _: _per_state(
        "review:expert", Expert.objects.order_by("pk")[:1], state=lambda e: ""
    ),
    "review:round": lambda _: _per_state("review:round", ReviewRound.objects.order_by("pk")),
    "review:ranking": lambda _: _per_state("review:ranking", ReviewRound.objects.order_by("pk")),
    "review:task": lambda _: _per_state("review:task", Assignment.objects.order_by("pk")),
    "funding:plan": lambda _: _per_state("funding:plan", FundingPlan.objects.order_by("pk")),
    "funding:compare": _compare,
    "funding:publicity": lambda _: _per_state("funding:publicity", FundingPlan.objects.order_by("pk")),
    "funding:objection": lambda _: _per_state("funding:objection", FundingPlan.objects.order_by("pk")),
    "funding:publicity_contact": lambda _: _per_state(
        "funding:publicity_contact", FundingPlan.objects.order_by("pk")
    ),
    "integrity:pair": lambda _: _per_state("integrity:pair", SimilarPair.objects.order_by("pk")),
    "integrity:application_pairs": lambda _: _per_state(
        "integrity:application_pairs",
        SimilarPair.objects.order_by("pk")[:1],
        state=lambda p: "",
        kwargs=lambda p: {"pk": p.application_id},
    ),
    "projects:detail": lambda _: _per_state(
        "projects:detail", Project.objects.select_related("contract").order_by("pk"), state=_project_state
    ),
    "projects:acceptance_panel": lambda _: _per_state(
        "projects:acceptance_panel",
        AcceptancePanel.objects.select_related("acceptance").order_by("pk"),
        kwargs=lambda p: {"pk": p.acceptance.project_id},
    ),
    "pledges:detail": lambda _: _per_state("pledges:detail", Pledge.objects.order_by("pk")),
    "appraisals:panel": lambda _: _per_state("appraisals:panel", Panel.objects.order_by("pk")),
    "appraisals:task": lambda _: _per_state("appraisals:task", PanelTask.objects.order_by("pk")),
    "jobs:detail": lambda _: _per_state("jobs:detail", Job.objects.order_by("pk")),
}


def _pages_to_visit(demo) -> dict[tuple[str, str], list[str]]:
    """(URL name, state) → the paths to try, in order."""
    pages: dict[tuple[str, str], list[str]] = {}
    for name, has_parameters, namespace in _route_names():
        if name in SKIPPED or namespace in SKIPPED_NAMESPACES:
            continue
        found = PAGES[name](demo) if name in PAGES else [("", reverse(name))]
        assert found or not has_parameters, f"{name}: the demo has nothing to fill it with"
        for state, path in found:
            pages.setdefault((name, state), []).append(path)
    return pages


def test_every_url_pattern_is_visited_or_skipped():
    unknown = [
        name
        for name, has_parameters, namespace in _route_names()
        if has_parameters
        and name not in PAGES
        and name not in SKIPPED
        and namespace not in SKIPPED_NAMESPACES
    ]
    assert not unknown, (
        f"URL patterns neither filled in PAGES nor in SKIPPED of tests/browser/test_layout.py: {unknown}"
    )
    names = {name for name, _parameters, _namespace in _route_names()}
    gone = (set(PAGES) | set(SKIPPED)) - names
    assert not gone, f"PAGES or SKIPPED name patterns that are gone: {gone}"


def _demo_world() -> dict:
    load_demo()
    officer = User.objects.get(username="keshi-rencai")
    second_step = User.objects.create_user(
        username="keshi-second-step", role="officer", section=officer.section, full_name="两步验证经办人"
    )
    TOTPDevice.objects.create(user=second_step, name="身份验证器", confirmed=True)
    admin = User.objects.get(username="admin")
    guide = Guide.objects.get(slug=GUIDE)
    # The demo's texts resemble nothing; a project funded elsewhere with one of them gives 查重
    # a pair to show.
    copied = Application.objects.filter(title="罗汉果深加工技术成果转化").get()
    content = latest_content(copied)
    FundedElsewhere.objects.create(
        unit_name="桂林某公司",
        title="罗汉果甜苷深加工技术研究",
        summary=f"{content.summary}\n{content.research_content}",
        year=2021,
        funder="自治区科技计划",
        imported_by=admin,
    )
    integrity.scan(guide=guide, actor=admin)
    desk_officer = User.objects.get(username="keshi-nongye")
    jobs.start(kind=DESK_EXPORT, owner=desk_officer, params={})
    unit_admin = User.objects.get(username="gaoxiao-admin")
    invitation = accounts.invite_person(
        unit=unit_admin.unit,
        invited_by=unit_admin,
        full_name="待接受邀请的老师",
        email="invited@demo.stplan.local",
    )
    accounts.request_registration(
        unit_fields={
            "name": "桂林待确认注册有限公司",
            "credit_code": credit_code(),
            "kind": "enterprise",
            "province": "广西壮族自治区",
            "city": "桂林市",
            "county": "七星区",
            "address": "桂林市七星区演示路200号",
            "contact_name": "李经理",
            "contact_phone": "0773-5000200",
            "contact_email": "layout@demo.stplan.local",
        },
        username="layout-admin",
        password="Layout-2022-pass",
        full_name="李经理",
        email="layout-admin@demo.stplan.local",
        phone="13800000200",
    )
    registration = registration_link(mail.outbox)
    # A need accepted and not yet made a 榜单 item, for the item form.
    need = submitted_need(need_call(guide), person=User.objects.get(username="qiye-admin"))
    transition_need(need=need, action="accept", actor=_officer_of(need.call.direction))
    leader = User.objects.get(username="fuzeren-gaoxiao")
    uid = urlsafe_base64_encode(force_bytes(leader.pk))
    return {
        "invitation": invitation,
        "registration": registration,
        "password_reset": reverse(
            "accounts:password_reset_confirm",
            kwargs={"uidb64": uid, "token": default_token_generator.make_token(leader)},
        ),
    }


def _officer_of(direction) -> User:
    return User.objects.filter(role="officer", section=direction.section).order_by("pk").first()


def _opens(client: Client, name: str, path: str) -> str | None:
    """The path the browser is to load when `client` can open `path` as the page `name`."""
    response = client.get(path, follow=True)
    final = response.request["PATH_INFO"]
    query = response.request.get("QUERY_STRING", "")
    if response.status_code != 200 or not response["Content-Type"].startswith("text/html"):
        return None
    match = resolve(final)
    shown = f"{match.namespace}:{match.url_name}" if match.namespace else match.url_name
    if shown != name:
        return None  # sent elsewhere: to the login, or another page
    return f"{final}?{query}" if query else final


# The document's width, and the outermost elements reaching past the window's edges that no
# box scrolling or clipping them holds (elements the page hides on purpose are 0×0 or off).
OVERFLOW = """() => {
  const width = window.innerWidth;
  const root = document.documentElement;
  const held = (element) => {
    for (let up = element.parentElement; up && up !== document.body; up = up.parentElement) {
      if (getComputedStyle(up).overflowX !== "visible") return true;
    }
    return false;
  };
  const describe = (e) => e.tagName.toLowerCase() + (e.id ? "#" + e.id : "") +
    (typeof e.className === "string" && e.className.trim() ? "." + e.className.trim().split(/\\s+/).join(".") : "");
  const wide = [];
  for (const element of document.body.querySelectorAll("*")) {
    const box = element.getBoundingClientRect();
    if (box.width === 0 || box.height === 0 || !element.checkVisibility()) continue;
    // Whatever lies wholly left of the page (a hidden honeypot field) cannot be scrolled to.
    if ((box.right <= width + 1 && box.left >= -1) || box.right <= 0) continue;
    if (held(element) || wide.some((outer) => outer.contains(element))) continue;
    wide.push(element);
  }
  return {
    scrollWidth: root.scrollWidth,
    width,
    wide: wide.slice(0, 5).map((e) => `${describe(e)} ${Math.round(e.getBoundingClientRect().width)}px`),
  };
}"""


def _measure(page: Page, width: int) -> str | None:
    page.set_viewport_size({"width": width, "height": HEIGHT})
    found = page.evaluate(OVERFLOW)
    if found["scrollWidth"] <= found["width"] and not found["wide"]:
        return None
    return f"scrollWidth {found['scrollWidth']} > {found['width']}; " + ", ".join(found["wide"])


def _signed_in(username: str | None) -> Client:
    client = Client()
    if username:
        client.force_login(User.objects.get(username=username))
    return client


def _share_cookies(context, live_server, client: Client) -> None:
    context.clear_cookies()
    context.add_cookies(
        [
            {"name": name, "value": morsel.value, "url": live_server.url}
            for name, morsel in client.cookies.items()
        ]
    )


@pytest.fixture
def wide_exports(settings):
    # The desk's export asks first when the list is longer than this: the question is a page.
    settings.STPLAN_INLINE_EXPORT_ROWS = 1


def test_no_page_is_wider_than_the_window(new_page, live_server, screenshots, wide_exports, capsys):
    started = time.monotonic()
    demo = _demo_world()
    built = time.monotonic()
    pages = _pages_to_visit(demo)
    overflowing: list[str] = []
    opened: set[str] = set()
    visits = 0
    visits_by_role: Counter = Counter()
    probing = 0.0
    for role, usernames in ROLES.items():
        page = _page(new_page, WIDTHS[0])
        context = page.context
        clients = {username: _signed_in(username) for username in usernames}
        plan: list[tuple[str | None, str, str]] = []
        probe_start = time.monotonic()
        logging.disable(logging.WARNING)  # the refusals probed are expected, not news
        for (name, _state), paths in pages.items():
            if name in PUBLIC_ONLY and role != "visitor":
                continue
            for username in usernames:
                target = next((t for path in paths if (t := _opens(clients[username], name, path))), None)
                if target:
                    plan.append((username, name, target))
                    opened.add(name)
                    break
        logging.disable(logging.NOTSET)
        probing += time.monotonic() - probe_start
        current = object()
        widths = list(WIDTHS)
        for username, name, target in sorted(plan, key=lambda row: usernames.index(row[0])):
            if username != current:
                _share_cookies(context, live_server, clients[username])
                current = username
            response = page.goto(target)
            assert response.status == 200, (role, username, target, response.status)
            visits += 1
            visits_by_role[role] += 1
            for width in widths:
                if problem := _measure(page, width):
                    overflowing.append(f"{role} {username or ''} {name} {target} @{width}: {problem}")
                    screenshots(page, re.sub(r"[^\w.-]+", "_", f"{role}-{name}-{width}"))
            widths.reverse()  # the window is already at the last width: start the next page there
    visited = time.monotonic()
    with capsys.disabled():
        print(
            f"\nlayout: demo {built - started:.1f}s, probing {probing:.1f}s, {visits} pages × {len(WIDTHS)} widths "
            f"in {visited - built - probing:.1f}s, {len(overflowing)} overflowing"
        )
    with capsys.disabled():
        print("layout: pages per role:", dict(visits_by_role))
    never = sorted({name for name, _state in pages} - opened)
    assert not never, f"no role could open these pages (fill them differently or skip them): {never}"
    (Path(__file__).resolve().parents[2] / "var" / "test-artifacts" / "layout-overflow.txt").write_text(
        "\n".join(overflowing)
    )
    assert not overflowing, "pages wider than the window:\n" + "\n".join(overflowing)


def _page(new_page, width: int) -> Page:
    page = new_page(viewport={"width": width, "height": HEIGHT})
    page.context.set_default_navigation_timeout(30_000)  # a busy machine serves slowly
    return page


def _signed_in_page(new_page, live_server, user, width=WIDTHS[0]) -> Page:
    page = _page(new_page, width)
    client = Client()
    client.force_login(user)
    _share_cookies(page.context, live_server, client)
    return page


def test_phone_header_folds_the_links_under_a_menu(new_page, live_server, screenshots):
    page = _signed_in_page(new_page, live_server, OfficerFactory())
    page.goto("/workspace/")
    desk = page.get_by_role("navigation", name="主导航").get_by_role("link", name="形式审查")
    expect(desk).to_be_hidden()
    expect(page.get_by_role("button", name="退出")).to_be_visible()
    # The page's own heading starts right under a one-row header, not under 15 links.
    assert page.get_by_role("heading", level=1).bounding_box()["y"] < 100
    screenshots(page, "phone-closed")
    page.get_by_text("菜单", exact=True).click()
    expect(desk).to_be_visible()
    assert _measure(page, WIDTHS[0]) is None
    screenshots(page, "phone-open")
    page.set_viewport_size({"width": 1280, "height": HEIGHT})
    page.reload()
    expect(page.get_by_text("菜单", exact=True)).to_be_hidden()
    expect(desk).to_be_visible()
    screenshots(page, "desktop")


def test_error_pages_fit_a_phone(new_page, live_server, screenshots):
    leader = LeaderFactory()
    page = _page(new_page, WIDTHS[0])

    def fits(step: str, heading: str) -> None:
        expect(page.get_by_role("heading", level=1)).to_have_text(heading)
        screenshots(page, step)
        assert _measure(page, WIDTHS[0]) is None, (step, _measure(page, WIDTHS[0]))

    assert page.goto("/no-such-page/").status == 404
    fits("404", "页面不存在")

    def log_in(password: str) -> None:
        page.goto("/accounts/login/")
        page.get_by_label(re.compile("^用户名")).fill(leader.username)
        page.get_by_label(re.compile("^密码")).fill(password)
        page.get_by_role("button", name="登录").click()

    # A form kept open while signed out elsewhere: its CSRF cookie is gone.
    page.goto("/accounts/login/")
    page.context.clear_cookies()
    page.get_by_label(re.compile("^用户名")).fill(leader.username)
    page.get_by_label(re.compile("^密码")).fill("wrong")
    with page.expect_response(lambda r: r.request.method == "POST") as refused:
        page.get_by_role("button", name="登录").click()
    assert refused.value.status == 403
    fits("csrf", "页面已过期，请重新提交")

    for _ in range(5):
        log_in("wrong-password")
    with page.expect_response(lambda r: r.request.method == "POST") as throttled:
        log_in("wrong-password")
    assert throttled.value.status == 429
    expect(page.get_by_role("status")).to_contain_text("登录尝试过于频繁")
    fits("429", "登录")

    signed_in = _signed_in_page(new_page, live_server, leader)
    page = signed_in
    assert page.goto("/accounts/registrations/").status == 403
    fits("403", "没有权限访问该页面")
