"""Approval voting (voto por aprobación): each ballot approves any number of candidates.

A candidate is approved on a ballot when it is ranked at all (in an approval profile every
approved candidate has rank 0; a ranked profile counts every ranked candidate as approved). With
``max_choices`` set, a ballot approving more candidates than that is invalid: it counts for nobody
and is reported in ``details["over_max"]`` and in ``invalid``. The `seats` candidates with most
approvals win; a tie at the last seat is broken by lot from ``seed``.
"""

from __future__ import annotations

import numpy as np

from asamblea.core.tally.lot import Lot
from asamblea.core.tally.outcome import Outcome, Round
from asamblea.core.tally.profile import UNRANKED, Profile
from asamblea.core.tally.scoring import check_seats, select_by_score

__all__ = ["approval"]


def approval(
    profile: Profile, *, seats: int = 1, max_choices: int | None = None, seed: str = ""
) -> Outcome:
    """Count approvals; the `seats` most approved win, ties at the last seat by lot."""
    check_seats(seats, profile.n_candidates)
    if max_choices is not None and max_choices < 1:
        raise ValueError("el máximo de opciones debe ser al menos 1")
    approved = profile.ranks != UNRANKED
    ok = np.ones(profile.n_unique, dtype=bool)
    if max_choices is not None:
        ok = approved.sum(axis=1) <= max_choices
    over_max = int(profile.counts[~ok].sum())
    weights = profile.counts[ok].astype(np.float64)
    exact = profile.n_ballots < 2**53
    if exact:
        totals = np.rint(weights @ approved[ok]).astype(np.int64)
    else:
        totals = profile.counts[ok] @ approved[ok].astype(np.int64)
    scores = {c: int(v) for c, v in zip(profile.candidates, totals.tolist(), strict=True)}
    lot = Lot(seed)
    chosen = select_by_score(profile.candidates, scores, seats, lot)
    return Outcome(
        rule="approval",
        candidates=profile.candidates,
        winners=chosen.winners,
        ranking=chosen.ranking,
        rounds=(Round(1, scores, elected=chosen.winners, note="aprobaciones"),),
        tie_breaks=chosen.tie_breaks,
        seed=seed,
        details={
            "seats": seats,
            "max_choices": max_choices,
            "over_max": over_max,
            "rejected": dict(profile.rejected),
            "draws": lot.draws_json(),
        },
        valid=profile.n_ballots - over_max,
        blank=profile.blank,
        invalid=profile.invalid + over_max,
    )
