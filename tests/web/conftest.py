"""Web fixtures: the real app on a fresh migrated database (SQLite and PostgreSQL), a browser-like
client that logs in through the real forms, a small federation to act on, and the checks every
web test shares (row counts, error messages in the request's language)."""

from __future__ import annotations

import html
import itertools
import re
import uuid
import warnings
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import Engine, event, text
from starlette.routing import Mount

from asamblea import i18n
from asamblea.core.federation import AssemblyKind, AssemblyRules
from asamblea.services.federation import accounts
from asamblea.services.federation import assemblies as federation
from asamblea.settings import Settings
from asamblea.store.base import Base
from asamblea.web.app import create_app
from asamblea.web.errors import SERVER_ERROR
from tests.databases import copy_sqlite, drop_database, new_database

# Starlette's test client prefers the `httpx2` package and warns when it finds `httpx`; the
# project's test extra pins `httpx`, so that one warning (and only it) is silenced here.
with warnings.catch_warnings():
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
    from starlette.testclient import TestClient

SRC = Path(i18n.__file__).resolve().parent.parent
SECRET = "clave-de-prueba-" + "x" * 40
PASSWORD = "una frase larga y secreta"
TABLES = tuple(table.name for table in Base.metadata.sorted_tables)
_serial = itertools.count()


# ---------------------------------------------------------------- databases and the app


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """One SQLite database migrated once; every module gets a copy."""
    url, _ = new_database("sqlite", tmp_path_factory.mktemp("web-template"))
    yield url
    drop_database(url, None)


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def database_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """A fresh migrated database per test module: a SQLite copy, or a PostgreSQL schema."""
    folder = tmp_path_factory.mktemp("web")
    schema: str | None = None
    if request.param == "sqlite":
        url = copy_sqlite(request.getfixturevalue("sqlite_template"), folder)
    else:
        url, schema = new_database("postgresql", folder)
        url += "%20-csynchronous_commit%3Doff"  # durability is not under test here: speed is
    yield url
    drop_database(url, schema)


def build_app(url: str, folder: Path, **settings: Any) -> FastAPI:
    """The real application on `url`, with a fixed secret key."""
    values: dict[str, Any] = {
        "database_url": url,
        "instance_dir": folder,
        "secret_key": SECRET,
        "login_attempts_per_address": 100_000,
        "login_attempts_per_pair": 100_000,
        "login_attempts_per_account": 100_000,
        "runner": False,  # web tests close votes themselves; the runner has its own tests
        **settings,
    }
    return create_app(Settings(**values))


@pytest.fixture(scope="module")
def app(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[FastAPI]:
    """The app for this module (the per-address login limit is lifted: every test client
    comes from the same address; the rate-limit tests build their own app)."""
    application = build_app(database_url, tmp_path_factory.mktemp("instance"))
    if database_url.startswith("sqlite"):
        # after the app's own pragmas: no fsync per commit (durability is not under test)
        event.listen(application.state.engine, "connect", _no_fsync)
    yield application
    application.state.engine.dispose()


def _no_fsync(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA synchronous=OFF")
    cursor.close()


def app_routes(app: FastAPI) -> set[tuple[str, str]]:
    """(method, path) of every route the app answers, HEAD aside (included routers too)."""
    found = set()

    def walk(routes: Any) -> None:
        for route in routes:
            if isinstance(route, Mount):
                continue
            if hasattr(route, "effective_route_contexts"):  # FastAPI's included routers
                for context in route.effective_route_contexts():
                    methods = getattr(context.original_route, "methods", None) or ()
                    found.update((m, context.path) for m in methods if m != "HEAD")
                continue
            for method in getattr(route, "methods", None) or ():
                if method != "HEAD":
                    found.add((method, route.path))

    walk(app.routes)
    return found


def html_pages(app: FastAPI, world: World) -> list[str]:
    """Every HTML page the app serves by GET, with real ids for its parameters."""
    ids = {"{assembly_id}": (world.union, world.region, world.other)}
    pages = []
    for method, path in sorted(app_routes(app)):
        if method != "GET" or path.startswith("/api/") or path in NOT_HTML:
            continue
        params = [part for part in path.split("/") if part.startswith("{")]
        if not params:
            pages.append(path)
        elif path in UPPER_ONLY:  # a base assembly has none (404 by design)
            pages.append(path.replace("{assembly_id}", str(world.region)))
        elif params == ["{assembly_id}"]:
            pages += [path.replace("{assembly_id}", str(i)) for i in ids["{assembly_id}"]]
    return pages


#: Pages only an assembly with assemblies under it has.
UPPER_ONLY = frozenset({"/plataformas/{assembly_id}"})


NOT_HTML = frozenset(
    {
        "/fuente.zip",
        "/salud",
        "/acciones.ics",
        "/asambleas/{assembly_id}/calendario.ics",
        "/asambleas/{assembly_id}/decisiones.atom",
    }
)


@pytest.fixture
def engine(app: FastAPI) -> Engine:
    """The app's own engine."""
    found: Engine = app.state.engine
    return found


def row_counts(engine: Engine) -> dict[str, int]:
    """Rows in every table, in one round trip."""
    query = " UNION ALL ".join(
        f"SELECT '{name}' AS t, COUNT(*) AS n FROM {name}"  # noqa: S608 - names from the models
        for name in TABLES
    )
    with engine.connect() as connection:
        return {str(row[0]): int(row[1]) for row in connection.execute(text(query))}


def audit_actions(engine: Engine) -> list[str]:
    """Every audit action so far, oldest first."""
    with engine.connect() as connection:
        return list(connection.scalars(text("SELECT action FROM audit_event ORDER BY id")))


# ---------------------------------------------------------------- a browser-like client


_OPEN_CLIENTS: list[TestClient] = []


@pytest.fixture(autouse=True)
def _close_clients() -> Iterator[None]:
    """Stop the event loops of the browsers a test opened (kept ones go on without one)."""
    yield
    while _OPEN_CLIENTS:
        _OPEN_CLIENTS.pop().__exit__(None, None, None)


class Browser:
    """A test client that behaves like a person's browser: it reads the CSRF token from the
    page, posts forms, keeps cookies, and never follows redirects on its own."""

    def __init__(self, app: FastAPI, lang: str | None = None, address: str = "testclient") -> None:
        headers = {"accept-language": lang} if lang else {}
        self.client = TestClient(
            app, follow_redirects=False, headers=headers, client=(address, 50000)
        )
        self.client.__enter__()  # one event loop for all its requests (much quicker)
        _OPEN_CLIENTS.append(self.client)
        self.username: str | None = None
        self.password = PASSWORD

    def get(self, url: str, **kwargs: Any) -> httpx.Response:
        """GET a page (refusing server errors, which no test expects)."""
        return self.client.get(url, **kwargs)

    def csrf(self, page: str = "/") -> str:
        """The CSRF token of the form on `page`, as the browser sees it."""
        response = self.get(page)
        match = re.search(r'name="csrf_token" value="([^"]+)"', response.text)
        assert match, f"no CSRF token on {page}"
        return html.unescape(match.group(1))

    def post_form(
        self,
        url: str,
        data: dict[str, str] | None = None,
        *,
        csrf: str | None = "page",
        **kwargs: Any,
    ) -> httpx.Response:
        """POST a form; csrf="page" reads a fresh token from the home page, None omits it."""
        body = dict(data or {})
        if csrf == "page":
            body["csrf_token"] = self.csrf()
        elif csrf is not None:
            body["csrf_token"] = csrf
        return self.client.post(url, data=body, **kwargs)

    def register(self, username: str, password: str = PASSWORD) -> httpx.Response:
        """Register through the form (which logs in)."""
        token = self.csrf("/registro")
        response = self.client.post(
            "/registro", data={"username": username, "password": password, "csrf_token": token}
        )
        if response.status_code == 303:
            self.username, self.password = username, password
        return response

    def login(self, username: str, password: str = PASSWORD) -> httpx.Response:
        """Log in through the form."""
        token = self.csrf("/entrar")
        response = self.client.post(
            "/entrar",
            data={"username": username, "password": password, "csrf_token": token, "next": "/"},
        )
        if response.status_code == 303:
            self.username, self.password = username, password
        return response

    def logged_in_as(self, username: str, password: str = PASSWORD) -> Browser:
        """Log in and insist that it worked."""
        response = self.login(username, password)
        assert response.status_code == 303, response.text
        assert "asamblea_sesion" in self.client.cookies
        return self

    def api(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        """A JSON API call with the session cookie and its X-CSRF-Token header."""
        headers = dict(kwargs.pop("headers", {}) or {})
        if method.upper() not in {"GET", "HEAD"} and "asamblea_sesion" in self.client.cookies:
            headers.setdefault("x-csrf-token", self.csrf())
        return self.client.request(method, url, headers=headers, **kwargs)


@pytest.fixture
def browser(app: FastAPI) -> Callable[..., Browser]:
    """A factory of fresh browsers (no cookies) on the module's app."""
    return lambda lang=None, address="testclient": Browser(app, lang, address)


# ---------------------------------------------------------------- a small federation


def unique(prefix: str) -> str:
    """A username nobody else in this database has."""
    return f"{prefix}{next(_serial)}_{uuid.uuid4().hex[:6]}"


@dataclass(frozen=True)
class World:
    """A region R with a union U under it, and another union O elsewhere.

    In U: `facilitator` (founder of R and U), `member` (active), `pending`, `suspended`, and the
    targets of the actions: `target_pending`, `target_active`, `target_active2`,
    `target_suspended`. In O: `outsider` (its founder) and `other_pending`. `loner` belongs
    nowhere. Ids: `region`, `union`, `other`, membership ids in `ms`.
    """

    names: dict[str, str]
    region: int
    union: int
    other: int
    ms: dict[str, int]


@pytest.fixture
def world(app: FastAPI) -> World:
    """A fresh federation for one test."""
    return make_world(app)


@pytest.fixture(scope="module")
def shared_world(app: FastAPI) -> World:
    """One federation for the tests of a module that only look (and so change nothing)."""
    return make_world(app)


ROLES = (
    "facilitator",
    "member",
    "pending",
    "suspended",
    "target_pending",
    "target_active",
    "target_active2",
    "target_suspended",
    "outsider",
    "other_pending",
    "loner",
)


def make_world(app: FastAPI, roles: Collection[str] = ROLES) -> World:
    """A fresh federation, written through the services in one transaction.

    `roles` limits who is in it (the facilitator, region and union always are; the other
    assembly only with its outsider): a smaller world is quicker to build.
    """
    wanted = [r for r in ROLES if r in roles or r == "facilitator"]
    if "other_pending" in wanted and "outsider" not in wanted:
        wanted.append("outsider")
    names = {role: unique(role[:3]) for role in wanted}
    with app.state.web.sessions.begin() as db:
        people = {role: accounts.register(db, names[role], PASSWORD) for role in wanted}
        fac = people["facilitator"]
        region = federation.create_assembly(
            db,
            fac,
            name=f"Región {names['facilitator']}",
            kind=AssemblyKind.REGION,
            parent_id=None,
        )
        union = federation.create_assembly(
            db,
            fac,
            name=f"Sindicato {names['facilitator']}",
            kind=AssemblyKind.UNION,
            parent_id=region.id,
            assembly_rules=AssemblyRules(vouches_needed=1),
        )
        view = federation.assembly_view(db, fac, union.id)
        assert view.mine is not None
        ms: dict[str, int] = {"facilitator": view.mine.id}
        for role in ("member", "suspended", "target_active", "target_active2", "target_suspended"):
            if role in people:
                request = federation.request_to_join(db, people[role], union.id)
                federation.vouch(db, fac, request.id)
                ms[role] = request.id
        for role in ("suspended", "target_suspended"):
            if role in people:
                federation.suspend(db, fac, ms[role])
        for role in ("pending", "target_pending"):
            if role in people:
                ms[role] = federation.request_to_join(db, people[role], union.id).id
        other_id = 0
        if "outsider" in people:
            other = federation.create_assembly(
                db,
                people["outsider"],
                name=f"Comunidad {names['outsider']}",
                kind=AssemblyKind.PEASANT_COMMUNITY,
                parent_id=None,
            )
            other_id = other.id
            outsider_view = federation.assembly_view(db, people["outsider"], other.id)
            assert outsider_view.mine is not None
            ms["outsider"] = outsider_view.mine.id
            if "other_pending" in people:
                ms["other_pending"] = federation.request_to_join(
                    db, people["other_pending"], other.id
                ).id
    return World(names=names, region=region.id, union=union.id, other=other_id, ms=ms)


# ---------------------------------------------------------------- messages and their language


@lru_cache(maxsize=1)
def message_ids() -> tuple[str, ...]:
    """Every message id marked with N_() in the program (errors, labels, HTTP statuses)."""
    found: set[str] = set()
    pattern = re.compile(r'N_\(\s*"((?:[^"\\]|\\.)*)"')
    for path in SRC.rglob("*.py"):
        for match in pattern.finditer(path.read_text(encoding="utf-8")):
            escaped = match.group(1).encode("latin-1", "backslashreplace")  # keeps "≤" whole
            found.add(escaped.decode("unicode_escape"))
    return tuple(sorted(found))


@lru_cache(maxsize=4)
def message_patterns(lang: str) -> tuple[re.Pattern[str], ...]:
    """Each message id translated into `lang`, its {placeholders} as wildcards."""
    catalog = i18n.translations(lang)
    patterns = []
    for msgid in message_ids():
        translated = catalog.gettext(msgid)
        parts = re.split(r"\{[a-z_]*\}", translated)
        patterns.append(re.compile("^" + ".+".join(re.escape(p) for p in parts) + "$", re.S))
    return tuple(patterns)


def translated(lang: str, msgid: str, **params: object) -> str:
    """A message as the catalog of `lang` says it."""
    return i18n.translations(lang).gettext(msgid).format(**params)


def error_message(response: httpx.Response) -> str:
    """The error message of a refused request: the JSON `message`, or the page's alert."""
    if response.headers.get("content-type", "").startswith("application/json"):
        body = response.json()
        assert set(body) == {"error", "message"}, body
        return str(body["message"])
    match = re.search(r'<p class="notice error" role="alert">(.*?)</p>', response.text, re.S)
    assert match, f"no error message on the page: {response.text[:300]}"
    return html.unescape(match.group(1)).strip()


def assert_refused(response: httpx.Response, lang: str, status: int | None = None) -> str:
    """A 4xx whose message is one of the program's messages in `lang` (not the server error)."""
    assert 400 <= response.status_code < 500, (response.status_code, response.text[:500])
    if status is not None:
        assert response.status_code == status, (response.status_code, response.text[:500])
    message = error_message(response)
    assert message.strip(), "empty error message"
    for server_lang in i18n.LOCALES:
        assert message != translated(server_lang, SERVER_ERROR)
    assert any(p.match(message) for p in message_patterns(lang)), (
        f"{message!r} is not a message of the {lang!r} catalog"
    )
    return message
