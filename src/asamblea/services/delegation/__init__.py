"""Delegate use cases: elections by STV, seats upstairs, mandates, the roll call, and recall
(see `asamblea.core.delegation`).

Every use case runs in the caller's transaction and never commits. Elections and recall votes
are votes of `asamblea.services.votes.votes`, linked by id; once one is published, the caller calls
`settle_delegate_election` or `settle_recall` (in the same transaction as `votes.close_vote`,
or later — both are idempotent). A passed recall vacates the seat at once: the delegate's
membership upstairs ends in the same transaction, and a by-election for the seat opens.
A roll call weighs delegates by the parent's rule as it stood when the vote opened.

The package's modules, by what they hold: `elections`, `seats` (seating, vacating, terms,
who sits where), `mandates` (and the roll call), `roll_call_weights` (the weights a roll call
freezes when it opens), `recall`, and `loading` (what every use
case loads first). Import from the package.
"""

from __future__ import annotations

from asamblea.services.delegation.elections import (
    ElectionLine,
    elections_of,
    open_delegate_election,
    settle_delegate_election,
)
from asamblea.services.delegation.mandates import (
    MandateLine,
    RollCall,
    RollCallEntry,
    mandates_of,
    record_breaches,
    roll_call,
    set_mandate,
)
from asamblea.services.delegation.recall import (
    RECALL_PETITION_LENGTH,
    RECALL_VOTE_LENGTH,
    PetitionView,
    RecallSubject,
    lapse_petition,
    open_recall,
    petitions_against,
    recall_subject,
    settle_recall,
    sign_recall,
)
from asamblea.services.delegation.seats import delegates_in, delegates_of, end_terms

__all__ = [
    "RECALL_PETITION_LENGTH",
    "RECALL_VOTE_LENGTH",
    "ElectionLine",
    "MandateLine",
    "PetitionView",
    "RecallSubject",
    "RollCall",
    "RollCallEntry",
    "delegates_in",
    "delegates_of",
    "elections_of",
    "end_terms",
    "lapse_petition",
    "mandates_of",
    "open_delegate_election",
    "open_recall",
    "petitions_against",
    "recall_subject",
    "record_breaches",
    "roll_call",
    "set_mandate",
    "settle_delegate_election",
    "settle_recall",
    "sign_recall",
]
