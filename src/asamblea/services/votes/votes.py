"""Vote use cases: draft, open (freeze the roll), cast (one transaction), close and publish,
in-person counts with the two-person rule, and what each viewer may see."""

from __future__ import annotations

import hashlib
import hmac
import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from nacl.signing import SigningKey
from sqlalchemy.orm import Session

from asamblea.core import votes as rules
from asamblea.core.errors import N_, Conflict, DomainError, Forbidden, Invalid, NotFound
from asamblea.core.federation import Membership
from asamblea.core.ledger import (
    Ballot,
    Board,
    HeadStatement,
    InPersonCount,
    VoteHeader,
    check_ballot,
    close_board,
    format_utc,
    genesis,
    new_receipt,
    next_head,
    recount,
    sign,
    signing_key_from_seed,
    with_result,
)
from asamblea.core.people import Person
from asamblea.core.votes import Mode, Vote, VoteSpec, VoteState
from asamblea.services.encrypted_votes import ceremony
from asamblea.store.encrypted_votes_repository import EncryptedVoteRepository
from asamblea.store.federation_repository import (
    AuditRepository,
    FederationRepository,
    PeopleRepository,
)
from asamblea.store.votes_repository import InPersonRecord, VoteRepository

ACTA_MAX = 20_000


@dataclass(frozen=True)
class CastReceipt:
    """What a voter keeps: the receipt code and the signed chain head right after their ballot."""

    vote_id: int
    receipt: str
    statement: HeadStatement
    signature: str
    public_key: str


@dataclass(frozen=True)
class VoteView:
    """A vote as one viewer may see it."""

    vote: Vote
    assembly_name: str
    is_facilitator: bool
    on_roll: bool
    has_voted: bool
    can_cast: bool
    quorum_needed: int
    result: dict[str, object] | None
    in_person: InPersonRecord | None
    in_person_names: tuple[str, str | None] | None


def signing_key(secret: str) -> SigningKey:
    """The server's Ed25519 key, derived from its secret (HMAC-SHA256 as a KDF, then libsodium)."""
    seed = hmac.new(secret.encode("utf-8"), b"asamblea-ed25519-seed/1", hashlib.sha256).digest()
    return signing_key_from_seed(seed)


def draft_vote(db: Session, actor: Person, assembly_id: int, spec: VoteSpec) -> Vote:
    """A facilitator drafts a vote."""
    rules.check_facilitator(_membership(db, assembly_id, actor), assembly_id)
    vote = VoteRepository(db).add(assembly_id, spec, actor.id)
    _audit(db, actor, "vote.drafted", vote)
    return vote


def open_vote(db: Session, actor: Person, vote_id: int, now: datetime) -> Vote:
    """Open a draft: the roll is frozen to the assembly's active members at this moment (and,
    for a roll call upstairs, the weights its record shows beside each delegate)."""
    repo = VoteRepository(db)
    vote = _vote(repo, vote_id, lock=True)
    rules.check_facilitator(_membership(db, vote.assembly_id, actor), vote.assembly_id)
    rules.check_open(vote, now)
    ceremony.check_ready(db, vote.id)
    roll = repo.active_member_ids(vote.assembly_id)
    spec = vote.spec
    if now > spec.opens_at:  # opened late or early: the header says when it really opened
        spec = VoteSpec(**{**spec.__dict__, "opens_at": now.replace(microsecond=0)})
    opened = Vote(**{**vote.__dict__, "spec": spec, "roll_size": len(roll)})
    repo.open(vote.id, roll, genesis(opened.header()).hex(), spec.opens_at)
    _audit(db, actor, "vote.opened", vote, {"roll_size": len(roll)})
    found = _vote(repo, vote_id)
    ceremony.freeze(db, found)
    assembly = FederationRepository(db).assembly(found.assembly_id)
    if assembly is not None:
        # Imported here: the delegation package imports this module (elections are votes).
        from asamblea.services.delegation import roll_call_weights  # noqa: PLC0415

        roll_call_weights.freeze_weights(db, found, assembly)
    return found


def cast(
    db: Session,
    voter: Person,
    vote_id: int,
    selection: list[int],
    *,
    now: datetime,
    key: SigningKey,
) -> CastReceipt:
    """Cast one ballot: mark the voter and append the ballot, with nothing that links the two."""
    repo = VoteRepository(db)
    vote = _vote(repo, vote_id, lock=True)
    rules.check_cast(vote, now)
    _check_plaintext(db, vote.id)
    rules.check_selection_size(vote, selection)
    header = vote.header()
    ballot = Ballot(new_receipt(), tuple(selection))
    check_ballot(header, ballot)
    standing = repo.on_roll(vote.id, voter.id)
    if standing is None:
        raise Forbidden(N_("You are not on this vote's roll."))
    rules.check_still_member(voter.id in repo.active_among(vote.assembly_id, [voter.id]))
    if standing or not repo.mark_voted(vote.id, voter.id):
        raise Conflict(N_("You have already voted in this vote."))
    assert vote.head is not None  # noqa: S101 - set when the vote opened
    head = next_head(bytes.fromhex(vote.head), ballot).hex()
    position = vote.length + 1
    repo.append(
        vote.id, position, ballot, head, voter.id if vote.spec.mode is Mode.ROLL_CALL else None
    )
    assert vote.genesis is not None  # noqa: S101
    statement = HeadStatement(header.vote_id, vote.genesis, position, head)
    return CastReceipt(
        vote.id, ballot.receipt, statement, sign(key, statement), bytes(key.verify_key).hex()
    )


def cast_many(
    db: Session,
    vote_id: int,
    casts: Sequence[tuple[Person, list[int]]],
    *,
    now: datetime,
    key: SigningKey,
) -> list[CastReceipt | DomainError]:
    """Cast several ballots in one vote, in order, as `cast` would one after another — the
    group-commit writer's batch. Each refusal is decided before anything is written, so it
    never affects the others; then one lock, one roll read, one roll update and one insert."""
    repo = VoteRepository(db)
    vote = repo.get(vote_id, lock=True)
    if vote is None:
        return [NotFound(N_("That vote does not exist.")) for _ in casts]
    if EncryptedVoteRepository(db).is_encrypted(vote_id):
        return [_encrypted() for _ in casts]
    header = vote.header()
    standing = repo.standings(vote.id, [voter.id for voter, _ in casts])
    active = repo.active_among(vote.assembly_id, list(standing))
    outcomes: list[CastReceipt | DomainError | None] = []  # None: admitted, receipt to come
    admitted: list[tuple[int, Person, Ballot]] = []
    for index, (voter, selection) in enumerate(casts):
        try:
            ballot = _admit(
                vote, header, voter, selection, standing=standing, active=active, now=now
            )
            admitted.append((index, voter, ballot))
            outcomes.append(None)
        except DomainError as error:
            outcomes.append(error)
    if admitted:
        _append_admitted(repo, vote, header, admitted, outcomes, key=key)
    return [outcome for outcome in outcomes if outcome is not None]


def _append_admitted(
    repo: VoteRepository,
    vote: Vote,
    header: VoteHeader,
    admitted: list[tuple[int, Person, Ballot]],
    outcomes: list[CastReceipt | DomainError | None],
    *,
    key: SigningKey,
) -> None:
    if repo.mark_many_voted(vote.id, [voter.id for _, voter, _ in admitted]) != len(admitted):
        msg = f"vote {vote.id}: the roll changed under the vote's lock"
        raise RuntimeError(msg)  # cannot happen: every cast takes the vote's lock first
    assert vote.head is not None  # noqa: S101 - set when the vote opened
    assert vote.genesis is not None  # noqa: S101
    head, position, public_key = bytes.fromhex(vote.head), vote.length, bytes(key.verify_key).hex()
    entries: list[tuple[int, Ballot, str, int | None]] = []
    for index, voter, ballot in admitted:
        head, position = next_head(head, ballot), position + 1
        roll_call = voter.id if vote.spec.mode is Mode.ROLL_CALL else None
        entries.append((position, ballot, head.hex(), roll_call))
        statement = HeadStatement(header.vote_id, vote.genesis, position, head.hex())
        outcomes[index] = CastReceipt(
            vote.id, ballot.receipt, statement, sign(key, statement), public_key
        )
    repo.append_many(vote.id, entries)


def _admit(
    vote: Vote,
    header: VoteHeader,
    voter: Person,
    selection: list[int],
    *,
    standing: dict[int, bool],
    active: set[int],
    now: datetime,
) -> Ballot:
    """`cast`'s checks, in its order, against the batch's view of the roll (updated here)."""
    rules.check_cast(vote, now)
    rules.check_selection_size(vote, selection)
    ballot = Ballot(new_receipt(), tuple(selection))
    check_ballot(header, ballot)
    if voter.id not in standing:
        raise Forbidden(N_("You are not on this vote's roll."))
    rules.check_still_member(voter.id in active)
    if standing[voter.id]:
        raise Conflict(N_("You have already voted in this vote."))
    standing[voter.id] = True
    return ballot


def close_vote(db: Session, actor: Person, vote_id: int, now: datetime, key: SigningKey) -> Vote:
    """Close an open vote, count it, seal the board and publish the result."""
    repo = VoteRepository(db)
    vote = _vote(repo, vote_id, lock=True)
    rules.check_facilitator(_membership(db, vote.assembly_id, actor), vote.assembly_id)
    rules.check_close(vote, now)
    _check_plaintext(db, vote.id)
    board = _seal(repo, vote, now, key, in_person=None)
    _audit(db, actor, "vote.published", vote, {"ballots": len(board.receipts)})
    return _vote(repo, vote_id)


def close_due_vote(db: Session, vote_id: int, now: datetime, key: SigningKey) -> Vote | None:
    """The runner's close: an open online vote past its closing time is counted, sealed and
    published, with no person as the audit's actor. None (and nothing written) when the vote
    is not, or no longer, due — a vote another runner or a facilitator already closed."""
    repo = VoteRepository(db)
    vote = _vote(repo, vote_id, lock=True)
    if not publish_due(db, vote, None, now, key):
        return None
    return _vote(repo, vote_id)


def publish_due(
    db: Session, vote: Vote, ballots: Sequence[Ballot] | None, now: datetime, key: SigningKey
) -> bool:
    """Count, seal and publish ``vote`` (read, and its row held, by the caller) when it is an
    open online vote past its closing time; False, with nothing written, when it is not.

    ``ballots`` are the vote's ballots when the caller read them already (the runner reads a
    whole group's in one query); None reads them here."""
    if vote.state is not VoteState.OPEN or vote.spec.mode is Mode.IN_PERSON:
        return False
    if now < vote.spec.closes_at:
        return False
    board = _seal(VoteRepository(db), vote, now, key, in_person=None, ballots=ballots)
    AuditRepository(db).record(
        None,
        "vote.published",
        vote.assembly_id,
        f"vote:{vote.id}",
        {"ballots": len(board.receipts), "by": "system"},
    )
    return True


def record_in_person(
    db: Session, actor: Person, vote_id: int, *, counts: list[int], attendance: int, acta: str
) -> None:
    """A facilitator records a show-of-hands or paper count with its minutes (*acta*)."""
    repo = VoteRepository(db)
    vote = _vote(repo, vote_id, lock=True)
    rules.check_facilitator(_membership(db, vote.assembly_id, actor), vote.assembly_id)
    if vote.spec.mode is not Mode.IN_PERSON or vote.state is not VoteState.DRAFT:
        raise Conflict(N_("Only an in-person vote that is not yet official takes a count."))
    roll = len(repo.active_member_ids(vote.assembly_id))
    rules.check_in_person_counts(counts, attendance, len(vote.spec.options), roll)
    acta = acta.strip()
    if not acta or len(acta) > ACTA_MAX:
        raise Invalid(
            N_("The minutes (acta) must have between 1 and {max} characters."), max=ACTA_MAX
        )
    repo.set_roll_size(vote.id, roll)
    repo.record_in_person(vote.id, counts, attendance, acta, actor.id)
    _audit(db, actor, "vote.in_person_recorded", vote, {"attendance": attendance})


def confirm_in_person(
    db: Session, actor: Person, vote_id: int, now: datetime, key: SigningKey
) -> Vote:
    """A second active member confirms the in-person count; it becomes official and is published."""
    repo = VoteRepository(db)
    vote = _vote(repo, vote_id, lock=True)
    record = repo.in_person(vote.id, lock=True)
    if record is None or vote.state is not VoteState.DRAFT:
        raise Conflict(N_("There is no in-person count waiting for confirmation."))
    rules.check_confirm_in_person(
        record.recorded_by, _membership(db, vote.assembly_id, actor), vote.assembly_id
    )
    repo.confirm_in_person(vote.id, actor.id, now)
    names = PeopleRepository(db).usernames([record.recorded_by, actor.id])
    count = InPersonCount(
        record.counts,
        record.attendance,
        record.acta,
        names[record.recorded_by],
        names[actor.id],
        format_utc(now),
    )
    opened = _vote(repo, vote_id)
    repo.open(
        vote.id,
        [],
        genesis(opened.header()).hex(),
        opened.spec.opens_at,
        roll_size=opened.roll_size or 0,
    )
    _seal(repo, _vote(repo, vote_id), now, key, in_person=count)
    _audit(db, actor, "vote.in_person_confirmed", vote)
    return _vote(repo, vote_id)


def vote_view(db: Session, viewer: Person | None, vote_id: int) -> VoteView:
    """A vote page's data: results only once published, never who voted what."""
    repo = VoteRepository(db)
    vote = _vote(repo, vote_id)
    mine = _membership(db, vote.assembly_id, viewer) if viewer else None
    if not rules.can_see(vote, mine):
        raise NotFound(N_("That vote does not exist."))
    standing = repo.on_roll(vote.id, viewer.id) if viewer else None
    assembly = FederationRepository(db).assembly(vote.assembly_id)
    record = repo.in_person(vote.id)
    names = None
    if record is not None:
        people = PeopleRepository(db).usernames([record.recorded_by, record.confirmed_by or 0])
        names = (people[record.recorded_by], people.get(record.confirmed_by or 0))
    published = vote.state is VoteState.PUBLISHED
    return VoteView(
        vote=vote,
        assembly_name=assembly.name if assembly else "",
        is_facilitator=bool(mine and mine.is_facilitator),
        on_roll=standing is not None,
        has_voted=bool(standing),
        can_cast=standing is False and vote.state is VoteState.OPEN,
        quorum_needed=math.ceil((vote.roll_size or 0) * vote.spec.quorum_percent / 100),
        result=repo.signatures(vote.id)[2] if published else None,
        in_person=record,
        in_person_names=names,
    )


def is_members_only(db: Session, vote_id: int) -> bool:
    """Whether this vote exists and is for its assembly's members only. A page may say so to
    someone who cannot see it (never its assembly, question or dates): vote numbers are
    sequential and public votes are listed publicly, so the gaps already show that such votes
    exist."""
    vote = VoteRepository(db).get(vote_id)
    return vote is not None and not vote.spec.public


def votes_of(db: Session, viewer: Person | None, assembly_id: int) -> list[Vote]:
    """The votes of an assembly that this viewer may see."""
    if FederationRepository(db).assembly(assembly_id) is None:
        raise NotFound(N_("That assembly does not exist."))
    mine = _membership(db, assembly_id, viewer) if viewer else None
    return [v for v in VoteRepository(db).of_assembly(assembly_id) if rules.can_see(v, mine)]


def board(db: Session, viewer: Person | None, vote_id: int, key: SigningKey) -> Board:
    """The public bulletin board of a published vote."""
    view = vote_view(db, viewer, vote_id)
    vote = view.vote
    if vote.state is not VoteState.PUBLISHED:
        raise Conflict(N_("The board is published when the vote closes."))
    _check_plaintext(db, vote.id)  # its board is services/encrypted_votes/closing.board
    repo = VoteRepository(db)
    head_signature, seal_signature, result = repo.signatures(vote.id)
    ballots = repo.ballots(vote.id)
    count = None
    if view.in_person is not None and view.in_person_names is not None:
        record, names = view.in_person, view.in_person_names
        confirmed_at = record.confirmed_at or record.recorded_at
        count = InPersonCount(
            record.counts,
            record.attendance,
            record.acta,
            names[0],
            names[1] or "",
            format_utc(confirmed_at),
        )
    assert vote.genesis is not None  # noqa: S101 - set at publication
    assert vote.seed is not None  # noqa: S101
    assert vote.closed_at is not None  # noqa: S101
    return Board(
        header=vote.header(),
        voters=vote.voters,
        closed_at=format_utc(vote.closed_at),
        seed=vote.seed,
        receipts=[b[0] for b in ballots],
        selections=[list(b[1]) for b in ballots],
        genesis=vote.genesis,
        heads=[b[2] for b in ballots],
        public_key=bytes(key.verify_key).hex(),
        head_signature=head_signature or "",
        seal_signature=seal_signature or "",
        result=result,
        in_person=count,
    )


def _seal(
    repo: VoteRepository,
    vote: Vote,
    now: datetime,
    key: SigningKey,
    in_person: InPersonCount | None,
    *,
    ballots: Sequence[Ballot] | None = None,
) -> Board:
    """Build the board, count it, and store the seal: the board is built and its chain hashed
    once; `with_result` re-signs the seal with the result (the head statement is unchanged)."""
    if ballots is None:
        ballots = [Ballot(receipt, selection) for receipt, selection, _, _ in repo.ballots(vote.id)]
    closed_at = now.replace(microsecond=0)
    assert vote.head is not None  # noqa: S101 - opened votes have a head
    seed = rules.seed_for(vote.head)
    draft = close_board(
        vote.header(),
        ballots,
        voters=vote.voters,
        closed_at=format_utc(closed_at),
        seed=seed,
        key=key,
        result=None,
        in_person=in_person,
    )
    result = dict(recount(draft))
    sealed = with_result(draft, key, result)
    repo.publish(
        vote.id,
        state=VoteState.PUBLISHED,
        seed=seed,
        closed_at=closed_at,
        head_signature=sealed.head_signature,
        seal_signature=sealed.seal_signature,
        result=result,
    )
    return sealed


def _encrypted() -> Conflict:
    return Conflict(N_("This vote is encrypted: its ballots are cast and counted encrypted."))


def _check_plaintext(db: Session, vote_id: int) -> None:
    """Refuse a plaintext ballot or count in an encrypted vote (services/encrypted_votes)."""
    if EncryptedVoteRepository(db).is_encrypted(vote_id):
        raise _encrypted()


def _vote(repo: VoteRepository, vote_id: int, *, lock: bool = False) -> Vote:
    vote = repo.get(vote_id, lock=lock)
    if vote is None:
        raise NotFound(N_("That vote does not exist."))
    return vote


def _membership(db: Session, assembly_id: int, person: Person | None) -> Membership | None:
    return FederationRepository(db).membership_of(assembly_id, person.id) if person else None


def _audit(
    db: Session, actor: Person, action: str, vote: Vote, details: dict[str, object] | None = None
) -> None:
    AuditRepository(db).record(
        actor.id, action, vote.assembly_id, f"vote:{vote.id}", dict(details or {})
    )
