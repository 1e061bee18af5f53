"""Changing an assembly's rules, and what follows from the change at once.

`federation.change_rules` stores the new rules and records them, before and after, in the
audit log. A lower threshold may already be met by what was waiting for it: an open proposal
that has the supports the new share asks for goes to debate, and a proposal sent up from below
that has the adoptions the new share asks for enters the agenda — in the same transaction, as
they would at their next support or adoption. A higher threshold takes nothing back. Votes
already open keep what they opened with (`federation.rules_when_vote_opened`).
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from asamblea.core.federation import Assembly, AssemblyRules
from asamblea.core.people import Person
from asamblea.services import deliberation, federation


def change_assembly_rules(
    db: Session, actor: Person, assembly_id: int, new_rules: AssemblyRules
) -> Assembly:
    """A facilitator changes the assembly's rules (one transaction, audited); then whatever
    the new thresholds are already met by moves on (idempotent: nothing moves twice)."""
    assembly = federation.change_rules(db, actor, assembly_id, new_rules)
    deliberation.reapply_thresholds(db, actor, assembly_id)
    return assembly
