"""Gross output and labour values by sparse iteration — never a dense inverse.

With one technique chosen per product the economy is square: ``x = d + A x`` gives the gross
output ``x`` for a net output ``d``, and ``v = l + v A`` gives the labour values ``v`` (hours
embodied per unit). Both are solved by BiCGSTAB on ``(I - A)`` (resp. its transpose), starting
from two Neumann terms, with plain Neumann iteration as a fallback.
"""

from __future__ import annotations

import numpy as np
from scipy import sparse
from scipy.sparse.linalg import LinearOperator, bicgstab
from threadpoolctl import threadpool_limits

from asamblea.core.planning.model import Economy, FloatArray, IntArray, ModelError

__all__ = [
    "ConvergenceError",
    "embodied",
    "gross_output",
    "labour_values",
    "leontief_solve",
    "square_inputs",
]

RTOL = 1e-10
_UNPRODUCTIVE = (
    "the economy is not productive (it uses up more than it makes, spectral radius >= 1): "
    "check the coefficients"
)


class ConvergenceError(ModelError):
    """The iteration did not converge: the economy is not productive (radius >= 1)."""


def square_inputs(economy: Economy, chosen: IntArray | None = None) -> sparse.csc_array:
    """The ``n × n`` input matrix of the chosen techniques (one per product, product order)."""
    if chosen is None:
        if not economy.is_leontief:
            raise ModelError("choose one technique per product first")
        return economy.inputs
    return sparse.csc_array(economy.inputs[:, chosen])


def leontief_solve(
    matrix: sparse.sparray,
    rhs: FloatArray,
    *,
    rtol: float = RTOL,
    max_iter: int = 2000,
    refine: int = 0,
) -> FloatArray:
    """Solve ``(I - matrix) z = rhs`` for a non-negative ``matrix`` of spectral radius < 1.

    ``refine`` extra passes solve for the residual and add the correction (iterative
    refinement), so that small entries of ``rhs`` are met to near machine precision too.
    """
    z = _solve(matrix, np.asarray(rhs, dtype=np.float64), rtol=rtol, max_iter=max_iter)
    for _ in range(refine):
        residual = rhs - (z - matrix @ z)
        z = z + _solve(matrix, residual, rtol=rtol, max_iter=max_iter)
    return z


def _solve(matrix: sparse.sparray, rhs: FloatArray, *, rtol: float, max_iter: int) -> FloatArray:
    norm = _norm(rhs)
    if norm == 0.0:
        return np.zeros_like(rhs)
    start = rhs + matrix @ rhs
    solution, converged = _bicgstab(matrix, rhs, start, tol=rtol * norm, max_iter=max_iter)
    if converged and _norm(solution - matrix @ solution - rhs) <= 10 * rtol * norm:
        if np.all(rhs >= 0) and np.any(solution < -1e-8 * np.abs(solution).max()):
            raise ConvergenceError(_UNPRODUCTIVE)  # (I - A)^-1 of a productive A is >= 0
        return solution
    return _neumann(matrix, rhs, rtol=rtol, max_iter=max_iter)


def _norm(a: FloatArray) -> float:
    return float(np.sqrt(np.einsum("i,i->", a, a)))


def _bicgstab(
    matrix: sparse.sparray, rhs: FloatArray, start: FloatArray, *, tol: float, max_iter: int
) -> tuple[FloatArray, bool]:
    """SciPy's BiCGSTAB on ``(I - matrix) z = rhs``; returns ``z`` and convergence.

    BLAS is held to one thread while it runs: its inner products are short, and threaded
    BLAS stalls on them when the cores are shared (measured 5-10x slower on 2 busy cores).
    """
    n = rhs.shape[0]
    operator = LinearOperator((n, n), matvec=lambda x: x - matrix @ x, dtype=np.float64)
    with threadpool_limits(limits=1, user_api="blas"):
        solution, info = bicgstab(operator, rhs, x0=start, rtol=0.0, atol=tol, maxiter=max_iter)
    return np.asarray(solution, dtype=np.float64), info == 0


def _neumann(matrix: sparse.sparray, rhs: FloatArray, *, rtol: float, max_iter: int) -> FloatArray:
    """Plain iteration ``z <- rhs + matrix z`` (monotone for non-negative data)."""
    z = rhs.copy()
    norm = _norm(rhs)
    for _ in range(max_iter):
        nxt = rhs + matrix @ z
        if not np.all(np.isfinite(nxt)):
            break
        if _norm(nxt - z) <= rtol * norm:
            return np.asarray(nxt, dtype=np.float64)
        z = nxt
    raise ConvergenceError(_UNPRODUCTIVE)


def gross_output(
    economy: Economy,
    net_output: FloatArray,
    chosen: IntArray | None = None,
    *,
    rtol: float = RTOL,
    refine: int = 0,
) -> FloatArray:
    """Gross output per product (``x = d + A x``) for a net output ``d``."""
    return leontief_solve(square_inputs(economy, chosen), net_output, rtol=rtol, refine=refine)


def labour_values(
    economy: Economy, chosen: IntArray | None = None, *, rtol: float = RTOL
) -> FloatArray:
    """Hours embodied per unit of each product (``v = l + v A``)."""
    techniques = np.arange(economy.n_products) if chosen is None else chosen
    content = embodied(economy, techniques, economy.labour[techniques][None, :], rtol=rtol)
    return np.asarray(content[0], dtype=np.float64)


def embodied(
    economy: Economy, chosen: IntArray, costs: FloatArray, *, rtol: float = RTOL
) -> FloatArray:
    """Direct plus indirect content per unit of product, one row per row of ``costs``.

    ``costs`` is ``k × n``: a direct cost (hours, a resource) per unit of each chosen technique.
    """
    identity = economy.is_leontief and _is_identity(chosen)
    square = square_inputs(economy, None if identity else chosen)
    transpose = sparse.csr_array(square.T)
    rows = [leontief_solve(transpose, row, rtol=rtol) for row in np.atleast_2d(costs)]
    return np.vstack(rows) if rows else np.zeros((0, economy.n_products))


def _is_identity(chosen: IntArray) -> bool:
    return bool(np.all(chosen == np.arange(chosen.size)))
