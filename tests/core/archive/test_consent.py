"""Consent levels and the access rule, by hand-worked cases and properties."""

from __future__ import annotations

from itertools import product

import pytest

from asamblea.core.archive import (
    Consent,
    ItemAccess,
    Viewer,
    can_change_consent,
    can_export,
    can_see,
    check_consent_change,
    visible,
)
from asamblea.core.errors import Invalid

ANONYMOUS = Viewer()
MEMBER = Viewer(federation_member=True)
TEAM = Viewer(federation_member=True, case_team=True)
LEGAL = Viewer(federation_member=True, case_team=True, legal_team=True)

# The domain is finite (8 viewers x 8 items x 5 changes x holder or not): the properties below
# are checked on every case, which is stronger than sampling it.
VIEWERS = [Viewer(*flags) for flags in product([False, True], repeat=3)]
ITEMS = [ItemAccess(level, withdrawn) for level, withdrawn in product(Consent, [False, True])]
CHANGES: list[Consent | None] = [None, *Consent]


@pytest.mark.parametrize(("viewer", "seen"), [
    (ANONYMOUS, {Consent.PUBLIC}),
    (MEMBER, {Consent.PUBLIC, Consent.FEDERATION}),
    (TEAM, {Consent.PUBLIC, Consent.FEDERATION, Consent.TEAM}),
    (LEGAL, set(Consent)),
])
def test_each_circle_sees_its_levels(viewer: Viewer, seen: set[Consent]) -> None:
    assert {level for level in Consent if can_see(viewer, ItemAccess(level))} == seen


def test_codes_round_trip_and_unknown_refused() -> None:
    assert [Consent.parse(level.code) for level in Consent] == list(Consent)
    with pytest.raises(Invalid):
        Consent.parse("everyone")


def test_withdrawn_is_seen_and_exported_by_no_one() -> None:
    for viewer, level, new, holder in product(VIEWERS, Consent, CHANGES, [False, True]):
        item = ItemAccess(level, withdrawn=True)
        assert not can_see(viewer, item)
        assert not can_export(viewer, item)
        assert not can_change_consent(item, new, holder=holder, viewer=viewer)


def test_more_clearance_never_sees_less() -> None:
    for first, second, item in product(VIEWERS, VIEWERS, ITEMS):
        low, high = sorted((first, second), key=lambda viewer: viewer.clearance)
        assert can_see(low, item) <= can_see(high, item)


def test_a_viewer_sees_exactly_up_to_their_clearance() -> None:
    for viewer, item in product(VIEWERS, ITEMS):
        expected = not item.withdrawn and item.consent.value <= viewer.clearance.value
        assert can_see(viewer, item) is expected
        assert visible(viewer, [("x", item)]) == (["x"] if expected else [])


def test_only_the_holder_widens() -> None:
    for viewer, holder, item, new in product(VIEWERS, [False, True], ITEMS, CHANGES):
        allowed = can_change_consent(item, new, holder=holder, viewer=viewer)
        if allowed and new is not None and new < item.consent:
            assert holder
        if allowed and not holder:
            assert viewer.clearance >= Consent.TEAM
        if holder and not item.withdrawn:
            assert allowed


def test_team_may_narrow_or_withdraw_but_not_widen() -> None:
    item = ItemAccess(Consent.TEAM)
    assert can_change_consent(item, Consent.LEGAL, holder=False, viewer=TEAM)
    assert can_change_consent(item, None, holder=False, viewer=TEAM)
    assert not can_change_consent(item, Consent.PUBLIC, holder=False, viewer=TEAM)
    assert not can_change_consent(item, Consent.LEGAL, holder=False, viewer=MEMBER)
    with pytest.raises(Invalid, match="widen"):
        check_consent_change(item, Consent.PUBLIC, holder=False, viewer=TEAM)
    with pytest.raises(Invalid, match="withdrawn"):
        check_consent_change(ItemAccess(Consent.TEAM, True), Consent.LEGAL, holder=True,
                             viewer=ANONYMOUS)
    check_consent_change(item, Consent.PUBLIC, holder=True, viewer=ANONYMOUS)


def test_only_the_legal_team_exports() -> None:
    assert can_export(LEGAL, ItemAccess(Consent.PUBLIC))
    assert not can_export(TEAM, ItemAccess(Consent.PUBLIC))
