"""The oversight committee (*Comité de Vigilancia*) of a budgeting process, elected by the members.

In the formalisation phase active members stand as candidates (and may withdraw until an
election opens). A facilitator then opens the election: an STV vote of
`asamblea.services.votes.votes` among the candidates, with the number of seats the facilitator
sets, open at once to the assembly's active members (the roll is frozen then) until its closing
time. It closes like any vote (at its closing time, or earlier once everyone on the roll has
voted) and, once published, `settle_committee_election` seats its winners — idempotent, as
delegate elections are: the process page and `budgeting.advance` call it, so nobody has to
remember to. One election runs at a time; another may open only if the last one seated nobody.

Why members and not only the participating agents (as Ley 28056's regulation has it): in an
assembly's own process every member votes on the projects, so every member may stand and vote
for the people who will watch over them. Every use case runs in the caller's transaction and
never commits; each refusal is raised before anything is written.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from asamblea.core.errors import N_, Conflict, NotFound
from asamblea.core.federation import MembershipState
from asamblea.core.people import Person
from asamblea.core.votes import OPTIONS_MAX, Mode, Vote, make_spec
from asamblea.services.budgeting.access import (
    audit,
    check_facilitator,
    check_member,
    check_phase,
    find_process,
    membership,
)
from asamblea.services.votes import votes
from asamblea.services.votes.elected import elected
from asamblea.store.budgeting_repository import BudgetRepository, Election, Process, Seat
from asamblea.store.federation_repository import FederationRepository, PeopleRepository
from asamblea.store.votes_repository import VoteRepository

SEATS_MAX = OPTIONS_MAX - 1
"""At most this many seats (an STV vote takes at most `OPTIONS_MAX` candidates, and more
candidates than seats)."""


@dataclass(frozen=True)
class Committee:
    """The committee as members see it: candidates, the latest election and its vote, seats."""

    candidates: tuple[int, ...]
    election: Election | None
    vote: Vote | None
    seats: tuple[Seat, ...]

    @property
    def is_voting(self) -> bool:
        """An election is open, or closed and not yet settled."""
        return self.election is not None and not self.election.settled

    @property
    def is_elected(self) -> bool:
        """The committee has its members."""
        return bool(self.seats)

    def holds_seat(self, person_id: int) -> bool:
        """Whether this person sits on the committee."""
        return any(s.person_id == person_id for s in self.seats)


def stand(db: Session, actor: Person, process_id: int) -> None:
    """An active member stands as a candidate for the committee."""
    repo = BudgetRepository(db)
    process = find_process(repo, process_id, lock=True)
    check_member(membership(db, process.assembly_id, actor))
    _check_candidacies_open(repo, process)
    if actor.id in repo.candidates(process.id):
        raise Conflict(N_("You are already a candidate for the committee."))
    repo.add_candidate(process.id, actor.id)
    audit(db, actor, "budget.candidate_stood", process)


def withdraw(db: Session, actor: Person, process_id: int) -> None:
    """A candidate withdraws, before the election opens."""
    repo = BudgetRepository(db)
    process = find_process(repo, process_id, lock=True)
    check_member(membership(db, process.assembly_id, actor))
    _check_candidacies_open(repo, process)
    if actor.id not in repo.candidates(process.id):
        raise Conflict(N_("You are not a candidate for the committee."))
    repo.remove_candidate(process.id, actor.id)
    audit(db, actor, "budget.candidate_withdrew", process)


def open_committee_election(
    db: Session, actor: Person, process_id: int, *, seats: int, now: datetime, closes_at: datetime
) -> Vote:
    """A facilitator opens the STV election of the committee among the candidates who are still
    active members; the vote opens now, its roll the assembly's active members."""
    repo = BudgetRepository(db)
    process = find_process(repo, process_id, lock=True)
    check_facilitator(membership(db, process.assembly_id, actor), process.assembly_id)
    _check_candidacies_open(repo, process)
    active = FederationRepository(db).memberships(process.assembly_id, MembershipState.ACTIVE)
    standing = {m.person_id for m in active} & set(repo.candidates(process.id))
    names = PeopleRepository(db).usernames(standing)
    candidates = sorted(standing, key=lambda p: (names[p].casefold(), p))
    spec = make_spec(
        question=f"Comité de Vigilancia: {process.title}",
        options=[names[p] for p in candidates],
        rule="stv",
        seats=seats,
        threshold="simple",
        quorum_percent=0,
        mode=Mode.SECRET,
        public=False,
        opens_at=now.replace(microsecond=0),
        closes_at=closes_at,
    )
    vote = votes.draft_vote(db, actor, process.assembly_id, spec)
    opened = votes.open_vote(db, actor, vote.id, now)
    repo.add_election(process.id, vote.id, candidates)
    audit(db, actor, "budget.committee_election_opened", process, {"vote": vote.id, "seats": seats})
    return opened


def settle_committee_election(db: Session, vote_id: int) -> list[int]:
    """Once the election's vote is published, seat its winners (ids returned). Idempotent."""
    repo = BudgetRepository(db)
    election = repo.election(vote_id, lock=True)
    if election is None:
        raise NotFound(N_("That vote is not a committee election."))
    winners = None if election.settled else elected(db, vote_id, election.candidates)
    if winners is None:
        return []
    for person_id in winners:
        repo.add_seat(election.process_id, person_id, vote_id)
    repo.mark_settled(vote_id)
    process = find_process(repo, election.process_id)
    audit(db, None, "budget.committee_elected", process, {"vote": vote_id, "people": winners})
    return winners


def settle_published(db: Session, process_id: int) -> None:
    """Settle every published, unsettled committee election of the process."""
    for election in BudgetRepository(db).elections(process_id):
        if not election.settled:
            settle_committee_election(db, election.vote_id)


def committee_of(db: Session, process_id: int) -> Committee:
    """The committee of a process (the caller has checked the viewer may see the process)."""
    repo = BudgetRepository(db)
    elections = repo.elections(process_id)
    latest = elections[-1] if elections else None
    vote = VoteRepository(db).get(latest.vote_id) if latest else None
    return Committee(
        candidates=tuple(repo.candidates(process_id)),
        election=latest,
        vote=vote,
        seats=tuple(repo.seats(process_id)),
    )


def _check_candidacies_open(repo: BudgetRepository, process: Process) -> None:
    """Candidacies and elections belong to the formalisation, before the committee exists."""
    check_phase(process, "formalisation")
    if repo.seats(process.id):
        raise Conflict(N_("The oversight committee is already elected."))
    if any(not e.settled for e in repo.elections(process.id)):
        raise Conflict(N_("The committee's election is under way."))
