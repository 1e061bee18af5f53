"""Meek STV (New Zealand / ERS description), with the precision conventions of Droop.

Two conventions, named as in Droop (J. Lundell) and its reference outputs:

* ``"droop"`` (Droop's ``meek`` rule, the default): guarded arithmetic, 18 digits + 9 guard digits,
  omega = 1e-9 (``meek-o9-guarded-p18-g9``); keep = w·kf and pass-on = w·(1−kf), truncated; quota =
  votes / (seats + 1) (plus 1e-p when the arithmetic is plain fixed point); elected when the vote
  exceeds the quota (reaches it, with fixed point); "sure losers" are defeated in a batch.
  With ``arithmetic="fixed", precision=9, omega=6`` it is also what stv-rs counts (``fixed9``).
* ``"prf"``: the Proportional Representation Foundation's reference Meek rule (``meek-prf-o6-
  fixed-p9``): fixed point with 9 places, keep = w·kf rounded up, quota truncated + 1e-9, elected on
  reaching it, omega = 1e-6, no batch defeats.

In both, keep factors are updated to kf·quota/vote (each step rounded up in fixed point), the
iteration stops when a candidate is elected, when the total surplus is at most omega (below, for
``prf``) or stops decreasing; then the hopeful candidate with the fewest votes is defeated, every
hopeful candidate within the total surplus of it counting as tied (broken by the predetermined
order, else by lot). See docs/stv.md.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any, Literal

from asamblea.core.tally.lot import Lot
from asamblea.core.tally.outcome import Outcome, Round
from asamblea.core.tally.profile import Profile
from asamblea.core.tally.stv_meek_arith import Arithmetic, Ballots, distribute
from asamblea.core.tally.stv_ties import TieBreaker

__all__ = ["meek_stv"]

Convention = Literal["droop", "prf"]
HOPEFUL, ELECTED, DEFEATED = "H", "E", "D"


@dataclass
class _Meek:
    """The state of a Meek count."""

    candidates: tuple[str, ...]
    ballots: Ballots
    n_ballots: int
    seats: int
    arith: Arithmetic
    convention: Convention
    omega: int
    batch: bool
    ties: TieBreaker
    state: list[str]
    kf: list[int]
    votes: list[int]
    quota: int = 0
    surplus: int = 0
    total: int = 0
    elected: list[int] = field(default_factory=list)
    rounds: list[Round] = field(default_factory=list)
    log: list[dict[str, Any]] = field(default_factory=list)

    @property
    def prf(self) -> bool:
        return self.convention == "prf"

    def hopeful(self) -> list[int]:
        return [c for c, s in enumerate(self.state) if s == HOPEFUL]

    def seats_left(self) -> int:
        return self.seats - len(self.elected)

    def complete(self) -> bool:
        return self.seats_left() <= 0 or len(self.hopeful()) <= self.seats_left()

    def counted(self) -> list[int]:
        return [c for c, s in enumerate(self.state) if s != DEFEATED]

    def distribute(self) -> None:
        self.votes = distribute(self.arith, self.ballots, self.kf, keep_up=self.prf)
        for c, s in enumerate(self.state):
            if s == DEFEATED:
                self.votes[c] = 0
        self.total = sum(self.votes[c] for c in self.counted())

    def update_quota(self) -> None:
        a = self.arith
        if self.prf or not a.exact:
            self.quota = self.total // (self.seats + 1) + 1
        else:
            self.quota = self.total // (self.seats + 1)

    def has_quota(self, c: int) -> bool:
        test = self.arith.cmp(self.votes[c], self.quota)
        return test >= 0 if (self.prf or not self.arith.exact) else test > 0

    def elect(self, c: int) -> None:
        self.state[c] = ELECTED
        self.elected.append(c)

    def defeat(self, c: int) -> None:
        self.state[c] = DEFEATED
        self.kf[c] = 0

    def snapshot(self) -> dict[str, Any]:
        """Votes and keep factors as they stand (e.g. when a defeat is decided)."""
        a, names = self.arith, self.candidates
        return {
            "votes": {names[c]: a.decimal(v) for c, v in enumerate(self.votes)},
            "keep_factors": {names[c]: a.decimal(k) for c, k in enumerate(self.kf)},
        }

    def record(
        self,
        status: str,
        elected: list[int],
        defeated: list[int],
        decision: dict[str, Any] | None = None,
    ) -> None:
        a = self.arith
        names = self.candidates
        residual = self.n_ballots * a.one - self.total
        self.rounds.append(
            Round(
                number=len(self.rounds) + 1,
                tallies={names[c]: a.decimal(self.votes[c]) for c in range(len(names))},
                exhausted=a.decimal(residual),
                elected=tuple(names[c] for c in elected),
                eliminated=tuple(names[c] for c in defeated),
                note=status,
                quota=a.decimal(self.quota),
            )
        )
        self.log.append(
            {
                "round": len(self.rounds),
                "status": status,
                "surplus": a.decimal(self.surplus),
                "votes": a.decimal(self.total),
                "keep_factors": {names[c]: a.decimal(self.kf[c]) for c in range(len(names))},
                **({} if decision is None else {"decision": decision}),
            }
        )


def _batch(count: _Meek) -> list[int]:
    """Droop's "safe" batch of sure losers: the lowest groups of hopeful candidates (a group:
    candidates within the surplus of its first member, the first group starting from 0) whose
    votes plus the surplus stay below the next candidate, leaving enough for the seats."""
    cmp = count.arith.cmp
    groups: list[list[int]] = []
    group: list[int] = []
    base = 0
    for c in sorted(count.hopeful(), key=lambda c: (count.votes[c], c)):
        if cmp(base + count.surplus, count.votes[c]) >= 0:
            group.append(c)
            continue
        if group:
            groups.append(group)
        group, base = [c], count.votes[c]
    if group:
        groups.append(group)
    most = len(count.hopeful()) - count.seats_left()
    total, taken, best = 0, 0, -1
    for g in range(len(groups) - 1):
        taken += len(groups[g])
        if taken > most:
            break
        total += sum(count.votes[c] for c in groups[g])
        if cmp(total + count.surplus, count.votes[groups[g + 1][0]]) < 0:
            best = g
    return [c for g in groups[: best + 1] for c in g]


def _iterate(count: _Meek) -> tuple[str, list[int]]:
    """Iterate the keep factors until an election, omega, a stable surplus or a batch defeat."""
    a = count.arith
    last = count.n_ballots * a.one
    while True:
        count.distribute()
        count.update_quota()
        newly = [c for c in count.hopeful() if count.has_quota(c)]
        for c in newly:
            count.elect(c)
        count.surplus = max(sum(count.votes[c] - count.quota for c in count.elected), 0)
        if newly:
            return "elected", newly
        if count.prf and count.surplus < count.omega:
            return "omega", []
        if not count.prf and a.cmp(count.surplus, count.omega) <= 0:
            return "omega", []
        if a.cmp(count.surplus, last) >= 0:
            return "stable", []
        if count.batch:
            batch = _batch(count)
            if batch:
                return "batch", batch
        last = count.surplus
        for c in count.elected:
            count.kf[c] = a.div(a.mul(count.kf[c], count.quota, up=True), count.votes[c], up=True)


def _lowest(count: _Meek, status: str) -> int:
    """The hopeful candidate to defeat: the fewest votes, every hopeful candidate within the
    total surplus of it counting as tied."""
    hopeful = count.hopeful()
    low = min(count.votes[c] for c in hopeful)
    tied = [c for c in hopeful if count.arith.cmp(low + count.surplus, count.votes[c]) >= 0]
    return count.ties.pick(tied, f"defeat ({status})", len(count.rounds) + 1)


def _round(count: _Meek) -> None:
    """One round: iterate; then either record the elected, or defeat (a batch or the lowest),
    spreading the votes again with the defeated out (as Droop reports them)."""
    status, chosen = _iterate(count)
    if status == "elected":
        count.record(status, chosen, [])
        return
    defeated = sorted(chosen) if status == "batch" else [_lowest(count, status)]
    for c in defeated[:-1]:
        count.defeat(c)
        count.distribute()
    decision = count.snapshot()
    count.defeat(defeated[-1])
    count.distribute()
    count.record(status, [], defeated, decision)


def _finish(count: _Meek) -> None:
    """Elect the remaining hopeful candidates while seats are left, defeat the rest (vote 0);
    recorded in the last round, as Droop does."""
    hopeful = count.hopeful()
    if not hopeful:
        return
    last = count.rounds.pop()
    decision = count.log.pop().get("decision")
    elected = [count.candidates.index(n) for n in last.elected]
    defeated = [count.candidates.index(n) for n in last.eliminated]
    for c in hopeful:
        if count.seats_left() > 0:
            count.elect(c)
            elected.append(c)
        else:
            count.defeat(c)
            count.votes[c] = 0
            defeated.append(c)
    if defeated and not count.prf:
        count.distribute()
    count.total = sum(count.votes[c] for c in count.counted())
    count.record(last.note, elected, defeated, decision)


def _first_round(count: _Meek) -> None:
    """Round 1 (Droop's round 0): first preferences, an equal first rank split equally."""
    one, ballots = count.arith.one, count.ballots
    votes = [0] * len(count.candidates)
    if ballots.order.shape[0]:
        first = ballots.order[:, 0]
        for c in range(len(votes)):
            votes[c] = int(ballots.counts[first == c].sum()) * one
    for groups, n in ballots.equal:
        for c in groups[0]:
            votes[c] += one // len(groups[0]) * n
    count.votes = votes
    count.total = sum(votes)
    count.update_quota()
    count.record("begin", [], [])


def meek_stv(
    profile: Profile,
    *,
    seats: int = 1,
    seed: str = "",
    withdrawn: Collection[str] = (),
    tie_order: tuple[str, ...] | None = None,
    convention: Convention = "droop",
    arithmetic: Literal["guarded", "fixed"] | None = None,
    precision: int | None = None,
    guard: int | None = None,
    omega: int | None = None,
    batch_defeat: bool | None = None,
) -> Outcome:
    """Count `profile` by Meek STV for `seats` seats.

    `convention` picks the rule details (``"droop"`` or ``"prf"``, see the module docstring);
    `arithmetic`, `precision`, `guard` and `omega` (omega = 10**-omega) override its defaults:
    droop → guarded, 18, 9 (precision // 2), 9; with fixed: 9 places and omega 2/3 of them;
    prf → fixed, 9, 0, 6. `batch_defeat` (default: on for droop, off for prf; stv-rs counts
    without it) defeats Droop's "sure losers" together. `withdrawn` names are removed from every
    ballot; `tie_order` replaces the lot (the first tied candidate in it is defeated). Equal
    preferences are split equally.
    """
    if seats < 1:
        raise ValueError("el número de escaños debe ser al menos 1")
    arith, omega10 = _arithmetic(convention, arithmetic, precision, guard, omega)
    if withdrawn:
        profile = profile.without(withdrawn)
    order = None
    if tie_order is not None:
        order = tuple(profile.index(c) for c in tie_order if c in profile.candidates)
    n = profile.n_candidates
    count = _Meek(
        candidates=profile.candidates,
        ballots=Ballots.from_profile(profile, arith),
        n_ballots=profile.n_ballots,
        seats=seats,
        arith=arith,
        convention=convention,
        omega=arith.one // 10**omega10,
        batch=convention == "droop" if batch_defeat is None else batch_defeat,
        ties=TieBreaker(profile.candidates, Lot(seed), order),
        state=[HOPEFUL] * n,
        kf=[arith.one] * n,
        votes=[0] * n,
    )
    _first_round(count)
    while not count.complete():
        _round(count)
    _finish(count)
    return Outcome(
        rule="meek",
        candidates=profile.candidates,
        winners=tuple(count.candidates[c] for c in count.elected),
        rounds=tuple(count.rounds),
        tie_breaks=tuple(count.ties.records),
        seed=seed,
        details={
            "method": f"meek-{convention}-o{omega10}-{arith.tag()}",
            "batch_defeat": count.batch,
            "omega": arith.decimal(count.omega),
            "rounds": count.log,
            "draws": count.ties.lot.draws_json(),
            "withdrawn": sorted(withdrawn),
        },
        valid=profile.n_ballots,
        blank=profile.blank,
        invalid=profile.invalid,
    )


def _arithmetic(
    convention: Convention,
    kind: Literal["guarded", "fixed"] | None,
    precision: int | None,
    guard: int | None,
    omega: int | None,
) -> tuple[Arithmetic, int]:
    """The arithmetic and omega exponent for the convention, with the caller's overrides."""
    if convention not in ("droop", "prf"):
        raise ValueError(f"convención de Meek desconocida: {convention!r}")
    kind = kind or ("fixed" if convention == "prf" else "guarded")
    if kind == "guarded":
        p = 18 if precision is None else precision
        g = p // 2 if guard is None else guard
        o = p // 2 if omega is None else omega
    elif kind == "fixed":
        p = 9 if precision is None else precision
        g = 0
        o = (6 if convention == "prf" else p * 2 // 3) if omega is None else omega
    else:
        raise ValueError(f"aritmética desconocida: {kind!r}")
    if p < 1 or g < 0 or o < 0:
        raise ValueError("precisión, guarda y omega deben ser positivos")
    return Arithmetic(kind, p, g), o
