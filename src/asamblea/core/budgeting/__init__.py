"""Participatory budgeting rules: greedy by votes or points, greedy per sol, Equal Shares.

Pure functions from an `Instance` (projects, costs and budget in integer céntimos) and merged
`Ballots` to an `Outcome` that explains every project. See docs/budgeting.md.
"""

from asamblea.core.budgeting.explanation import (
    Completion,
    Outcome,
    PaymentGroup,
    ProjectExplanation,
    Reading,
    Reason,
    Rule,
    Utility,
)
from asamblea.core.budgeting.instance import BallotKind, Ballots, Instance, Project
from asamblea.core.budgeting.positional import Scoring
from asamblea.core.budgeting.selection import SOL, equal_shares, greedy, select

__all__ = [
    "SOL",
    "BallotKind",
    "Ballots",
    "Completion",
    "Instance",
    "Outcome",
    "PaymentGroup",
    "Project",
    "ProjectExplanation",
    "Reading",
    "Reason",
    "Rule",
    "Scoring",
    "Utility",
    "equal_shares",
    "greedy",
    "select",
]
