"""Democratic planning: an input–output model, the plan that best meets voted targets,
its trade-offs, what-if comparisons and the aggregation of targets voted by assemblies.

Pure: plain data in (frozen dataclasses, NumPy/SciPy arrays), plain data out.
"""

from asamblea.core.planning.aggregate import TargetVote, aggregate_targets, targets_from_votes
from asamblea.core.planning.leontief import ConvergenceError, gross_output, labour_values
from asamblea.core.planning.model import Economy, ModelError, Targets
from asamblea.core.planning.plan import solve_plan
from asamblea.core.planning.solution import Duals, Plan, PlanStatus, constraint_violation
from asamblea.core.planning.tradeoffs import Limit, TradeOffs, trade_offs
from asamblea.core.planning.whatif import Change, Comparison, compare_plans, what_if

__all__ = [
    "Change",
    "Comparison",
    "ConvergenceError",
    "Duals",
    "Economy",
    "Limit",
    "ModelError",
    "Plan",
    "PlanStatus",
    "TargetVote",
    "Targets",
    "TradeOffs",
    "aggregate_targets",
    "compare_plans",
    "constraint_violation",
    "gross_output",
    "labour_values",
    "solve_plan",
    "targets_from_votes",
    "trade_offs",
    "what_if",
]
