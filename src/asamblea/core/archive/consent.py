"""Consent levels and the access rule: who may see, export or re-consent an archived item.

Each item carries the consent its witness or family gave, one of four nested levels, widest
first: ``public`` (the case's public memorial page) ⊃ ``federation`` (active members of any
assembly of the federation) ⊃ ``team`` (the case's archive team) ⊃ ``legal`` (the legal team
only, a part of the archive team). A viewer's *clearance* is the narrowest level they belong to;
they see an item when its level is one their clearance reaches. A withdrawn item is seen by no
one, exported to no one, and its consent can no longer change: the custody log keeps only that
it was withdrawn.

Who may change consent (`can_change_consent`): the consent holder (the witness or family, through
their intake receipt or account) may set any level or withdraw; a team member may record the
holder's instruction only when it *narrows* the consent or withdraws the item — never widen it
(so nobody but the holder can make a testimony public). Export for a prosecutor, an ombudsman or
a commission is done by a legal-team member and carries only items that are not withdrawn.

Pure functions over plain values; the property tests in ``tests/core/archive`` check that the
rule is monotone (more clearance never sees less) and that a withdrawn item reaches no one.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import IntEnum

from asamblea.core.errors import N_, Invalid


class Consent(IntEnum):
    """How far an item may be shown; a larger value is a narrower circle."""

    PUBLIC = 0
    FEDERATION = 1
    TEAM = 2
    LEGAL = 3

    @property
    def code(self) -> str:
        """The stable name used in files and the API: ``public``, ``federation``, ..."""
        return self.name.lower()

    @classmethod
    def parse(cls, text: str) -> Consent:
        """The level named ``text``; `Invalid` for any other word."""
        for level in cls:
            if level.code == text:
                return level
        raise Invalid(N_("Unknown consent level: {text}"), text=text)


@dataclass(frozen=True)
class Viewer:
    """What the access rule needs to know about a person (nothing else: no name, no id).

    An anonymous visitor of the memorial is `Viewer()`; ``legal_team`` implies the case team.
    """

    federation_member: bool = False
    case_team: bool = False
    legal_team: bool = False

    @property
    def clearance(self) -> Consent:
        """The narrowest level this viewer belongs to (legal ⊂ team ⊂ federation ⊂ public)."""
        if self.legal_team:  # the legal team is part of the case team
            return Consent.LEGAL
        if self.case_team:
            return Consent.TEAM
        if self.federation_member:
            return Consent.FEDERATION
        return Consent.PUBLIC


@dataclass(frozen=True)
class ItemAccess:
    """An item as the access rule sees it: its consent and whether it was withdrawn."""

    consent: Consent
    withdrawn: bool = False


def can_see(viewer: Viewer, item: ItemAccess) -> bool:
    """Whether ``viewer`` may see ``item`` at all (its existence included)."""
    return not item.withdrawn and item.consent <= viewer.clearance


def visible(viewer: Viewer, items: Iterable[tuple[str, ItemAccess]]) -> list[str]:
    """The ids of the items ``viewer`` may see, in the order given."""
    return [item_id for item_id, item in items if can_see(viewer, item)]


def can_export(viewer: Viewer, item: ItemAccess) -> bool:
    """Whether ``viewer`` may put ``item`` into an exported bundle (legal team, not withdrawn)."""
    return viewer.clearance is Consent.LEGAL and not item.withdrawn


def can_change_consent(
    item: ItemAccess, new: Consent | None, *, holder: bool, viewer: Viewer
) -> bool:
    """Whether this change (``new`` None = withdraw) may be made by this person.

    The holder may set any level or withdraw; a case-team member may only narrow or withdraw,
    recording the holder's instruction; nobody may change a withdrawn item.
    """
    if item.withdrawn:
        return False
    if holder:
        return True
    if not viewer.case_team and not viewer.legal_team:
        return False
    return new is None or new >= item.consent


def check_consent_change(
    item: ItemAccess, new: Consent | None, *, holder: bool, viewer: Viewer
) -> None:
    """`can_change_consent` as a check: `Invalid` with the reason when the change is refused."""
    if item.withdrawn:
        raise Invalid(N_("This item was withdrawn; its consent can no longer change"))
    if not can_change_consent(item, new, holder=holder, viewer=viewer):
        raise Invalid(N_("Only the witness or family may widen who can see this item"))
