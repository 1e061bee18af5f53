"""Every GET only reads (issue #11): on the demo federation, every GET route of the app —
pages and API, anonymous and logged in — is requested with real ids while the app's write
sessions are replaced by one that refuses to begin. No GET may open a write transaction, and
none answers 500. (That a write through a read session fails is proved in
tests/store/test_read_only.py, so a GET cannot write through its read session either.)"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from sqlalchemy import text

from asamblea.clock import utcnow
from asamblea.core.federation import AssemblyRules
from asamblea.services.demo.federation import DEMO_PASSWORD, seed_demo
from asamblea.services.federation import accounts
from asamblea.services.federation import rules as assembly_rules
from asamblea.services.votes import votes
from tests.databases import copy_sqlite, drop_database
from tests.web.conftest import Browser, app_routes

#: Path parameter → the query that lists real values for it (the first few are used).
VALUES = {
    "assembly_id": (  # the one with a rules change first
        "SELECT id FROM assembly ORDER BY "
        "CASE WHEN id IN (SELECT assembly_id FROM rules_change) THEN 0 ELSE 1 END, id"
    ),
    "vote_id": "SELECT id FROM vote ORDER BY state, id",
    "proposal_id": "SELECT id FROM proposal ORDER BY state, id",
    "process_id": "SELECT id FROM budget_process ORDER BY id",
    "round_id": "SELECT id FROM planning_round ORDER BY id",
    "delegate_id": "SELECT id FROM delegate ORDER BY id",
    "charter_id": "SELECT id FROM charter ORDER BY id",
    "number": "SELECT DISTINCT number FROM article_version ORDER BY number",
    "code": "SELECT receipt FROM ballot ORDER BY vote_id, position",
}
PER_PARAMETER = 2


class WritesRefused:
    """Stands in for the app's write sessionmaker during the GETs: records who asked."""

    def __init__(self) -> None:
        self.asked: list[str] = []
        self.path = ""

    def begin(self) -> Any:
        self.asked.append(self.path)
        raise AssertionError(f"GET {self.path} opened a write transaction")

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self.begin()


@pytest.fixture(scope="module")
def database_url(sqlite_template: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """SQLite only: which routes write does not depend on the database (the read sessions of
    both refuse writes: tests/store/test_read_only.py), and the sweep is long."""
    url = copy_sqlite(sqlite_template, tmp_path_factory.mktemp("reads-only"))
    yield url
    drop_database(url, None)


@pytest.fixture(scope="module")
def demo_app(app: FastAPI) -> FastAPI:
    """The demo, plus a rules change whose vote was published *without* its settle step (as
    before issue #11): the old pages settled such a change when shown, and would fail here."""
    web = app.state.web
    with web.sessions.begin() as db:
        seed_demo(db, web.signing_key)
        fac = accounts.authenticate(db, "facilitadora.ves", DEMO_PASSWORD, "testclient", web.policy)
        assert fac is not None
        assembly_id = db.scalar(
            text(
                "SELECT assembly_id FROM membership WHERE person_id = :p AND role = 'facilitator'"
            ),
            {"p": fac.id},
        )
        change = assembly_rules.propose_rules(
            db, fac, assembly_id, AssemblyRules(recall_percent=45), now=utcnow()
        )
        closes = votes.vote_view(db, fac, change.vote_id).vote.spec.closes_at
        assert votes.close_due_vote(db, change.vote_id, closes, web.signing_key) is not None
    return app


def _values(app: FastAPI) -> dict[str, list[str]]:
    with app.state.engine.connect() as connection:
        return {
            name: [str(v) for v in connection.scalars(text(query)).all()[:PER_PARAMETER]]
            for name, query in VALUES.items()
        }


def _urls(app: FastAPI) -> Iterator[str]:
    values = _values(app)
    for method, path in sorted(app_routes(app)):
        if method != "GET" or path.startswith("/static"):
            continue
        names = re.findall(r"\{(\w+)\}", path)
        for index in range(PER_PARAMETER if names else 1):
            url = path
            for name in names:
                choices = values.get(name) or ["1"]
                url = url.replace(f"{{{name}}}", choices[min(index, len(choices) - 1)])
            yield url


def test_no_get_opens_a_write_transaction(demo_app: FastAPI) -> None:
    member = Browser(demo_app, "es")
    assert member.login("facilitadora.ves", DEMO_PASSWORD).status_code == 303
    visitor = Browser(demo_app, "en")
    urls = sorted(set(_urls(demo_app)))
    assert len(urls) > 60
    spy = WritesRefused()
    writers = demo_app.state.web.sessions
    demo_app.state.web.sessions = spy
    statuses: dict[str, set[int]] = {}
    try:
        for url in urls:
            spy.path = url
            for browser in (member, visitor):
                statuses.setdefault(url, set()).add(browser.get(url).status_code)
    finally:
        demo_app.state.web.sessions = writers
    assert spy.asked == []
    broken = {url: codes for url, codes in statuses.items() if max(codes) >= 500}
    assert broken == {}
    assert sum(200 in codes for codes in statuses.values()) > 40
