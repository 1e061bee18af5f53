"""Votes in an assembly: what a vote is, its life (draft → open → closed → published), who may
cast, and the in-person count's two-person rule. Pure rules; the ledger does the cryptography.

A vote has a ballot kind (``choice``, ``approval``, ``ranking``) and a counting rule from the
registry whose ballot kind fits. A yes/no *motion* is a ``choice`` vote over the options
(Sí, No, Abstención) counted by the ``majority`` rule with a threshold.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from fractions import Fraction

from asamblea.core.errors import N_, Conflict, Forbidden, Invalid
from asamblea.core.federation import Membership
from asamblea.core.ledger.chain import BallotKind, VoteHeader

MOTION_OPTIONS = ("Sí", "No", "Abstención")
THRESHOLDS = ("simple", "majority_of_cast", "absolute", "two_thirds", "two_thirds_of_roll")
QUESTION_MAX, OPTION_MAX, OPTIONS_MAX = 300, 200, 50
MAX_DURATION = timedelta(days=60)


class VoteState(StrEnum):
    """Where a vote is in its life."""

    DRAFT = "draft"
    OPEN = "open"
    CLOSED = "closed"
    PUBLISHED = "published"


class Mode(StrEnum):
    """How members vote: a secret ballot online, a public roll call, or in person (hands/paper)."""

    SECRET = "secret"  # noqa: S105 - a ballot mode, not a password
    ROLL_CALL = "roll_call"
    IN_PERSON = "in_person"


#: The ballot kind each registered rule counts (kept in step with the tally registry by a test).
RULE_KINDS: dict[str, BallotKind] = {
    "majority": BallotKind.CHOICE,
    "plurality": BallotKind.CHOICE,
    "approval": BallotKind.APPROVAL,
    "irv": BallotKind.RANKING,
    "schulze": BallotKind.RANKING,
    "ranked_pairs": BallotKind.RANKING,
    "stv": BallotKind.RANKING,
    "meek": BallotKind.RANKING,
}
MULTI_WINNER = frozenset({"plurality", "approval", "stv", "meek"})


@dataclass(frozen=True)
class VoteSpec:
    """What a facilitator decides when drafting a vote."""

    question: str
    options: tuple[str, ...]
    rule: str
    seats: int
    threshold: str
    quorum_percent: int
    mode: Mode
    public: bool
    opens_at: datetime
    closes_at: datetime

    @property
    def kind(self) -> BallotKind:
        """The ballot kind the rule counts."""
        return RULE_KINDS[self.rule]


@dataclass(frozen=True)
class Vote:
    """A vote as stored."""

    id: int
    assembly_id: int
    spec: VoteSpec
    state: VoteState
    roll_size: int | None
    length: int
    voters: int
    genesis: str | None
    head: str | None
    seed: str | None
    closed_at: datetime | None

    def header(self) -> VoteHeader:
        """The ledger header fixed at opening (only for opened votes)."""
        if self.roll_size is None:
            raise Conflict(N_("This vote has not been opened yet."))
        return VoteHeader(
            vote_id=f"asamblea-vote-{self.id}",
            question=self.spec.question,
            options=self.spec.options,
            kind=self.spec.kind,
            rule=self.spec.rule,
            seats=self.spec.seats,
            quorum=Fraction(self.spec.quorum_percent, 100),
            roll_size=self.roll_size,
            opens_at=self.spec.opens_at,
            threshold=self.spec.threshold if self.spec.rule == "majority" else None,
        )


def members_motion(question: str, quorum_percent: int, now: datetime, days: int) -> VoteSpec:
    """A yes/no motion put to an assembly's members (planning targets, rule changes): secret
    ballot, public board, the assembly's quorum, simple majority (Sí over No), open from now
    (to the second) for `days` days."""
    opens_at = now.replace(microsecond=0)
    return make_spec(
        question=question,
        options=[],
        rule="majority",
        seats=1,
        threshold="simple",
        quorum_percent=quorum_percent,
        mode=Mode.SECRET,
        public=True,
        opens_at=opens_at,
        closes_at=opens_at + timedelta(days=days),
    )


def make_spec(
    *,
    question: str,
    options: list[str],
    rule: str,
    seats: int,
    threshold: str,
    quorum_percent: int,
    mode: Mode,
    public: bool,
    opens_at: datetime,
    closes_at: datetime,
) -> VoteSpec:
    """Validate a draft: the rule exists, options are distinct, times make sense."""
    question = " ".join(question.split())
    if not question or len(question) > QUESTION_MAX:
        raise Invalid(
            N_("The question must have between 1 and {max} characters."), max=QUESTION_MAX
        )
    if rule not in RULE_KINDS:
        raise Invalid(N_("Unknown counting rule."))
    cleaned = list(MOTION_OPTIONS) if rule == "majority" else [" ".join(o.split()) for o in options]
    cleaned = [o for o in cleaned if o]
    if not 2 <= len(cleaned) <= OPTIONS_MAX or any(len(o) > OPTION_MAX for o in cleaned):
        raise Invalid(N_("A vote needs between 2 and {max} options."), max=OPTIONS_MAX)
    if len(set(cleaned)) != len(cleaned):
        raise Invalid(N_("Two options have the same text."))
    if threshold not in THRESHOLDS:
        raise Invalid(N_("Unknown majority threshold."))
    seats = seats if rule in MULTI_WINNER else 1
    if not 1 <= seats < len(cleaned) + (rule not in {"stv", "meek"}):
        raise Invalid(N_("Seats must be at least one and fewer than the candidates."))
    if mode is Mode.IN_PERSON and rule not in {"majority", "plurality"}:
        raise Invalid(N_("Counts by show of hands work with the majority or plurality rules."))
    if not 0 <= quorum_percent <= 100:
        raise Invalid(N_("The quorum must be between 0 % and 100 %."))
    if opens_at.tzinfo is None or closes_at.tzinfo is None:
        raise Invalid(N_("Times need a time zone."))
    if not opens_at < closes_at <= opens_at + MAX_DURATION:
        raise Invalid(N_("The vote must close after it opens, and within 60 days."))
    return VoteSpec(
        question,
        tuple(cleaned),
        rule,
        seats,
        threshold,
        quorum_percent,
        mode,
        public,
        opens_at,
        closes_at,
    )


def check_facilitator(actor: Membership | None, assembly_id: int) -> None:
    """Drafting, opening and closing are for the assembly's active facilitators."""
    if actor is None or actor.assembly_id != assembly_id or not actor.is_facilitator:
        raise Forbidden(N_("Only a facilitator of this assembly can do this."))


def can_see(vote: Vote, viewer: Membership | None) -> bool:
    """Public votes are seen by anyone; the others by the assembly's active members."""
    return vote.spec.public or (viewer is not None and viewer.is_active)


def check_open(vote: Vote, now: datetime) -> None:
    """A draft opens from its opening time on (a facilitator may open it early: it starts now)."""
    if vote.state is not VoteState.DRAFT:
        raise Conflict(N_("Only a draft vote can be opened."))
    if vote.spec.mode is Mode.IN_PERSON:
        raise Conflict(N_("An in-person vote is not opened online: record its count."))
    if now >= vote.spec.closes_at:
        raise Conflict(N_("The closing time has already passed."))


def check_cast(vote: Vote, now: datetime) -> None:
    """Ballots are accepted while the vote is open and its closing time has not come."""
    if vote.state is not VoteState.OPEN:
        raise Conflict(N_("This vote is not open."))
    if now >= vote.spec.closes_at:
        raise Conflict(N_("This vote has closed."))


def check_still_member(is_active_member: bool) -> None:
    """Only who is still an active member may cast: the roll stays as it was frozen (the quorum
    and the board count it), but a member suspended, or who left, since the vote opened does
    not vote — by any path (page, API, the batch writer)."""
    if not is_active_member:
        raise Forbidden(
            N_("You are no longer an active member of this assembly, so you cannot vote.")
        )


def check_close(vote: Vote, now: datetime) -> None:
    """A vote closes at its closing time, or earlier once everyone on the roll has voted."""
    if vote.state is not VoteState.OPEN:
        raise Conflict(N_("Only an open vote can be closed."))
    if now < vote.spec.closes_at and vote.voters < (vote.roll_size or 0):
        raise Conflict(N_("The vote closes at its closing time, unless everyone has voted."))


def check_selection_size(vote: Vote, selection: list[int]) -> None:
    """Single-choice ballots hold at most one option; others at most all of them."""
    if vote.spec.kind is BallotKind.CHOICE and len(selection) > 1:
        raise Invalid(N_("Choose only one option."))


def check_confirm_in_person(
    recorded_by: int, confirmer: Membership | None, assembly_id: int
) -> None:
    """Two-person rule: another active member of the assembly confirms the count."""
    if confirmer is None or confirmer.assembly_id != assembly_id or not confirmer.is_active:
        raise Forbidden(N_("Only active members of this assembly can confirm the count."))
    if confirmer.person_id == recorded_by:
        raise Forbidden(N_("The count must be confirmed by someone other than who recorded it."))


def check_in_person_counts(counts: list[int], attendance: int, options: int, roll: int) -> None:
    """Counts are per option, non-negative, and add up to no more than the attendance."""
    if len(counts) != options or any(c < 0 for c in counts):
        raise Invalid(N_("Give one count per option, none negative."))
    if not 0 <= sum(counts) <= attendance <= roll:
        raise Invalid(N_("The counts exceed the attendance, or the attendance exceeds the roll."))


def seed_for(head_hex: str) -> str:
    """The public tie-break seed: fixed by the final head, so nobody knows it before closing."""
    return hashlib.sha256(b"asamblea-seed/1" + bytes.fromhex(head_hex)).hexdigest()
