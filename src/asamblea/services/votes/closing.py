"""Closing a vote, and applying at once what must not wait for someone to open a page.

Most decisions a published vote carries (a proposal adopted, delegates seated, targets counted)
are settled when their page or API answer is next shown, in a short write transaction. A rules
change cannot wait: until it is applied, anything that freezes a rule — a recall petition's
share, a new vote's quorum, a roll call's weights — would freeze the old one for good. So the
vote that carries it applies it in the same transaction that publishes it. So does a vote to
join a struggle or an action: those who joined are told, and may pledge, from that moment.
"""

from __future__ import annotations

from datetime import datetime

from nacl.signing import SigningKey
from sqlalchemy.orm import Session

from asamblea.core.people import Person
from asamblea.core.votes import Vote
from asamblea.services.encrypted_votes import closing as encrypted_closing
from asamblea.services.federation import rules as assembly_rules
from asamblea.services.mobilisation import struggles as mobilisation
from asamblea.services.votes import votes
from asamblea.store.encrypted_votes_repository import EncryptedVoteRepository


def close_vote(db: Session, actor: Person, vote_id: int, now: datetime, key: SigningKey) -> Vote:
    """`votes.close_vote`, then the assembly's rules change or its joining a struggle or an
    action (`services.mobilisation`), if this vote decided it. An encrypted vote closes into its
    trustees' hands (its result comes with their shares)."""
    if EncryptedVoteRepository(db).is_encrypted(vote_id):
        return encrypted_closing.close_encrypted(db, actor, vote_id, now, key)
    vote = votes.close_vote(db, actor, vote_id, now, key)
    if assembly_rules.needs_settling(db, vote.assembly_id):
        assembly_rules.settle_rules(db, vote.assembly_id)
    mobilisation.settle_adhesion(db, vote.id)
    return vote
