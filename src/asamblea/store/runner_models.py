"""The runner's index (issue #11): open votes by closing time, so that finding what is due
reads only the votes still open, not every vote the federation ever held."""

from __future__ import annotations

from sqlalchemy import Index

from asamblea.store.votes_models import VoteRow

VOTES_BY_STATE_AND_CLOSING = Index("ix_vote_state_closes_at", VoteRow.state, VoteRow.closes_at)
