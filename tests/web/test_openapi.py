"""The OpenAPI document is true to the API (issue 10, finding 11): pages are not in it, every
operation documents the errors it may answer (400 for a body that cannot be read, 413 for one
over the limit), and the limits the server enforces are declared where clients read them."""

from __future__ import annotations

import tempfile
from functools import cache
from pathlib import Path
from typing import Any

from asamblea.core.deliberation import TITLE_MIN
from asamblea.core.people import PASSWORD_MIN, USERNAME_MAX, USERNAME_MIN
from asamblea.core.votes import RULE_KINDS, THRESHOLDS
from tests.web.conftest import build_app


@cache
def document() -> dict[str, Any]:
    """The app's OpenAPI document (no database is touched to build it)."""
    folder = Path(tempfile.mkdtemp())
    app = build_app(f"sqlite:///{folder}/unused.sqlite3", folder)
    schema: dict[str, Any] = app.openapi()
    app.state.engine.dispose()
    return schema


def _operations() -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (path, method, op)
        for path, item in document()["paths"].items()
        for method, op in item.items()
    ]


def test_only_the_json_api_is_described() -> None:
    paths = list(document()["paths"])
    assert paths, "the API has operations"
    assert [p for p in paths if not p.startswith("/api/v1/")] == []
    for page in ("/", "/fuente.zip", "/salud", "/cartas/{charter_id}/carta.md"):
        assert page not in paths


def test_every_operation_documents_its_errors() -> None:
    for path, method, op in _operations():
        documented = set(op["responses"])
        missing = {"400", "413", "422"} - documented
        assert not missing, (method, path, missing)


def _body(name: str) -> dict[str, Any]:
    return document()["components"]["schemas"][name]["properties"]  # type: ignore[no-any-return]


def test_limits_are_declared_where_clients_read_them() -> None:
    username = _body("RegisterIn")["username"]
    assert (username["minLength"], username["maxLength"]) == (USERNAME_MIN, USERNAME_MAX)
    assert username["pattern"]
    assert _body("RegisterIn")["password"]["minLength"] == PASSWORD_MIN
    assert _body("ProposalIn")["title"]["minLength"] == TITLE_MIN
    (lookup,) = [op for path, _, op in _operations() if path.endswith("/receipts/{code}")]
    (code,) = [p for p in lookup["parameters"] if p["name"] == "code"]
    assert code["schema"]["pattern"]
    assert code["schema"]["minLength"] == 16


def test_what_every_body_refuses_is_declared() -> None:
    """The vote rule and threshold come from the core registry; no free text of a request body
    lacks a pattern (NUL is refused everywhere, so every one declares at least that)."""
    vote = _body("VoteIn")
    assert vote["rule"]["enum"] == list(RULE_KINDS)
    assert vote["threshold"]["enum"] == list(THRESHOLDS)
    texts = 0
    for name, model in document()["components"]["schemas"].items():
        if not name.endswith("In"):
            continue
        for field, spec in model.get("properties", {}).items():
            for part in [spec, spec.get("items", {}), *spec.get("anyOf", [])]:
                if part.get("type") == "string" and not {"enum", "format"} & set(part):
                    assert "pattern" in part, (name, field)
                    texts += 1
    assert texts > 20, "request bodies have text fields"
