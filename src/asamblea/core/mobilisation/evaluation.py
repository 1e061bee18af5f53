"""Every campaign's nested thresholds at once, vectorised over counts (not over pledges).

The problem: after a restore, a rules fix or a merge of assemblies, every campaign of a
federation is re-evaluated — a million pledges over ten thousand assemblies must take well
under a second. A loop per pledge in Python takes several seconds.

The design: pledges are first reduced to *pairs* (campaign, assembly, count) — by SQL's
``GROUP BY`` in the services, or by `count_pairs` from raw arrays — and every rule of
`pledges.standing` becomes a handful of NumPy operations on those pairs: a comparison for the
assemblies met, one `bincount` per (campaign, region) for the regions met, one weighted
`bincount` for the people counted. The cost is O(pledges) for the reduction and O(pairs) after.

The promise: `evaluate_all(...)` equals `pledges.standing(...)` campaign by campaign (the tests
check it against that scalar oracle). Campaigns are 0..C-1, assemblies 0..A-1, regions 0..R-1
(the services map their ids to these indices); an assembly in no region has region -1.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

IntArray = npt.NDArray[np.int64]
#: Below this many (campaign, assembly) keys, `count_pairs` counts into a dense array.
DENSE_LIMIT = 1 << 24
BoolArray = npt.NDArray[np.bool_]
FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class CampaignTable:
    """Thresholds of C campaigns; 0 in `assemblies` or `people` means that level is not set."""

    members: IntArray
    assemblies: IntArray
    people: IntArray


@dataclass(frozen=True)
class Pairs:
    """Pledges counted per (campaign, assembly): three arrays of the same length."""

    campaign: IntArray
    assembly: IntArray
    count: IntArray


@dataclass(frozen=True)
class Evaluation:
    """Per campaign (arrays of length C): what `pledges.Standing` holds for one."""

    pledges: IntArray
    assemblies_met: IntArray
    regions_met: IntArray
    people_counted: IntArray
    triggered: BoolArray
    progress: FloatArray


def count_pairs(pledge_campaign: IntArray, pledge_assembly: IntArray, assemblies: int) -> Pairs:
    """Reduce raw pledges (one campaign and one assembly index per pledge) to counted pairs."""
    keys = pledge_campaign.astype(np.int64) * assemblies + pledge_assembly
    if len(keys) and int(keys.max()) < DENSE_LIMIT:  # counting beats sorting when it fits
        dense = np.bincount(keys)
        unique = np.flatnonzero(dense).astype(np.int64)
        counts = dense[unique]
    else:
        unique, counts = np.unique(keys, return_counts=True)
    return Pairs(unique // assemblies, unique % assemblies, counts.astype(np.int64))


def _per_region(
    pairs: Pairs, met: BoolArray, region: IntArray, campaigns: int, regions: int
) -> IntArray:
    """Met assemblies per (campaign, region), a C × R matrix (those in no region left out)."""
    pair_region = region[pairs.assembly]
    keep = met & (pair_region >= 0)
    keys = pairs.campaign[keep] * regions + pair_region[keep]
    flat = np.bincount(keys, minlength=campaigns * regions)
    return flat.reshape(campaigns, regions).astype(np.int64)


def evaluate_all(
    table: CampaignTable, pairs: Pairs, assembly_region: IntArray, regions: int
) -> Evaluation:
    """Evaluate every campaign's thresholds; `assembly_region[a]` is a's region index or -1."""
    campaigns = len(table.members)
    regions = max(regions, 1)
    met = pairs.count >= table.members[pairs.campaign]
    per_region = _per_region(pairs, met, assembly_region, campaigns, regions)
    has_m = table.assemblies > 0
    region_ok = has_m[:, None] & (per_region >= table.assemblies[:, None])
    pair_region = assembly_region[pairs.assembly]
    in_met_region = region_ok[pairs.campaign, np.maximum(pair_region, 0)] & (pair_region >= 0)
    counted = met & (~has_m[pairs.campaign] | in_met_region)
    people = np.bincount(
        pairs.campaign[counted], weights=pairs.count[counted], minlength=campaigns
    ).astype(np.int64)
    best = np.zeros(campaigns, dtype=np.int64)
    np.maximum.at(best, pairs.campaign, pairs.count)
    reached = np.where(table.people > 0, people, np.where(has_m, per_region.max(axis=1), best))
    goal = np.where(
        table.people > 0, table.people, np.where(has_m, table.assemblies, table.members)
    )
    return Evaluation(
        pledges=np.bincount(pairs.campaign, weights=pairs.count, minlength=campaigns).astype(
            np.int64
        ),
        assemblies_met=np.bincount(pairs.campaign[met], minlength=campaigns).astype(np.int64),
        regions_met=region_ok.sum(axis=1).astype(np.int64),
        people_counted=people,
        triggered=reached >= goal,
        progress=np.minimum(1.0, reached / goal),
    )
