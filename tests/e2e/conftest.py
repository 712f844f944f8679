"""Browser tests: a real headless Chromium (Debian's, never one Playwright downloads) against
pytest-django's live server, with axe-core checking each page against WCAG 2.2 AA."""

import os
from pathlib import Path

import pytest
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from security.services import totp_code, totp_device_for_demo
from tests.factories import PASSWORD

# The live server runs in a thread while Playwright's sync API runs an event loop in this one, so
# Django would refuse ORM calls made from the test ("SynchronousOnlyOperation") without this.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

E2E_DIR = Path(__file__).resolve().parent
AXE_JS = E2E_DIR.parents[1] / "frontend" / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    # Without these Chromium keeps trying hosts this machine cannot reach.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def pytest_collection_modifyitems(config, items):
    # Hooks in a conftest see every collected item, so mark only the ones in this folder.
    for item in items:
        if E2E_DIR in Path(str(item.path)).resolve().parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """pytest-playwright's launch options plus Debian's Chromium: Playwright never downloads a browser."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run `make chromium` (apt-get install chromium)")
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(autouse=True)
def _e2e_database(transactional_db):
    """The live server's thread reads the database through its own connection, so test data must
    be committed: every browser test gets a transactional database (flushed afterwards)."""


@pytest.fixture
def page(page):
    """Playwright's page, recording anything that goes wrong in the browser: console errors,
    uncaught exceptions, failed requests and 4xx/5xx responses (a missing app.css, say)."""
    problems: list[str] = []

    def on_console(message):
        if message.type == "error":
            problems.append(f"console error: {message.text} ({message.location.get('url')})")

    def on_response(response):
        if response.status >= 400:
            problems.append(f"HTTP {response.status}: {response.request.method} {response.url}")

    page.on("console", on_console)
    page.on("pageerror", lambda error: problems.append(f"uncaught exception: {error}"))
    page.on("requestfailed", lambda request: problems.append(f"request failed: {request.url} ({request.failure})"))
    page.on("response", on_response)
    page.browser_problems = problems
    yield page
    assert_no_browser_problems(page)


def assert_no_browser_problems(page) -> None:
    problems = page.browser_problems
    if problems:
        pytest.fail("The browser reported problems:\n" + "\n".join(f"- {p}" for p in problems), pytrace=False)


def url(live_server, name: str, *args) -> str:
    return live_server.url + reverse(name, args=args)


def sign_in(page, live_server, user, password: str = PASSWORD) -> None:
    """Sign in through the sign-in page, as a person would: the password, then the code their
    authenticator app shows now (their authenticator is set up already)."""
    device = totp_device_for_demo(user=user)
    page.goto(url(live_server, "login"))
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in", exact=True).click()
    page.wait_for_load_state()
    assert page.url.startswith(url(live_server, "two_factor")), f"not asked for a code: {page.url}"
    enter_code(page, device)
    assert not page.url.startswith(url(live_server, "login")), f"still on the sign-in page: {page.url}"


def enter_code(page, device) -> None:
    # A code is accepted once: a second sign-in in the same 30 seconds may use the same one again.
    TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1)
    page.get_by_label("Code from your authenticator app").fill(totp_code(device))
    page.get_by_role("button", name="Continue").click()
    page.wait_for_load_state()


def assert_styled(page) -> None:
    """The service's stylesheet loaded and applied (not a 404 or an empty file)."""
    loaded = page.evaluate(
        """() => [...document.styleSheets].some(
            (sheet) => sheet.href && sheet.href.endsWith('/static/build/app.css') && sheet.cssRules.length > 0)"""
    )
    assert loaded, "static/build/app.css did not load"


def _describe(violation: dict) -> str:
    lines = [f"- {violation['id']} ({violation.get('impact')}): {violation['help']} <{violation['helpUrl']}>"]
    for node in violation["nodes"]:
        target = " ".join(" > ".join(t) if isinstance(t, list) else t for t in node["target"])
        lines.append(f"    at {target}: {node['html'][:200]}")
        if node.get("failureSummary"):
            lines.extend(f"      {line}" for line in node["failureSummary"].splitlines())
    return "\n".join(lines)


def assert_accessible(page) -> None:
    """axe-core, WCAG 2.0/2.1/2.2 A and AA rules, on the page as it is now. Also checks the page
    is styled and the browser has reported no problems so far."""
    assert AXE_JS.exists(), f"{AXE_JS} is missing: run `cd frontend && npm ci`"
    assert_styled(page)
    # Evaluated rather than added as a <script>: the page's Content-Security-Policy refuses that.
    page.evaluate(AXE_JS.read_text())
    results = page.evaluate("async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS)
    violations = results["violations"]
    if violations:
        pytest.fail(
            f"axe found {len(violations)} accessibility problem(s) on {page.url}:\n"
            + "\n".join(_describe(v) for v in violations),
            pytrace=False,
        )
    assert_no_browser_problems(page)


def assert_error_summary_links_work(page) -> None:
    """Each link in the GOV.UK error summary names an element on the page, and following it puts
    the keyboard focus on the form control to correct (the summary is then still on the page)."""
    links = page.locator(".govuk-error-summary a")
    assert links.count(), "the error summary has no links"
    broken = []
    for i in range(links.count()):
        link = links.nth(i)
        text, href = link.inner_text().strip(), link.get_attribute("href") or ""
        target = href.removeprefix("#")
        if not href.startswith("#") or not page.evaluate("(id) => !!document.getElementById(id)", target):
            broken.append(f"{text!r} links to {href!r}, which is not on the page")
            continue
        link.click()
        focused = page.evaluate(
            """(id) => {
                const active = document.activeElement, target = document.getElementById(id);
                const isControl = ['INPUT', 'SELECT', 'TEXTAREA'].includes(active.tagName);
                return {ok: isControl && target.contains(active), html: active.outerHTML.slice(0, 120)};
            }""",
            target,
        )
        if not focused["ok"]:
            broken.append(f"{text!r} links to {href!r}, but following it leaves the focus on {focused['html']}")
    if broken:
        pytest.fail("Error summary links that do not work:\n" + "\n".join(f"- {b}" for b in broken), pytrace=False)
