"""How a base assembly adopts its targets in a planning round (pure rules).

A facilitator of the base assembly drafts the targets; the draft goes to the assembly's members
as a yes/no vote of the votes machinery (secret ballot, the assembly's quorum, simple majority
of Sí over No). The vote's question names the round and lists the targets, so the public
bulletin board — and `asamblea verify` — carries exactly what was adopted. When the vote is
published the draft is settled: *adopted* when the motion carried (its weight is the vote's
roll, the assembly's active members when it opened), *rejected* otherwise (no quorum included),
after which the assembly may draft again. At most one draft is being voted on at a time, and
once adopted an assembly's targets for the round are final.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from enum import StrEnum

from asamblea.core.errors import N_, Conflict

__all__ = [
    "QUESTION_MAX",
    "DraftState",
    "check_can_draft",
    "state_after_vote",
    "targets_question",
]

QUESTION_MAX = 300
"""The votes machinery's longest question (`asamblea.core.votes.QUESTION_MAX`)."""
CODE_LENGTH = 12
"""Hex digits of the draft's digest quoted when the question cannot list every target."""


class DraftState(StrEnum):
    """Where a draft of targets is: under vote, adopted by the members, or not adopted."""

    VOTING = "voting"
    ADOPTED = "adopted"
    REJECTED = "rejected"


def check_can_draft(states: Iterable[DraftState]) -> None:
    """An assembly drafts when none of its drafts in the round is adopted or under vote."""
    found = set(states)
    if DraftState.ADOPTED in found:
        raise Conflict(N_("This assembly has already adopted its targets in this round."))
    if DraftState.VOTING in found:
        raise Conflict(N_("This assembly's members are already voting on its targets."))


def state_after_vote(passed: bool) -> DraftState:
    """A published vote settles its draft: adopted when the motion carried."""
    return DraftState.ADOPTED if passed else DraftState.REJECTED


def targets_question(
    title: str,
    goods: Sequence[str],
    levels: Mapping[str, float],
    changes: Mapping[str, float],
    digest: str,
) -> str:
    """The vote's question: the round's title, then every target in the round's order.

    At most `QUESTION_MAX` characters: when the targets do not all fit, as many as fit are
    listed, then how many more and the draft's code (the start of its digest, shown beside the
    full list on the round's page), and a long title is shortened first."""
    items = []
    for good in goods:
        if good in levels:
            items.append(f"{_words(good)}: {_figure(levels[good])}")
        elif good in changes:
            sign = "+" if changes[good] >= 0 else "-"
            items.append(f"{_words(good)}: {sign}{_figure(abs(changes[good]))} %")
    name = _words(title)
    full = f"{_prefix(name)}{'; '.join(items)}".rstrip()
    if len(full) <= QUESTION_MAX:
        return full
    code = digest[:CODE_LENGTH]
    longest_tail = len(_tail(len(items), code))
    room = QUESTION_MAX - longest_tail - len(_prefix(""))
    if len(name) > room // 2:  # leave room for some targets
        name = name[: max(room // 2 - 1, 1)].rstrip() + "…"
    prefix = _prefix(name)
    if len(prefix) + len("; ".join(items)) <= QUESTION_MAX:
        return f"{prefix}{'; '.join(items)}"
    shown: list[str] = []
    for item in items:
        candidate = "; ".join([*shown, item])
        if len(prefix) + len(candidate) + len(_tail(len(items) - len(shown) - 1, code)) > (
            QUESTION_MAX
        ):
            break
        shown.append(item)
    listed = f"{prefix}{'; '.join(shown)}".rstrip()
    return f"{listed}{_tail(len(items) - len(shown), code)}"


def _prefix(title: str) -> str:
    return f"¿Adoptamos estas metas para «{title}»? "


def _tail(more: int, code: str) -> str:
    return f" … y {more} más (código {code})"


def _words(text: str) -> str:
    """One line, single spaces (the votes machinery normalises questions the same way)."""
    return " ".join(text.split())


def _figure(value: float) -> str:
    """A target as people write it: 10, 20.5, 0.125 (no exponent, no trailing zeros)."""
    number = float(value)
    if number.is_integer():
        return str(int(number))
    text = f"{number:.6f}".rstrip("0").rstrip(".")
    return text if text not in {"0", "-0"} else f"{number:.3g}"
