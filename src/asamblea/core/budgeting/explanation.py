"""The outcome of a budgeting rule, with an explanation for every project.

Explanations are structured data (no sentences): the CLI and the web pages render them in the
member's language. Amounts that are exact integers (costs, budgets) are integer céntimos; the
shares voters paid under Equal Shares are rationals, reported as floats in céntimos for display
only (every decision was taken with exact comparisons — see docs/budgeting.md).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from enum import StrEnum
from fractions import Fraction


class Rule(StrEnum):
    """The selection rules."""

    GREEDY = "greedy"
    GREEDY_PER_COST = "greedy-per-cost"
    EQUAL_SHARES = "mes"


class Completion(StrEnum):
    """What follows Equal Shares when it leaves budget unspent."""

    NONE = "none"
    ADD1 = "add1"
    ADD1_GREEDY = "add1-greedy"


class Utility(StrEnum):
    """How much a supporter values a project under Equal Shares (approval ballots)."""

    COST = "cost"
    """The project's cost (equalshares.net's default; used in Polish and Dutch cities)."""
    CARDINALITY = "cardinality"
    """One per approved project (points for cumulative ballots)."""


class Reading(StrEnum):
    """How the rule read the ballots."""

    AS_CAST = "as_cast"
    """Approvals and points as cast."""
    POSITIONAL = "positional"
    """Rankings turned into points per rank (the scoring in `Outcome.scoring`)."""
    RANKS_AS_APPROVALS = "ranks_as_approvals"
    """Rankings read as approval of every ranked project: the order was ignored."""


class Reason(StrEnum):
    """Why a project was funded or not."""

    FUNDED_EQUAL_SHARES = "funded_equal_shares"
    """Its supporters' shares paid for it in an Equal Shares round."""
    FUNDED_FREE = "funded_free"
    """It costs nothing and someone supports it."""
    FUNDED_GREEDY = "funded_greedy"
    """Selected by the greedy rule in its turn (order of votes, or of votes per sol)."""
    FUNDED_COMPLETION = "funded_completion"
    """Selected by the greedy completion that fills the budget Equal Shares left unspent."""
    FREE_NO_UTILITY = "free_no_utility"
    """Costs nothing, so under cost utilities it is worth nothing and Equal Shares skips it."""
    NO_SUPPORT = "no_support"
    """Nobody voted for it (Equal Shares never funds it)."""
    SHARES_SHORT = "shares_short"
    """Its supporters' remaining shares fell below its cost before it could be bought."""
    OVER_BUDGET = "over_budget"
    """When its turn came the budget left was smaller than its cost."""


FUNDED_REASONS = frozenset(
    {Reason.FUNDED_EQUAL_SHARES, Reason.FUNDED_FREE, Reason.FUNDED_GREEDY, Reason.FUNDED_COMPLETION}
)


@dataclass(frozen=True)
class PaymentGroup:
    """Voters who paid the same way for a funded project under Equal Shares.

    ``points`` is what each of them gave the project (1 for approval). ``share`` is what each paid
    in céntimos; when ``paid_everything`` they gave all they had left and ``share`` is their mean.
    """

    voters: int
    points: int
    share: float
    paid_everything: bool

    @property
    def total(self) -> float:
        """What the whole group paid, in céntimos."""
        return self.share * self.voters


@dataclass(frozen=True)
class ProjectExplanation:
    """Why one project was or was not funded.

    ``round`` is the 1-based Equal Shares round in which it was bought or found short of shares
    (its turn in the greedy order for greedy rules and the completion). ``available`` is what its
    supporters had left at that round (céntimos, Equal Shares); ``remaining`` is the budget left
    when its greedy turn came (céntimos).
    """

    project: str
    cost: int
    funded: bool
    reason: Reason
    support: int
    supporters: int
    round: int | None = None
    available: float | None = None
    remaining: int | None = None
    payments: tuple[PaymentGroup, ...] = ()


@dataclass(frozen=True)
class Outcome:
    """The funded projects, in the order they were chosen, and an explanation per project.

    ``voter_budget`` is each voter's share of the budget (céntimos, exact) in the Equal Shares run
    that was kept; ``budget_steps`` is how many times the add1 completion raised it. ``reading``
    says how the ballots were counted; ``scoring`` names the points per rank when rankings were
    scored (``"3-2-1"``, ``"borda"``).
    """

    rule: Rule
    completion: Completion
    exhaustive: bool
    budget: int
    selected: tuple[str, ...]
    total_cost: int
    explanations: tuple[ProjectExplanation, ...]
    voter_budget: Fraction | None = None
    budget_steps: int = 0
    utility: Utility | None = None
    reading: Reading = Reading.AS_CAST
    scoring: str | None = None

    @property
    def ignores_ranks(self) -> bool:
        """The ballots were rankings and the rule counted them as approvals."""
        return self.reading is Reading.RANKS_AS_APPROVALS

    @property
    def selected_set(self) -> frozenset[str]:
        """The funded project ids."""
        return frozenset(self.selected)

    def explanation(self, project: str) -> ProjectExplanation:
        """The explanation of one project, by id."""
        for item in self.explanations:
            if item.project == project:
                return item
        raise KeyError(project)

    def as_dict(self) -> dict[str, object]:
        """Plain JSON-ready data (the per-voter share as a string fraction and a float)."""
        data = asdict(self)
        data["voter_budget"] = None if self.voter_budget is None else str(self.voter_budget)
        data["voter_budget_float"] = None if self.voter_budget is None else float(self.voter_budget)
        for item in data["explanations"]:
            for group in item["payments"]:
                group["total"] = group["share"] * group["voters"]
        return data
