"""Receipts: a fresh random code per ballot, easy to read aloud over a phone.

A receipt is 16 symbols of Crockford's base32 (digits and capital letters without I, L, O, U)
in four groups of four, e.g. ``7K3M-QX9T-2BHD-04RW``: 15 random symbols (75 bits from
`secrets`) and one check symbol (the first 5 bits of SHA-256 of the 15), which catches 31 of
every 32 mistyped codes. Reading is forgiving: lowercase, spaces, missing dashes, ``I``/``L``
for ``1`` and ``O`` for ``0`` are accepted and normalised.
"""

from __future__ import annotations

import hashlib
import re
import secrets

from asamblea.core.errors import N_, Invalid

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
BODY_SYMBOLS = 15
GROUP = 4
RECEIPT_PATTERN = re.compile(r"^[0-9A-HJKMNP-TV-Z]{4}(?:-[0-9A-HJKMNP-TV-Z]{4}){3}$")
_CONFUSABLE = str.maketrans({"I": "1", "L": "1", "O": "0"})


def _check_symbol(body: str) -> str:
    """The check symbol of a 15-symbol body."""
    return ALPHABET[hashlib.sha256(body.encode("ascii")).digest()[0] >> 3]


def _grouped(symbols: str) -> str:
    return "-".join(symbols[i : i + GROUP] for i in range(0, len(symbols), GROUP))


def receipt_from_bits(bits: int) -> str:
    """The receipt whose 15 body symbols are the 75 low bits of ``bits`` (5 bits a symbol)."""
    body = "".join(ALPHABET[(bits >> (5 * i)) & 31] for i in range(BODY_SYMBOLS - 1, -1, -1))
    return _grouped(body + _check_symbol(body))


def new_receipt() -> str:
    """A fresh receipt code: 75 bits from the operating system's secure source (`secrets`)."""
    return receipt_from_bits(secrets.randbits(5 * BODY_SYMBOLS))


def is_receipt(code: str) -> bool:
    """Whether ``code`` is a receipt in its canonical form (as stored on the board)."""
    if RECEIPT_PATTERN.fullmatch(code) is None:
        return False
    return _check_symbol(code[:4] + code[5:9] + code[10:14] + code[15:18]) == code[18]


def normalise_receipt(text: str) -> str:
    """The canonical form of a receipt typed or dictated by a person; `Invalid` if it is not one."""
    symbols = "".join(text.split()).replace("-", "").upper().translate(_CONFUSABLE)
    if len(symbols) != BODY_SYMBOLS + 1 or any(s not in ALPHABET for s in symbols):
        raise Invalid(N_("A receipt has 16 letters and digits, e.g. 7K3M-QX9T-2BHD-04RW"))
    code = _grouped(symbols)
    if not is_receipt(code):
        raise Invalid(N_("This receipt code has a typing mistake (its check symbol fails)"))
    return code
