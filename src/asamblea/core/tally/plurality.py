"""Plurality (mayoría relativa): each ballot counts for its first preference; most votes win.

Policy: a ballot with several candidates in first place (an overvote) counts for nobody and is
reported as invalid (``details["overvotes"]``); lower preferences are ignored. With ``seats > 1``
the `seats` candidates with most votes win (single non-transferable vote / block of one mark).
A tie at the last seat is broken by lot from ``seed``; every draw is in the outcome.
"""

from __future__ import annotations

from asamblea.core.tally.aggregation import sum_by
from asamblea.core.tally.lot import Lot
from asamblea.core.tally.outcome import Outcome, Round
from asamblea.core.tally.profile import Profile
from asamblea.core.tally.scoring import check_seats, select_by_score

__all__ = ["plurality"]


def plurality(profile: Profile, *, seats: int = 1, seed: str = "") -> Outcome:
    """Count first preferences; the `seats` highest win, ties at the last seat by lot."""
    check_seats(seats, profile.n_candidates)
    first = profile.ranks == 0
    single = first.sum(axis=1) == 1
    overvotes = int(profile.counts[~single].sum())
    votes = sum_by(first[single].argmax(axis=1), profile.counts[single], profile.n_candidates)
    scores = {c: int(v) for c, v in zip(profile.candidates, votes.tolist(), strict=True)}
    lot = Lot(seed)
    chosen = select_by_score(profile.candidates, scores, seats, lot)
    valid = profile.n_ballots - overvotes
    return Outcome(
        rule="plurality",
        candidates=profile.candidates,
        winners=chosen.winners,
        ranking=chosen.ranking,
        rounds=(Round(1, scores, elected=chosen.winners, note="primeras preferencias"),),
        tie_breaks=chosen.tie_breaks,
        seed=seed,
        details={
            "seats": seats,
            "overvotes": overvotes,
            "rejected": dict(profile.rejected),
            "draws": lot.draws_json(),
        },
        valid=valid,
        blank=profile.blank,
        invalid=profile.invalid + overvotes,
    )
