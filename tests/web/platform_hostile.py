"""Hostile input for the unified platform's routes (pages and API), added to the mobilisation
table of tests/web/test_hostile_input.py. Sent by a member who facilitates no upper assembly,
at unknown or malformed ids: every case is refused and writes nothing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.web.conftest import World
from tests.web.test_hostile_input import (
    BAD_NUMBERS,
    HUGE,
    NUL,
    SCRIPT,
    TEXTS,
    UNKNOWN,
    Case,
    get_cases,
    json_cases,
)

RAW_IDS = ["-1", "0", str(2**64), str(2**31), "abc", "1.5", "%00", str(UNKNOWN)]
PAGE_FIELDS: dict[str, dict[str, list[str]]] = {
    "/plataformas/{assembly_id}/fusiones": {
        "into": BAD_NUMBERS,
        "days": BAD_NUMBERS,
        "merge_abc": ["1"],
        "merge_-1": ["1"],
        "merge_" + "9" * 20: ["1"],
        "merge_²": ["1"],
    },
    "/luchas/{struggle_id}/demandas": {"title": TEXTS, "text": TEXTS},
}
VALID_FORMS = {
    "/plataformas/{assembly_id}/fusiones": {"into": "1", "merge_2": "1", "days": "3"},
    "/luchas/{struggle_id}/demandas": {"title": "Agua", "text": "Agua las 24 horas"},
}
API_BODIES: dict[str, tuple[dict[str, Any], dict[str, list[Any]]]] = {
    "/api/v1/assemblies/{assembly_id}/platform/merges": (
        {"into": 1, "merged": [2]},
        {
            "into": [0, -1, 2**64, "x", SCRIPT],
            "merged": [[], [0], [-1], "x", [2**64], list(range(1, 53)), [2, 2], [SCRIPT]],
            "days": [0, 31, "x"],
        },
    ),
    "/api/v1/struggles/{struggle_id}/demands": (
        {"title": "Agua", "text": "Agua las 24 horas"},
        {"title": [*TEXTS, 7], "text": [*TEXTS, None]},
    ),
}


def _path(template: str, raw: str) -> str:
    for name in ("{assembly_id}", "{struggle_id}"):
        template = template.replace(name, raw)
    return template


def _page_cases(method: str, template: str) -> list[Case]:
    cases = [
        Case(f"id={raw}", method, _path(template, raw), "member", data=VALID_FORMS.get(template))
        for raw in RAW_IDS
    ]
    if method == "POST":
        real = _path(template, str(UNKNOWN))
        cases += [
            Case("no csrf", method, real, "member", data={}, csrf="none", expect=403),
            Case("json instead of form", method, real, "member", body={}, expect=403),
            Case("huge form", method, real, "member", data={"title": HUGE, "text": NUL}),
            *(
                Case(
                    f"{k}={v[:12]!r}", method, real, "member", data={**VALID_FORMS[template], k: v}
                )
                for k, values in PAGE_FIELDS[template].items()
                for v in values
            ),
        ]
    return cases


def _api_cases(method: str, template: str) -> list[Case]:
    body = API_BODIES.get(template)
    cases = [
        Case(f"id={raw}", method, _path(template, raw), "member", body=body and body[0])
        for raw in RAW_IDS
    ]
    if body is not None:
        real = _path(template, str(UNKNOWN))
        cases += [
            Case("cookie without X-CSRF-Token", method, real, "member", csrf="none", expect=403),
            Case("anonymous", method, real, None, body=body[0]),
            *json_cases(real, "member", *body),
        ]
    return cases


def platform_table() -> dict[tuple[str, str], Callable[[World], list[Case]]]:
    """Cases for every route of the unified platform."""
    table: dict[tuple[str, str], Callable[[World], list[Case]]] = {
        ("GET", "/plataformas"): lambda w: get_cases("/plataformas"),
        ("GET", "/api/v1/platforms"): lambda w: get_cases("/api/v1/platforms"),
    }
    for method, template in (
        ("GET", "/plataformas/{assembly_id}"),
        ("POST", "/plataformas/{assembly_id}/fusiones"),
        ("POST", "/luchas/{struggle_id}/demandas"),
    ):
        table[(method, template)] = lambda w, m=method, t=template: _page_cases(m, t)
    for method, template in (
        ("GET", "/api/v1/assemblies/{assembly_id}/platform"),
        ("POST", "/api/v1/assemblies/{assembly_id}/platform/merges"),
        ("POST", "/api/v1/struggles/{struggle_id}/demands"),
    ):
        table[(method, template)] = lambda w, m=method, t=template: _api_cases(m, t)
    return table
