"""The registry of counting rules, by name, and the single `count` entry point. Shared contract.

Contract
--------
A rule is a pure function ``rule(data, *, seats=1, ..., seed=...) -> Outcome`` living in a module of
this package. It is registered here with a `RuleInfo`: its name (what ``--rule`` takes), the dotted
path of the function (imported lazily on first use, so listing the rules imports nothing heavy),
the ballot kind it counts (``"ranking"``, ``"approval"``, ``"choice"``; ``majority`` takes a
single-choice profile sí/no[/abstención] or a `YesNo` of counts), whether it
fills several seats, and a one-line description in Spanish and English.

``count("irv", profile, seed="…")`` looks the rule up and calls it with the keyword parameters.
``rules()`` lists every `RuleInfo` in registration order. To add a rule: write the function, add
one `RuleInfo` line to `_RULES` (or to `_stv_rules()` for the STV engineer), document it in
docs/counting.md; the registry-wide tests will run it.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from asamblea.core.tally.outcome import Outcome

__all__ = ["BallotKind", "RuleInfo", "UnknownRule", "count", "get", "rules"]

BallotKind = Literal["ranking", "approval", "choice", "yes_no"]


class UnknownRule(KeyError):
    """No rule is registered under that name."""

    def __str__(self) -> str:
        return f"regla desconocida: {self.args[0]!r} (ver `asamblea tally --rules`)"


@dataclass(frozen=True)
class RuleInfo:
    """A registered counting rule."""

    name: str
    target: str
    ballot: BallotKind
    multi_winner: bool
    es: str
    en: str

    def function(self) -> Callable[..., Outcome]:
        """Import and return the rule function (``"package.module:function"``)."""
        module_name, _, attr = self.target.partition(":")
        func: Callable[..., Outcome] = getattr(importlib.import_module(module_name), attr)
        return func


_P = "asamblea.core.tally."

_RULES: tuple[RuleInfo, ...] = (
    RuleInfo(
        "majority",
        _P + "majority:majority",
        "choice",
        False,
        "Mayoría sí/no con quórum y umbral (absoluta, simple o de dos tercios).",
        "Yes/no majority with quorum and threshold (absolute, simple or two-thirds).",
    ),
    RuleInfo(
        "plurality",
        _P + "plurality:plurality",
        "choice",
        True,
        "Mayoría relativa: gana(n) quien(es) más primeras preferencias reciben.",
        "Plurality: the most first preferences win.",
    ),
    RuleInfo(
        "approval",
        _P + "approval:approval",
        "approval",
        True,
        "Voto por aprobación, con máximo opcional de opciones por papeleta.",
        "Approval voting, with an optional maximum of choices per ballot.",
    ),
    RuleInfo(
        "irv",
        _P + "irv:irv",
        "ranking",
        False,
        "Segunda vuelta instantánea: se elimina al último hasta que alguien tenga mayoría.",
        "Instant-runoff: eliminate the last until someone has a majority.",
    ),
    RuleInfo(
        "schulze",
        _P + "condorcet:schulze",
        "ranking",
        False,
        "Schulze (Condorcet): caminos más fuertes; ganador y orden completo.",
        "Schulze (Condorcet): strongest paths; winner and full ranking.",
    ),
    RuleInfo(
        "ranked_pairs",
        _P + "condorcet:ranked_pairs",
        "ranking",
        False,
        "Pares ordenados de Tideman (Condorcet): se fijan los duelos de mayor margen.",
        "Tideman's ranked pairs (Condorcet): lock in the largest margins first.",
    ),
)


def _stv_rules() -> tuple[RuleInfo, ...]:
    """STV entries: OWNED BY THE STV ENGINEER. Add the ``stv`` (Scottish) and ``meek`` RuleInfo
    lines inside this tuple (and edit nothing else in this file), e.g.::

        RuleInfo("stv", _P + "stv_scottish:scottish_stv", "ranking", True, "…es…", "…en…"),
    """
    return (
        # --- begin STV entries (STV engineer) ---
        RuleInfo(
            "stv",
            _P + "stv_scottish:scottish_stv",
            "ranking",
            True,
            "VUT escocés (Orden de 2007): cuota Droop, Gregory inclusivo ponderado, 5 decimales.",
            "Scottish STV (2007 Order): Droop quota, weighted inclusive Gregory, 5 decimals.",
        ),
        RuleInfo(
            "meek",
            _P + "stv_meek:meek_stv",
            "ranking",
            True,
            "VUT de Meek (Nueva Zelanda/ERS): factores de retención iterados, aritmética de Droop.",
            "Meek STV (New Zealand/ERS): iterated keep factors, Droop's arithmetic conventions.",
        ),
        # --- end STV entries ---
    )


def rules() -> tuple[RuleInfo, ...]:
    """Every registered rule, in order."""
    return _RULES + _stv_rules()


def get(name: str) -> RuleInfo:
    """The rule registered under `name`."""
    for info in rules():
        if info.name == name:
            return info
    raise UnknownRule(name)


def count(rule: str, data: Any, **params: Any) -> Outcome:
    """Count `data` (a `Profile`, or a `YesNo` for ``majority``) with the named rule."""
    return get(rule).function()(data, **params)
