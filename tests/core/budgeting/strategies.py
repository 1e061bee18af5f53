"""Hypothesis strategies for small participatory budgets (kept in one place)."""

from __future__ import annotations

from dataclasses import dataclass

from hypothesis import strategies as st

from asamblea.core.budgeting import BallotKind, Ballots, Instance, Project


@dataclass(frozen=True)
class Election:
    """An instance and its ballots, one dict per voter (project position → points)."""

    instance: Instance
    kind: BallotKind
    voters: tuple[dict[int, int], ...]

    def ballots(self) -> Ballots:
        """Merge the voters' ballots."""
        return Ballots.merge(self.kind, len(self.instance.projects), self.voters)


@st.composite
def elections(draw: st.DrawFn, *, kinds: tuple[BallotKind, ...] = tuple(BallotKind)) -> Election:
    """Up to 6 projects (some cheap, some dear, ties likely), up to 12 voters."""
    num_projects = draw(st.integers(1, 6))
    costs = draw(
        st.lists(
            st.sampled_from([0, 100, 300, 500, 600, 900, 1200]),
            min_size=num_projects,
            max_size=num_projects,
        )
    )
    budget = draw(st.sampled_from([0, 500, 1000, 1500, 2000, 3000]))
    kind = draw(st.sampled_from(kinds))
    high = 3 if kind is BallotKind.CUMULATIVE else 1
    ballot = st.dictionaries(
        st.integers(0, num_projects - 1), st.integers(1, high), max_size=num_projects
    )
    voters = draw(st.lists(ballot, min_size=0, max_size=12))
    if kind is BallotKind.ORDINAL:  # a ranking: ranks 1..k in the order drawn
        voters = [{p: r for r, p in enumerate(voter, start=1)} for voter in voters]
    projects = tuple(Project(f"p{k}", cost) for k, cost in enumerate(costs))
    return Election(Instance(budget, projects), kind, tuple(voters))
