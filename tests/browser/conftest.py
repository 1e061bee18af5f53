"""Browser fixtures: Debian's chromium driven by Playwright, the real server as a subprocess, and
one browser context (its own cookies, so its own login) per person of a journey.

The browser is Debian's `chromium` package (`apt-get install chromium`): Playwright's own
browser download cannot work on our machines. Without it these tests skip with one line,
except in CI (`CI=true`), where they must run.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    Frame,
    Locator,
    Page,
    Request,
    Response,
    ViewportSize,
    expect,
    sync_playwright,
)

from tests.browser.audit import Auditor

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
HOST = "127.0.0.1"
#: A phone many organisers carry: the pages must read well at this size.
PHONE = ViewportSize(width=360, height=740)
STARTUP_SECONDS = 90.0  # importing the app (NumPy, SciPy, HiGHS) takes long on a loaded machine
#: Playwright's waits, in milliseconds: short, so that a broken page fails fast.
TIMEOUT_MS = 10_000
#: Schemes that never leave the machine.
LOCAL_SCHEMES = {"data", "blob", "about"}
#: Asked for by the browser itself, not by our pages (there is no favicon yet: a 404).
BROWSER_PROBES = {"/favicon.ico"}
#: The server's output, in its instance folder (its end is shown when a browser test fails).
LOG_NAME = "server.log"

# Environment variables the server reads; the ones of the caller must not leak into it.
SETTINGS_PREFIX = "ASAMBLEA_"


@dataclass(frozen=True)
class LiveServer:
    """The real Asamblea server, started for the tests."""

    url: str
    instance_dir: Path


@dataclass
class Visitor:
    """One person in their own browser context (own cookies, own login) with one page."""

    name: str
    javascript: bool
    context: BrowserContext
    page: Page
    base_url: str
    requests: list[Request] = field(default_factory=list)
    offsite: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    failed_responses: list[str] = field(default_factory=list)
    #: Paths the page showed, however it got there (checked by the auditor at the end).
    visited: list[str] = field(default_factory=list)
    auditor: Auditor | None = None

    def go(self, path: str) -> Page:
        """Open a path of the live server, wait until it has loaded, and check the page (axe,
        width, weight: see audit.py)."""
        response = self.page.goto(self.base_url + path)
        assert response is not None, f"{self.name}: no response for {path}"
        assert response.ok, f"{self.name}: {path} answered {response.status}"
        if self.auditor is not None:
            self.auditor.audit(self)
        return self.page

    def path(self) -> str:
        """The path (and query) the page is showing."""
        parts = urlsplit(self.page.url)
        return parts.path + (f"?{parts.query}" if parts.query else "")

    def watch(self) -> None:
        """Record every request of the context, failed loads and the page's errors."""
        self.context.on("request", self._on_request)
        self.context.on("response", self._on_response)
        self.page.on("console", self._on_console)
        self.page.on("pageerror", lambda error: self.console_errors.append(str(error)))
        self.page.on("framenavigated", self._on_navigated)

    def _on_navigated(self, frame: Frame) -> None:
        if frame == self.page.main_frame and urlsplit(frame.url).hostname == HOST:
            self.visited.append(self.path())

    def _on_request(self, request: Request) -> None:
        self.requests.append(request)
        parts = urlsplit(request.url)
        if parts.scheme not in LOCAL_SCHEMES and parts.hostname != HOST:
            self.offsite.append(request.url)

    def _on_response(self, response: Response) -> None:
        if response.status >= 400 and urlsplit(response.url).path not in BROWSER_PROBES:
            self.failed_responses.append(f"{response.status} {response.url}")

    def _on_console(self, message: ConsoleMessage) -> None:
        # Failed loads are reported (with their address) by _on_response.
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            self.console_errors.append(f"{message.text} ({self.page.url})")


OpenVisitor = Callable[..., Visitor]


#: How many Tab presses may reach any control of a page.
MAX_TABS = 120


def tab_to(page: Page, target: Locator) -> None:
    """Move the focus to ``target`` with the Tab key only, as a keyboard user does (no
    mouse, no scripted focus): fails if Tab never reaches it."""
    handle = target.element_handle()
    assert handle is not None
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        if page.evaluate("(e) => e === document.activeElement", handle):
            return
    raise AssertionError(f"Tab never reached {target}")


def confirm_irreversible(page: Page, form_id: str) -> None:
    """An irreversible action (templates/_confirm.html) takes two taps, without JavaScript too:
    its button is hidden until the person opens the confirmation, which comes after everything
    else in the page's main part; then it is pressed."""
    confirmation = page.locator(f"main details#{form_id}-confirmar")
    button = confirmation.locator(f'form#{form_id} button[type="submit"]')
    expect(button).to_be_hidden()
    following = confirmation.evaluate(
        "d => [...d.parentElement.children].slice([...d.parentElement.children].indexOf(d) + 1)"
        ".filter(e => e.querySelector('button[type=submit]:not(.link)')).length"
    )
    assert following == 0, f"a primary action follows the confirmation of {form_id}"
    confirmation.locator("summary").click()
    button.click()


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Debian's headless chromium (skipped when not installed, required when CI=true)."""
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} not found: install Debian's browser with `apt-get install chromium`"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """The real server (Uvicorn, as `asamblea serve` runs it) on a free port and a new SQLite
    database; stopped at the end of the session."""
    instance = tmp_path_factory.mktemp("asamblea-instance")
    env = {k: v for k, v in os.environ.items() if not k.startswith(SETTINGS_PREFIX)}
    env |= {
        "ASAMBLEA_INSTANCE_DIR": str(instance),
        "ASAMBLEA_DATABASE_URL": f"sqlite:///{instance / 'asamblea.sqlite3'}",
        "ASAMBLEA_ENV": "development",
        "PYTHONUNBUFFERED": "1",
    }
    python = sys.executable
    upgrade = subprocess.run(  # noqa: S603 - the project's own command, no shell
        [str(Path(python).with_name("asamblea")), "db", "upgrade"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert upgrade.returncode == 0, f"asamblea db upgrade failed:\n{upgrade.stderr}"
    port = _free_port()
    url = f"http://{HOST}:{port}"
    with (instance / LOG_NAME).open("w", encoding="utf-8") as log:
        server = subprocess.Popen(  # noqa: S603 - our own interpreter and module, no shell
            [python, "-m", "uvicorn", "asamblea.web.asgi:app", "--host", HOST, "--port", str(port)],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            _wait_until_healthy(url, server, instance / LOG_NAME)
            yield LiveServer(url=url, instance_dir=instance)
        finally:
            _stop(server)


@pytest.fixture(scope="session")
def auditor() -> Iterator[Auditor]:
    """Checks every page of every journey once (axe, width, weight): see audit.py."""
    checks = Auditor()
    yield checks
    print(f"\naudit: {len(checks.checked)} page shapes in {checks.seconds:.1f} s")  # noqa: T201


@pytest.fixture
def open_visitor(
    browser: Browser, live_server: LiveServer, auditor: Auditor
) -> Iterator[OpenVisitor]:
    """`open_visitor("ana")` gives a person their own context (phone-sized, Spanish, Lima time);
    `open_visitor("beto", javascript=False)` the same with JavaScript off. Closed after the test."""
    opened: list[Visitor] = []

    def open_one(name: str, *, javascript: bool = True) -> Visitor:
        context = browser.new_context(
            java_script_enabled=javascript,
            viewport=PHONE,
            device_scale_factor=1,
            is_mobile=False,
            locale="es-PE",
            timezone_id="America/Lima",
        )
        context.set_default_timeout(TIMEOUT_MS)
        page = context.new_page()
        visitor = Visitor(name, javascript, context, page, live_server.url, auditor=auditor)
        visitor.watch()
        opened.append(visitor)
        return visitor

    yield open_one
    try:
        for visitor in opened:
            auditor.revisit(visitor)
    finally:
        for visitor in opened:
            visitor.context.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """When a browser test fails, show the end of the server's log (its tracebacks) too."""
    report = yield
    server = getattr(item, "funcargs", {}).get("live_server")
    if report.failed and isinstance(server, LiveServer):
        report.sections.append(("asamblea server log", _tail(server.instance_dir / LOG_NAME)))
    return report


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        port: int = probe.getsockname()[1]
        return port


def _wait_until_healthy(url: str, server: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"the server exited ({server.returncode}):\n{_tail(log)}")
        try:
            with urllib.request.urlopen(f"{url}/salud", timeout=1) as answer:  # noqa: S310
                if answer.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.1)
    pytest.fail(f"the server did not answer /salud within {STARTUP_SECONDS:.0f} s:\n{_tail(log)}")


def _stop(server: subprocess.Popen[bytes]) -> None:
    """Terminate, then kill; always reap the process (no ResourceWarning, no zombie)."""
    if server.poll() is None:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=10)


def _tail(log: Path, lines: int = 40) -> str:
    return "\n".join(log.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])
