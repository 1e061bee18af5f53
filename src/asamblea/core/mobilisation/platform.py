"""The unified platform of demands (plataforma / pliego unificado), as pure rules.

Demands rise as proposals of kind *demand* through the escalation from below: a point of an
upper assembly's platform is a demand escalated to it that reached its agenda. Points are
identified by that escalation's id. Two rules live here:

- **Merging.** The upper assembly's members may merge duplicates: a vote decides that points
  ``merged`` fold into point ``into``. Nothing is deleted: a merged point stays in the history
  of the point it went into (`fold`, `history`). `check_merge` refuses what cannot be merged
  (a point merged already, a point of another platform, merging a point into itself).
- **Support.** Every point shows which assemblies stand behind it and how many members they
  represent (`support`): an assembly counts once however many ways it backs the point, and the
  members of an assembly counted through a backing ancestor are not counted again.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from asamblea.core.errors import N_, Conflict, Invalid

#: At most this many points go into one merge (a form and an API body stay small).
MAX_MERGED = 50


@dataclass(frozen=True)
class Merge:
    """An applied merge: the points ``merged`` went into ``into`` by the vote ``vote_id``."""

    into: int
    merged: tuple[int, ...]
    vote_id: int
    at: datetime


def check_merge(
    into: int, merged: Collection[int], open_points: Collection[int], pending: Collection[int]
) -> tuple[int, ...]:
    """The points to merge into ``into``, sorted and without repeats.

    ``open_points`` are the platform's points not merged yet; ``pending`` are points already in
    a merge being voted (a point waits for that vote before going into another)."""
    chosen = tuple(sorted(set(merged)))
    if not chosen:
        raise Invalid(N_("Choose at least one point to merge."))
    if len(chosen) > MAX_MERGED:
        raise Invalid(N_("At most {most} points can be merged at once."), most=MAX_MERGED)
    if into in chosen:
        raise Invalid(N_("A point cannot be merged into itself."))
    known = set(open_points)
    if into not in known or not set(chosen) <= known:
        raise Invalid(N_("Only points of this platform not merged yet can be merged."))
    if {into, *chosen} & set(pending):
        raise Conflict(N_("A merge of one of these points is already being voted."))
    return chosen


def merged_into(merges: Sequence[Merge]) -> dict[int, int]:
    """Each merged point → the point it went into directly (a point is merged at most once)."""
    found: dict[int, int] = {}
    for merge in merges:
        for point in merge.merged:
            if point in found:
                raise Conflict(N_("A point cannot be merged twice."))
            found[point] = merge.into
    return found


def fold(points: Iterable[int], merges: Sequence[Merge]) -> dict[int, frozenset[int]]:
    """The platform after its merges: each standing point → every point folded into it
    (itself included). Every point given lands in exactly one standing point's set."""
    parent = merged_into(merges)
    groups: dict[int, set[int]] = {}
    for point in points:
        root, seen = point, {point}
        while root in parent:
            root = parent[root]
            if root in seen:
                raise Conflict(N_("A point cannot be merged twice."))
            seen.add(root)
        groups.setdefault(root, set()).add(point)
    return {root: frozenset(members) for root, members in groups.items()}


def history(point: int, merges: Sequence[Merge]) -> list[Merge]:
    """The merges that made ``point`` what it is: into it, or into a point folded into it,
    in the order they were applied."""
    group = fold_group(point, merges)
    return [m for m in merges if m.into in group]


def fold_group(point: int, merges: Sequence[Merge]) -> frozenset[int]:
    """``point`` and every point folded into it, however deep."""
    found, stack = {point}, [point]
    while stack:
        current = stack.pop()
        for merge in merges:
            if merge.into == current:
                fresh = [p for p in merge.merged if p not in found]
                found.update(fresh)
                stack.extend(fresh)
    return frozenset(found)


@dataclass(frozen=True)
class Support:
    """Who stands behind a point: ``assemblies`` (every backer, once), ``counted`` (the backers
    whose members are counted: those with no backing ancestor) and ``members`` (their sum)."""

    assemblies: tuple[int, ...]
    counted: tuple[int, ...]
    members: int


def ancestors(assembly: int, parent_of: Mapping[int, int | None]) -> list[int]:
    """Every assembly above ``assembly``, nearest first (a cycle is cut where it closes)."""
    found: list[int] = []
    current = parent_of.get(assembly)
    while current is not None and current not in found and current != assembly:
        found.append(current)
        current = parent_of.get(current)
    return found


def represented(
    parent_of: Mapping[int, int | None], base_members: Mapping[int, int]
) -> dict[int, int]:
    """Members each assembly represents: a base assembly its active members, a federated one
    the sum over the base assemblies under it (``base_members`` holds base assemblies only)."""
    found = dict.fromkeys(parent_of, 0)
    for base, members in base_members.items():
        count = max(0, members)
        found[base] = found.get(base, 0) + count
        for above in ancestors(base, parent_of):
            found[above] = found.get(above, 0) + count
    return found


def support(
    backers: Iterable[int], parent_of: Mapping[int, int | None], members: Mapping[int, int]
) -> Support:
    """Who stands behind a point, counting each assembly once and each member once.

    ``members`` is `represented` (members per assembly, a federated one summing its bases): a
    backer under another backer adds its name but not its members again."""
    everyone = frozenset(backers)
    counted = tuple(sorted(a for a in everyone if not set(ancestors(a, parent_of)) & everyone))
    total = sum(max(0, members.get(a, 0)) for a in counted)
    return Support(tuple(sorted(everyone)), counted, total)
