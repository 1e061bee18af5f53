"""The plan as a linear programme, solved by HiGHS through ``highspy``.

Variables: the activity ``x_j`` of every technique (``0 <= x_j <= capacity_j``) and the least
fulfilment ratio ``t``. Maximise ``t`` subject to, for every product ``i``,
``(B - A)_i x >= t T_i`` (targets), ``(B - A)_i x >= F_i`` (floors), ``(B - A)_i x >= 0``,
and ``l x <= L``, ``R x <= limits``. Each row is divided by its target (or floor, or limit) so
that HiGHS's tolerances are relative to what the row asks for, however small.

Then lexicographic max–min: the targets whose rows carry a positive dual cannot rise without
lowering another, so they are fixed at ``t`` and ``t`` is maximised again for the rest, until
every target is fixed. A session keeps the last optimal basis, so a what-if re-solve of the
same economy starts warm.
"""

from __future__ import annotations

import time
import warnings

import highspy
import numpy as np
from scipy import sparse
from scipy.sparse import linalg

from asamblea.core.planning.leontief import leontief_solve
from asamblea.core.planning.model import Economy, FloatArray, ModelError, Targets
from asamblea.core.planning.solution import (
    Basis,
    Duals,
    Plan,
    PlanStatus,
    empty_plan,
    plan_from_activity,
)

__all__ = ["LpSession"]

INF = highspy.kHighsInf
DUAL_TOL = 1e-9
FIX_SLACK = 1e-11
MAX_ROUNDS = 200

_STATUS = {
    highspy.HighsModelStatus.kOptimal: PlanStatus.OPTIMAL,
    highspy.HighsModelStatus.kInfeasible: PlanStatus.INFEASIBLE,
    highspy.HighsModelStatus.kUnbounded: PlanStatus.UNBOUNDED,
    highspy.HighsModelStatus.kUnboundedOrInfeasible: PlanStatus.UNBOUNDED,
    highspy.HighsModelStatus.kTimeLimit: PlanStatus.TIME_LIMIT,
    highspy.HighsModelStatus.kIterationLimit: PlanStatus.TIME_LIMIT,
}


class LpSession:
    """HiGHS models of one economy; ``solve`` may be called again with other targets."""

    def __init__(self, economy: Economy, *, basis: Basis | None = None) -> None:
        """Prepare the parts of the constraint matrix that do not depend on the targets.

        ``basis`` (from ``Plan.basis``) warm-starts the first solve when its shape fits.
        """
        self.economy = economy
        self.net = sparse.csr_array(economy.net_matrix())
        limits = np.concatenate([[economy.labour_limit], economy.resource_limits])
        uses = sparse.vstack([sparse.csr_array(economy.labour[None, :]), economy.resource_use])
        self.limit_rows = np.flatnonzero(np.isfinite(limits) & (limits > 0))
        self.limits = limits[self.limit_rows]
        self.uses = sparse.csr_array(uses)[self.limit_rows]
        self.zero_limits = sparse.csr_array(uses)[np.flatnonzero(limits == 0)]
        self.highs = highspy.Highs()  # type: ignore[no-untyped-call]
        self.highs.silent()
        self.highs.setOptionValue("primal_feasibility_tolerance", 1e-10)
        self.highs.setOptionValue("dual_feasibility_tolerance", 1e-10)
        self._basis: highspy.HighsBasis | None = None
        self._col_scale = np.ones(economy.n_techniques)
        self._shape = (0, 0)
        if basis is not None:
            self._basis = _highs_basis(basis)
            self._shape = (len(basis[1]), len(basis[0]))

    def _build(self, targets: Targets) -> FloatArray:
        """Pass the scaled model for these targets; returns the scale of every row."""
        e = self.economy
        n, m = e.n_products, e.n_techniques
        levels, floors = targets.levels, targets.floors
        both = np.flatnonzero((levels > 0) & (floors > 0))
        row_norm = np.maximum(abs(self.net).max(axis=1).toarray().ravel(), 1e-300)
        product_scale = 1.0 / np.where(levels > 0, levels, np.where(floors > 0, floors, row_norm))
        scale = np.concatenate([product_scale, 1.0 / floors[both], 1.0 / self.limits,
                                np.ones(self.zero_limits.shape[0])])
        rows = sparse.vstack([self.net, self.net[both], self.uses, self.zero_limits], format="csr")
        self._col_scale = _column_scale(e, levels + floors)
        rows = sparse.diags_array(scale) @ rows @ sparse.diags_array(self._col_scale)
        t_col = np.concatenate([-(levels > 0).astype(float), np.zeros(rows.shape[0] - n)])
        matrix = sparse.hstack([rows, sparse.csc_array(t_col[:, None])], format="csc")
        lower = np.concatenate([np.where(levels > 0, 0.0, floors * product_scale),
                                np.ones(both.size), np.full(rows.shape[0] - n - both.size, -INF)])
        upper = np.concatenate([np.full(n + both.size, INF), np.ones(self.limits.size),
                                np.zeros(self.zero_limits.shape[0])])
        self._pass(matrix, lower, upper, m)
        return np.asarray(scale, dtype=np.float64)

    def _pass(self, matrix: sparse.csc_array, lower: FloatArray, upper: FloatArray, m: int) -> None:
        cap = self.economy.capacity_array
        lp = highspy.HighsLp()
        lp.num_col_, lp.num_row_ = m + 1, matrix.shape[0]
        lp.col_cost_ = np.concatenate([np.zeros(m), [1.0]])
        lp.col_lower_ = np.zeros(m + 1)
        cap = cap / self._col_scale
        lp.col_upper_ = np.concatenate([np.where(np.isfinite(cap), cap, INF), [INF]])
        lp.row_lower_, lp.row_upper_ = lower, upper
        lp.sense_ = highspy.ObjSense.kMaximize
        lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
        lp.a_matrix_.start_, lp.a_matrix_.index_ = matrix.indptr, matrix.indices
        lp.a_matrix_.value_ = matrix.data
        self.highs.passModel(lp)
        if self._basis is not None and self._shape == (matrix.shape[0], matrix.shape[1]):
            self.highs.setBasis(self._basis)
        self._shape = (matrix.shape[0], matrix.shape[1])

    def _run(self, deadline: float) -> PlanStatus:
        remaining = deadline - time.perf_counter()
        if remaining <= 0:
            return PlanStatus.TIME_LIMIT
        self.highs.setOptionValue("time_limit", remaining)
        self.highs.run()
        return _STATUS.get(self.highs.getModelStatus(), PlanStatus.ERROR)

    def solve(
        self, targets: Targets, *, time_limit: float = 60.0, lexicographic: bool = True
    ) -> Plan:
        """Max–min fulfilment, then (optionally) lexicographic max–min within the time limit."""
        start = time.perf_counter()
        deadline = start + time_limit
        scale = self._build(targets)
        status = self._run(deadline)
        if status != PlanStatus.OPTIMAL:
            return empty_plan(self.economy, status, "lp", _explain(status), start)
        self._basis = self.highs.getBasis()
        solution = self.highs.getSolution()
        values = self._polished()
        first_t = float(values[-1])
        duals = self._duals(solution, scale)
        rounds, complete, x = 1, True, values[:-1]
        if lexicographic:
            rounds, complete, x = self._lexicographic(targets, solution, values, deadline)
        x = x * self._col_scale
        return plan_from_activity(
            self.economy, targets, x, status=PlanStatus.OPTIMAL, method="lp", bound=first_t,
            seconds=time.perf_counter() - start, duals=duals, rounds=rounds,
            lexicographic_complete=complete, basis=_plain_basis(self._basis),
            message="" if complete else "lexicographic refinement stopped at the time limit",
        )

    def _lexicographic(
        self, targets: Targets, solution: highspy.HighsSolution, values: FloatArray,
        deadline: float,
    ) -> tuple[int, bool, FloatArray]:
        """Fix the blocked targets at their level and raise the rest; returns the last ``x``."""
        t_col = self.economy.n_techniques
        active = set(np.flatnonzero(targets.levels > 0).tolist())
        x = values[:-1]
        for rounds in range(1, MAX_ROUNDS + 1):
            t = float(values[-1])
            dual = np.abs(np.asarray(solution.row_dual))
            blocked = [i for i in active if dual[i] > DUAL_TOL] or sorted(active)
            for i in blocked:  # rows are scaled by 1/T_i: the fixed row reads net_i/T_i >= t
                self.highs.changeCoeff(i, t_col, 0.0)
                self.highs.changeRowBounds(i, t - FIX_SLACK * max(1.0, t), INF)
            active.difference_update(blocked)
            if not active:
                return rounds, True, x
            if self._run(deadline) != PlanStatus.OPTIMAL:
                return rounds, False, x
            solution = self.highs.getSolution()
            values = self._polished()
            x = values[:-1]
        return MAX_ROUNDS, False, x

    def _polished(self) -> FloatArray:
        """Column values recomputed from the optimal basis by a sparse LU solve.

        HiGHS's primal values can carry residuals near 1e-6 on these (cyclic, ill-conditioned)
        bases; solving ``B x_B = b - N x_N`` once more makes every active row hold to rounding.
        Falls back to HiGHS's values when the basis system cannot be solved.
        """
        h = self.highs
        values = np.asarray(h.getSolution().col_value, dtype=np.float64)
        lp, basis = h.getLp(), h.getBasis()
        basic = np.array([s == highspy.HighsBasisStatus.kBasic for s in basis.col_status])
        tight = np.array([s != highspy.HighsBasisStatus.kBasic for s in basis.row_status])
        if basic.sum() != tight.sum() or not basic.any():
            return values
        a = lp.a_matrix_
        shape = (lp.num_row_, lp.num_col_)
        matrix = sparse.csc_array((np.asarray(a.value_), np.asarray(a.index_),
                                   np.asarray(a.start_)), shape=shape)
        lower, upper = np.asarray(lp.row_lower_), np.asarray(lp.row_upper_)
        at_upper = np.array([s == highspy.HighsBasisStatus.kUpper for s in basis.row_status])
        rhs = np.where(at_upper, upper, lower)[tight]
        fixed = np.where(basic, 0.0, values)
        rhs = rhs - matrix[tight] @ fixed
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("error", linalg.MatrixRankWarning)
                solved = linalg.spsolve(sparse.csc_array(matrix[tight][:, basic]), rhs)
        except (RuntimeError, linalg.MatrixRankWarning):
            return values
        if not np.all(np.isfinite(solved)):
            return values
        polished = fixed.copy()
        polished[basic] = solved
        return np.asarray(polished, dtype=np.float64)

    def _duals(self, solution: highspy.HighsSolution, scale: FloatArray) -> Duals:
        e = self.economy
        n = e.n_products
        row = np.abs(np.asarray(solution.row_dual)) * scale
        limit_prices = np.zeros(1 + len(e.resources))
        first = row.size - self.zero_limits.shape[0] - self.limits.size
        limit_prices[self.limit_rows] = row[first : first + self.limits.size]
        x = np.asarray(solution.col_value[:-1]) * self._col_scale
        at_cap = x >= e.capacity_array * (1 - 1e-9)
        col_dual = np.abs(np.asarray(solution.col_dual[:-1])) / self._col_scale
        capacity = np.where(at_cap, col_dual, 0.0)
        return Duals(
            labour=float(limit_prices[0]),
            resources=limit_prices[1:],
            capacity=capacity,
            products=row[:n],
        )


def _plain_basis(basis: highspy.HighsBasis) -> Basis:
    return (tuple(int(s) for s in basis.col_status), tuple(int(s) for s in basis.row_status))


def _highs_basis(basis: Basis) -> highspy.HighsBasis:
    result = highspy.HighsBasis()
    result.col_status = [highspy.HighsBasisStatus(s) for s in basis[0]]
    result.row_status = [highspy.HighsBasisStatus(s) for s in basis[1]]
    result.valid = True
    return result


def _column_scale(economy: Economy, demand: FloatArray) -> FloatArray:
    """Typical activity of every technique: gross output of its product for ``demand``.

    Scaling columns by it keeps the scaled coefficients near 1, so that HiGHS neither drops
    small coefficients nor measures feasibility on the wrong scale.
    """
    first = np.unique(economy.technique_product, return_index=True)[1]
    try:
        gross = leontief_solve(sparse.csc_array(economy.inputs[:, first]), demand, rtol=1e-6)
    except ModelError:
        return np.ones(economy.n_techniques)
    gross = np.abs(gross)
    top = float(gross.max(initial=0.0))
    if top <= 0 or not np.isfinite(top):
        return np.ones(economy.n_techniques)
    return np.asarray(np.maximum(gross, 1e-6 * top)[economy.technique_product], dtype=np.float64)


def _explain(status: PlanStatus) -> str:
    return {
        PlanStatus.INFEASIBLE: "the floors cannot all be met within the limits",
        PlanStatus.UNBOUNDED: "no limit restrains the targets: set a labour or resource limit",
        PlanStatus.TIME_LIMIT: "the solver reached its time limit before an optimal plan",
    }.get(status, "the solver failed")
