"""Bad input never gives a 500: every route of the app (enumerated from `app.routes`) gets
malformed and hostile values, and answers 4xx with a message in the request's language, with
nothing written to the database (row counts of every table, audit log included)."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

import pytest
from fastapi import FastAPI
from sqlalchemy import Engine
from starlette.routing import Mount

from tests.web.conftest import (
    PASSWORD,
    Browser,
    World,
    app_routes,
    assert_refused,
    make_world,
    row_counts,
    unique,
)

HUGE = "x" * 10_240
SCRIPT = '<script>alert("x")</script><img src=x onerror=alert(1)>'
SQLISH = "' OR '1'='1'; DROP TABLE person; --"
NUL = "ab\x00cd"
TEXTS = ["", HUGE, SCRIPT, SQLISH, NUL]
BAD_NUMBERS = ["", "-1", "0", str(2**64), str(-(2**63) - 1), "abc", "1.5", "1e3", SCRIPT, "7\x00"]
UNKNOWN = 2**31 - 1  # the largest id there can be; none exists
BAD_PATH_IDS = [
    "-1",
    "0",
    str(2**64),
    str(2**62),
    str(2**31),
    str(2**63 + 1),
    "abc",
    "1.5",
    "%00",
    "1%20OR%201",
]
WRONG_STRINGS: list[Any] = [123, None, [], {"$ne": ""}, True, 1.5]
WRONG_INTS: list[Any] = [[], {"$gt": 0}, "abc", 1.5, "1.5", 2**64, -(2**63) - 1]
NUMERIC = frozenset(
    {
        "parent_id",
        "vouches_needed",
        "quorum_percent",
        "delegate_ratio",
        "recall_percent",
        "support_percent",
        "escalation_percent",
        "days",
        "vote_days",
    }
)
PASSWORDS = ["", HUGE, NUL, "corta", "         corta     "]  # HTML or SQL-ish: fine passphrases


@dataclass
class Case:
    """One hostile request, who sends it, and what may change."""

    label: str
    method: str
    path: str
    actor: str | None = None  # a role of the World, or None for a visitor
    data: dict[str, str] | None = None  # a form
    body: Any = None  # JSON
    content: bytes | None = None
    content_type: str | None = None
    csrf: str = "good"  # good | none | wrong
    headers: dict[str, str] = field(default_factory=dict)
    may_change: frozenset[str] = frozenset()
    expect: int | None = None  # exact status; None: any 4xx
    ok: bool = False  # True: a page without input that must still answer 200


# ---------------------------------------------------------------- case builders


def form_cases(
    path: str,
    actor: str | None,
    valid: dict[str, str],
    bad: dict[str, list[str]],
    *,
    may_change: frozenset[str] = frozenset(),
    required: tuple[str, ...] | None = None,
) -> list[Case]:
    """CSRF cases, JSON instead of a form, then each field with each hostile value."""
    cases = [
        Case("no csrf", "POST", path, actor, data=valid, csrf="none", expect=403),
        Case("wrong csrf", "POST", path, actor, data=valid, csrf="wrong", expect=403),
        Case("json instead of form", "POST", path, actor, body=valid, expect=403),
        Case(
            "multipart file",
            "POST",
            path,
            actor,
            content=b"--b\r\nContent-Disposition: "
            b'form-data; name="f"; filename="a.txt"\r\n\r\nhi\r\n--b--\r\n',
            content_type="multipart/form-data; boundary=b",
        ),
    ]
    for name, values in bad.items():
        for value in values:
            data = {**valid, name: value}
            cases.append(
                Case(
                    f"{name}={value[:20]!r}", "POST", path, actor, data=data, may_change=may_change
                )
            )
    for name in valid if required is None else required:
        data = {k: v for k, v in valid.items() if k != name}
        cases.append(Case(f"without {name}", "POST", path, actor, data=data, may_change=may_change))
    return cases


def id_cases(
    template: str,
    method: str,
    actor: str | None,
    refused: dict[str, int],
    *,
    form: bool,
    real: int | None = None,
) -> list[Case]:
    """Hostile ids in the path, ids the actor may not use (another assembly's, unknown), and
    CSRF cases against `real`, an id the actor could otherwise act on."""
    cases = []
    for raw in [*BAD_PATH_IDS, *(str(v) for v in refused.values())]:
        path = template.format(id=raw)
        if form:
            cases.append(Case(f"id={raw}", method, path, actor, data={}))
        else:
            cases.append(Case(f"id={raw}", method, path, actor))
    if form:
        assert real is not None
        target = template.format(id=real)
        cases += [
            Case("no csrf", method, target, actor, data={}, csrf="none", expect=403),
            Case("wrong csrf", method, target, actor, data={}, csrf="wrong", expect=403),
            Case("json instead of form", method, target, actor, body={}, expect=403),
        ]
    elif method != "GET":
        assert real is not None
        target = template.format(id=real)
        cases += [
            Case("cookie without X-CSRF-Token", method, target, actor, csrf="none", expect=403),
            Case("wrong X-CSRF-Token", method, target, actor, csrf="wrong", expect=403),
            Case("anonymous", method, target, None, expect=401),
            Case(
                "bogus bearer",
                method,
                target,
                None,
                headers={"authorization": "Bearer x"},
                expect=401,
            ),
        ]
    return cases


def json_cases(
    path: str,
    actor: str | None,
    valid: dict[str, Any],
    bad: dict[str, list[Any]],
    *,
    may_change: frozenset[str] = frozenset(),
    required: tuple[str, ...] | None = None,
) -> list[Case]:
    """Malformed bodies, wrong types and hostile values for each field of a JSON route."""
    cases = [
        Case(
            "form instead of json", "POST", path, actor, data={k: str(v) for k, v in valid.items()}
        ),
        Case(
            "malformed json",
            "POST",
            path,
            actor,
            content=b'{"a": ',
            content_type="application/json",
        ),
        Case("json list", "POST", path, actor, body=[valid]),
        Case("json string", "POST", path, actor, body="hola"),
        Case("empty body", "POST", path, actor, content=b"", content_type="application/json"),
        Case("unknown field", "POST", path, actor, body={**valid, "is_admin": True}),
        Case("huge body", "POST", path, actor, body={**valid, "padding": HUGE * 20}),
    ]
    if actor is not None:
        cases += [
            Case(
                "cookie without X-CSRF-Token",
                "POST",
                path,
                actor,
                body=valid,
                csrf="none",
                expect=403,
            ),
            Case("wrong X-CSRF-Token", "POST", path, actor, body=valid, csrf="wrong", expect=403),
        ]
    for name, values in bad.items():
        numeric = name in NUMERIC
        for value in [*values, *(WRONG_INTS if numeric else WRONG_STRINGS)]:
            if value is None and name in {"parent_id", "locale"}:
                continue  # null is the valid "none" for these
            cases.append(
                Case(
                    f"{name}={str(value)[:20]!r}",
                    "POST",
                    path,
                    actor,
                    body={**valid, name: value},
                    may_change=may_change,
                )
            )
    for name in valid if required is None else required:
        cases.append(
            Case(
                f"without {name}",
                "POST",
                path,
                actor,
                body={k: v for k, v in valid.items() if k != name},
                may_change=may_change,
            )
        )
    return cases


def get_cases(path: str, *, query: str = "") -> list[Case]:
    """A page without input: hostile cookies and headers must not break it."""
    target = path + query
    return [
        Case(
            "forged session cookie",
            "GET",
            target,
            None,
            ok=True,
            headers={"cookie": "asamblea_sesion=abc.def; asamblea_csrf=" + "x" * 600},
        ),
        Case(
            "garbage accept-language",
            "GET",
            target,
            None,
            ok=True,
            headers={"accept-language": "*;q=abc, " + "zz-" * 500},
        ),
        Case(
            "bogus bearer",
            "GET",
            target,
            None,
            ok=True,
            headers={"authorization": "Bearer " + SQLISH},
        ),
    ]


ASSEMBLY_FORM = {
    "name": "Asamblea nueva",
    "kind": "union",
    "parent_id": "",
    "description": "",
    "vouches_needed": "2",
    "quorum_percent": "50",
    "delegate_ratio": "50",
}
ASSEMBLY_JSON: dict[str, Any] = {"name": "Asamblea nueva", "kind": "union", "parent_id": None}
KINDS = ["", SCRIPT, SQLISH, "UNION", "1", "union\x00"]
LOGIN_ATTEMPTS = frozenset({"login_attempt"})
#: (method, route, whether it reads a JSON body) of the votes' routes.
VOTE_ROUTES = (
    ("GET", "/asambleas/{assembly_id}/votaciones/nueva", False),
    ("POST", "/asambleas/{assembly_id}/votaciones", False),
    ("GET", "/votaciones/{vote_id}", False),
    ("POST", "/votaciones/{vote_id}/abrir", False),
    ("POST", "/votaciones/{vote_id}/votar", False),
    ("GET", "/votaciones/{vote_id}/votar", False),
    ("GET", "/votaciones/{vote_id}/mi-recibo", False),
    ("POST", "/votaciones/{vote_id}/cerrar", False),
    ("POST", "/votaciones/{vote_id}/conteo", False),
    ("POST", "/votaciones/{vote_id}/conteo/confirmar", False),
    ("GET", "/votaciones/{vote_id}/tablero.json", False),
    ("GET", "/api/v1/assemblies/{assembly_id}/votes", False),
    ("POST", "/api/v1/assemblies/{assembly_id}/votes", True),
    ("GET", "/api/v1/votes/{vote_id}", False),
    ("POST", "/api/v1/votes/{vote_id}/open", False),
    ("POST", "/api/v1/votes/{vote_id}/ballots", True),
    ("POST", "/api/v1/votes/{vote_id}/close", False),
    ("GET", "/api/v1/votes/{vote_id}/board", False),
    ("POST", "/api/v1/votes/{vote_id}/in-person", True),
    ("POST", "/api/v1/votes/{vote_id}/in-person/confirm", False),
    ("POST", "/api/v1/votes/{vote_id}/encryption", True),
    ("GET", "/api/v1/votes/{vote_id}/ceremony", False),
    ("POST", "/api/v1/votes/{vote_id}/ceremony/dealing", True),
    ("POST", "/api/v1/votes/{vote_id}/ceremony/shares", True),
    ("POST", "/api/v1/votes/{vote_id}/ceremony/confirm", False),
    ("POST", "/api/v1/votes/{vote_id}/ceremony/complaints", True),
    ("POST", "/api/v1/votes/{vote_id}/ceremony/restart", True),
    ("POST", "/votaciones/{vote_id}/ceremonia/reiniciar", False),
    ("GET", "/votaciones/{vote_id}/custodia", False),
    ("GET", "/api/v1/votes/{vote_id}/election", False),
    ("POST", "/api/v1/votes/{vote_id}/encrypted-ballots", True),
    ("POST", "/api/v1/votes/{vote_id}/audits", True),
    ("POST", "/api/v1/votes/{vote_id}/decryption-shares", True),
    ("GET", "/api/v1/votes/{vote_id}/encrypted-board", False),
)
#: (method, route, whether it reads a JSON body) of the from-below routes (proposals,
#: escalations, the charter, delegates): hostile and unknown ids, CSRF, malformed bodies.
FROM_BELOW_ROUTES = (
    ("GET", "/asambleas/{assembly_id}/propuestas", False),
    ("POST", "/asambleas/{assembly_id}/propuestas", False),
    ("GET", "/propuestas/{proposal_id}", False),
    ("POST", "/propuestas/{proposal_id}/publicar", False),
    ("POST", "/propuestas/{proposal_id}/apoyar", False),
    ("POST", "/propuestas/{proposal_id}/quitar-apoyo", False),
    ("POST", "/propuestas/{proposal_id}/retirar", False),
    ("POST", "/propuestas/{proposal_id}/argumentos", False),
    ("POST", "/argumentos/{argument_id}/ocultar", False),
    ("POST", "/propuestas/{proposal_id}/enmiendas", False),
    ("POST", "/enmiendas/{amendment_id}/aceptar", False),
    ("POST", "/enmiendas/{amendment_id}/rechazar", False),
    ("POST", "/enmiendas/{amendment_id}/ocultar", False),
    ("POST", "/enmiendas/{amendment_id}/votacion", False),
    ("POST", "/propuestas/{proposal_id}/votacion", False),
    ("POST", "/propuestas/{proposal_id}/escalar", False),
    ("GET", "/asambleas/{assembly_id}/escalamientos", False),
    ("POST", "/escalamientos/{escalation_id}/adoptar", False),
    ("POST", "/escalamientos/{escalation_id}/retirar", False),
    ("GET", "/asambleas/{assembly_id}/carta", False),
    ("POST", "/asambleas/{assembly_id}/carta", False),
    ("POST", "/asambleas/{assembly_id}/redacciones", False),
    ("POST", "/cartas/{charter_id}/votacion", False),
    ("GET", "/cartas/{charter_id}/articulos/{number}", False),
    ("GET", "/cartas/{charter_id}/articulos/{number}/comparar", False),
    ("GET", "/cartas/{charter_id}/carta.md", False),
    ("GET", "/cartas/{charter_id}/imprimir", False),
    ("GET", "/asambleas/{assembly_id}/delegados", False),
    ("POST", "/asambleas/{assembly_id}/elecciones", False),
    ("POST", "/asambleas/{assembly_id}/mandatos", False),
    ("GET", "/asambleas/{assembly_id}/mandatos", False),
    ("GET", "/votaciones/{vote_id}/nominal", False),
    ("GET", "/delegados/{delegate_id}/revocatoria", False),
    ("POST", "/delegados/{delegate_id}/revocatoria", False),
    ("POST", "/peticiones/{petition_id}/firmar", False),
    ("GET", "/api/v1/assemblies/{assembly_id}/proposals", False),
    ("POST", "/api/v1/assemblies/{assembly_id}/proposals", True),
    ("GET", "/api/v1/proposals/{proposal_id}", False),
    ("POST", "/api/v1/proposals/{proposal_id}/publish", False),
    ("POST", "/api/v1/proposals/{proposal_id}/support", False),
    ("POST", "/api/v1/proposals/{proposal_id}/withdraw", False),
    ("POST", "/api/v1/proposals/{proposal_id}/arguments", True),
    ("POST", "/api/v1/proposals/{proposal_id}/amendments", True),
    ("POST", "/api/v1/amendments/{amendment_id}/accept", False),
    ("POST", "/api/v1/amendments/{amendment_id}/decline", False),
    ("POST", "/api/v1/proposals/{proposal_id}/vote", True),
    ("POST", "/api/v1/proposals/{proposal_id}/escalate", False),
    ("GET", "/api/v1/assemblies/{assembly_id}/escalations", False),
    ("POST", "/api/v1/escalations/{escalation_id}/adopt", True),
    ("GET", "/api/v1/assemblies/{assembly_id}/charter", False),
    ("GET", "/api/v1/charters/{charter_id}/articles/{number}/versions", False),
    ("GET", "/api/v1/charters/{charter_id}/articles/{number}/diff", False),
    ("GET", "/api/v1/assemblies/{assembly_id}/delegates", False),
    ("POST", "/api/v1/assemblies/{assembly_id}/mandates", True),
    ("GET", "/api/v1/assemblies/{assembly_id}/mandates", False),
    ("GET", "/api/v1/votes/{vote_id}/roll-call", False),
    ("GET", "/api/v1/delegates/{delegate_id}/petitions", False),
    ("POST", "/api/v1/delegates/{delegate_id}/recall", False),
    ("POST", "/api/v1/petitions/{petition_id}/sign", False),
)
MEMBERSHIP_ACTIONS = ("aval", "suspender", "reactivar", "facilitar")
API_MEMBERSHIP_ACTIONS = ("vouch", "suspend", "reinstate", "facilitator")


#: Hostile values for the rules added with migration 0006 (founding and changing the rules).
RULES_BAD: dict[str, list[Any]] = {
    "recall_percent": [*BAD_NUMBERS, "101"],
    "support_percent": [*BAD_NUMBERS, "101"],
    "escalation_percent": [*BAD_NUMBERS, "101"],
    "delegate_weight": ["", SCRIPT, "ONE_EACH", "by_lot", NUL],
}
RULES_FORM = {
    "vouches_needed": "2",
    "quorum_percent": "50",
    "delegate_ratio": "50",
    "recall_percent": "20",
    "support_percent": "10",
    "escalation_percent": "50",
    "delegate_weight": "members_represented",
}
RULES_JSON: dict[str, Any] = {
    **{k: int(v) for k, v in RULES_FORM.items() if k != "delegate_weight"},
    "delegate_weight": "members_represented",
}


def _rules_cases(w: World, *, api: bool) -> list[Case]:
    """Proposing new rules to the members: every field with hostile values (as its
    facilitator), the rules in force (nothing to vote on), then a member, a visitor and
    another assembly's facilitator with valid rules."""
    bad: dict[str, list[Any]] = {
        "vouches_needed": [*BAD_NUMBERS, "21"],
        "quorum_percent": [*BAD_NUMBERS, "101"],
        "delegate_ratio": [*BAD_NUMBERS, "100001"],
        **RULES_BAD,
        "vote_days" if api else "days": [*BAD_NUMBERS, "61"],
    }
    in_force = {**RULES_FORM, "vouches_needed": "1", "delegate_weight": "one_each"}
    if api:
        path = f"/api/v1/assemblies/{w.union}/rules"
        cases = [
            replace(c, method="PUT")
            for c in json_cases(path, "facilitator", RULES_JSON, bad, required=tuple(RULES_JSON))
        ]
        valid: dict[str, Any] = {"body": RULES_JSON}
        unchanged: dict[str, Any] = {
            "body": {k: v if k == "delegate_weight" else int(v) for k, v in in_force.items()}
        }
    else:
        path = f"/asambleas/{w.union}/reglas"
        cases = form_cases(path, "facilitator", RULES_FORM, bad, required=())
        valid = {"data": RULES_FORM}
        unchanged = {"data": in_force}
    method = "PUT" if api else "POST"
    foreign = path.replace(f"/{w.union}/", f"/{w.other}/")
    return [
        *cases,
        Case("the rules in force", method, path, "facilitator", expect=422, **unchanged),
        Case("a member", method, path, "member", expect=403, **valid),
        Case("anonymous", method, path, None, expect=401, **valid),
        Case("another assembly's facilitator", method, path, "outsider", expect=403, **valid),
        Case("not its facilitator", method, foreign, "facilitator", expect=403, **valid),
        Case(
            "unknown assembly",
            method,
            path.replace(f"/{w.union}/", f"/{UNKNOWN}/"),
            "facilitator",
            expect=404,
            **valid,
        ),
    ]


def _assembly_cases(w: World, path: str, *, api: bool) -> list[Case]:
    bad: dict[str, list[Any]] = {
        "name": ["", "   ", "x" * 121, NUL],
        "kind": KINDS,
        "parent_id": [*BAD_NUMBERS[1:], str(UNKNOWN), str(w.other)],
        "description": ["x" * 4001, NUL],
        "vouches_needed": [*BAD_NUMBERS, "21"],
        "quorum_percent": [*BAD_NUMBERS, "101"],
        "delegate_ratio": [*BAD_NUMBERS, "100001"],
        **RULES_BAD,
    }
    if api:
        cases = json_cases(path, "member", ASSEMBLY_JSON, bad, required=("name", "kind"))
        cases.append(
            Case(
                "district in a region I do not facilitate",
                "POST",
                path,
                "member",
                body={"name": "D", "kind": "district", "parent_id": w.region},
                expect=403,
            )
        )
        cases.append(Case("anonymous", "POST", path, None, body=ASSEMBLY_JSON, expect=401))
        return cases
    cases = form_cases(path, "member", ASSEMBLY_FORM, bad, required=("name", "kind"))
    cases.append(
        Case(
            "district in a region I do not facilitate",
            "POST",
            path,
            "member",
            data={**ASSEMBLY_FORM, "kind": "district", "parent_id": str(w.region)},
            expect=403,
        )
    )
    cases.append(Case("anonymous", "POST", path, None, data=ASSEMBLY_FORM, expect=401))
    return cases


def routes_table() -> dict[tuple[str, str], Callable[[World], list[Case]]]:
    """For every route: its hostile cases. A new route without an entry fails the suite."""
    cred = {"username": "alguien", "password": PASSWORD}
    text_bad = {"username": [*TEXTS, "ab", "a b"], "password": PASSWORDS}
    login_bad = {"username": TEXTS, "password": [*TEXTS, "mala clave"]}
    password_bad = {"current_password": [*TEXTS, "no es la clave"], "new_password": PASSWORDS}
    table: dict[tuple[str, str], Callable[[World], list[Case]]] = {
        ("GET", "/"): lambda w: get_cases("/"),
        ("GET", "/registro"): lambda w: get_cases("/registro"),
        ("GET", "/entrar"): lambda w: [
            *get_cases("/entrar", query="?next=//evil.example/%0d%0a"),
            Case("next too long", "GET", "/entrar?next=" + HUGE, None, ok=True),
        ],
        ("GET", "/cuenta"): lambda w: [
            Case("visitor", "GET", "/cuenta", None, expect=303),
            Case(
                "forged cookie",
                "GET",
                "/cuenta",
                None,
                expect=303,
                headers={"cookie": "asamblea_sesion=" + SQLISH.replace(";", "")},
            ),
        ],
        ("GET", "/acerca"): lambda w: get_cases("/acerca"),
        ("GET", "/fuente.zip"): lambda w: get_cases("/fuente.zip"),
        ("GET", "/salud"): lambda w: get_cases("/salud"),
        ("GET", "/federacion"): lambda w: get_cases("/federacion"),
        ("GET", "/api/v1/openapi.json"): lambda w: get_cases("/api/v1/openapi.json"),
        ("GET", "/asambleas/nueva"): lambda w: [
            Case(f"parent={v[:12]!r}", "GET", f"/asambleas/nueva?parent={v}", "member")
            for v in ["abc", "1.5", SCRIPT, "1%00", "[]"]
        ],
        ("GET", "/asambleas/{assembly_id}"): lambda w: id_cases(
            "/asambleas/{id}", "GET", "member", {"unknown": UNKNOWN}, form=False
        ),
        ("POST", "/registro"): lambda w: form_cases(
            "/registro", None, {"username": unique("nuevo"), "password": PASSWORD}, text_bad
        ),
        ("POST", "/entrar"): lambda w: form_cases(
            "/entrar",
            None,
            {**cred, "username": w.names["member"], "password": "mala clave"},
            login_bad,
            may_change=LOGIN_ATTEMPTS,
        ),
        ("POST", "/salir"): lambda w: [
            c for c in form_cases("/salir", "member", {}, {}) if c.label != "multipart file"
        ],
        ("POST", "/cuenta/clave"): lambda w: [
            *form_cases(
                "/cuenta/clave",
                "member",
                {"current_password": PASSWORD, "new_password": "otra frase secreta"},
                password_bad,
            ),
            Case(
                "anonymous",
                "POST",
                "/cuenta/clave",
                None,
                data={"current_password": PASSWORD, "new_password": "otra frase secreta"},
                expect=401,
            ),
        ],
        ("POST", "/idioma"): lambda w: form_cases(
            "/idioma",
            "member",
            {"lang": "en", "next": "/"},
            {"lang": [*TEXTS, "xx", "fr", "es-PE"], "next": [HUGE]},
            required=("lang",),
        ),
        ("POST", "/asambleas"): lambda w: _assembly_cases(w, "/asambleas", api=False),
        ("POST", "/asambleas/{assembly_id}/unirse"): lambda w: id_cases(
            "/asambleas/{id}/unirse",
            "POST",
            "loner",
            {"region": w.region, "unknown": UNKNOWN},
            form=True,
            real=w.union,
        ),
        ("POST", "/asambleas/{assembly_id}/salir"): lambda w: id_cases(
            "/asambleas/{id}/salir",
            "POST",
            "loner",
            {"union": w.union, "other": w.other},
            form=True,
            real=w.union,
        ),
        ("POST", "/api/v1/accounts"): lambda w: json_cases(
            "/api/v1/accounts",
            None,
            {"username": unique("api"), "password": PASSWORD},
            {**text_bad, "locale": [HUGE, NUL]},
            required=("username", "password"),
        ),
        ("POST", "/api/v1/tokens"): lambda w: json_cases(
            "/api/v1/tokens",
            None,
            {"username": w.names["member"], "password": "mala clave"},
            login_bad,
            may_change=LOGIN_ATTEMPTS,
        ),
        ("DELETE", "/api/v1/tokens/current"): lambda w: [
            Case("anonymous", "DELETE", "/api/v1/tokens/current", None, expect=401),
            Case(
                "bogus bearer",
                "DELETE",
                "/api/v1/tokens/current",
                None,
                expect=401,
                headers={"authorization": "Bearer " + HUGE},
            ),
            Case(
                "cookie without X-CSRF-Token",
                "DELETE",
                "/api/v1/tokens/current",
                "member",
                csrf="none",
                expect=403,
            ),
        ],
        ("GET", "/api/v1/me"): lambda w: _auth_get_cases("/api/v1/me"),
        ("GET", "/api/v1/me/memberships"): lambda w: _auth_get_cases("/api/v1/me/memberships"),
        ("POST", "/api/v1/me/password"): lambda w: [
            *json_cases(
                "/api/v1/me/password",
                "member",
                {"current_password": PASSWORD, "new_password": "otra frase secreta"},
                password_bad,
            ),
            Case(
                "anonymous",
                "POST",
                "/api/v1/me/password",
                None,
                expect=401,
                body={"current_password": PASSWORD, "new_password": "otra frase secreta"},
            ),
        ],
        ("GET", "/api/v1/assemblies"): lambda w: get_cases("/api/v1/assemblies"),
        ("POST", "/api/v1/assemblies"): lambda w: _assembly_cases(
            w, "/api/v1/assemblies", api=True
        ),
        ("GET", "/api/v1/assemblies/{assembly_id}"): lambda w: id_cases(
            "/api/v1/assemblies/{id}", "GET", "member", {"unknown": UNKNOWN}, form=False
        ),
        ("GET", "/api/v1/assemblies/{assembly_id}/members"): lambda w: [
            *id_cases(
                "/api/v1/assemblies/{id}/members",
                "GET",
                "member",
                {"other": w.other, "unknown": UNKNOWN},
                form=False,
            ),
            Case("anonymous", "GET", f"/api/v1/assemblies/{w.union}/members", None, expect=401),
        ],
        ("POST", "/api/v1/assemblies/{assembly_id}/join"): lambda w: id_cases(
            "/api/v1/assemblies/{id}/join",
            "POST",
            "loner",
            {"region": w.region, "unknown": UNKNOWN},
            form=False,
            real=w.union,
        ),
        ("GET", "/asambleas/{assembly_id}/reglas"): lambda w: id_cases(
            "/asambleas/{id}/reglas", "GET", "member", {"unknown": UNKNOWN}, form=False
        ),
        ("POST", "/asambleas/{assembly_id}/reglas"): lambda w: [
            *id_cases(
                "/asambleas/{id}/reglas",
                "POST",
                "facilitator",
                {"other": w.other, "unknown": UNKNOWN},
                form=True,
                real=w.union,
            ),
            *_rules_cases(w, api=False),
        ],
        ("PUT", "/api/v1/assemblies/{assembly_id}/rules"): lambda w: [
            *with_bad_bodies(
                id_cases(
                    "/api/v1/assemblies/{id}/rules",
                    "PUT",
                    "facilitator",
                    {"other": w.other, "unknown": UNKNOWN},
                    form=False,
                    real=w.union,
                ),
                "PUT",
                f"/api/v1/assemblies/{w.union}/rules",
            ),
            *_rules_cases(w, api=True),
        ],
        ("POST", "/api/v1/assemblies/{assembly_id}/leave"): lambda w: id_cases(
            "/api/v1/assemblies/{id}/leave",
            "POST",
            "loner",
            {"union": w.union, "other": w.other},
            form=False,
            real=w.union,
        ),
    }
    for method, template, body in VOTE_ROUTES:
        table[(method, template)] = lambda w, m=method, t=template, b=body: vote_cases(
            t, m, w, body=b
        )
    table[("GET", "/api/v1/votes/{vote_id}/receipts/{code}")] = lambda w: [
        Case(f"code={code[:12]!r}", "GET", f"/api/v1/votes/{vote}/receipts/{code}", "member")
        for vote in ("-1", str(2**64), str(UNKNOWN))
        for code in ("%3Cscript%3E", "x" * 300, "%00", "..%2F..%2Fetc", "' OR 1=1")
    ]
    table[("GET", "/votaciones/{vote_id}/recibo")] = lambda w: [
        Case(f"codigo={code[:12]!r}", "GET", f"/votaciones/{vote}/recibo?codigo={code}", None)
        for vote in ("-1", str(2**64), str(UNKNOWN))
        for code in ("%3Cscript%3E", "x" * 300, "%00", "' OR 1=1")
    ]
    for action in MEMBERSHIP_ACTIONS:
        table[("POST", f"/membresias/{{membership_id}}/{action}")] = lambda w, a=action: id_cases(
            f"/membresias/{{id}}/{a}",
            "POST",
            "facilitator",
            _own_and_foreign(w),
            form=True,
            real=w.ms["target_active"],
        )
    for action in API_MEMBERSHIP_ACTIONS:
        table[("POST", f"/api/v1/memberships/{{membership_id}}/{action}")] = lambda w, a=action: (
            id_cases(
                f"/api/v1/memberships/{{id}}/{a}",
                "POST",
                "facilitator",
                _own_and_foreign(w),
                form=False,
                real=w.ms["target_active"],
            )
        )
    for method, template, body in FROM_BELOW_ROUTES:
        table[(method, template)] = lambda w, m=method, t=template, b=body: from_below_cases(
            t, m, w, body=b
        )
    table[("POST", "/asambleas/{assembly_id}/propuestas")] = lambda w: [
        *from_below_cases("/asambleas/{assembly_id}/propuestas", "POST", w),
        *_proposal_form_cases(w),
    ]
    table[("GET", "/cartas/{charter_id}/articulos/{number}/comparar")] = lambda w: [
        *from_below_cases("/cartas/{charter_id}/articulos/{number}/comparar", "GET", w),
        *(
            Case(f"query={q[:16]!r}", "GET", f"/cartas/{UNKNOWN}/articulos/1/comparar?{q}", None)
            for q in ("de=abc&a=1", "de=-1&a=2", f"de=1&a={2**64}", "de=%00", "a=1.5")
        ),
        Case("number=abc", "GET", f"/cartas/{UNKNOWN}/articulos/abc/comparar", None),
    ]
    for method, template in PLANNING_ROUTES:
        table[(method, template)] = lambda w, m=method, t=template: planning_cases(t, m, w)
    for method, template in BUDGET_ROUTES:
        table[(method, template)] = lambda w, m=method, t=template: budget_cases(t, m, w)
    table.update(archive_upload_table())
    table.update(archive_phase_b_table())
    from tests.web.mobilisation_hostile import mobilisation_table  # noqa: PLC0415 - it imports this

    table.update(mobilisation_table())
    table.update(notices_routes())
    from tests.web.feeds_webhooks_hostile import feeds_webhooks_table  # noqa: PLC0415

    table.update(feeds_webhooks_table())
    return table


NOTICE_TABLES = frozenset({"notice_reader", "notice_preference"})
BAD_NOTICE_IDS = ("abc", "-1", "0", str(2**64), "%00", "1.5")
FORGED = {"cookie": "asamblea_sesion=" + SQLISH.replace(";", "")}


def notices_routes() -> dict[tuple[str, str], Callable[[World], list[Case]]]:
    """Issue #11: the inbox, marking read and preferences, as pages and API."""
    prefs = "/api/v1/notices/preferences"
    return {
        ("GET", "/avisos"): lambda w: [
            Case("visitor", "GET", "/avisos", None, expect=303),
            *(
                Case(f"antes={q!r}", "GET", f"/avisos?antes={q}", "member", expect=422)
                for q in BAD_NOTICE_IDS
            ),
        ],
        ("POST", "/avisos/leidos"): lambda w: form_cases(
            "/avisos/leidos",
            "member",
            {"up_to": "0"},
            {"up_to": [*TEXTS, "-1", "²", "99999999999"]},
            may_change=NOTICE_TABLES,
        ),
        ("GET", "/avisos/preferencias"): lambda w: [
            Case("visitor", "GET", "/avisos/preferencias", None, expect=303),
            Case("forged cookie", "GET", "/avisos/preferencias", None, expect=303, headers=FORGED),
        ],
        ("POST", "/avisos/preferencias"): lambda w: form_cases(
            "/avisos/preferencias",
            "member",
            {"vote_opened": "daily"},
            {"vote_opened": [*TEXTS, "hourly"], "accepted": ["x"]},
            required=(),
            may_change=NOTICE_TABLES,
        ),
        ("GET", "/api/v1/notices"): lambda w: [
            Case("visitor", "GET", "/api/v1/notices", None, expect=401),
            *(
                Case(f"before={q!r}", "GET", f"/api/v1/notices?before={q}", "member", expect=422)
                for q in BAD_NOTICE_IDS
            ),
        ],
        ("POST", "/api/v1/notices/read"): lambda w: json_cases(
            "/api/v1/notices/read",
            "member",
            {"up_to": 0},
            {"up_to": ["abc", -1, 2**64, None, 1.5, []]},
            may_change=NOTICE_TABLES,
        ),
        ("GET", prefs): lambda w: [
            Case("visitor", "GET", prefs, None, expect=401),
            Case("forged cookie", "GET", prefs, None, expect=401, headers=FORGED),
        ],
        **mail_routes(),
        ("PUT", prefs): lambda w: [
            Case("visitor", "PUT", prefs, None, body={"deliveries": {}}, expect=401),
            Case("unknown kind", "PUT", prefs, "member", body={"deliveries": {"nope": "never"}}),
            Case("bad delivery", "PUT", prefs, "member", body={"deliveries": {"vote_opened": 1}}),
            Case("a list", "PUT", prefs, "member", body={"deliveries": ["never"]}),
            Case("json list", "PUT", prefs, "member", body=[{"deliveries": {}}]),
            Case("unknown field", "PUT", prefs, "member", body={"deliveries": {}, "x": 1}),
        ],
    }


MAIL_TABLES = frozenset({"mail_address", "mail_delivery"})
BAD_ADDRESSES = [*TEXTS, "sin-arroba", "a@b", "a@1.2.3.4", "a@@b.pe", "a b@c.pe"]
BAD_TOKENS = ["", "x", SQLISH, SCRIPT, "%00", "a" * 500, "WzEsInZvdGVfb3BlbmVkIl0.AAAA"]


def mail_routes() -> dict[tuple[str, str], Callable[[World], list[Case]]]:
    """Issue #11, mail: my address (page and API) and the one-click unsubscribe."""
    page, api = "/avisos/correo", "/api/v1/notices/address"
    return {
        ("GET", page): lambda w: [
            Case("visitor", "GET", page, None, expect=303),
            Case("forged cookie", "GET", page, None, expect=303, headers=FORGED),
        ],
        ("POST", page): lambda w: form_cases(
            page, "member", {"address": "a@ejemplo.pe"}, {"address": BAD_ADDRESSES}
        ),
        ("POST", f"{page}/quitar"): lambda w: [
            Case("no csrf", "POST", f"{page}/quitar", "member", data={}, csrf="none", expect=403),
            Case("wrong csrf", "POST", f"{page}/quitar", "member", data={}, csrf="wrong",
                 expect=403),
            Case("json", "POST", f"{page}/quitar", "member", body={}, expect=403),
            Case("visitor", "POST", f"{page}/quitar", None, data={}, expect=303),
        ],
        ("GET", "/avisos/baja"): lambda w: [
            Case(f"t={t[:12]!r}", "GET", f"/avisos/baja?t={t}", None, expect=422)
            for t in BAD_TOKENS
        ],
        ("POST", "/avisos/baja"): lambda w: [
            *(
                Case(f"t={t[:12]!r}", "POST", f"/avisos/baja?t={t}", None, csrf="none",
                     data={"List-Unsubscribe": "One-Click"}, expect=422)
                for t in BAD_TOKENS
            ),
            Case("token in the form", "POST", "/avisos/baja", None, data={"t": SQLISH},
                 expect=422),
            Case("a file", "POST", "/avisos/baja?t=x", None, csrf="none",
                 content=b"--b\r\nContent-Disposition: form-data; name=\"f\"; "
                 b'filename="a.txt"\r\n\r\nhi\r\n--b--\r\n',
                 content_type="multipart/form-data; boundary=b"),
        ],
        ("GET", api): lambda w: [
            Case("visitor", "GET", api, None, expect=401),
            Case("forged cookie", "GET", api, None, expect=401, headers=FORGED),
        ],
        ("PUT", api): lambda w: [
            Case("visitor", "PUT", api, None, body={"address": "a@ejemplo.pe"}, expect=401),
            *(
                Case(f"address={str(a)[:12]!r}", "PUT", api, "member", body={"address": a},
                     expect=422)
                for a in [*BAD_ADDRESSES, *WRONG_STRINGS]
            ),
            Case("a list", "PUT", api, "member", body=["a@ejemplo.pe"]),
            Case("unknown field", "PUT", api, "member", body={"address": "a@b.pe", "x": 1}),
            Case("no csrf", "PUT", api, "member", body={"address": "a@b.pe"}, csrf="none",
                 expect=403),
        ],
        ("DELETE", api): lambda w: [
            Case("visitor", "DELETE", api, None, expect=401),
            Case("no csrf", "DELETE", api, "member", csrf="none", expect=403),
            Case("wrong csrf", "DELETE", api, "member", csrf="wrong", expect=403),
        ],
    }


#: (method, route) of the planning rounds' pages and API.
PLANNING_ROUTES = (
    ("GET", "/asambleas/{assembly_id}/planificacion"),
    ("GET", "/asambleas/{assembly_id}/planificacion/nueva"),
    ("POST", "/asambleas/{assembly_id}/planificacion"),
    ("GET", "/planificacion/{round_id}"),
    ("GET", "/planificacion/{round_id}/metas"),
    ("POST", "/planificacion/{round_id}/metas"),
    ("POST", "/planificacion/{round_id}/metas/vista-previa"),
    ("POST", "/planificacion/{round_id}/resolver"),
    ("GET", "/planificacion/{round_id}/plan"),
    ("POST", "/planificacion/{round_id}/revision"),
    ("GET", "/planificacion/{round_id}/comparacion"),
    ("GET", "/api/v1/planning-models"),
    ("GET", "/api/v1/assemblies/{assembly_id}/planning-rounds"),
    ("POST", "/api/v1/assemblies/{assembly_id}/planning-rounds"),
    ("GET", "/api/v1/planning-rounds/{round_id}"),
    ("POST", "/api/v1/planning-rounds/{round_id}/targets"),
    ("POST", "/api/v1/planning-rounds/{round_id}/solve"),
    ("GET", "/api/v1/planning-rounds/{round_id}/plan"),
    ("POST", "/api/v1/planning-rounds/{round_id}/revision"),
)
#: The planning API routes that read a JSON body.
PLANNING_BODIES = frozenset(
    {
        "/api/v1/assemblies/{assembly_id}/planning-rounds",
        "/api/v1/planning-rounds/{round_id}/targets",
    }
)


#: (method, route) of the participatory budgeting pages and API.
BUDGET_ROUTES = (
    ("GET", "/asambleas/{assembly_id}/presupuestos"),
    ("GET", "/asambleas/{assembly_id}/presupuestos/nuevo"),
    ("POST", "/asambleas/{assembly_id}/presupuestos"),
    ("GET", "/presupuestos/{process_id}"),
    ("GET", "/presupuestos/{process_id}/resultados"),
    ("GET", "/presupuestos/{process_id}/acta"),
    ("POST", "/presupuestos/{process_id}/agentes"),
    ("POST", "/presupuestos/{process_id}/impugnar"),
    ("POST", "/presupuestos/{process_id}/resolver"),
    ("POST", "/presupuestos/{process_id}/tecnicos"),
    ("POST", "/presupuestos/{process_id}/proyectos"),
    ("POST", "/presupuestos/{process_id}/evaluar"),
    ("POST", "/presupuestos/{process_id}/votar"),
    ("POST", "/presupuestos/{process_id}/avanzar"),
    ("POST", "/presupuestos/{process_id}/firmar"),
    ("POST", "/presupuestos/{process_id}/comite/candidatura"),
    ("POST", "/presupuestos/{process_id}/comite/candidatura/retirar"),
    ("POST", "/presupuestos/{process_id}/comite/eleccion"),
    ("POST", "/presupuestos/{process_id}/avances"),
    ("GET", "/api/v1/assemblies/{assembly_id}/budget-processes"),
    ("GET", "/api/v1/budget-processes/{process_id}"),
    ("GET", "/api/v1/budget-processes/{process_id}/outcome"),
    ("GET", "/api/v1/budget-processes/{process_id}/acta"),
    ("GET", "/api/v1/budget-processes/{process_id}/oversight"),
    ("POST", "/api/v1/budget-processes/{process_id}/projects"),
    ("POST", "/api/v1/budget-processes/{process_id}/ballot"),
)
#: The budgeting API routes that read a JSON body: a valid body, and hostile values per field.
BUDGET_BODIES: dict[str, tuple[dict[str, Any], dict[str, list[Any]]]] = {
    "/api/v1/budget-processes/{process_id}/projects": (
        {"title": "Losa", "description": "d", "place": "Sector 3", "cost": 100, "beneficiaries": 1},
        {
            "title": ["", HUGE, NUL],
            "description": ["", "x" * 4001, NUL],
            "place": ["", HUGE, NUL],
            "cost": [0, -1, 10**16, 2**64, "abc", 1.5, None],
            "beneficiaries": [-1, 10**10, 2**64, "abc", 1.5],
        },
    ),
    "/api/v1/budget-processes/{process_id}/ballot": (
        {"points": {"7": 1}},
        {
            "points": [
                {"abc": 1},
                {"0": 1},
                {str(2**64): 1},
                {"7": -1},
                {"7": 1001},
                {"7": "x"},
                {"7": 1.5},
                {str(i): 1 for i in range(1, 1003)},
                [7],
                "7",
            ]
        },
    ),
}


def budget_cases(template: str, method: str, w: World) -> list[Case]:
    """The budgeting routes (tests/web/test_budget_pages.py tests what their fields mean):
    hostile and unknown ids, another assembly's id, CSRF; the fields of the forms."""
    body = BUDGET_BODIES.get(template)
    cases = vote_cases(template.replace("{process_id}", "{vote_id}"), method, w, body=bool(body))
    if body is not None:
        path = template.replace("{process_id}", str(UNKNOWN))
        cases += json_cases(path, "member", *body)
    if template == "/asambleas/{assembly_id}/presupuestos" and method == "POST":
        valid = {
            "title": "Presupuesto",
            "budget": "1000.00",
            "ballot_kind": "approval",
            "rule": "mes",
            **{f"date_{p}": "2027-01-0" + str(i + 1) for i, p in enumerate(PB_PHASES)},
        }
        bad = {
            "title": TEXTS,
            "budget": ["", "-5", "1.234", "abc", HUGE, NUL, "9" * 20, SCRIPT],
            "ballot_kind": ["", "ranking", SCRIPT, NUL],
            "rule": ["", "stv", SCRIPT, NUL],
            "max_choices": BAD_NUMBERS,
            "points": BAD_NUMBERS,
            "date_workshops": ["", "2026-13-45", "2020-01-01", SCRIPT, NUL],
        }
        cases += form_cases(f"/asambleas/{w.union}/presupuestos", "member", valid, bad)
    if method == "POST" and "{process_id}" in template and body is None:
        path = template.replace("{process_id}", str(UNKNOWN))
        fields = (
            "agent_id",
            "person_id",
            "project_id",
            "percent",
            "cost",
            "project_7",
            "points_7",
            "seats",
            "days",
        )
        cases += [
            Case(f"{k}={v[:12]!r}", method, path, "member", data={k: v})
            for k in fields
            for v in (*BAD_NUMBERS, HUGE, NUL)
        ]
    return cases


PB_PHASES = (
    "preparation",
    "workshops",
    "evaluation",
    "prioritisation",
    "formalisation",
    "oversight",
)


def planning_cases(template: str, method: str, w: World) -> list[Case]:
    """The planning routes (tests/web/test_planning_pages.py tests what their fields mean):
    hostile and unknown ids, another assembly's id, CSRF; the fields of the forms and of the
    API's bodies."""
    if template == "/api/v1/planning-models":
        return get_cases(template)
    body = method == "POST" and template in PLANNING_BODIES
    cases = vote_cases(template.replace("{round_id}", "{vote_id}"), method, w, body=body)
    if template == "/api/v1/assemblies/{assembly_id}/planning-rounds" and method == "POST":
        valid: dict[str, Any] = {"title": "Plan", "model": "aldea", "goods": ["pan"]}
        bad_json: dict[str, list[Any]] = {
            "title": TEXTS,
            "model": ["", SCRIPT, SQLISH, "../../etc/passwd", NUL, "upload"],
            "goods": [[], [""], [HUGE], [NUL], [SCRIPT], ["pan"] * 41, [["pan"]]],
            "aggregation": ["", "mode", SCRIPT, NUL],
            "model_csv": ["x" * 200_001, NUL, "fila,pan\npan,x\n"],
        }
        cases += json_cases(
            f"/api/v1/assemblies/{w.union}/planning-rounds",
            "member",
            valid,
            bad_json,
            required=("title", "model", "goods"),
        )
    if template == "/api/v1/planning-rounds/{round_id}/targets":
        valid = {"assembly_id": w.union, "levels": {"pan": 5}}
        bad_json = {
            "assembly_id": [0, -1, 2**64, "abc", UNKNOWN, w.other],
            "levels": [
                {},
                {"pan": -1},
                {"pan": "mucho"},
                {"pan": None},
                {HUGE: 1},
                {NUL: 1},
                {f"p{i}": 1 for i in range(41)},
                [5],
                {"pan": 1e400},
            ],
            "changes": [{"pan": 5}, {"pan": 1e9}, {"pan": "x"}, [1]],
            "note": ["x" * 4001, NUL],
            "days": [0, 61, -1, "abc", 2**64],
        }
        cases += json_cases(
            f"/api/v1/planning-rounds/{UNKNOWN}/targets",
            "member",
            valid,
            bad_json,
            required=("assembly_id",),
        )
    if template == "/asambleas/{assembly_id}/planificacion" and method == "POST":
        valid = {"title": "Plan", "model": "aldea", "goods": "pan", "aggregation": "median"}
        bad = {
            "title": TEXTS,
            "model": ["", SCRIPT, SQLISH, "../../etc/passwd", NUL],
            "goods": ["", HUGE, SCRIPT, NUL, "pan\n" * 50],
            "aggregation": ["", "mode", SCRIPT, NUL],
        }
        cases += form_cases(f"/asambleas/{w.union}/planificacion", "member", valid, bad)
    drafting = {"/planificacion/{round_id}/metas", "/planificacion/{round_id}/metas/vista-previa"}
    if template in drafting and method == "POST":
        fields = {"assembly_id": str(w.union), "level_0": "5"}
        url = template.replace("{round_id}", str(UNKNOWN))
        cases += [
            Case(f"{k}={v[:12]!r}", method, url, "member", data={**fields, k: v})
            for k in ("assembly_id", "level_0", "change_0", "note", "days")
            for v in (*BAD_NUMBERS, HUGE, NUL)
        ]
    return cases


def with_bad_bodies(cases: list[Case], method: str, target: str) -> list[Case]:
    """Add malformed JSON bodies for a member; anonymous cases may then get any 4xx (the body
    is read before the login is checked)."""
    anonymous_any = [replace(c, expect=None) if c.actor is None else c for c in cases]
    return [
        *anonymous_any,
        Case(
            "malformed json", method, target, "member", content=b'{"a": ',
            content_type="application/json",
        ),
        Case("form instead of json", method, target, "member", data={"a": SCRIPT}),
        Case("json list", method, target, "member", body=[SQLISH]),
        Case("huge body", method, target, "member", body={"padding": HUGE * 20}),
        Case("unknown field", method, target, "member", body={"is_admin": True}),
    ]


# ---- the archive's tus upload API (issue 15): tus headers, ids and secrets gone wrong

TUS_OK = {"tus-resumable": "1.0.0"}
UPLOAD = "/api/v1/archive/uploads/" + "ab" * 16 + "/" + "A" * 43  # well formed, unknown


def archive_upload_table() -> dict[tuple[str, str], Callable[[World], list[Case]]]:
    """Hostile requests to the tus routes: nothing is created, appended or deleted."""
    create = "/api/v1/archive/cases/" + "cd" * 16 + "/uploads"
    link = {"archive-intake-link": "no-es-un-enlace"}
    patch = TUS_OK | {"upload-offset": "0"}
    bad_ids = ["/api/v1/archive/uploads/xyz/" + "A" * 43, "/api/v1/archive/uploads/"
               + "ab" * 16 + "/short", "/api/v1/archive/uploads/" + "AB" * 16 + "/" + "A" * 43]
    return {
        ("OPTIONS", "/api/v1/archive/uploads"): lambda w: [
            Case("plain", "OPTIONS", "/api/v1/archive/uploads", None, ok=True),
            Case("odd headers", "OPTIONS", "/api/v1/archive/uploads", "member",
                 headers={"tus-resumable": SCRIPT}, ok=True),
        ],
        ("POST", "/api/v1/archive/cases/{case_id}/uploads"): lambda w: [
            Case("no version", "POST", create, None, headers=link | {"upload-length": "5"},
                 expect=412),
            *[Case(f"length {v[:10]!r}", "POST", create, None, expect=422,
                   headers=TUS_OK | link | {"upload-length": v})
              for v in ["", "-1", "abc", "1.5", "1e3", "9" * 16, "0x10"]],
            Case("too large", "POST", create, None, expect=413,
                 headers=TUS_OK | link | {"upload-length": str(10**13)}),
            Case("bad metadata", "POST", create, None, expect=422,
                 headers=TUS_OK | link | {"upload-length": "5", "upload-metadata": "a !!!"}),
            Case("unknown link", "POST", create, None, expect=404,
                 headers=TUS_OK | link | {"upload-length": "5"}),
            Case("no link, no login", "POST", create, None, expect=422,
                 headers=TUS_OK | {"upload-length": "5"}),
            Case("member of no team", "POST", create, "member", expect=404,
                 headers=TUS_OK | {"upload-length": "5"}),
            Case("bad case id", "POST", "/api/v1/archive/cases/" + SQLISH + "/uploads", None,
                 expect=None, headers=TUS_OK | link | {"upload-length": "5"}),
        ],
        ("PATCH", "/api/v1/archive/uploads/{upload_id}/{secret}"): lambda w: [
            Case("no version", "PATCH", UPLOAD, None, content=b"x",
                 content_type="application/offset+octet-stream",
                 headers={"upload-offset": "0"}, expect=412),
            Case("unknown upload", "PATCH", UPLOAD, None, content=b"x",
                 content_type="application/offset+octet-stream", headers=patch, expect=404),
            *[Case("malformed id or secret", "PATCH", path, None, content=b"x",
                   content_type="application/offset+octet-stream", headers=patch, expect=422)
              for path in bad_ids],
        ],
        ("GET", "/api/v1/archive/cases/{case_id}"): lambda w: archive_read_cases(""),
        ("GET", "/entrega/{token}"): lambda w: [
            Case("unknown link", "GET", "/entrega/" + "A" * 43, None, expect=404),
            *[Case(f"malformed link {bad[:8]!r}", "GET", f"/entrega/{bad}", None, expect=None)
              for bad in ["corto", "A" * 44, SQLISH.replace("/", "")]],
        ],
        ("POST", "/entrega/{token}"): lambda w: [
            *form_cases("/entrega/" + "A" * 43, None, {"testimony": "texto"},
                        {"testimony": ["", NUL, "x" * 20_001], "title": [NUL, "x" * 201]},
                        required=("testimony",)),
            Case("unknown link", "POST", "/entrega/" + "A" * 43, None,
                 data={"testimony": "texto"}, expect=404),
        ],
        ("GET", "/archivo/casos/{case_id}"): lambda w: [
            Case("visitor", "GET", "/archivo/casos/" + "ef" * 16, None, expect=401),
            Case("unknown case", "GET", "/archivo/casos/" + "ef" * 16, "member", expect=404),
            Case("malformed id", "GET", "/archivo/casos/xyz", "member", expect=None),
        ],
        ("POST", "/archivo/desbloquear"): lambda w: [
            *form_cases("/archivo/desbloquear", "member",
                        {"passphrase": "frase cualquiera", "case_id": "ef" * 16},
                        {"passphrase": ["", NUL, "x" * 257], "case_id": ["", "xyz", SQLISH]}),
            Case("no key yet", "POST", "/archivo/desbloquear", "member",
                 data={"passphrase": "frase cualquiera", "case_id": "ef" * 16}, expect=422),
        ],
        ("POST", "/archivo/casos/{case_id}/exportar"): lambda w: [
            *form_cases("/archivo/casos/" + "ef" * 16 + "/exportar", "member",
                        {"recipient": "Fiscalía"}, {"recipient": ["", NUL, "x" * 201]}),
            Case("not unlocked", "POST", "/archivo/casos/" + "ef" * 16 + "/exportar", "member",
                 data={"recipient": "Fiscalía"}, expect=422),
            Case("visitor", "POST", "/archivo/casos/" + "ef" * 16 + "/exportar", None,
                 data={"recipient": "Fiscalía"}, expect=401),
        ],
        ("POST", "/archivo/elementos/{item_id}/abrir"): lambda w: [
            Case("visitor", "POST", "/archivo/elementos/" + "ef" * 16 + "/abrir", None,
                 data={}, expect=401),
            Case("not unlocked", "POST", "/archivo/elementos/" + "ef" * 16 + "/abrir",
                 "member", data={}, expect=422),
            Case("no csrf", "POST", "/archivo/elementos/" + "ef" * 16 + "/abrir", "member",
                 data={}, csrf="none", expect=403),
            Case("malformed id", "POST", "/archivo/elementos/xyz/abrir", "member", data={},
                 expect=None),
        ],
        ("GET", "/memoria/{case_id}"): lambda w: [
            Case("unknown case", "GET", "/memoria/" + "ef" * 16, None, expect=404),
            *[Case(f"malformed id {bad[:8]!r}", "GET", f"/memoria/{bad}", None, expect=None)
              for bad in ["xyz", "EF" * 16, SQLISH.replace("/", "")]],
        ],
        ("GET", "/api/v1/archive/cases/{case_id}/items"): lambda w: archive_read_cases("/items"),
        ("GET", "/api/v1/archive/search"): lambda w: [
            Case("no query", "GET", "/api/v1/archive/search", "member", expect=422),
            Case("no words", "GET", "/api/v1/archive/search?q=%2C%3B", None),
            Case("too long", "GET", "/api/v1/archive/search?q=" + "x" * 1001, "member",
                 expect=422),
            Case("too many words", "GET", "/api/v1/archive/search?q=a+b+c+d+e+f+g+h+i", None),
            Case("unknown case", "GET", "/api/v1/archive/search?q=a&case=" + "ef" * 16,
                 "member", expect=404),
            Case("malformed case", "GET", "/api/v1/archive/search?q=a&case=" + SQLISH, None,
                 expect=422),
        ],
        ("POST", "/api/v1/archive/items/{item_id}/consent"): lambda w: archive_consent_cases(),
        ("DELETE", "/api/v1/archive/uploads/{upload_id}/{secret}"): lambda w: [
            Case("no version", "DELETE", UPLOAD, None, expect=412),
            Case("unknown upload", "DELETE", UPLOAD, None, headers=TUS_OK, expect=404),
            *[Case("malformed id or secret", "DELETE", path, None, headers=TUS_OK, expect=422)
              for path in bad_ids],
        ],
    }


def _multipart(fields: dict[str, str], file: bytes = b"hola") -> bytes:
    parts = [f'--b\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'
             for k, v in fields.items()]
    parts.append('--b\r\nContent-Disposition: form-data; name="file"; filename="a.txt"\r\n'
                 "Content-Type: text/plain\r\n\r\n")
    return "".join(parts).encode() + file + b"\r\n--b--\r\n"


MULTIPART = "multipart/form-data; boundary=b"


def archive_phase_b_table() -> dict[tuple[str, str], Callable[[World], list[Case]]]:
    """The archive's timeline, team pages, public copies and page uploads (issue 15, phase B)."""
    case = "/archivo/casos/" + "ef" * 16
    api = "/api/v1/archive/cases/" + "ef" * 16 + "/timeline"
    event = {"happened_on": "2026-01-09", "description": "texto", "consent": "public"}
    page_event = {**event, "happened_at": ""}
    upload = "/archivo/subir/caso/" + "ef" * 16
    entrega = "/archivo/subir/entrega/" + "A" * 43
    links = "/api/v1/archive/cases/" + "ef" * 16 + "/intake-links"
    return {
        ("GET", "/api/v1/archive/cases/{case_id}/timeline"):
            lambda w: archive_read_cases("/timeline"),
        ("POST", "/api/v1/archive/cases/{case_id}/timeline"): lambda w: [
            Case("visitor", "POST", api, None, body=event, expect=401),
            Case("unknown case", "POST", api, "member", body=event, expect=404),
            Case("no csrf", "POST", api, "member", body=event, csrf="none", expect=403),
            *[Case(f"bad {k}={v!r:.20}", "POST", api, "member", body={**event, k: v},
                   expect=422)
              for k, v in [("happened_on", "2026-13-01"), ("happened_on", "²⁰²⁶-01-01"),
                           ("happened_on", "1900-01-01"), ("happened_on", 20260109),
                           ("happened_at", "25:00"), ("description", ""),
                           ("description", NUL), ("description", HUGE), ("consent", "todos"),
                           ("items", ["xyz"]), ("items", ["ab" * 16] * 21), ("extra", 1)]],
        ],
        ("DELETE", "/api/v1/archive/timeline/{event_id}"): lambda w: [
            Case("visitor", "DELETE", f"/api/v1/archive/timeline/{UNKNOWN}", None, expect=401),
            Case("unknown", "DELETE", f"/api/v1/archive/timeline/{UNKNOWN}", "member",
                 expect=404),
            Case("no csrf", "DELETE", f"/api/v1/archive/timeline/{UNKNOWN}", "member",
                 csrf="none", expect=403),
            *[Case(f"bad id {bad}", "DELETE", f"/api/v1/archive/timeline/{bad}", "member",
                   expect=422) for bad in BAD_PATH_IDS if bad != "%00"],
        ],
        ("PUT", "/api/v1/archive/timeline/{event_id}"): lambda w: [
            Case("visitor", "PUT", f"/api/v1/archive/timeline/{UNKNOWN}", None, body=event,
                 expect=401),
            Case("unknown", "PUT", f"/api/v1/archive/timeline/{UNKNOWN}", "member", body=event,
                 expect=404),
            Case("no csrf", "PUT", f"/api/v1/archive/timeline/{UNKNOWN}", "member", body=event,
                 csrf="none", expect=403),
            *[Case(f"bad {k}={v!r:.20}", "PUT", f"/api/v1/archive/timeline/{UNKNOWN}", "member",
                   body={**event, k: v}, expect=422)
              for k, v in [("happened_on", "2026-13-01"), ("happened_at", "25:00"),
                           ("description", ""), ("description", HUGE), ("consent", "todos"),
                           ("items", ["xyz"]), ("extra", 1)]],
            *[Case(f"bad id {bad}", "PUT", f"/api/v1/archive/timeline/{bad}", "member",
                   body=event, expect=422) for bad in BAD_PATH_IDS if bad != "%00"],
        ],
        ("GET", "/archivo/cronologia/{event_id}/editar"): lambda w: [
            Case("visitor", "GET", f"/archivo/cronologia/{UNKNOWN}/editar", None, expect=401),
            Case("unknown", "GET", f"/archivo/cronologia/{UNKNOWN}/editar", "member",
                 expect=404),
            *[Case(f"bad id {bad}", "GET", f"/archivo/cronologia/{bad}/editar", "member",
                   expect=None) for bad in BAD_PATH_IDS],
        ],
        ("POST", "/archivo/cronologia/{event_id}/editar"): lambda w: [
            *form_cases(f"/archivo/cronologia/{UNKNOWN}/editar", "member",
                        {"happened_on": "2026-01-09", "happened_at": "",
                         "description": "texto", "consent": "public"},
                        {"happened_on": ["", "2026-13-01", "x" * 11], "happened_at": ["25:00", "x"],
                         "description": ["", NUL, "x" * 501], "consent": ["todos", SQLISH]},
                        required=("happened_on", "description", "consent")),
            Case("unknown", "POST", f"/archivo/cronologia/{UNKNOWN}/editar", "member",
                 data={"happened_on": "2026-01-09", "description": "texto", "consent": "public"},
                 expect=404),
        ],
        ("GET", "/archivo/casos/{case_id}/equipo"): lambda w: [
            Case("visitor", "GET", case + "/equipo", None, expect=401),
            Case("unknown case", "GET", case + "/equipo", "member", expect=404),
            Case("malformed id", "GET", "/archivo/casos/xyz/equipo", "member", expect=None),
        ],
        ("POST", "/archivo/casos/{case_id}/equipo"): lambda w: [
            *form_cases(case + "/equipo", "member", {"username": "alguien", "role": "team"},
                        {"username": ["", NUL, "x" * 41], "role": ["", "admin", SQLISH]}),
            Case("unknown case", "POST", case + "/equipo", "member",
                 data={"username": "alguien", "role": "team"}, expect=404),
        ],
        ("POST", "/archivo/casos/{case_id}/equipo/{person_id}/quitar"): lambda w: [
            Case("visitor", "POST", case + "/equipo/1/quitar", None, data={}, expect=401),
            Case("no csrf", "POST", case + "/equipo/1/quitar", "member", data={},
                 csrf="none", expect=403),
            Case("unknown case", "POST", case + "/equipo/1/quitar", "member", data={},
                 expect=404),
            *[Case(f"bad id {bad}", "POST", f"{case}/equipo/{bad}/quitar", "member", data={},
                   expect=None) for bad in BAD_PATH_IDS],
        ],
        ("POST", "/archivo/casos/{case_id}/cronologia"): lambda w: [
            *form_cases(case + "/cronologia", "member", page_event,
                        {"happened_on": ["", NUL, "2026-13-01", "²⁰²⁶-01-01", "1900-01-01"],
                         "happened_at": [NUL, "25:00", "ab:cd", "²:³⁴"],
                         "description": ["", NUL, "x" * 501],
                         "consent": ["", "todos", SQLISH], "item": ["x" * 33, NUL]}),
            Case("unknown case", "POST", case + "/cronologia", "member", data=page_event,
                 expect=404),
        ],
        ("POST", "/archivo/casos/{case_id}/enlaces"): lambda w: [
            *form_cases(case + "/enlaces", "member", {"consent": "team"},
                        {"consent": ["", NUL, "todos", "x" * 1000, SQLISH]},
                        required=()),
            Case("visitor", "POST", case + "/enlaces", None, data={"consent": "team"},
                 expect=401),
            Case("unknown case", "POST", case + "/enlaces", "member", data={"consent": "team"},
                 expect=404),
            Case("malformed id", "POST", "/archivo/casos/xyz/enlaces", "member",
                 data={"consent": "team"}, expect=None),
        ],
        ("GET", "/archivo/casos/{case_id}/enlace"): lambda w: [
            Case("visitor", "GET", case + "/enlace", None, expect=401),
            Case("unknown case", "GET", case + "/enlace", "member", expect=404),
            Case("malformed id", "GET", "/archivo/casos/xyz/enlace", "member", expect=None),
        ],
        ("POST", "/api/v1/archive/cases/{case_id}/intake-links"): lambda w: [
            Case("visitor", "POST", links, None, body={"consent": "team"}, expect=401),
            Case("unknown case", "POST", links, "member", body={"consent": "team"},
                 expect=404),
            Case("no csrf", "POST", links, "member", body={"consent": "team"}, csrf="none",
                 expect=403),
            *[Case(f"bad body {bad!r:.20}", "POST", links, "member", body=bad, expect=422)
              for bad in [{"consent": "todos"}, {"consent": NUL}, {"consent": 2},
                          {"consent": "team", "extra": 1}, {"consent": HUGE}]],
            Case("malformed id", "POST", "/api/v1/archive/cases/" + SQLISH + "/intake-links",
                 "member", body={"consent": "team"}, expect=None),
        ],
        ("POST", "/archivo/cronologia/{event_id}/quitar"): lambda w: [
            Case("visitor", "POST", f"/archivo/cronologia/{UNKNOWN}/quitar", None, data={},
                 expect=401),
            Case("unknown", "POST", f"/archivo/cronologia/{UNKNOWN}/quitar", "member", data={},
                 expect=404),
            *[Case(f"bad id {bad}", "POST", f"/archivo/cronologia/{bad}/quitar", "member",
                   data={}, expect=None) for bad in BAD_PATH_IDS],
        ],
        ("POST", "/archivo/elementos/{item_id}/copia-publica"): lambda w: [
            Case("visitor", "POST", "/archivo/elementos/" + "ef" * 16 + "/copia-publica", None,
                 data={}, expect=401),
            Case("not unlocked", "POST", "/archivo/elementos/" + "ef" * 16 + "/copia-publica",
                 "member", data={}, expect=422),
            Case("no csrf", "POST", "/archivo/elementos/" + "ef" * 16 + "/copia-publica",
                 "member", data={}, csrf="none", expect=403),
            Case("malformed id", "POST", "/archivo/elementos/xyz/copia-publica", "member",
                 data={}, expect=None),
        ],
        ("GET", "/memoria/{case_id}/fotos/{item_id}"): lambda w: [
            Case("unknown", "GET", "/memoria/" + "ef" * 16 + "/fotos/" + "ab" * 16, None,
                 expect=404),
            *[Case(f"malformed {bad[:8]!r}", "GET", f"/memoria/{'ef' * 16}/fotos/{bad}", None,
                   expect=None) for bad in ["xyz", "EF" * 16, SQLISH.replace("/", "")]],
        ],
        ("POST", "/archivo/subir/caso/{case_id}"): lambda w: archive_upload_cases(upload, "member"),
        ("POST", "/archivo/subir/entrega/{token}"): lambda w: archive_upload_cases(entrega, None),
        **archive_consent_page_table(),
    }


def archive_consent_page_table() -> dict[tuple[str, str], Callable[[World], list[Case]]]:
    """The witness's consent page (a code, never in an address), the intake receipt and the
    read of an opened item (POST-redirect-GET, signed short-lived cookies)."""
    page = "/consentimiento"
    forged = {"cookie": "asamblea_titular=" + "x" * 40 + "." + "y" * 27}
    item = "/archivo/elementos/" + "ef" * 16
    return {
        ("GET", page): lambda w: [
            Case("no code", "GET", page, None, ok=True),
            Case("forged code cookie", "GET", page, None, headers=forged, ok=True),
            Case("huge cookie", "GET", page, None, headers={"cookie": "asamblea_titular=" + HUGE},
                 ok=True),
        ],
        ("POST", page + "/codigo"): lambda w: [
            *form_cases(page + "/codigo", None, {"code": "x" * 32},
                        {"code": ["", NUL, "x" * 65, SQLISH]}),
            Case("unknown code", "POST", page + "/codigo", None, data={"code": "x" * 32},
                 expect=404),
        ],
        ("POST", page + "/nivel"): lambda w: [
            *form_cases(page + "/nivel", None, {"consent": "public"},
                        {"consent": ["", "everyone", "PUBLIC", SQLISH, NUL, SCRIPT]}),
            Case("no code", "POST", page + "/nivel", None, data={"consent": "public"},
                 expect=403),
            Case("no code, withdraw", "POST", page + "/nivel", "member",
                 data={"consent": "withdrawn"}, expect=403),
            Case("forged code", "POST", page + "/nivel", None, data={"consent": "public"},
                 headers=forged, expect=403),
        ],
        ("GET", page + "/retirar"): lambda w: [
            Case("no code", "GET", page + "/retirar", None, ok=True),
            Case("forged code", "GET", page + "/retirar", None, headers=forged, ok=True),
        ],
        ("POST", page + "/retirar"): lambda w: [
            Case("no csrf", "POST", page + "/retirar", None, data={}, csrf="none", expect=403),
            Case("no code", "POST", page + "/retirar", None, data={}, expect=403),
            Case("forged code", "POST", page + "/retirar", None, data={}, headers=forged,
                 expect=403),
        ],
        ("POST", page + "/olvidar"): lambda w: [
            Case("no csrf", "POST", page + "/olvidar", None, data={}, csrf="none", expect=403),
            Case("wrong csrf", "POST", page + "/olvidar", None, data={}, csrf="wrong",
                 expect=403),
            Case("nothing to forget", "POST", page + "/olvidar", None, data={}, expect=303),
        ],
        ("GET", "/entrega/recibo"): lambda w: [
            Case("no receipt", "GET", "/entrega/recibo", None, expect=404),
            Case("forged receipt", "GET", "/entrega/recibo", None,
                 headers={"cookie": "asamblea_recibo=" + SCRIPT}, expect=404),
        ],
        ("GET", "/archivo/elementos/{item_id}"): lambda w: [
            Case("visitor", "GET", item, None, expect=401),
            Case("no grant", "GET", item, "member", expect=403),
            Case("forged grant", "GET", item, "member",
                 headers={"cookie": "asamblea_vista=" + "x" * 60}, expect=None),
            Case("malformed id", "GET", "/archivo/elementos/xyz", "member", expect=None),
        ],
    }


def archive_upload_cases(path: str, actor: str | None) -> list[Case]:
    """A file sent from a page: not multipart, no or wrong CSRF, a cut or malformed body, an
    unknown case or link."""
    return [
        Case("a plain form", "POST", path, actor, data={"title": "x"}, expect=422),
        Case("json", "POST", path, actor, body={"title": "x"}, expect=422),
        Case("no csrf", "POST", path, actor, content=_multipart({}), content_type=MULTIPART,
             expect=403),
        Case("wrong csrf", "POST", path, actor, content=_multipart({"csrf_token": "x" * 43}),
             content_type=MULTIPART, expect=403),
        Case("no boundary", "POST", path, actor, content=b"abc",
             content_type="multipart/form-data", expect=422),
        Case("no file part", "POST", path, actor, content=b"--b\r\nContent-Disposition: "
             b'form-data; name="title"\r\n\r\nx\r\n--b--\r\n', content_type=MULTIPART,
             expect=422),
        Case("garbage", "POST", path, actor, content=SCRIPT.encode() * 50,
             content_type=MULTIPART, expect=422),
        Case("huge field", "POST", path, actor, content=_multipart({"title": HUGE}),
             content_type=MULTIPART, expect=422),
    ]


def archive_read_cases(tail: str) -> list[Case]:
    """A case's facts and items: unknown and malformed ids."""
    return [
        Case("unknown case", "GET", "/api/v1/archive/cases/" + "ef" * 16 + tail, "member",
             expect=404),
        *[Case(f"malformed id {bad[:8]!r}", "GET", f"/api/v1/archive/cases/{bad}{tail}", None,
               expect=422) for bad in ["xyz", "EF" * 16, "1" * 33]],
    ]


def archive_consent_cases() -> list[Case]:
    """Consent changes: unknown items, bad bodies, no token and no login, CSRF."""
    path = "/api/v1/archive/items/" + "ef" * 16 + "/consent"
    token = {"consent": "withdrawn", "holder_token": "h" * 32}
    return [
        Case("unknown item, holder", "POST", path, None, body=token, expect=404),
        Case("unknown item, member", "POST", path, "member", body={"consent": "legal"},
             expect=404),
        Case("no token, no login", "POST", path, None, body={"consent": "legal"}, expect=422),
        *[Case(f"bad body {label}", "POST", path, None, body=body, expect=422) for label, body in [
            ("level", {"consent": "everyone", "holder_token": "h" * 32}),
            ("short token", {"consent": "team", "holder_token": "h"}),
            ("extra field", {**token, "extra": 1}),
            ("script", {"consent": SCRIPT, "holder_token": "h" * 32}),
        ]],
        Case("not json", "POST", path, None, content=b"{", content_type="application/json",
             expect=422),
        Case("no csrf", "POST", path, "member", body={"consent": "legal"}, csrf="none",
             expect=403),
        Case("malformed id", "POST", "/api/v1/archive/items/xyz/consent", None, body=token,
             expect=422),
    ]


def vote_cases(template: str, method: str, w: World, *, body: bool = False) -> list[Case]:
    """The votes' routes (their own module tests what their fields mean): hostile and unknown
    ids, another assembly's id, CSRF, and malformed bodies where a body is expected."""
    on_assembly = "{assembly_id}" in template
    path = template.replace("{assembly_id}", "{id}").replace("{vote_id}", "{id}")
    refused = {
        "unknown": UNKNOWN,
        **({"other": w.other} if on_assembly and method != "GET" else {}),
    }
    real = w.union if on_assembly else UNKNOWN
    page = not path.startswith("/api/")
    if template in {"/votaciones/{vote_id}/votar", "/votaciones/{vote_id}/mi-recibo"} and (
        method == "GET"
    ):  # reload after voting; a receipt without its cookie: back to the vote page
        return [
            *id_cases(path, method, "member", {}, form=False),
            Case(
                "unknown: back to the vote page",
                method,
                path.format(id=UNKNOWN),
                "member",
                expect=303,
            ),
        ]
    cases = id_cases(
        path,
        method,
        "member",
        refused,
        form=page and method != "GET",
        real=None if method == "GET" else real,
    )
    if body:
        cases = with_bad_bodies(cases, method, path.format(id=real))
    return cases


def from_below_cases(template: str, method: str, w: World, *, body: bool = False) -> list[Case]:
    """The from-below routes (their own tests check who may act): hostile and unknown ids,
    another assembly's id, CSRF, and malformed bodies where a body is expected."""
    on_assembly = "{assembly_id}" in template
    path = template.replace("{number}", "1")
    for name in ("assembly_id", "proposal_id", "argument_id", "amendment_id", "escalation_id"):
        path = path.replace("{" + name + "}", "{id}")
    for name in ("charter_id", "vote_id", "delegate_id", "petition_id"):
        path = path.replace("{" + name + "}", "{id}")
    refused = {
        "unknown": UNKNOWN,
        **({"other": w.other} if on_assembly and method != "GET" else {}),
    }
    real = w.union if on_assembly else UNKNOWN
    page = not path.startswith("/api/")
    cases = id_cases(
        path,
        method,
        "member",
        refused,
        form=page and method != "GET",
        real=None if method == "GET" else real,
    )
    if body:
        cases = with_bad_bodies(cases, method, path.format(id=real))
    return cases


def _proposal_form_cases(w: World) -> list[Case]:
    """The form that drafts a proposal: every field with bad values (nothing is drafted)."""
    valid = {"title": "Agua para el sector 3", "text": "Pedimos agua.", "kind": "demand"}
    bad = {
        "title": ["", "  ", "x" * 201, NUL, "ab"],
        "text": ["", "x" * 20_001, NUL],
        "kind": [*KINDS, "charter_amendment"],
    }
    path = f"/asambleas/{w.union}/propuestas"
    cases = form_cases(path, "member", valid, bad, required=("title", "text"))
    cases += [
        Case("anonymous", "POST", path, None, data=valid, expect=401),
        Case("not a member", "POST", path, "loner", data=valid, expect=403),
        Case("pending member", "POST", path, "pending", data=valid, expect=403),
        Case(
            "another assembly",
            "POST",
            f"/asambleas/{w.other}/propuestas",
            "member",
            data=valid,
            expect=403,
        ),
    ]
    return cases


def _own_and_foreign(w: World) -> dict[str, int]:
    """A membership of the actor's own assembly in a state where the action is refused (the
    facilitator themself: cannot vouch for, suspend, reinstate or promote themself), then
    memberships of another assembly and one that does not exist."""
    return {
        "self": w.ms["facilitator"],
        "other": w.ms["other_pending"],
        "outsider": w.ms["outsider"],
        "unknown": UNKNOWN,
    }


def _auth_get_cases(path: str) -> list[Case]:
    return [
        Case("anonymous", "GET", path, None, expect=401),
        Case(
            "bogus bearer",
            "GET",
            path,
            None,
            expect=401,
            headers={"authorization": "Bearer " + SQLISH},
        ),
        Case(
            "huge bearer",
            "GET",
            path,
            None,
            expect=401,
            headers={"authorization": "Bearer " + HUGE},
        ),
        Case(
            "forged session",
            "GET",
            path,
            None,
            expect=401,
            headers={"cookie": "asamblea_sesion=eyJhIjoxfQ.forged"},
        ),
    ]


TABLE = routes_table()


# ---------------------------------------------------------------- the tests


def test_every_route_has_hostile_cases(app: FastAPI) -> None:
    """A new route without hostile cases makes this fail: add it to `routes_table`."""
    assert app_routes(app) == set(TABLE)
    assert {m.path for m in app.routes if isinstance(m, Mount)} == {"/static"}


class Sender:
    """Sends cases as the right actor, each in the language it is due."""

    def __init__(self, app: FastAPI, world: World) -> None:
        self.app, self.world = app, world
        self.browsers: dict[str | None, Browser] = {}
        self.tokens: dict[str | None, str] = {}

    def browser(self, actor: str | None) -> Browser:
        if actor not in self.browsers:
            b = Browser(self.app)
            if actor is not None:
                b.logged_in_as(self.world.names[actor])
            self.tokens[actor] = b.csrf()
            self.browsers[actor] = b
        return self.browsers[actor]

    def send(self, case: Case, lang: str) -> Any:
        b = self.browser(case.actor)
        token = {"good": self.tokens[case.actor], "wrong": "x" * 43, "none": None}[case.csrf]
        headers = {"accept-language": lang, **case.headers}
        kwargs: dict[str, Any] = {}
        if case.path.startswith("/api/"):
            if token and case.actor is not None:
                headers["x-csrf-token"] = token
        elif case.data is not None:
            kwargs["data"] = {**case.data, **({"csrf_token": token} if token else {})}
        if case.body is not None:
            body = case.body
            if isinstance(body, dict) and not case.path.startswith("/api/") and token:
                body = {**body, "csrf_token": token}
            kwargs["content"] = json.dumps(body).encode()
            headers["content-type"] = "application/json"
        if case.content is not None:
            kwargs["content"] = case.content
            headers["content-type"] = case.content_type or "application/octet-stream"
        if "cookie" in case.headers:
            fresh = Browser(self.app)
            return fresh.client.request(case.method, case.path, headers=headers, **kwargs)
        return b.client.request(case.method, case.path, headers=headers, **kwargs)


@pytest.fixture(scope="module")
def sender(app: FastAPI) -> Sender:
    """One federation and one logged-in browser per actor for the whole module: every case
    is refused, so none of them changes what the next one sees."""
    return Sender(app, make_world(app))


@pytest.mark.parametrize("route", sorted(TABLE), ids=lambda r: f"{r[0]} {r[1]}")
def test_hostile_input_is_refused_in_the_requests_language(
    route: tuple[str, str], sender: Sender, engine: Engine
) -> None:
    world = sender.world
    cases = TABLE[route](world)
    path = route[1]
    wrong_method = path.replace("{assembly_id}", str(world.union)).replace(
        "{membership_id}", str(world.ms["target_active"])
    )
    other = "PUT" if ("PATCH", path) in TABLE else "PATCH"  # the tus routes answer PATCH
    cases.append(Case("wrong method", other, wrong_method, None, expect=405))
    assert len(cases) >= 3
    for actor in {c.actor for c in cases}:
        sender.browser(actor)  # log in before counting rows (logging in writes a session)
    failures = []
    before = row_counts(engine)
    for number, case in enumerate(cases):
        lang = ("es", "en")[number % 2]
        response = sender.send(case, lang)
        after = row_counts(engine)
        changed = {t for t in before if before[t] != after[t]} - case.may_change
        before = after
        try:
            assert response.status_code != 500
            if case.ok:
                assert response.status_code == 200, response.status_code
            elif case.expect in {303}:
                assert response.status_code == case.expect
            else:
                assert_refused(response, lang, case.expect)
            assert not changed, f"rows written: {changed}"
        except AssertionError as error:
            failures.append(f"{case.label} [{case.method} {case.path[:60]}] ({lang}): {error}")
    assert not failures, "\n".join(failures)
