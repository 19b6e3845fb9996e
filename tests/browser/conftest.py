"""Browser tests: real headless Chromium (Debian's) driven by Playwright's sync API against
pytest-django's live server.

One browser for the session, a fresh context (cookies, storage) for every test. Every page a
test visits is saved as a full-page screenshot under
var/test-artifacts/screenshots/<test name>/<NN>-<step>.png, and a test fails if a page
raised a JavaScript error, broke the Content-Security-Policy, a script, style sheet or htmx
request failed to load, or the server answered any request with a 5xx.
"""

import contextlib
import os
import re
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

# Playwright's sync API runs an asyncio event loop in this thread, which makes Django refuse
# ORM calls from the test body ("You cannot call this from an async context"). The test
# body never shares the loop with Django, so the check does not apply here.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

from playwright.sync_api import Browser, Page, expect, sync_playwright

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "test-artifacts" / "screenshots"
DESKTOP = {"width": 1280, "height": 900}
SUBRESOURCES = {"script", "stylesheet", "xhr", "fetch"}

expect.set_options(timeout=8_000)


def pytest_collection_modifyitems(config, items):
    """The pages, scripts and styles a browser sees do not depend on the database, whose
    behaviour the rest of the suite checks on both: browser tests run once, on SQLite, which
    keeps the whole suite within its time on the two-core CI machine."""
    from django.conf import settings

    if "postgresql" not in settings.DATABASES["default"]["ENGINE"]:
        return
    once = pytest.mark.skip(reason="浏览器测试与数据库无关：只在 SQLite 上运行一次")
    for item in items:
        if item.path.is_relative_to(Path(__file__).parent):
            item.add_marker(once)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install -y chromium fonts-noto-cjk")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


class Screenshots:
    """Numbered full-page screenshots of one test's pages, in the order it saw them."""

    def __init__(self, directory: Path):
        self.directory = directory
        self.count = 0
        shutil.rmtree(directory, ignore_errors=True)
        directory.mkdir(parents=True)

    def __call__(self, page: Page, step: str) -> Path:
        self.count += 1
        path = self.directory / f"{self.count:02d}-{step}.png"
        # Chromium's full-page capture leaves the document scrolled elsewhere than the
        # compositor believes, so the next click's mousedown would jump back mid-click and
        # the click land on another element. Put the scroll position back where it was.
        scroll = page.evaluate("() => [window.scrollX, window.scrollY]")
        page.screenshot(path=path, full_page=True)
        page.evaluate("([x, y]) => window.scrollTo(x, y)", scroll)
        return path


@pytest.fixture
def screenshots(request) -> Screenshots:
    return Screenshots(SCREENSHOTS / re.sub(r"[^\w.-]+", "_", request.node.name))


def check_response(response, problems: list[str]) -> None:
    """Server errors, and scripts, styles or htmx requests that did not load, are failures."""
    failed_subresource = response.status >= 400 and response.request.resource_type in SUBRESOURCES
    if response.status >= 500 or failed_subresource:
        problems.append(f"HTTP {response.status}: {response.request.method} {response.url}")


def check_console(message, problems: list[str]) -> None:
    """Chromium reports what the Content-Security-Policy refused as a console error."""
    if message.type == "error" and "Content Security Policy" in message.text:
        problems.append(f"CSP: {message.text}")


@pytest.fixture
def new_page(browser, live_server, transactional_db, screenshots, request) -> Iterator[Callable[..., Page]]:
    """Opens a page in a fresh browser context pointed at the live server; Playwright's
    context options (viewport, is_mobile, …) may be given."""
    contexts, problems = [], []

    def open_page(**options) -> Page:
        context = browser.new_context(
            base_url=live_server.url, **{"viewport": DESKTOP, "locale": "zh-CN", **options}
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda error: problems.append(f"JavaScript error: {error}"))
        page.on("response", lambda response: check_response(response, problems))
        page.on("console", lambda message: check_console(message, problems))
        return page

    yield open_page

    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        for context in contexts:
            for page in context.pages:
                with contextlib.suppress(Exception):  # the failure is reported already
                    screenshots(page, "failure")
    for context in contexts:
        context.close()
    assert not problems, "\n".join(problems)


@pytest.fixture
def page(new_page) -> Page:
    return new_page()


@pytest.fixture
def shot(page, screenshots) -> Callable[[str], Path]:
    """shot("step") saves the page as it is now: call it on every page the test visits."""
    return lambda step: screenshots(page, step)


def nav_link(page: Page, name: str, *, exact: bool = False):
    """A link of the header's main navigation, with the phone's 菜单 opened first when the
    links are folded under it."""
    menu = page.locator("details.site-menu")
    if page.get_by_text("菜单", exact=True).is_visible() and menu.get_attribute("open") is None:
        page.get_by_text("菜单", exact=True).click()
    return page.get_by_role("navigation", name="主导航").get_by_role("link", name=name, exact=exact)
