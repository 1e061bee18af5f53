"""Hostile input for the feeds and webhooks routes (used by tests/web/test_hostile_input.py).

Feed files: hostile tokens, ids and filters get 4xx (an unknown or malformed token is a 404,
never a hint of whose it could be); the public files answer 200 whatever the cookies and
headers. Webhooks: every form and body is sent by someone who may not act (a member who
facilitates nothing) or with hostile values by the facilitator; none writes a row.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.web.conftest import World
from tests.web.test_hostile_input import (
    BAD_PATH_IDS,
    HUGE,
    NUL,
    SCRIPT,
    SQLISH,
    UNKNOWN,
    WRONG_STRINGS,
    Case,
    form_cases,
    get_cases,
    id_cases,
    json_cases,
)

TOKENS = ["x" * 43, "a" * 64, "%00", SQLISH.replace(";", "").replace(" ", "")[:40], "..%2F..%2Fetc"]
FILTERS = ("region=%3Cscript%3E", "region=99", "region=%00", "kind=bomb", "kind=" + "x" * 30)
URLS = [
    "",
    HUGE,
    NUL,
    SCRIPT,
    "ftp://example.org/",
    "http://127.0.0.1/",
    "http://localhost:8000/",
    "http://169.254.169.254/latest/meta-data",
    "http://[::1]/",
    "https://u:p@example.org/",
]
KINDS: list[Any] = [[], ["accepted"], ["nope"], [SCRIPT], [NUL], "vote_opened", ["x" * 60]]
HOOK_JSON: dict[str, Any] = {"url": "https://bots.example.org/hook", "kinds": ["vote_opened"]}


def _private(w: World, path: str) -> list[Case]:
    cases = []
    for token in TOKENS:
        target = path.replace("{token}", token).replace("{assembly_id}", str(w.union))
        cases.append(Case(f"token={token[:12]!r}", "GET", target, None))
        cases.append(Case(f"token={token[:12]!r} as member", "GET", target, "member"))
    for raw in BAD_PATH_IDS:
        if "{assembly_id}" in path:
            target = path.replace("{token}", "x" * 43).replace("{assembly_id}", raw)
            cases.append(Case(f"id={raw}", "GET", target, None))
    return cases


def _filters(path: str) -> list[Case]:
    return [Case(f"query {q[:16]!r}", "GET", f"{path}?{q}", None, expect=422) for q in FILTERS]


def _public_file(w: World, template: str) -> list[Case]:
    path = template.replace("{assembly_id}", str(w.union))
    cases = get_cases(path)
    for raw in [*BAD_PATH_IDS, str(UNKNOWN)]:
        cases.append(Case(f"id={raw}", "GET", template.replace("{assembly_id}", raw), None))
    return cases


def _hook_ids(template: str, method: str) -> list[Case]:
    """Hostile and unknown webhook ids (no webhook exists in the hostile world)."""
    form = not template.startswith("/api/")
    cases = []
    for raw in [*BAD_PATH_IDS, str(UNKNOWN)]:
        path = template.replace("{webhook_id}", raw)
        data = {} if form and method == "POST" else None
        cases.append(Case(f"id={raw}", method, path, "facilitator", data=data))
        to_login = not form or method != "GET" or raw != str(UNKNOWN)
        expect = None if to_login else 303  # a page sends a visitor to log in first
        cases.append(Case(f"id={raw} anonymous", method, path, None, data=data, expect=expect))
    return cases


def _patch_cases(path: str) -> list[Case]:
    real = path.replace("{webhook_id}", str(UNKNOWN))
    cases = [
        Case(f"url={str(v)[:12]!r}", "PATCH", real, "facilitator", body={"url": v})
        for v in [*URLS, *WRONG_STRINGS[:1]]
    ]
    cases += [
        Case(f"kinds={str(v)[:12]!r}", "PATCH", real, "facilitator", body={"kinds": v})
        for v in KINDS
    ]
    cases += [
        Case("enabled=maybe", "PATCH", real, "facilitator", body={"enabled": "maybe"}),
        Case("unknown field", "PATCH", real, "facilitator", body={"secret": "whsec_x"}),
        Case("json list", "PATCH", real, "facilitator", body=[{}]),
    ]
    return cases


def feeds_webhooks_table() -> dict[tuple[str, str], Callable[[World], list[Case]]]:
    """Cases for every feeds and webhooks route."""
    mine = "/cuenta/calendarios"
    hooks_page = "/asambleas/{assembly_id}/webhooks"
    hooks_api = "/api/v1/assemblies/{assembly_id}/webhooks"
    table: dict[tuple[str, str], Callable[[World], list[Case]]] = {
        ("GET", "/asambleas/{assembly_id}/calendario.ics"): lambda w: _public_file(
            w, "/asambleas/{assembly_id}/calendario.ics"
        ),
        ("GET", "/asambleas/{assembly_id}/decisiones.atom"): lambda w: _public_file(
            w, "/asambleas/{assembly_id}/decisiones.atom"
        ),
        ("GET", "/acciones.ics"): lambda w: [
            *get_cases("/acciones.ics"),
            *_filters("/acciones.ics"),
        ],
        ("GET", mine): lambda w: [
            Case("visitor", "GET", mine, None, expect=303),
            Case(
                "forged cookie",
                "GET",
                mine,
                None,
                expect=303,
                headers={"cookie": "asamblea_sesion=" + SQLISH.replace(";", "")},
            ),
        ],
        ("POST", f"{mine}/nueva"): lambda w: [
            *form_cases(f"{mine}/nueva", "member", {}, {}, required=()),
            Case("visitor", "POST", f"{mine}/nueva", None, data={}, expect=401),
        ],
        ("POST", f"{mine}/revocar"): lambda w: [
            *form_cases(f"{mine}/revocar", "member", {}, {}, required=()),
            Case("visitor", "POST", f"{mine}/revocar", None, data={}, expect=401),
        ],
        ("GET", "/api/v1/feeds"): lambda w: [
            Case("visitor", "GET", "/api/v1/feeds", None, expect=401),
            Case(
                "bogus bearer",
                "GET",
                "/api/v1/feeds",
                None,
                expect=401,
                headers={"authorization": "Bearer " + SQLISH},
            ),
        ],
        ("POST", "/api/v1/feeds/token"): lambda w: [
            Case("visitor", "POST", "/api/v1/feeds/token", None, expect=401),
            Case(
                "no X-CSRF-Token", "POST", "/api/v1/feeds/token", "member", csrf="none", expect=403
            ),
        ],
        ("DELETE", "/api/v1/feeds/token"): lambda w: [
            Case("visitor", "DELETE", "/api/v1/feeds/token", None, expect=401),
            Case(
                "no X-CSRF-Token",
                "DELETE",
                "/api/v1/feeds/token",
                "member",
                csrf="none",
                expect=403,
            ),
        ],
        ("GET", hooks_page): lambda w: [
            Case("visitor", "GET", hooks_page.format(assembly_id=w.union), None, expect=303),
            Case("member", "GET", hooks_page.format(assembly_id=w.union), "member", ok=True),
            Case("outsider", "GET", hooks_page.format(assembly_id=w.union), "outsider", ok=True),
            *id_cases("/asambleas/{id}/webhooks", "GET", "facilitator", {}, form=False),
        ],
        ("POST", hooks_page): lambda w: [
            *form_cases(
                hooks_page.format(assembly_id=w.union),
                "member",
                {"url": "https://bots.example.org/x", "kind_vote_opened": "1"},
                {"url": URLS},
            ),
            *(
                Case(
                    f"url={u[:12]!r} by the facilitator",
                    "POST",
                    hooks_page.format(assembly_id=w.union),
                    "facilitator",
                    data={"url": u, "kind_vote_opened": "1"},
                )
                for u in URLS
            ),
            Case(
                "no kinds",
                "POST",
                hooks_page.format(assembly_id=w.union),
                "facilitator",
                data={"url": "https://bots.example.org/x"},
                expect=422,
            ),
        ],
        ("GET", hooks_api): lambda w: [
            Case("visitor", "GET", hooks_api.format(assembly_id=w.union), None, expect=401),
            Case("member", "GET", hooks_api.format(assembly_id=w.union), "member", expect=403),
            *id_cases("/api/v1/assemblies/{id}/webhooks", "GET", "facilitator", {}, form=False),
        ],
        ("POST", hooks_api): lambda w: [
            *json_cases(
                hooks_api.format(assembly_id=w.union),
                "facilitator",
                HOOK_JSON,
                {"url": URLS, "kinds": KINDS},
            ),
            Case(
                "a member",
                "POST",
                hooks_api.format(assembly_id=w.union),
                "member",
                body=HOOK_JSON,
                expect=403,
            ),
            Case(
                "another assembly's facilitator",
                "POST",
                hooks_api.format(assembly_id=w.union),
                "outsider",
                body=HOOK_JSON,
                expect=403,
            ),
        ],
        ("PATCH", "/api/v1/webhooks/{webhook_id}"): lambda w: [
            *_hook_ids("/api/v1/webhooks/{webhook_id}", "PATCH"),
            *_patch_cases("/api/v1/webhooks/{webhook_id}"),
        ],
    }
    for method, template in (
        ("GET", "/privado/{token}/calendario.ics"),
        ("GET", "/privado/{token}/asambleas/{assembly_id}/calendario.ics"),
        ("GET", "/privado/{token}/asambleas/{assembly_id}/decisiones.atom"),
        ("GET", "/privado/{token}/acciones.ics"),
    ):
        table[(method, template)] = lambda w, t=template: _private(w, t)
    for method, template in (
        ("GET", "/webhooks/{webhook_id}"),
        ("POST", "/webhooks/{webhook_id}/activar"),
        ("POST", "/webhooks/{webhook_id}/desactivar"),
        ("POST", "/webhooks/{webhook_id}/borrar"),
        ("GET", "/api/v1/webhooks/{webhook_id}"),
        ("DELETE", "/api/v1/webhooks/{webhook_id}"),
        ("GET", "/api/v1/webhooks/{webhook_id}/deliveries"),
    ):
        table[(method, template)] = lambda w, m=method, t=template: _hook_ids(t, m)
    return table
