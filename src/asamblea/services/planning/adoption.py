"""A base assembly adopts its targets by a vote of its members
(`asamblea.core.planning.adoption`).

`draft_targets`: a facilitator of the base assembly drafts the targets, which go at once to the
members as a yes/no vote of `asamblea.services.votes.votes` (secret ballot, public board, the
assembly's quorum, simple majority), linked to the draft by id. `settle_draft` / `settle_round`:
once the vote is published the draft is adopted or rejected — idempotent, like
`asamblea.services.deliberation.settle_proposal`, whose `motion_passed` decides it.

Use cases take a `Session` and never commit. Refusals raise before anything is written.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from asamblea.core.errors import N_, Invalid, NotFound
from asamblea.core.federation import Assembly
from asamblea.core.people import Person
from asamblea.core.planning.adoption import (
    DraftState,
    check_can_draft,
    state_after_vote,
    targets_question,
)
from asamblea.core.votes import VoteState, members_motion
from asamblea.services.deliberation import motion_passed
from asamblea.services.planning.checks import (
    audit,
    check_facilitator,
    check_open,
    get_round,
    participant,
)
from asamblea.services.votes import votes
from asamblea.store.federation_repository import AuditRepository, FederationRepository
from asamblea.store.planning_repository import PlanningRepository, PlanningRound, TargetDraft
from asamblea.store.votes_repository import VoteRepository

NOTE_MAX = 4000
MAX_CHANGE_PERCENT = 1000.0
MAX_LEVEL = 1e15
VOTE_DAYS = 7
"""How long the members' vote on a draft stays open by default."""
MAX_VOTE_DAYS = 60


def draft_targets(
    db: Session,
    actor: Person,
    round_id: int,
    assembly_id: int,
    *,
    levels: Mapping[str, float],
    changes: Mapping[str, float],
    note: str = "",
    now: datetime,
    days: int = VOTE_DAYS,
) -> TargetDraft:
    """A facilitator of a base assembly drafts its targets and puts them to its members: a
    yes/no vote (secret, public board, the assembly's quorum) opens now for `days` days."""
    repo = PlanningRepository(db)
    found = _checked(
        db,
        actor,
        round_id,
        assembly_id,
        levels=levels,
        changes=changes,
        note=note,
        days=days,
        lock=True,
    )
    assembly, clean_levels, clean_changes, note = (
        found.assembly,
        dict(found.levels),
        dict(found.changes),
        found.note,
    )
    digest, question = found.digest, found.question
    vote = votes.draft_vote(
        db, actor, assembly.id, members_motion(question, assembly.rules.quorum_percent, now, days)
    )
    votes.open_vote(db, actor, vote.id, now)
    draft = repo.add_draft(
        round_id,
        assembly.id,
        levels=clean_levels,
        changes=clean_changes,
        note=note,
        digest=digest,
        drafted_by=actor.id,
        at=now,
        vote_id=vote.id,
    )
    audit(
        db,
        actor,
        "planning.targets_drafted",
        found.round,
        {"assembly_id": assembly.id, "vote_id": vote.id},
    )
    return draft


@dataclass(frozen=True)
class TargetsPreview:
    """What a draft of targets would put to the members' vote, checked but not written: the
    page shows it (beside the previous levels) before the vote opens for `days` days."""

    round: PlanningRound
    assembly: Assembly
    levels: Mapping[str, float]
    changes: Mapping[str, float]
    note: str
    days: int
    digest: str
    question: str


def preview_targets(
    db: Session,
    actor: Person,
    round_id: int,
    assembly_id: int,
    *,
    levels: Mapping[str, float],
    changes: Mapping[str, float],
    note: str = "",
    days: int = VOTE_DAYS,
) -> TargetsPreview:
    """Every check `draft_targets` makes, and what it would put to the vote; nothing written."""
    return _checked(
        db,
        actor,
        round_id,
        assembly_id,
        levels=levels,
        changes=changes,
        note=note,
        days=days,
        lock=False,
    )


def _checked(
    db: Session,
    actor: Person,
    round_id: int,
    assembly_id: int,
    *,
    levels: Mapping[str, float],
    changes: Mapping[str, float],
    note: str,
    days: int,
    lock: bool,
) -> TargetsPreview:
    repo = PlanningRepository(db)
    planning_round = get_round(repo, round_id, lock=lock)
    federation = FederationRepository(db)
    assembly = participant(federation, planning_round, assembly_id)
    check_facilitator(federation.membership_of(assembly.id, actor.id), assembly.id)
    check_open(planning_round)
    check_can_draft(d.state for d in repo.drafts_of(round_id, assembly.id))
    clean_levels, clean_changes = _check_targets(planning_round, levels, changes)
    note = note.strip()
    if len(note) > NOTE_MAX:
        raise Invalid(N_("The text is too long (at most {max} characters)."), max=NOTE_MAX)
    if not 1 <= days <= MAX_VOTE_DAYS:
        raise Invalid(N_("The vote must last between 1 and {max} days."), max=MAX_VOTE_DAYS)
    digest = targets_digest(round_id, assembly.id, clean_levels, clean_changes, note)
    question = targets_question(
        planning_round.title, planning_round.goods, clean_levels, clean_changes, digest
    )
    return TargetsPreview(
        planning_round, assembly, clean_levels, clean_changes, note, days, digest, question
    )


def settle_draft(db: Session, draft_id: int) -> TargetDraft:
    """Once the draft's vote is published, the draft is adopted (the motion carried: the vote's
    roll becomes its weight) or rejected (the assembly may draft again).

    Idempotent: a draft already settled, or whose vote is not published yet, is returned as it
    is. Settling is recorded even after the round's plan is published (it then did not count;
    the plan lists the targets that did)."""
    repo = PlanningRepository(db)
    draft = repo.draft(draft_id, lock=True)
    if draft is None:
        raise NotFound(N_("That draft of targets does not exist."))
    if draft.state is not DraftState.VOTING or draft.vote_id is None:
        return draft
    vote = VoteRepository(db).get(draft.vote_id)
    if vote is None or vote.state is not VoteState.PUBLISHED:
        return draft
    state = state_after_vote(motion_passed(db, vote.id))
    members = vote.roll_size if state is DraftState.ADOPTED else None
    repo.settle(draft.id, state, members, vote.closed_at or draft.drafted_at)
    planning_round = get_round(repo, draft.round_id)
    AuditRepository(db).record(
        None,
        "planning.targets_settled",
        planning_round.assembly_id,
        f"planning_round:{planning_round.id}",
        {"assembly_id": draft.assembly_id, "vote_id": vote.id, "state": state.value},
    )
    settled = repo.draft(draft.id)
    assert settled is not None  # noqa: S101 - just written
    return settled


def settle_round(db: Session, round_id: int) -> int:
    """Settle every draft of a round whose vote is published; how many were settled."""
    repo = PlanningRepository(db)
    get_round(repo, round_id)
    waiting = [d.id for d in repo.drafts(round_id) if d.state is DraftState.VOTING]
    after = [settle_draft(db, draft_id).state for draft_id in waiting]
    return sum(state is not DraftState.VOTING for state in after)


def targets_digest(
    round_id: int,
    assembly_id: int,
    levels: Mapping[str, float],
    changes: Mapping[str, float],
    note: str,
) -> str:
    """SHA-256 of a draft's values: the code a vote's question quotes when it cannot list
    every target, and the round's page shows beside the full list."""
    payload = {
        "round": round_id,
        "assembly": assembly_id,
        "levels": {k: repr(float(v)) for k, v in sorted(levels.items())},
        "changes": {k: repr(float(v)) for k, v in sorted(changes.items())},
        "note": note,
    }
    text = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _check_targets(
    planning_round: PlanningRound, levels: Mapping[str, float], changes: Mapping[str, float]
) -> tuple[dict[str, float], dict[str, float]]:
    goods = set(planning_round.goods)
    clean_levels: dict[str, float] = {}
    clean_changes: dict[str, float] = {}
    for name, value in levels.items():
        if name not in goods:
            raise Invalid(N_("This round does not vote on {name}."), name=name[:80])
        if not (math.isfinite(value) and 0 <= value <= MAX_LEVEL):
            raise Invalid(N_("A target level must be a number from 0 up."))
        clean_levels[name] = float(value)
    for name, value in changes.items():
        if name not in goods:
            raise Invalid(N_("This round does not vote on {name}."), name=name[:80])
        if name in clean_levels:
            raise Invalid(N_("Give either a level or a change for {name}, not both."), name=name)
        if not (math.isfinite(value) and -100 <= value <= MAX_CHANGE_PERCENT):
            raise Invalid(N_("A change must be between -100 % and {max} %."), max=1000)
        if planning_round.baseline.get(name, 0.0) <= 0:
            raise Invalid(
                N_("{name} has no previous level: give a level instead of a change."), name=name
            )
        clean_changes[name] = float(value)
    if not clean_levels and not clean_changes:
        raise Invalid(N_("Give a target for at least one good."))
    return clean_levels, clean_changes
