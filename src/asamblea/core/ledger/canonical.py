"""Canonical JSON: one byte string per value, so that every hash can be recomputed by anyone.

The encoding, written down so that a verifier in any language can reproduce it:

- UTF-8, no byte-order mark, no insignificant whitespace (separators ``,`` and ``:``);
- object keys sorted by their UTF-16 code units (as RFC 8785 says; this differs from
  code-point order only between characters above U+FFFF and U+E000–U+FFFF);
- values are ``null``, ``true``, ``false``, integers with ``|n| <= 2**53 - 1``, strings and
  arrays/objects of these: **no floats** — exact numbers such as a quorum are strings
  (``"1/2"``), times are strings (``"2026-11-28T00:00:00Z"``);
- strings are written as-is except ``"`` and ``\\``, and control characters below U+0020,
  which are escaped as ``\\b \\f \\n \\r \\t`` or ``\\u00xx`` (lowercase hex); lone
  surrogates are refused.

For this subset the output is byte-for-byte the JSON Canonicalization Scheme (RFC 8785): no
JCS library is installed, and none is needed without floating-point numbers (the hard part of
JCS is its number formatting, which we never use).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from typing import TypeAlias

from asamblea.core.errors import N_, Invalid

JsonValue: TypeAlias = (
    bool | int | str | Sequence["JsonValue"] | Mapping[str, "JsonValue"] | None
)

MAX_SAFE_INTEGER = 2**53 - 1


def canonical_json(value: JsonValue) -> bytes:
    """The canonical UTF-8 bytes of ``value`` (see the module docstring); `Invalid` otherwise."""
    text = json.dumps(
        _normalised(value, "$"), separators=(",", ":"), ensure_ascii=False, allow_nan=False
    )
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError as error:
        raise Invalid(N_("Text with a lone surrogate cannot be encoded")) from error


def _utf16_order(key: str) -> bytes:
    """RFC 8785 sorts object keys by their UTF-16 code units."""
    return key.encode("utf-16-be", errors="surrogatepass")


def _normalised(value: object, path: str) -> JsonValue:
    """``value`` with keys in RFC 8785 order; refuses what canonical JSON does not allow."""
    if value is None or isinstance(value, bool | str):
        return value
    if isinstance(value, int):
        if abs(value) > MAX_SAFE_INTEGER:
            raise Invalid(N_("Integer out of the exact range at {path}"), path=path)
        return value
    if isinstance(value, Mapping):
        if not all(isinstance(key, str) for key in value):
            raise Invalid(N_("Object keys must be strings at {path}"), path=path)
        return {key: _normalised(value[key], f"{path}.{key}")
                for key in sorted(value, key=_utf16_order)}
    if isinstance(value, list | tuple):
        return [_normalised(item, f"{path}[{position}]") for position, item in enumerate(value)]
    raise Invalid(N_("Value of type {kind} not allowed in canonical JSON at {path}"),
                  kind=type(value).__name__, path=path)


def sha256_hex(value: JsonValue) -> str:
    """SHA-256 of the canonical JSON of ``value``, as lowercase hex."""
    return hashlib.sha256(canonical_json(value)).hexdigest()


def is_hex(text: object, size: int) -> bool:
    """Whether ``text`` is exactly ``size`` bytes in lowercase hex (the only form on a board)."""
    return (
        isinstance(text, str)
        and len(text) == 2 * size
        and all(c in "0123456789abcdef" for c in text)
    )
