"""Every page of the demo fits a 360 px phone (issue #13, finding 1), not only the pages the
journeys visit: every GET route of the app that answers a page, with real demo ids (as
tests/web/test_get_reads_only.py walks them), is opened in chromium at 360 px by a logged-in
facilitator, who sees the most, and must not be wider than the screen; axe checks each at
WCAG 2.2 A/AA at that width too (once per route)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser
from playwright.sync_api import Error as PlaywrightError
from sqlalchemy import create_engine, text

from asamblea.services.demo.federation import DEMO_PASSWORD
from asamblea.settings import Settings
from asamblea.web.app import create_app
from tests.browser.audit import _OVERFLOW, PHONE_WIDTH, Auditor
from tests.browser.conftest import (
    HOST,
    PHONE,
    SETTINGS_PREFIX,
    TIMEOUT_MS,
    LiveServer,
    _free_port,
    _stop,
    _wait_until_healthy,
)
from tests.web.conftest import app_routes
from tests.web.test_get_reads_only import VALUES

#: Routes that are not pages a person reads (files, feeds, redirects to a file).
NOT_PAGES = re.compile(r"^/(api/|static/)|\.(json|csv|txt|md|zip|ics|xml|blt|atom)$|/healthz?$")
#: The whole walk must stay short (the suite is at its time limit).
MAX_SECONDS = 60.0


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """The real server on the demo federation (`asamblea demo` seeds it)."""
    instance = tmp_path_factory.mktemp("asamblea-demo")
    env = {k: v for k, v in os.environ.items() if not k.startswith(SETTINGS_PREFIX)}
    env |= {
        "ASAMBLEA_INSTANCE_DIR": str(instance),
        "ASAMBLEA_DATABASE_URL": f"sqlite:///{instance / 'asamblea.sqlite3'}",
        "ASAMBLEA_ENV": "development",
        "PYTHONUNBUFFERED": "1",
    }
    seeded = subprocess.run(  # noqa: S603 - the project's own command, no shell
        [str(Path(sys.executable).with_name("asamblea")), "demo"],
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert seeded.returncode == 0, f"asamblea demo failed:\n{seeded.stderr[-2000:]}"
    assert "HiGHS" not in seeded.stdout + seeded.stderr  # finding 19: no solver banner
    assert "Federación de demostración sembrada." in seeded.stdout
    port = _free_port()
    url = f"http://{HOST}:{port}"
    with (instance / "server.log").open("w", encoding="utf-8") as log:
        server = subprocess.Popen(  # noqa: S603 - our own interpreter and module, no shell
            [sys.executable, "-m", "uvicorn", "asamblea.web.asgi:app", "--host", HOST,
             "--port", str(port)],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            _wait_until_healthy(url, server, instance / "server.log")
            yield LiveServer(url=url, instance_dir=instance)
        finally:
            _stop(server)


def page_urls(database: Path) -> list[str]:
    """Every GET page route, once, with the first real demo id for each parameter."""
    engine = create_engine(f"sqlite:///{database}")
    with engine.connect() as connection:
        values = {
            name: [str(v) for v in connection.scalars(text(query)).all()[:1]]
            for name, query in VALUES.items()
        }
    engine.dispose()
    settings = Settings(instance_dir=database.parent, database_url=f"sqlite:///{database}")
    app = create_app(settings)
    urls = []
    for method, path in sorted(app_routes(app)):
        if method != "GET" or NOT_PAGES.search(path):
            continue
        url = path
        for name in re.findall(r"\{(\w+)\}", path):
            url = url.replace(f"{{{name}}}", (values.get(name) or ["1"])[0])
        urls.append(url)
    return urls


def test_every_page_of_the_demo_fits_a_phone(browser: Browser, demo_server: LiveServer) -> None:
    context = browser.new_context(
        viewport=PHONE, device_scale_factor=1, locale="es-PE", timezone_id="America/Lima"
    )
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    page.goto(demo_server.url + "/entrar")
    page.fill("#username", "facilitadora.ves")
    page.fill("#password", DEMO_PASSWORD)
    page.locator("main form button[type=submit]").first.press("Enter")
    page.wait_for_load_state()
    urls = page_urls(demo_server.instance_dir / "asamblea.sqlite3")
    assert len(urls) > 40
    auditor = Auditor()
    started = time.monotonic()
    wide: dict[str, object] = {}
    problems: dict[str, list[str]] = {}
    shown = 0
    for url in urls:
        try:
            response = page.goto(demo_server.url + url)
        except PlaywrightError as error:  # a file to download, not a page
            if "Download is starting" not in str(error):
                raise
            continue
        if response is None or not response.ok or "text/html" not in response.headers.get(
            "content-type", ""
        ):
            continue
        shown += 1
        if found := page.evaluate(_OVERFLOW, PHONE_WIDTH):
            wide[url] = found
        if violations := auditor._axe(page, "phone"):
            problems[url] = violations
    context.close()
    assert shown > 30
    assert wide == {}, f"pages wider than a {PHONE_WIDTH} px phone: {wide}"
    assert problems == {}, "axe found WCAG 2.2 A/AA violations:\n" + "\n".join(
        f"{url}: {v}" for url, found in problems.items() for v in found
    )
    assert time.monotonic() - started < MAX_SECONDS * 2  # a bound, not a benchmark
