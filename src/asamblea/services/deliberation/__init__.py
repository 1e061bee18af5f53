"""Deliberation use cases: proposals, supports, arguments, amendments, moderation, the vote
that decides a proposal, and escalation from below (see `asamblea.core.deliberation`).

Every use case runs in the caller's transaction and never commits. Votes are drafted through
`asamblea.services.votes.votes` and linked by id; once the linked vote is published, the caller
(in the same transaction as `votes.close_vote`, or later) calls `settle_proposal` or
`settle_amendment`, which apply the outcome. Thresholds come from the assemblies' rules: the
support share from the proposal's assembly, the escalation share from the parent's.

The package's modules, by what they hold: `proposals` (drafts, supports, arguments,
amendments, moderation, reading), `motions` (the votes that decide, `VoteTerms`),
`escalation` (from below to the parent's agenda), `thresholds` (what a change of the rules
moves at once) and `loading` (what every use case loads first). Import from the package.
"""

from __future__ import annotations

from asamblea.services.deliberation.escalation import (
    AdopterLine,
    EscalationView,
    adopt_escalation,
    escalate,
    escalation_view,
    escalations_to,
    withdraw_adoption,
)
from asamblea.services.deliberation.motions import (
    VoteTerms,
    amendment_to_vote,
    motion_passed,
    settle_amendment,
    settle_proposal,
    start_voting,
)
from asamblea.services.deliberation.proposals import (
    ProposalView,
    accept_amendment,
    argue,
    decline_amendment,
    draft_proposal,
    edit_draft,
    hide_amendment,
    hide_argument,
    proposal_view,
    proposals_of,
    propose_amendment,
    publish,
    support,
    unsupport,
    withdraw,
)
from asamblea.services.deliberation.thresholds import reapply_thresholds

__all__ = [
    "AdopterLine",
    "EscalationView",
    "ProposalView",
    "VoteTerms",
    "accept_amendment",
    "adopt_escalation",
    "amendment_to_vote",
    "argue",
    "decline_amendment",
    "draft_proposal",
    "edit_draft",
    "escalate",
    "escalation_view",
    "escalations_to",
    "hide_amendment",
    "hide_argument",
    "motion_passed",
    "proposal_view",
    "proposals_of",
    "propose_amendment",
    "publish",
    "reapply_thresholds",
    "settle_amendment",
    "settle_proposal",
    "start_voting",
    "support",
    "unsupport",
    "withdraw",
    "withdraw_adoption",
]
