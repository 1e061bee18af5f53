"""The unified platform of demands (plataforma / pliego unificado) of an upper assembly.

**Where points come from.** A base assembly's facilitator raises a struggle's demand as a
proposal of kind *demand* (`raise_demand`); it is supported, debated and adopted by the base
assembly's members like any proposal, then rises through the escalation from below
(`services.deliberation.escalation`): sent up, adopted by sibling assemblies, on the parent's
agenda once the parent's share is reached, adopted there, sent up again. Every escalated demand
on an upper assembly's agenda is a **point** of that assembly's platform — regional, national —
unless its members rejected it there. Points are not copied: a point *is* that escalation.

**Who stands behind a point.** The assemblies that adopted its escalation, those behind the
point it came from one level down (recursively, merges included), and the assemblies whose
struggle carries the demand (the struggle's own and those that joined it by a members' vote).
Members are counted by `core.mobilisation.platform.support`: once per base assembly.

**Merging duplicates** is a decision of the upper assembly's members: a facilitator proposes
it and a yes/no vote opens at once (`propose_merge`), as adhesions do. `settle_merge` applies
the published vote in the transaction that publishes it (`services.votes.closing.settle_vote`).
Nothing is deleted: the merged points, their proposals and the vote are the point's history.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from asamblea.core.deliberation import (
    Escalation,
    EscalationState,
    Proposal,
    ProposalKind,
    ProposalState,
    clean_title,
    current_adopters,
)
from asamblea.core.errors import N_, Invalid, NotFound
from asamblea.core.federation import Assembly, is_base
from asamblea.core.mobilisation import platform as rules
from asamblea.core.mobilisation.platform import Merge
from asamblea.core.mobilisation.struggles import MAX_TEXT, check_text
from asamblea.core.people import Person
from asamblea.core.votes import VoteState, members_motion
from asamblea.services import deliberation
from asamblea.services.mobilisation.access import (
    audit,
    check_facilitator_of,
    get_assembly,
    joined,
)
from asamblea.services.mobilisation.struggles import (
    MAX_VOTE_DAYS,
    VOTE_DAYS,
    can_see_struggle,
    visible_struggle,
)
from asamblea.services.votes import votes
from asamblea.store.deliberation_repository import EscalationRepository, ProposalRepository
from asamblea.store.federation_repository import FederationRepository
from asamblea.store.mobilisation_platform_repository import MergeRecord, PlatformRepository
from asamblea.store.mobilisation_repository import MobilisationRepository, Struggle
from asamblea.store.votes_repository import VoteRepository

__all__ = [
    "Backer",
    "DemandLine",
    "MergeLine",
    "MergeRecord",
    "PendingMerge",
    "PlatformPoint",
    "PlatformSummary",
    "PlatformView",
    "demands_of_struggle",
    "platform_view",
    "platforms",
    "propose_merge",
    "raise_demand",
    "settle_merge",
]

GONE = (ProposalState.REJECTED, ProposalState.WITHDRAWN)


@dataclass(frozen=True)
class Backer:
    """An assembly standing behind a point, and the members it represents."""

    assembly_id: int
    name: str
    members: int
    counted: bool  # False: its members are already counted through a backing assembly above


@dataclass(frozen=True)
class DemandLine:
    """A demand as it was first raised, at the bottom of a point (maybe from a struggle)."""

    proposal_id: int
    assembly: str
    title: str
    struggle_id: int | None
    struggle_title: str | None


@dataclass(frozen=True)
class MergeLine:
    """One applied merge in a point's history: which points went in, when, by which vote."""

    vote_id: int
    at: datetime
    into: tuple[int, str]
    merged: tuple[tuple[int, str], ...]


@dataclass(frozen=True)
class PlatformPoint:
    """A standing point of the platform (its id is its escalation's)."""

    id: int
    proposal_id: int
    title: str
    text: str
    state: ProposalState
    backers: tuple[Backer, ...]
    members: int
    demands: tuple[DemandLine, ...]
    history: tuple[MergeLine, ...]


@dataclass(frozen=True)
class PendingMerge:
    """A merge being voted."""

    vote_id: int
    into: tuple[int, str]
    merged: tuple[tuple[int, str], ...]


@dataclass(frozen=True)
class PlatformView:
    """An upper assembly's platform: its points, most backed first, and merges being voted."""

    assembly: Assembly
    points: tuple[PlatformPoint, ...]
    pending: tuple[PendingMerge, ...]


@dataclass(frozen=True)
class PlatformSummary:
    """One upper assembly with a platform, for the index."""

    assembly_id: int
    name: str
    points: int


def raise_demand(
    db: Session, actor: Person, struggle_id: int, *, title: str, text: str
) -> Proposal:
    """A facilitator of the struggle's assembly raises one of its demands as a proposal of
    kind demand, published at once; it then rises through the escalation from below."""
    struggle = visible_struggle(db, actor, struggle_id)
    check_facilitator_of(db, actor, struggle.assembly_id)
    drafted = deliberation.draft_proposal(
        db,
        actor,
        struggle.assembly_id,
        title=clean_title(title),
        text=check_text(text, most=MAX_TEXT),
        kind=ProposalKind.DEMAND,
    )
    PlatformRepository(db).add_source(drafted.id, struggle.id)
    published = deliberation.publish(db, actor, drafted.id)
    audit(
        db,
        actor,
        "mobilisation.demand_raised",
        struggle.assembly_id,
        f"proposal:{published.id}",
        details={"struggle_id": struggle.id},
    )
    return published


def demands_of_struggle(db: Session, struggle_id: int) -> list[Proposal]:
    """The demands raised from a struggle (published ones: they are public proposals)."""
    proposals = ProposalRepository(db)
    found = [proposals.get(i) for i in PlatformRepository(db).demands_of_struggle(struggle_id)]
    return [p for p in found if p is not None and p.state is not ProposalState.DRAFT]


class _Reader:
    """Everything one platform view reads, each table once per request where it can."""

    def __init__(self, db: Session, viewer: Person | None = None) -> None:
        self.db = db
        self.viewer = viewer
        self._sees: dict[int, Struggle | None] = {}
        self.federation = FederationRepository(db)
        self.escalations = EscalationRepository(db)
        self.proposals = ProposalRepository(db)
        self.platform = PlatformRepository(db)
        self.mobilisation = MobilisationRepository(db)
        self.everyone = {a.id: a for a in self.federation.assemblies()}
        self.parents = {a.id: a.parent_id for a in self.everyone.values()}
        self._proposal: dict[int, Proposal] = {}
        self._escalation: dict[int, Escalation | None] = {}
        self._applied: dict[int, list[Merge]] = {}
        self._members: dict[int, int] | None = None
        self._source: dict[int, int | None] = {}
        self._bringing: dict[int, Escalation | None] = {}
        self._candidates: dict[int, dict[int, Proposal]] = {}

    def source(self, proposal_id: int) -> int | None:
        """The struggle a proposal was raised from, if any."""
        if proposal_id not in self._source:
            self._source[proposal_id] = self.platform.sources([proposal_id]).get(proposal_id)
        return self._source[proposal_id]

    def bringing(self, proposal_id: int) -> Escalation | None:
        """The escalation that put this proposal on its assembly's agenda, if any."""
        if proposal_id not in self._bringing:
            self._bringing[proposal_id] = self.escalations.bringing(proposal_id)
        return self._bringing[proposal_id]

    @property
    def members(self) -> dict[int, int]:
        """Members each assembly represents (read once)."""
        if self._members is None:
            counts = self.federation.active_counts()
            bases = {a.id: counts.get(a.id, 0) for a in self.everyone.values() if is_base(a.kind)}
            self._members = rules.represented(self.parents, bases)
        return self._members

    def escalation(self, escalation_id: int) -> Escalation | None:
        if escalation_id not in self._escalation:
            self._escalation[escalation_id] = self.escalations.get(escalation_id)
        return self._escalation[escalation_id]


    def struggle(self, struggle_id: int | None) -> Struggle | None:
        """The struggle, if the viewer may see it (a members-only one is left out for others:
        its demand, its name and the assemblies that joined it)."""
        if struggle_id is None:
            return None
        if struggle_id not in self._sees:
            found = self.mobilisation.struggle(struggle_id)
            seen = found is not None and can_see_struggle(self.db, self.viewer, found)
            self._sees[struggle_id] = found if seen else None
        return self._sees[struggle_id]

    def proposal(self, proposal_id: int) -> Proposal:
        if proposal_id not in self._proposal:
            found = self.proposals.get(proposal_id)
            if found is None:
                raise NotFound(N_("That proposal does not exist."))
            self._proposal[proposal_id] = found
        return self._proposal[proposal_id]

    def candidates(self, assembly_id: int) -> dict[int, Proposal]:
        """Demands escalated to the assembly and on its agenda: escalation → agenda proposal."""
        if assembly_id in self._candidates:
            return self._candidates[assembly_id]
        found: dict[int, Proposal] = {}
        for escalation in self.escalations.to_parent(assembly_id):
            agenda = self.escalations.agenda_proposal(escalation.id)
            if escalation.state is not EscalationState.ON_AGENDA or agenda is None:
                continue
            if self.proposal(escalation.proposal_id).kind is ProposalKind.DEMAND:
                found[escalation.id] = self.proposal(agenda)
        self._candidates[assembly_id] = found
        return found

    def applied(self, assembly_id: int) -> list[Merge]:
        """The merges applied to an assembly's platform, in the order they were applied."""
        if assembly_id not in self._applied:
            records = [m for m in self.platform.merges(assembly_id) if m.state == "merged"]
            records.sort(key=lambda m: (m.settled_at or m.proposed_at, m.id))
            self._applied[assembly_id] = [
                Merge(m.into, m.merged, m.vote_id, m.settled_at or m.proposed_at) for m in records
            ]
        return self._applied[assembly_id]

    def backers(self, escalation_id: int, seen: frozenset[int] = frozenset()) -> set[int]:
        """Assemblies behind one escalated demand, down to the struggle it was raised from."""
        if escalation_id in seen:
            return set()
        escalation = self.escalation(escalation_id)
        if escalation is None:
            return set()
        found = set(current_adopters(self.escalations.adoptions(escalation.id)))
        origin = self.proposal(escalation.proposal_id)
        struggle = self.struggle(self.source(origin.id))
        if struggle is not None:
            found |= {struggle.assembly_id}
            found |= set(joined(self.mobilisation, "struggle", struggle.id))
        below = self.bringing(origin.id)
        if below is not None:
            merges = self.applied(below.parent_id)
            for point in rules.fold_group(below.id, merges):
                found |= self.backers(point, seen | {escalation_id})
        return found

    def demands(self, escalation_id: int, seen: frozenset[int] = frozenset()) -> list[DemandLine]:
        """The demands at the bottom of one escalated demand (merged ones below included)."""
        escalation = self.escalation(escalation_id)
        if escalation is None or escalation_id in seen:
            return []
        origin = self.proposal(escalation.proposal_id)
        below = self.bringing(origin.id)
        if below is not None:
            merges = self.applied(below.parent_id)
            return [
                line
                for point in sorted(rules.fold_group(below.id, merges))
                for line in self.demands(point, seen | {escalation_id})
            ]
        struggle_id = self.source(origin.id)
        struggle = self.struggle(struggle_id)
        if struggle_id is not None and struggle is None:
            return []  # raised from a struggle this viewer may not see
        where = self.everyone.get(origin.assembly_id)
        return [
            DemandLine(
                origin.id,
                where.name if where else "",
                origin.title,
                struggle.id if struggle else None,
                struggle.title if struggle else None,
            )
        ]


def _standing(reader: _Reader, assembly_id: int) -> tuple[dict[int, frozenset[int]], list[Merge]]:
    """The platform's standing points (each with the points folded into it) and its merges."""
    candidates = reader.candidates(assembly_id)
    merges = reader.applied(assembly_id)
    groups = rules.fold(candidates, merges)
    standing = {root: group for root, group in groups.items() if candidates[root].state not in GONE}
    return standing, merges


def _title(reader: _Reader, escalation_id: int) -> tuple[int, str]:
    escalation = reader.escalation(escalation_id)
    if escalation is None:
        return escalation_id, ""
    return escalation_id, reader.proposal(escalation.proposal_id).title


def _point(
    reader: _Reader, root: int, group: frozenset[int], merges: list[Merge], agenda: Proposal
) -> PlatformPoint:
    backing: set[int] = set()
    for point in group:
        backing |= reader.backers(point)
    members = reader.members
    found = rules.support(backing, reader.parents, members)
    backers = tuple(
        Backer(a, reader.everyone[a].name, members.get(a, 0), a in found.counted)
        for a in sorted(found.assemblies, key=lambda a: reader.everyone[a].name.casefold())
        if a in reader.everyone
    )
    lines = [line for point in sorted(group) for line in reader.demands(point)]
    history = tuple(
        MergeLine(
            m.vote_id, m.at, _title(reader, m.into), tuple(_title(reader, p) for p in m.merged)
        )
        for m in rules.history(root, merges)
    )
    return PlatformPoint(
        id=root,
        proposal_id=agenda.id,
        title=agenda.title,
        text=agenda.text,
        state=agenda.state,
        backers=backers,
        members=found.members,
        demands=tuple(lines),
        history=history,
    )


def platform_view(db: Session, assembly_id: int, viewer: Person | None = None) -> PlatformView:
    """An upper assembly's platform (public, as proposals and escalations are), as `viewer`
    may see it: a demand raised from a members-only struggle, and that struggle's backing,
    only for those who may see the struggle."""
    reader = _Reader(db, viewer)
    assembly = get_assembly(reader.federation, assembly_id)
    if is_base(assembly.kind):
        raise NotFound(N_("A base assembly has no platform: its demands rise to the one above."))
    standing, merges = _standing(reader, assembly_id)
    candidates = reader.candidates(assembly_id)
    points = [
        _point(reader, root, group, merges, candidates[root]) for root, group in standing.items()
    ]
    points.sort(key=lambda p: (-p.members, -len(p.backers), p.id))
    pending = tuple(
        PendingMerge(m.vote_id, _title(reader, m.into), tuple(_title(reader, p) for p in m.merged))
        for m in reader.platform.merges(assembly_id)
        if m.state == "voting"
    )
    return PlatformView(assembly, tuple(points), pending)


def platforms(db: Session) -> list[PlatformSummary]:
    """Every upper assembly with at least one point, the national one first."""
    reader = _Reader(db)
    found = []
    for assembly in reader.everyone.values():
        if is_base(assembly.kind):
            continue
        standing, _merges = _standing(reader, assembly.id)
        if standing:
            found.append(PlatformSummary(assembly.id, assembly.name, len(standing)))
    depth = {
        a: len(rules.ancestors(a, {x.id: x.parent_id for x in reader.everyone.values()}))
        for a in reader.everyone
    }
    return sorted(found, key=lambda s: (depth[s.assembly_id], s.name.casefold()))


def propose_merge(
    db: Session,
    actor: Person,
    assembly_id: int,
    *,
    into: int,
    merged: list[int],
    now: datetime,
    days: int = VOTE_DAYS,
) -> MergeRecord:
    """A facilitator of the upper assembly puts merging duplicate points to its members."""
    assembly = check_facilitator_of(db, actor, assembly_id)
    FederationRepository(db).assembly(assembly.id, lock=True)  # one merge proposal at a time
    if not 1 <= days <= MAX_VOTE_DAYS:
        raise Invalid(N_("The vote must last between 1 and {max} days."), max=MAX_VOTE_DAYS)
    reader = _Reader(db)
    standing, _merges = _standing(reader, assembly.id)
    pending = {
        p
        for m in reader.platform.merges(assembly.id)
        if m.state == "voting"
        for p in (m.into, *m.merged)
    }
    chosen = rules.check_merge(into, merged, standing, pending)
    titles = "; ".join(f"«{_title(reader, p)[1][:60]}»" for p in chosen)
    question = (
        f"¿Fusionamos en «{_title(reader, into)[1][:80]}» los puntos {titles}? / "
        f"Do we merge {len(chosen)} point(s) into “{_title(reader, into)[1][:80]}”?"
    )
    spec = members_motion(question[:300], assembly.rules.quorum_percent, now, days)
    vote = votes.draft_vote(db, actor, assembly.id, spec)
    votes.open_vote(db, actor, vote.id, now)
    record = reader.platform.add_merge(assembly.id, into, chosen, vote.id, now)
    audit(
        db,
        actor,
        "mobilisation.merge_proposed",
        assembly.id,
        f"platform_merge:{record.id}",
        details={"vote_id": vote.id, "into": into, "merged": list(chosen)},
    )
    return record


def settle_merge(db: Session, vote_id: int, now: datetime) -> MergeRecord | None:
    """Apply a published merge vote (idempotent; None when the vote decides no merge).

    Passed: the points go into ``into`` — unless one of them no longer stands (merged by
    another vote, rejected by the members), when the merge is *superseded* and nothing moves."""
    repo = PlatformRepository(db)
    record = repo.merge_for_vote(vote_id, lock=True)
    if record is None or record.state != "voting":
        return record
    vote = VoteRepository(db).get(vote_id)
    if vote is None or vote.state is not VoteState.PUBLISHED:
        return record
    state = "rejected"
    if deliberation.motion_passed(db, vote_id):
        standing, _merges = _standing(_Reader(db), record.assembly_id)
        still = {record.into, *record.merged} <= standing.keys()
        state = "merged" if still else "superseded"
    repo.set_merge_state(record.id, state, now)
    audit(
        db,
        None,
        f"mobilisation.merge_{state}",
        record.assembly_id,
        f"platform_merge:{record.id}",
        details={"vote_id": vote_id, "into": record.into, "merged": list(record.merged)},
    )
    return repo.merge_for_vote(vote_id)
