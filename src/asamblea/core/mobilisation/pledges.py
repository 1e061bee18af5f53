"""Conditional pledges: "I will join if enough of us do", counted but never listed.

The problem. A strike called by a few is a risk for those few; PledgeBank's answer is the
conditional pledge: "I'll do it, but only if N others will too". Here the condition follows the
federation: N members of my assembly, M assemblies of my region, T people across the federation.

The rule (nested thresholds). A campaign sets `Thresholds(members=N, assemblies=M, people=T)`;
N is always set, M and T are optional, and the highest level set is the campaign's *scope*:

- an assembly is *met* when at least N of its members have pledged;
- a region is *met* when at least M of its assemblies are met;
- the people counted across the federation are the pledges of met assemblies (and, when M is
  set, only of assemblies in met regions): **an assembly's pledges count upward only once its
  own threshold is met**, so a handful of people scattered over many assemblies does not
  trigger a federation-wide strike that none of their assemblies would hold.

The campaign *triggers* when its scope is met: some assembly is met (scope ASSEMBLY), some
region is met (scope REGION), or the people counted reach T (scope FEDERATION). Every count is
monotone in the pledges, so only a pledge can cross the trigger, and a pledge is withdrawable
only before it: once triggered, a campaign stays triggered and its pledges are commitments
(pledges made afterwards are commitments at once). It fires exactly once, in the transaction
that records the crossing pledge.

Secrecy: these rules see person ids only to refuse a second pledge by the same person; what
leaves them (`Standing`) holds counts only.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType

from asamblea.core.errors import N_, Conflict, Invalid

#: Bounds for a threshold, so a form cannot ask for more people than any federation holds.
MAX_THRESHOLD = 10_000_000


class Scope(StrEnum):
    """The level whose threshold triggers a campaign: the highest one it sets."""

    ASSEMBLY = "assembly"
    REGION = "region"
    FEDERATION = "federation"


@dataclass(frozen=True)
class Thresholds:
    """N members per assembly; optionally M assemblies per region and T people in all."""

    members: int
    assemblies: int | None = None
    people: int | None = None

    @property
    def scope(self) -> Scope:
        """The highest level set."""
        if self.people is not None:
            return Scope.FEDERATION
        if self.assemblies is not None:
            return Scope.REGION
        return Scope.ASSEMBLY


def check_thresholds(thresholds: Thresholds) -> Thresholds:
    """Refuse a threshold below one or beyond `MAX_THRESHOLD`; people must be at least N."""
    for value in (thresholds.members, thresholds.assemblies, thresholds.people):
        if value is not None and not 1 <= value <= MAX_THRESHOLD:
            raise Invalid(
                N_("A threshold must be a whole number from 1 to {most}."), most=MAX_THRESHOLD
            )
    if thresholds.people is not None and thresholds.people < thresholds.members:
        raise Invalid(N_("The people across the federation cannot be fewer than N."))
    return thresholds


@dataclass(frozen=True)
class Standing:
    """Where a campaign stands: counts only, never who."""

    pledges: int
    assemblies_met: int
    regions_met: int
    people_counted: int
    triggered: bool
    #: How far towards the trigger, 0 to 1: people counted / T, or the closest region's met
    #: assemblies / M, or the closest assembly's pledges / N (1 once triggered).
    progress: float


def standing(
    thresholds: Thresholds, counts: Mapping[int, int], region_of: Mapping[int, int]
) -> Standing:
    """Evaluate the nested thresholds on pledges counted per assembly (assembly id → count).

    `region_of` maps each assembly id to its region id (an assembly missing from it stands in
    no region, so it can never make a region met).
    """
    met = {a for a, n in counts.items() if n >= thresholds.members}
    per_region = Counter(region_of[a] for a in met if a in region_of)
    regions_met: set[int] = set()
    if thresholds.assemblies is not None:
        regions_met = {r for r, k in per_region.items() if k >= thresholds.assemblies}
        counted = [a for a in met if region_of.get(a) in regions_met]
    else:
        counted = list(met)
    people = sum(counts[a] for a in counted)
    if thresholds.people is not None:
        reached, goal = people, thresholds.people
    elif thresholds.assemblies is not None:
        reached, goal = max(per_region.values(), default=0), thresholds.assemblies
    else:
        reached, goal = max(counts.values(), default=0), thresholds.members
    triggered = reached >= goal
    return Standing(
        pledges=sum(counts.values()),
        assemblies_met=len(met),
        regions_met=len(regions_met),
        people_counted=people,
        triggered=triggered,
        progress=min(1.0, reached / goal),
    )


@dataclass(frozen=True)
class PledgeBook:
    """One campaign's pledges: who pledged from which assembly (never shown), and its trigger."""

    thresholds: Thresholds
    region_of: Mapping[int, int] = field(default_factory=lambda: MappingProxyType({}))
    pledgers: Mapping[int, int] = field(default_factory=lambda: MappingProxyType({}))
    triggered: bool = False

    def counts(self) -> dict[int, int]:
        """Pledges per assembly."""
        return dict(Counter(self.pledgers.values()))

    def standing(self) -> Standing:
        """The counts and the trigger as the rules see them now."""
        return standing(self.thresholds, self.counts(), self.region_of)


def pledge(book: PledgeBook, person: int, assembly: int) -> tuple[PledgeBook, bool]:
    """Record `person`'s pledge from `assembly`; also say whether this pledge fired the trigger.

    A person pledges once per campaign. After the trigger a pledge is a commitment at once and
    fires nothing.
    """
    if person in book.pledgers:
        raise Conflict(N_("You have already pledged to this."))
    pledgers = MappingProxyType({**book.pledgers, person: assembly})
    after = PledgeBook(book.thresholds, book.region_of, pledgers, book.triggered)
    fired = not book.triggered and after.standing().triggered
    if fired:
        after = PledgeBook(book.thresholds, book.region_of, pledgers, True)
    return after, fired


def withdraw(book: PledgeBook, person: int) -> PledgeBook:
    """Take back `person`'s pledge; only before the trigger (afterwards it is a commitment)."""
    if book.triggered:
        raise Conflict(N_("The threshold was met: pledges are now commitments."))
    if person not in book.pledgers:
        raise Conflict(N_("You have no pledge here to withdraw."))
    pledgers = MappingProxyType({p: a for p, a in book.pledgers.items() if p != person})
    return PledgeBook(book.thresholds, book.region_of, pledgers, False)


def crosses(
    thresholds: Thresholds,
    counts: Mapping[int, int],
    region_of: Mapping[int, int],
    assembly: int,
    *,
    triggered: bool,
) -> bool:
    """True when one more pledge from `assembly` fires the trigger of an untriggered campaign.

    The services call this with the counts read under the campaign's lock, in the transaction
    that inserts the pledge; it looks at counts only (no person).
    """
    if triggered:
        return False
    after = dict(counts)
    after[assembly] = after.get(assembly, 0) + 1
    return standing(thresholds, after, region_of).triggered
