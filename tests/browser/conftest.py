"""Browser tests: the real app served on 127.0.0.1, driven by Debian's headless Chromium.

Fixtures: `live_server` (the app on a free port; `@pytest.mark.demo_data` loads the demo
accounts), `browser` (one Chromium per session), `page` (desktop) and `phone` (375 px touch
phone). Each page fails its test at teardown if the browser logged a console error or an
uncaught exception: a CSP violation or a broken script is a bug.

Helpers for the tests (import them from `tests.browser.conftest`): `axe_check(page)` and
`login(page, live_server, username, password)`.
"""

import os
import re
import shutil
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from flask import Flask
from playwright.sync_api import Browser, BrowserContext, Locator, Page, expect, sync_playwright
from werkzeug.serving import make_server

from portal import create_app
from portal.cli import seed_demo, seed_reference
from portal.extensions import db
from tests.conftest import _config

HERE = Path(__file__).resolve().parent
AXE_JS = HERE / "vendor" / "axe-4.14.1.min.js"
# A same-origin URL the page fetches axe from; answered by a Playwright route, never the app.
AXE_PATH = "/__browser-tests__/axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa"]
SERIOUS = ("serious", "critical")

DEFAULT_TIMEOUT_MS = 10_000
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DESKTOP = {"viewport": {"width": 1280, "height": 800}, "locale": "zh-CN"}
PHONE = {
    "viewport": {"width": 375, "height": 667},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
    "locale": "zh-CN",
}

expect.set_options(timeout=DEFAULT_TIMEOUT_MS)


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "demo_data: the live_server also loads the demo accounts (portal.cli.seed_demo)"
    )


def pytest_collection_modifyitems(config, items):
    # A conftest hook sees the whole session's items: mark only the ones in this folder.
    for item in items:
        if Path(item.path).resolve().is_relative_to(HERE):
            item.add_marker(pytest.mark.browser)
            # The live server's threads may drop a static file's response when Chromium
            # abandons a request (navigation); the garbage-collected file handle is not a bug.
            item.add_marker(pytest.mark.filterwarnings("ignore::ResourceWarning"))


# --- the app on a real port ---------------------------------------------------------------


@dataclass(frozen=True)
class LiveServer:
    url: str  # http://127.0.0.1:<port>, no trailing slash
    app: Flask


@pytest.fixture
def live_server(request, database_uri, tmp_path) -> Iterator[LiveServer]:
    """The portal on a fresh migrated database, served by werkzeug in a daemon thread."""
    # Uploads go to the test's own folder, never to the checkout's instance/uploads.
    app = create_app({**_config(database_uri), "UPLOAD_DIR": str(tmp_path / "uploads")})
    with app.app_context():
        seed_reference()
        if request.node.get_closest_marker("demo_data"):
            seed_demo()
        db.session.commit()
        db.session.remove()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield LiveServer(url=f"http://127.0.0.1:{server.server_port}", app=app)
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()
        with app.app_context():
            db.engine.dispose()
        assert not thread.is_alive(), "the live server thread did not stop"


# --- the browser ----------------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Debian's Chromium, headless (Playwright's own browser download is not used)."""
    executable = shutil.which("chromium")
    if executable is None:
        message = (
            "Debian's `chromium` is not on PATH (apt-get install chromium); "
            "the browser tests need it"
        )
        if os.environ.get("CI"):
            pytest.fail(message + " and CI is set, so they may not be skipped.", pytrace=False)
        pytest.skip(message)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=executable, headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield browser
        finally:
            browser.close()


def _watched_page(browser: Browser, options: dict) -> Iterator[Page]:
    context: BrowserContext = browser.new_context(**options)
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    problems: list[str] = []

    def on_console(message):
        if message.type != "error":
            return
        where = message.location.get("url", "")
        problems.append(f"console error: {message.text} ({where})")

    context.on("console", on_console)
    context.on("weberror", lambda error: problems.append(f"page error: {error.error}"))
    page = context.new_page()
    try:
        yield page
    finally:
        context.close()
    assert not problems, "the browser reported errors:\n" + "\n".join(problems)


# Both page fixtures depend on live_server so that their contexts close before the server
# stops: a request still in flight (a blur-triggered htmx check) then cannot fail loudly.


@pytest.fixture
def page(browser, live_server) -> Iterator[Page]:
    """A desktop page (1280×800) in its own context; console errors fail the test."""
    yield from _watched_page(browser, DESKTOP)


@pytest.fixture
def phone(browser, live_server) -> Iterator[Page]:
    """A 375×667 touch phone page (zh-CN) in its own context; console errors fail the test."""
    yield from _watched_page(browser, PHONE)


# --- helpers --------------------------------------------------------------------------------


def axe_check(page: Page) -> list[dict]:
    """Run the vendored axe-core on the page as it is now; return its WCAG 2 A/AA violations.

    The portal's CSP (`script-src 'self'`) blocks injected inline scripts, so the page
    loads axe from a same-origin URL that a Playwright route answers with the vendored
    file: the page under test keeps its real CSP.
    """
    if not page.evaluate("() => typeof window.axe === 'object'"):
        parts = urlsplit(page.url)
        origin = f"{parts.scheme}://{parts.netloc}"
        page.route(
            lambda url: url == origin + AXE_PATH,
            lambda route: route.fulfill(path=AXE_JS, content_type="text/javascript"),
        )
        page.add_script_tag(url=origin + AXE_PATH)
    result = page.evaluate(
        """tags => axe.run(document, {
            runOnly: {type: "tag", values: tags},
            resultTypes: ["violations"],
        })""",
        AXE_TAGS,
    )
    return result["violations"]


def serious(violations: list[dict]) -> list[dict]:
    return [v for v in violations if v.get("impact") in SERIOUS]


def describe(violations: list[dict]) -> str:
    """A readable assertion message: rule, impact, help and the offending elements."""
    lines = []
    for v in violations:
        lines.append(f"[{v['impact']}] {v['id']}: {v['help']} ({v['helpUrl']})")
        for node in v["nodes"][:5]:
            lines.append(f"    {' '.join(node['target'])}: {node['failureSummary']}")
    return "\n".join(lines)


def by_label(page: Page, text: str) -> Locator:
    """The field whose <label> reads exactly `text`, ignoring the required-field star.

    Playwright's `get_by_label(exact=True)` compares the label's whole text, which includes
    the `aria-hidden` "*" (the accessible name does not), so match it with a pattern.
    """
    return page.get_by_label(re.compile(rf"^\s*{re.escape(text)}(\s*\*)?\s*$"))


def login(page: Page, live_server: LiveServer, username: str, password: str) -> None:
    """Log in through the real form, by its Chinese labels, and wait to leave /login."""
    page.goto(f"{live_server.url}/login")
    by_label(page, "用户名").fill(username)
    by_label(page, "密码").fill(password)
    page.get_by_role("button", name="登录", exact=True).click()
    expect(page, f"login as {username!r} failed").not_to_have_url(re.compile(r"/login(\?|$)"))
