"""Re-counting a board with the vote's own rule, through the counting registry.

Identical selections are grouped first (a `Counter` over tuples), so the counting engine sees
distinct ballots × counts: a million ballots with a few thousand distinct ones count in well
under a second. Blank ballots (empty selections) go to the profile's ``blank``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence

from asamblea.core.ledger.board import Board
from asamblea.core.ledger.canonical import JsonValue


class RecountUnavailable(RuntimeError):
    """The counting engine (or the vote's rule in it) cannot be used here."""


def rank_groups(kind: str, selection: Sequence[int]) -> tuple[tuple[int, ...], ...]:
    """A selection as the counting engine's rank groups (approvals are one equal group)."""
    if not selection:
        return ()
    if kind == "approval":
        return (tuple(selection),)
    return tuple((index,) for index in selection)


def recount(board: Board) -> Mapping[str, JsonValue]:
    """``Outcome.to_json()`` of the vote's rule over the board's ballots (or in-person counts).

    With no electronic ballot and an in-person count, the in-person counts are counted as
    single-choice ballots. Raises `RecountUnavailable` when the engine or rule is missing.
    """
    try:
        from asamblea.core.tally import registry  # noqa: PLC0415 - optional until it is built
        from asamblea.core.tally.profile import Profile  # noqa: PLC0415
        info = registry.get(board.header.rule)
        rule = info.function()
    except (ImportError, AttributeError, KeyError) as error:
        raise RecountUnavailable(
            f"motor de conteo no disponible para la regla {board.header.rule!r}: {error}"
        ) from error
    header = board.header
    motion = info.name == "majority" and header.kind.value == "choice"
    if info.ballot != header.kind.value and not motion:
        raise RecountUnavailable(f"la regla {header.rule!r} cuenta papeletas {info.ballot!r}, "
                                 f"no {header.kind.value!r}")
    grouped: Counter[tuple[int, ...]] = Counter(map(tuple, board.selections))
    if not board.receipts and board.in_person is not None:
        grouped = Counter({(i,): n for i, n in enumerate(board.in_person.counts) if n})
        grouped[()] = max(0, board.in_person.attendance - sum(board.in_person.counts))
    distinct = sorted(grouped)
    profile = Profile.from_ballots(
        header.options,
        [rank_groups(header.kind.value, selection) for selection in distinct],
        weights=[grouped[selection] for selection in distinct],
    )
    params: dict[str, object] = {"seed": board.seed}
    if info.multi_winner:
        params["seats"] = header.seats
    if motion:  # a yes/no motion: its threshold, quorum and roll decide it
        params |= {"threshold": header.threshold or "simple", "quorum": header.quorum,
                   "roll": header.roll_size}
    outcome = rule(profile, **params)
    result: Mapping[str, JsonValue] = outcome.to_json()
    return result
