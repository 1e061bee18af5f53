"""An independent statement of the plan LP, solved by ``scipy.optimize.linprog(method="highs")``.

Written from the definition (dense matrices, ``A_ub x <= b_ub`` form), sharing no code with
``asamblea.core.planning.lp``.
"""

from __future__ import annotations

import numpy as np
from scipy.optimize import linprog

from asamblea.core.planning import Economy, Targets


def linprog_fulfilment(economy: Economy, targets: Targets) -> float | None:
    """The optimal least fulfilment ``t``, or ``None`` when the LP is infeasible."""
    n, m = economy.n_products, economy.n_techniques
    made = np.zeros((n, m))
    made[economy.technique_product, np.arange(m)] = 1.0
    net = made - economy.inputs.toarray()
    cost = np.zeros(m + 1)
    cost[-1] = -1.0  # maximise t
    rows = [np.hstack([-net, targets.levels[:, None]]), np.hstack([-net, np.zeros((n, 1))])]
    rhs = [np.zeros(n), -targets.floors]
    limits = np.concatenate([[economy.labour_limit], economy.resource_limits])
    uses = np.vstack([economy.labour, economy.resource_use.toarray()])
    finite = np.isfinite(limits)
    rows.append(np.hstack([uses[finite], np.zeros((int(finite.sum()), 1))]))
    rhs.append(limits[finite])
    bounds = [(0.0, c if np.isfinite(c) else None) for c in economy.capacity_array]
    result = linprog(cost, A_ub=np.vstack(rows), b_ub=np.concatenate(rhs),
                     bounds=[*bounds, (0.0, None)], method="highs")
    if result.status == 2:
        return None
    assert result.status == 0, result.message
    return float(-result.fun)
