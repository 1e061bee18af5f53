"""Who a published election elected: the shared first step of every "seat the winners" settle
(delegates upstairs, the budget's oversight committee)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.orm import Session

from asamblea.core.votes import VoteState
from asamblea.store.votes_repository import VoteRepository


def elected(db: Session, vote_id: int, candidates: Sequence[int]) -> list[int] | None:
    """The winners' ids, in the order the count elected them, once the vote is published
    (None before). ``candidates`` are the ids behind the vote's options, in option order."""
    repo = VoteRepository(db)
    vote = repo.get(vote_id)
    if vote is None or vote.state is not VoteState.PUBLISHED:
        return None
    result = repo.signatures(vote_id)[2] or {}
    return [candidates[vote.spec.options.index(str(w))] for w in result.get("winners") or []]
