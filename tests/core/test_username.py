"""The username profile (PRECIS UsernameCasePreserved + TS #39), one for every use."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from asamblea.core.errors import Invalid
from asamblea.core.username import (
    USERNAME_MAX,
    USERNAME_MIN,
    key_of,
    login_key,
    shown_username,
    skeleton_of,
)

INVISIBLE = ["\x1c", "\x1f", "\x00", "\u200b", "\u200d", "\u2060", "\ufeff", "\u00ad", "\u202e"]


@pytest.mark.parametrize(
    ("typed", "shown"),
    [
        ("facilitadora.ves", "facilitadora.ves"),
        (" Ana_Quispe \n", "Ana_Quispe"),
        ("ñandú-2", "ñandú-2"),
        ("ＡＮＡ", "ANA"),  # full-width letters take their usual width
        ("jose\u0301", "josé"),  # NFC
        ("Ελλάδα", "Ελλάδα"),
        ("東京かな", "東京かな"),
    ],
)
def test_acceptable_names(typed: str, shown: str) -> None:
    assert shown_username(typed) == shown


@pytest.mark.parametrize(
    "typed",
    [
        *(f"{c}ana.mamani" for c in INVISIBLE),
        *(f"ana{c}mamani" for c in INVISIBLE),
        "ana mamani",
        "ana@mamani",
        "x²y",  # compatibility characters
        "ﬁlo",
        "f\u0430cilitadora.ves",  # Latin with a Cyrillic а
        "Ελλάδαx",
        "ana1٣",  # two numbering systems
        "ab",
        "a" * (USERNAME_MAX + 1),
        "a" * 10_000,
    ],
)
def test_refused_names(typed: str) -> None:
    with pytest.raises(Invalid):
        shown_username(typed)
    assert login_key(typed) is None


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("facilitadora.ves", "FaciIitadora.ves"),  # capital I for l
        ("facilitadora.ves", "Facilitadora.ves"),
        ("lulia", "1ulia"),
        ("marta", "rnarta"),  # rn for m
        ("pablo0", "pabloO"),
    ],
)
def test_look_alikes_share_a_skeleton(one: str, other: str) -> None:
    assert skeleton_of(shown_username(one)) == skeleton_of(shown_username(other))


def test_a_cyrillic_look_alike_is_refused_or_shares_the_skeleton() -> None:
    # Refused as mixed script; a name all in Cyrillic that looks Latin shares the skeleton.
    assert skeleton_of(shown_username("аса")) == skeleton_of(shown_username("aca"))


def test_different_names_keep_different_skeletons() -> None:
    names = ["ana", "ana.m", "anamaria", "mamani", "quispe", "facilitadora.ves", "delegado.ves"]
    skeletons = {skeleton_of(shown_username(n)) for n in names}
    assert len(skeletons) == len(names)


names = st.text(
    alphabet=st.characters(
        codec="utf-8", categories=["L", "Nd", "Pc", "Pd", "Po", "Cc", "Cf", "Zs"]
    ),
    min_size=0,
    max_size=60,
)


@settings(max_examples=300, deadline=None)
@given(text=names)
@example(text="\x1cfacilitadora.ves")
@example(text="facilitadora.ves\x1c")
def test_one_profile_for_every_use(text: str) -> None:
    try:
        shown = shown_username(text)
    except Invalid:
        # No account can have a refused name, so login never looks one up.
        assert login_key(text) is None
        return
    assert USERNAME_MIN <= len(shown) <= USERNAME_MAX
    assert shown == unicodedata.normalize("NFC", shown)
    assert all(unicodedata.category(c)[0] != "C" and not c.isspace() for c in shown)
    # Idempotent: the shown form is its own shown form, and login finds it by the same key.
    assert shown_username(shown) == shown
    assert login_key(text) == key_of(shown)
    # Case variants of an acceptable name are one account.
    if not refused(shown.swapcase()):
        assert login_key(shown.swapcase()) == key_of(shown)
    assert len(skeleton_of(shown)) <= 255


def refused(text: str) -> bool:
    try:
        shown_username(text)
    except Invalid:
        return True
    return False
