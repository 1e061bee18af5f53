"""Building the distinct-ballots × counts arrays of a `Profile` from raw ballots.

Two inputs are accepted (see `Profile.from_indices` and `Profile.from_ballots`):

* an (n, max_len) integer array of candidate indices, preference order left to right, `-1` for an
  empty position (the fast path: every row is packed to one int64 key, the keys are sorted in
  place and counted, then only the *distinct* rows are validated, vectorised; rows too wide for
  one key fall back to `np.unique(axis=0)`);
* a sequence of ballots written as rank groups (tuples of candidate indices; a group of several
  candidates is an equal preference, an empty group a skipped rank), each with a weight.

Policies (all explicit, see docs/counting.md):

* ``skipped``: an empty position followed by a marked one. ``"close_gap"`` (default) moves the
  later preferences up; ``"exhaust"`` keeps only the preferences before the gap; ``"invalid"``
  rejects the ballot.
* ``duplicate``: a candidate marked again lower down. ``"keep_first"`` (default) ignores the
  later marks; ``"exhaust"`` keeps only the preferences before the repeated mark; ``"invalid"``
  rejects the ballot.
* ``overvote`` (rank groups only; the index array cannot express equal ranks): a group with several
  candidates. ``"keep"`` (default) keeps the equal preference for the rules that define it (each
  rule that does not states what it does, see `Profile.with_overvotes`); ``"exhaust"`` keeps only
  the preferences before it; ``"skip_rank"`` drops that group and moves the rest up; ``"invalid"``
  rejects the ballot.

A ballot with no mark at all is *blank*; a ballot left without any valid preference by a policy is
rejected with the reason ``"no_valid_preference"``. Blank and rejected ballots are not in the
arrays; their weights are reported in `Built.blank` and `Built.rejected`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Final, Literal

import numpy as np
from numpy.typing import NDArray

UNRANKED: Final = 255
MAX_CANDIDATES: Final = 254
CHUNK: Final = 1 << 20

SkippedPolicy = Literal["close_gap", "exhaust", "invalid"]
DuplicatePolicy = Literal["keep_first", "exhaust", "invalid"]
OvervotePolicy = Literal["keep", "exhaust", "skip_rank", "invalid"]

IntArray = NDArray[np.int64]
RankArray = NDArray[np.uint8]


@dataclass
class Built:
    """The arrays of a profile plus what was left out while building it."""

    ranks: RankArray
    counts: IntArray
    blank: int = 0
    rejected: dict[str, int] = field(default_factory=dict)

    def reject(self, reason: str, weight: int) -> None:
        """Add `weight` ballots rejected for `reason`."""
        if weight:
            self.rejected[reason] = self.rejected.get(reason, 0) + int(weight)


def _pack_keys(rows: NDArray[np.integer], bits: int, shift: int) -> IntArray:
    """One int64 key per row: digits `row + shift` of `bits` bits each (caller checks it fits)."""
    keys = np.empty(rows.shape[0], dtype=np.int64)
    for start in range(0, rows.shape[0], CHUNK):
        chunk = rows[start : start + CHUNK]
        key = np.zeros(chunk.shape[0], dtype=np.int64)
        for j in range(chunk.shape[1]):
            key <<= bits
            key |= chunk[:, j].astype(np.int64) + shift
        keys[start : start + CHUNK] = key
    return keys


def _unpack_keys(keys: IntArray, bits: int, width: int, shift: int) -> NDArray[np.int16]:
    """Inverse of `_pack_keys`. The rows come back as the transpose of a column-major array, so
    that column operations (``rows[:, j]``, ``rows.T``) run on contiguous memory."""
    columns = np.empty((width, keys.shape[0]), dtype=np.int16)
    mask = (1 << bits) - 1
    for j in range(width):
        columns[j] = ((keys >> (bits * (width - 1 - j))) & mask).astype(np.int16) - shift
    return columns.T


def group_rows(
    rows: NDArray[np.integer], weights: IntArray | None, shift: int, top: int
) -> tuple[NDArray[np.int16], IntArray]:
    """Distinct rows and the total weight of each, in a deterministic (key) order. Values of
    `rows + shift` lie in 0..top."""
    width = rows.shape[1]
    bits = max(int(top).bit_length(), 1)
    if bits * width <= 63:
        keys = _pack_keys(rows, bits, shift)
        if weights is None:
            ukeys, counts = _unique_counts(keys)
        else:
            ukeys, inverse = np.unique(keys, return_inverse=True)
            counts = _weighted_bincount(inverse, weights, ukeys.shape[0])
        return _unpack_keys(ukeys, bits, width, shift), counts.astype(np.int64)
    small = np.ascontiguousarray(rows, dtype=np.int16)
    urows, inverse = np.unique(small, axis=0, return_inverse=True)
    inverse = inverse.reshape(-1)
    if weights is None:
        counts = np.bincount(inverse, minlength=urows.shape[0]).astype(np.int64)
    else:
        counts = _weighted_bincount(inverse, weights, urows.shape[0])
    return urows, counts


def _unique_counts(keys: IntArray) -> tuple[IntArray, IntArray]:
    """`np.unique(keys, return_counts=True)` without its copies: `keys` (ours, freshly packed)
    is sorted in place, which matters at tens of millions of ballots."""
    keys.sort()
    if keys.shape[0] == 0:
        return keys, np.zeros(0, dtype=np.int64)
    starts_flag = np.empty(keys.shape[0], dtype=bool)
    starts_flag[0] = True
    np.not_equal(keys[1:], keys[:-1], out=starts_flag[1:])
    starts = np.flatnonzero(starts_flag)
    counts = np.diff(np.append(starts, keys.shape[0])).astype(np.int64)
    return keys[starts], counts


def sum_by(labels: NDArray[np.integer], weights: IntArray, size: int) -> IntArray:
    """Exact integer sums of `weights` grouped by `labels` (values in 0..size-1)."""
    if weights.size == 0:
        return np.zeros(size, dtype=np.int64)
    if int(weights.sum()) < 2**53:  # float64 sums of integers are exact below 2**53
        summed = np.bincount(labels, weights=weights.astype(np.float64), minlength=size)
        return np.rint(summed).astype(np.int64)
    out = np.zeros(size, dtype=np.int64)
    np.add.at(out, labels, weights)
    return out


def _weighted_bincount(inverse: NDArray[np.intp], weights: IntArray, size: int) -> IntArray:
    """Exact integer bincount with weights."""
    return sum_by(inverse, weights, size)


def from_index_rows(
    rows: NDArray[np.integer],
    n_candidates: int,
    weights: NDArray[np.integer] | None,
    skipped: SkippedPolicy,
    duplicate: DuplicatePolicy,
) -> Built:
    """The fast path: raw (n, max_len) candidate indices, `-1` = empty position."""
    rows = np.asarray(rows)
    if rows.ndim != 2 or not np.issubdtype(rows.dtype, np.integer):
        raise ValueError("las papeletas deben ser una matriz entera (n, posiciones)")
    if rows.size and (int(rows.min()) < -1 or int(rows.max()) >= n_candidates):
        raise ValueError(f"índice de candidatura fuera de rango (0..{n_candidates - 1} o -1)")
    w = None if weights is None else np.asarray(weights, dtype=np.int64)
    if w is not None and (w.shape != (rows.shape[0],) or (w.size and int(w.min()) < 0)):
        raise ValueError("los pesos deben ser enteros no negativos, uno por papeleta")
    if rows.shape[1] == 0:
        total = rows.shape[0] if w is None else int(w.sum())
        return Built(np.empty((0, n_candidates), np.uint8), np.empty(0, np.int64), blank=total)
    distinct, counts = group_rows(rows, w, shift=1, top=n_candidates)
    if w is not None and not counts.all():  # ballots of weight 0 are not ballots
        distinct, counts = distinct[counts > 0], counts[counts > 0]
    return _normalise_index_rows(distinct, counts, n_candidates, skipped, duplicate)


def _normalise_index_rows(
    idx: NDArray[np.int16],
    counts: IntArray,
    n_candidates: int,
    skipped: SkippedPolicy,
    duplicate: DuplicatePolicy,
) -> Built:
    """Turn distinct position rows into dense rank rows. Rows without skipped ranks or repeated
    candidates (nearly all of them) take a vectorised fast path; the others go through
    `_normalise_irregular`, then everything is regrouped."""
    columns = idx.T  # (positions, rows): contiguous when the rows come from packed keys
    valid = columns >= 0
    n_valid = valid.sum(axis=0)
    gap_rows = (~valid[:-1] & valid[1:]).any(axis=0)
    ranks = _scatter_positions(columns, n_candidates)
    dup_rows = _repeats(columns, valid, n_valid, ranks)
    irregular = gap_rows | dup_rows
    blank = n_valid == 0
    built = Built(ranks, counts, blank=int(counts[blank].sum()))
    if not irregular.any():
        if blank.any():
            built.ranks, built.counts = ranks[~blank], counts[~blank]
        return built
    odd = _normalise_irregular(idx[irregular], counts[irregular], n_candidates, skipped, duplicate)
    built.rejected = odd.rejected
    regular = ~irregular & ~blank
    ranks = np.concatenate([ranks[regular], odd.ranks])
    counts = np.concatenate([counts[regular], odd.counts])
    built.ranks, built.counts = regroup(ranks, counts)
    return built


def _scatter_positions(columns: NDArray[np.int16], n_candidates: int) -> RankArray:
    """ranks[b, columns[j, b]] = j for marked positions; the first mark of a candidate wins."""
    n_rows = columns.shape[1]
    wide = np.full((n_rows, n_candidates + 1), UNRANKED, dtype=np.uint8)
    flat = wide.reshape(-1)
    base = np.arange(n_rows, dtype=np.int64) * (n_candidates + 1)
    for j in range(columns.shape[0] - 1, -1, -1):
        flat[base + np.where(columns[j] >= 0, columns[j], n_candidates)] = j
    return np.ascontiguousarray(wide[:, :n_candidates])


def _repeats(
    columns: NDArray[np.int16],
    valid: NDArray[np.bool_],
    n_valid: NDArray[np.intp],
    ranks: RankArray,
) -> NDArray[np.bool_]:
    """Rows that mark some candidate twice: fewer distinct candidates than marks. Up to 63
    candidates the distinct ones are counted as bits of a uint64 (bit 63 collects empties)."""
    if ranks.shape[1] <= 63:
        seen = np.zeros(columns.shape[1], dtype=np.uint64)
        for j in range(columns.shape[0]):
            bit = np.where(valid[j], columns[j], 63).astype(np.uint64)
            seen |= np.left_shift(np.uint64(1), bit)
        seen &= np.uint64((1 << 63) - 1)
        return np.asarray(np.bitwise_count(seen) < n_valid)
    return np.asarray((ranks != UNRANKED).sum(axis=1) < n_valid)


def _later_marked(valid: NDArray[np.bool_]) -> NDArray[np.bool_]:
    """[b, j] is True when some position after j is marked on ballot b."""
    after = np.zeros_like(valid)
    after[:, :-1] = np.logical_or.accumulate(valid[:, ::-1], axis=1)[:, ::-1][:, 1:]
    return after


def _normalise_irregular(
    idx: NDArray[np.int16],
    counts: IntArray,
    n_candidates: int,
    skipped: SkippedPolicy,
    duplicate: DuplicatePolicy,
) -> Built:
    """Apply the skipped-rank and repeated-candidate policies to rows that need them."""
    valid = idx >= 0
    dup = np.zeros_like(valid)
    for j in range(1, idx.shape[1]):
        dup[:, j] = valid[:, j] & (idx[:, :j] == idx[:, j : j + 1]).any(axis=1)
    gap = ~valid & _later_marked(valid)
    events = np.zeros_like(valid)
    if duplicate != "keep_first":
        events |= dup
    if skipped != "close_gap":
        events |= gap
    has_event = events.any(axis=1)
    first = np.where(has_event, events.argmax(axis=1), idx.shape[1])
    at_gap = has_event & gap[np.arange(idx.shape[0]), np.minimum(first, idx.shape[1] - 1)]
    bad_gap = at_gap & (skipped == "invalid")
    bad_dup = has_event & ~at_gap & (duplicate == "invalid")
    entry = valid & ~dup & (np.arange(idx.shape[1])[None, :] < first[:, None])
    dense = np.cumsum(entry, axis=1, dtype=np.int64) - 1
    ranks = np.full((idx.shape[0], n_candidates), UNRANKED, dtype=np.uint8)
    for j in range(idx.shape[1]):
        sel = np.flatnonzero(entry[:, j])
        ranks[sel, idx[sel, j]] = dense[sel, j]
    empty = ~entry.any(axis=1)
    built = Built(ranks, counts)
    built.reject("skipped", int(counts[bad_gap].sum()))
    built.reject("duplicate", int(counts[bad_dup & ~bad_gap].sum()))
    built.reject("no_valid_preference", int(counts[empty & ~bad_dup & ~bad_gap].sum()))
    keep = ~(empty | bad_dup | bad_gap)
    built.ranks, built.counts = ranks[keep], counts[keep]
    return built


def regroup(ranks: RankArray, counts: IntArray) -> tuple[RankArray, IntArray]:
    """Merge identical rank rows, adding their counts (rows sorted by a canonical key)."""
    if ranks.shape[0] == 0:
        return ranks, counts
    n_candidates = ranks.shape[1]
    digits = np.where(ranks == UNRANKED, n_candidates, ranks).astype(np.int16)
    urows, merged = group_rows(digits, counts, shift=0, top=n_candidates)
    out = np.where(urows == n_candidates, UNRANKED, urows).astype(np.uint8)
    return out, merged


def densify(ranks: RankArray) -> RankArray:
    """Renumber each row's rank values to 0, 1, 2, … keeping their order (UNRANKED stays)."""
    n = ranks.shape[1]
    used = np.zeros((ranks.shape[0], n + 1), dtype=bool)
    rows = np.arange(ranks.shape[0])
    for c in range(n):
        r = ranks[:, c]
        ranked = r != UNRANKED
        used[rows[ranked], r[ranked]] = True
    new_value = np.cumsum(used, axis=1) - 1
    clipped = np.where(ranks == UNRANKED, n, ranks).astype(np.intp)
    out = np.take_along_axis(new_value, clipped, axis=1).astype(np.uint8)
    out[ranks == UNRANKED] = UNRANKED
    return out


def _clean_group(
    group: Sequence[int],
    seen: set[int],
    n_candidates: int,
    policies: tuple[SkippedPolicy, DuplicatePolicy, OvervotePolicy],
) -> tuple[list[int], str]:
    """What to do with one rank group: (candidates to rank, verdict). The verdict is ``""`` (rank
    them), ``"next"`` (rank nothing here, go on), ``"stop"`` (end the ballot here) or
    ``"invalid:<reason>"``."""
    skipped, duplicate, overvote = policies
    if not group:
        verdicts = {"close_gap": "next", "exhaust": "stop", "invalid": "invalid:skipped"}
        return [], verdicts[skipped]
    for c in group:
        if not 0 <= c < n_candidates:
            raise ValueError(f"índice de candidatura fuera de rango: {c}")
    fresh = [c for c in dict.fromkeys(group) if c not in seen]
    if len(fresh) < len(group) and duplicate != "keep_first":
        return [], "stop" if duplicate == "exhaust" else "invalid:duplicate"
    if len(fresh) > 1 and overvote != "keep":
        verdicts = {"exhaust": "stop", "skip_rank": "next", "invalid": "invalid:overvote"}
        return [], verdicts[overvote]
    return fresh, ""


def _groups_to_row(
    groups: Sequence[Sequence[int]],
    n_candidates: int,
    policies: tuple[SkippedPolicy, DuplicatePolicy, OvervotePolicy],
) -> tuple[bytes | None, str]:
    """One ballot of rank groups → its dense rank row as bytes, or None and the reason. Groups
    are read left to right; the first problem met decides (see the module docstring)."""
    row = bytearray([UNRANKED]) * n_candidates
    seen: set[int] = set()
    level = 0
    marked = [i for i, g in enumerate(groups) if len(g) > 0]
    if not marked:
        return None, "blank"
    for group in groups[: marked[-1] + 1]:
        fresh, verdict = _clean_group(group, seen, n_candidates, policies)
        if verdict.startswith("invalid:"):
            return None, verdict.removeprefix("invalid:")
        if verdict == "stop":
            break
        for c in fresh:
            row[c] = level
        level += bool(fresh)
        seen.update(fresh)
    if not seen:
        return None, "no_valid_preference"
    return bytes(row), ""


def from_rank_groups(
    ballots: Iterable[Sequence[Sequence[int]]],
    n_candidates: int,
    *,
    weights: Iterable[int] | None,
    skipped: SkippedPolicy,
    duplicate: DuplicatePolicy,
    overvote: OvervotePolicy,
) -> Built:
    """The general path: ballots as rank groups, each with an integer weight (default 1)."""
    totals: dict[bytes, int] = {}
    built = Built(np.empty((0, n_candidates), np.uint8), np.empty(0, np.int64))
    weight_iter = iter(weights) if weights is not None else None
    for groups in ballots:
        weight = 1 if weight_iter is None else int(next(weight_iter))
        if weight < 0:
            raise ValueError("los pesos de las papeletas no pueden ser negativos")
        key, reason = _groups_to_row(groups, n_candidates, (skipped, duplicate, overvote))
        if key is None:
            if reason == "blank":
                built.blank += weight
            else:
                built.reject(reason, weight)
        elif weight:
            totals[key] = totals.get(key, 0) + weight
    if totals:
        keys = sorted(totals)
        ranks = np.frombuffer(b"".join(keys), dtype=np.uint8).reshape(len(keys), n_candidates)
        built.ranks = ranks.copy()
        built.counts = np.array([totals[k] for k in keys], dtype=np.int64)
    return built
