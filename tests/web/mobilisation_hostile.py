"""Hostile input for the mobilisation routes (used by tests/web/test_hostile_input.py).

Forms are sent by a member who facilitates nothing, so even a well-formed hostile value (a
title with HTML in it) is refused — by validation or by authorisation — and writes nothing;
ids are malformed, out of range or unknown.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.web.conftest import World
from tests.web.test_hostile_input import (
    BAD_NUMBERS,
    HUGE,
    NUL,
    SCRIPT,
    SQLISH,
    TEXTS,
    UNKNOWN,
    Case,
    form_cases,
    get_cases,
    json_cases,
)

QUERIES = (
    "region=%3Cscript%3E",
    "region=999",
    "region=%00",
    "sector=" + "x" * 30,
    "sector=%3Cb%3E",
    "kind=bomb",
    "region=1",
)
STRUGGLE = {
    "assembly_id": "1",
    "title": "Agua",
    "demands": "Agua",
    "against": "Sedapal",
    "region": "15",
    "province": "",
    "district": "",
    "sector": "water_environment",
    "since": "2026-11-01",
}
ACTION = {
    "assembly_id": "1",
    "kind": "sit_in",
    "title": "Plantón",
    "region": "15",
    "starts_at": "2030-01-01T10:00",
    "places": "Plaza",
}
DATES = ["", "2026-13-45", "mañana", SCRIPT, NUL, HUGE]


def _queries(path: str) -> list[Case]:
    """Filters each page reads (another page's filters are ignored, as unknown queries are)."""
    own = ("region", "sector") if path == "/luchas" else ("region", "kind")
    return [
        Case(f"query {q[:16]!r}", "GET", f"{path}?{q}", None)
        for q in QUERIES
        if q.split("=")[0] in own
    ]


def _ids(template: str, method: str, data: dict[str, str] | None = None) -> list[Case]:
    """Hostile and unknown ids in every {…} of the path, with a form if it is a POST."""
    cases = []
    for raw in ["-1", "0", str(2**64), str(2**31), "abc", "1.5", "%00", str(UNKNOWN)]:
        path = template
        for name in ("{struggle_id}", "{action_id}", "{task_id}", "{item_id}"):
            path = path.replace(name, raw)
        form = None if method == "GET" else dict(data or {})
        cases.append(Case(f"id={raw}", method, path, "member", data=form))
    if method == "POST":
        real = template
        for name in ("{struggle_id}", "{action_id}", "{task_id}", "{item_id}"):
            real = real.replace(name, str(UNKNOWN))
        cases += [
            Case("no csrf", method, real, "member", data={}, csrf="none", expect=403),
            Case("json instead of form", method, real, "member", body={}, expect=403),
        ]
    return cases


FIELDS: dict[str, dict[str, list[str]]] = {
    "/luchas/{struggle_id}/novedades": {"text": ["", HUGE, NUL], "state": ["x", SCRIPT, NUL]},
    "/luchas/{struggle_id}/solidaridad": {"assembly_id": BAD_NUMBERS},
    "/luchas/{struggle_id}/adhesion": {"assembly_id": BAD_NUMBERS, "days": BAD_NUMBERS},
    "/acciones/{action_id}/adhesion": {"assembly_id": BAD_NUMBERS, "days": BAD_NUMBERS},
    "/acciones/{action_id}/compromiso": {"assembly_id": BAD_NUMBERS},
    "/acciones/{action_id}/aplazar": {"starts_at": DATES, "note": ["", HUGE, NUL]},
    "/acciones/{action_id}/cancelar": {"reason": ["", HUGE, NUL]},
    "/acciones/{action_id}/novedades": {"text": ["", HUGE, NUL]},
    "/acciones/{action_id}/lista/{item_id}": {"done": ["maybe", SCRIPT, NUL]},
    "/acciones/{action_id}/informe": {
        "turnout_1": ["-1", "abc", "1.5", "9" * 20, "²"],
        "turnout_x": ["3"],
        "incidents": [HUGE, NUL],
    },
}


def _fields(template: str) -> list[Case]:
    path = template
    for name in ("{struggle_id}", "{action_id}", "{item_id}"):
        path = path.replace(name, str(UNKNOWN))
    return [
        Case(f"{k}={v[:12]!r}", "POST", path, "member", data={k: v})
        for k, values in FIELDS.get(template, {}).items()
        for v in values
    ]


def mobilisation_table() -> dict[tuple[str, str], Callable[[World], list[Case]]]:
    """Cases for every mobilisation route."""
    table: dict[tuple[str, str], Callable[[World], list[Case]]] = {
        ("GET", "/luchas"): lambda w: [*get_cases("/luchas"), *_queries("/luchas")],
        ("GET", "/acciones"): lambda w: [*get_cases("/acciones"), *_queries("/acciones")],
        ("GET", "/movilizacion"): lambda w: get_cases("/movilizacion"),
        ("POST", "/luchas"): lambda w: form_cases(
            "/luchas",
            "member",
            {**STRUGGLE, "assembly_id": str(w.union)},
            {
                "title": TEXTS,
                "demands": TEXTS,
                "against": TEXTS,
                "assembly_id": BAD_NUMBERS,
                "region": ["", "99", "1", SCRIPT, NUL],
                "province": ["0401", "x", SQLISH, NUL],
                "sector": ["", "army", SCRIPT],
                "since": DATES,
                "visibility": ["secret", "", NUL],
            },
            required=("title", "region", "sector", "since", "assembly_id"),
        ),
        ("POST", "/acciones"): lambda w: form_cases(
            "/acciones",
            "member",
            {**ACTION, "assembly_id": str(w.union)},
            {
                "title": TEXTS,
                "kind": ["", "bomb", SCRIPT, NUL],
                "region": ["", "99", NUL],
                "starts_at": DATES,
                "places": ["", HUGE, NUL],
                "visibility": ["secret", NUL],
                "reveal_at": DATES[1:],
                "struggle_id": BAD_NUMBERS,
                "pledge_members": BAD_NUMBERS,
                "pledge_people": ["0", "-3", "abc"],
                "need_kitchen": ["-1", "abc", str(2**64)],
                "checklist": [HUGE, NUL],
            },
            required=("title", "kind", "starts_at", "places", "assembly_id"),
        ),
    }
    templates = [
        ("GET", "/luchas/{struggle_id}"),
        ("POST", "/luchas/{struggle_id}/novedades"),
        ("POST", "/luchas/{struggle_id}/solidaridad"),
        ("POST", "/luchas/{struggle_id}/adhesion"),
        ("GET", "/acciones/{action_id}"),
        ("POST", "/acciones/{action_id}/adhesion"),
        ("POST", "/acciones/{action_id}/compromiso"),
        ("POST", "/acciones/{action_id}/compromiso/retirar"),
        ("POST", "/acciones/{action_id}/tareas/{task_id}"),
        ("POST", "/acciones/{action_id}/tareas/{task_id}/dejar"),
        ("POST", "/acciones/{action_id}/aplazar"),
        ("POST", "/acciones/{action_id}/cancelar"),
        ("POST", "/acciones/{action_id}/novedades"),
        ("POST", "/acciones/{action_id}/lista/{item_id}"),
        ("POST", "/acciones/{action_id}/informe"),
    ]
    for method, template in templates:
        table[(method, template)] = lambda w, m=method, t=template: [*_ids(t, m), *_fields(t)]
    table.update(api_table())
    from tests.web.platform_hostile import platform_table  # noqa: PLC0415 - it imports this

    table.update(platform_table())
    return table


API_STRUGGLE: dict[str, Any] = {
    **STRUGGLE,
    "assembly_id": UNKNOWN,
    "province": None,
    "district": None,
}
API_ACTION: dict[str, Any] = {
    **ACTION,
    "assembly_id": UNKNOWN,
    "starts_at": "2030-01-01T10:00:00-05:00",
    "places": ["Plaza"],
}
API_BODIES: dict[str, tuple[dict[str, Any], dict[str, list[Any]]]] = {
    "/api/v1/struggles": (
        API_STRUGGLE,
        {
            "title": TEXTS,
            "region": ["9", "999", SCRIPT],
            "province": ["0401x", SCRIPT],
            "sector": ["army", ""],
            "since": ["2026-13-01", SCRIPT],
            "assembly_id": [0, -1],
            "visibility": ["secret", None],
        },
    ),
    "/api/v1/actions": (
        API_ACTION,
        {
            "title": TEXTS,
            "kind": ["bomb", ""],
            "starts_at": ["mañana", SCRIPT],
            "places": [[], ["x"] * 11, "Plaza"],
            "tasks": [[{"role": "army", "needed": 1}], [{"role": "press", "needed": 0}], "x"],
            "pledge": [{"members": 0}, {"people": 3}],
            "visibility": ["secret"],
            "reveal_at": ["x"],
        },
    ),
    "/api/v1/struggles/{struggle_id}/updates": (
        {"text": "Hola"},
        {"text": TEXTS, "state": ["x", SCRIPT]},
    ),
    "/api/v1/struggles/{struggle_id}/solidarity": ({"assembly_id": 1}, {"assembly_id": [0]}),
    "/api/v1/struggles/{struggle_id}/adhesion": ({"assembly_id": 1}, {"days": [0, 31]}),
    "/api/v1/actions/{action_id}/adhesion": ({"assembly_id": 1}, {"days": [0, 31]}),
    "/api/v1/actions/{action_id}/pledge": ({"assembly_id": 1}, {"assembly_id": [0, -1]}),
    "/api/v1/actions/{action_id}/postpone": (
        {"starts_at": "2030-01-01T10:00:00Z", "note": "x"},
        {"starts_at": ["x", SCRIPT], "note": TEXTS},
    ),
    "/api/v1/actions/{action_id}/cancel": ({"reason": "x"}, {"reason": TEXTS}),
    "/api/v1/actions/{action_id}/updates": ({"text": "x"}, {"text": TEXTS}),
}
API_NO_BODY = (
    "/api/v1/actions/{action_id}/pledge/withdraw",
    "/api/v1/actions/{action_id}/tasks/{task_id}/signup",
    "/api/v1/actions/{action_id}/tasks/{task_id}/leave",
)


def _api_path(template: str, raw: str) -> str:
    for name in ("{struggle_id}", "{action_id}", "{task_id}"):
        template = template.replace(name, raw)
    return template


def _api_cases(method: str, template: str) -> list[Case]:
    body = API_BODIES.get(template)
    cases = []
    for raw in ["-1", "0", str(2**64), "abc", "1.5", "%00", str(UNKNOWN)]:
        path = _api_path(template, raw)
        cases.append(
            Case(f"id={raw}", method, path, "member", body=None if body is None else body[0])
        )
    if method == "POST":
        real = _api_path(template, str(UNKNOWN))
        cases += [
            Case("cookie without X-CSRF-Token", method, real, "member", csrf="none", expect=403),
            Case("anonymous", method, real, None, body=None if body is None else body[0]),
        ]
        if body is not None:
            cases += json_cases(real, "member", *body)
    return cases


def api_table() -> dict[tuple[str, str], Callable[[World], list[Case]]]:
    """Cases for every mobilisation API route."""
    table: dict[tuple[str, str], Callable[[World], list[Case]]] = {
        ("GET", "/api/v1/struggles"): lambda w: [
            *get_cases("/api/v1/struggles"),
            *(
                Case(f"query {q[:12]!r}", "GET", f"/api/v1/struggles?{q}", None)
                for q in QUERIES
                if not q.startswith("kind")
            ),
        ],
        ("GET", "/api/v1/actions"): lambda w: [
            *get_cases("/api/v1/actions"),
            *(
                Case(f"query {q[:12]!r}", "GET", f"/api/v1/actions?{q}", None)
                for q in QUERIES
                if not q.startswith("sector")
            ),
        ],
        ("POST", "/api/v1/struggles"): lambda w: _api_cases("POST", "/api/v1/struggles"),
        ("POST", "/api/v1/actions"): lambda w: _api_cases("POST", "/api/v1/actions"),
    }
    for template in (*API_BODIES, *API_NO_BODY):
        if "{" in template:
            table[("POST", template)] = lambda w, t=template: _api_cases("POST", t)
    for template in ("/api/v1/struggles/{struggle_id}", "/api/v1/actions/{action_id}"):
        table[("GET", template)] = lambda w, t=template: _api_cases("GET", t)
    return table
