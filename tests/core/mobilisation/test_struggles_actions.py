"""Struggles and actions: state machines, places, tasks and who sees what."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, timedelta

import pytest

from asamblea.core.errors import Conflict, Invalid
from asamblea.core.mobilisation import actions as ac
from asamblea.core.mobilisation import struggles as sg
from asamblea.core.mobilisation.actions import ActionState as A
from asamblea.core.mobilisation.actions import Viewer as V  # noqa: N817 - short names keep the tables readable
from asamblea.core.mobilisation.actions import Visibility as Vis
from asamblea.core.mobilisation.struggles import StruggleState as S

T0 = datetime(2026, 12, 6, 12, tzinfo=UTC)
ALLOWED_STRUGGLE = {
    (S.ACTIVE, S.SUSPENDED),
    (S.ACTIVE, S.WON),
    (S.ACTIVE, S.LOST),
    (S.SUSPENDED, S.ACTIVE),
    (S.SUSPENDED, S.WON),
    (S.SUSPENDED, S.LOST),
    (S.WON, S.ACTIVE),
    (S.LOST, S.ACTIVE),
}


@pytest.mark.parametrize(("current", "new"), list(itertools.product(S, S)))
def test_struggle_transitions(current: S, new: S) -> None:
    if (current, new) in ALLOWED_STRUGGLE:
        assert sg.check_transition(current, new) is new
    else:
        with pytest.raises(Conflict):
            sg.check_transition(current, new)


@pytest.mark.parametrize(("current", "new"), list(itertools.product(A, A)))
def test_action_transitions_end_at_cancelled_or_held(current: A, new: A) -> None:
    over = current in (A.CANCELLED, A.HELD)
    back_to_convened = new is A.CONVENED
    confirm_twice = current is A.CONFIRMED and new is A.CONFIRMED
    if over or back_to_convened or confirm_twice:
        with pytest.raises(Conflict):
            ac.check_transition(current, new)
    else:
        assert ac.check_transition(current, new) is new
    assert ac.is_over(current) == over


KNOWN = {"15", "1501", "150142", "04", "0401"}


@pytest.mark.parametrize(
    ("place", "ok"),
    [
        (sg.Place("15"), True),
        (sg.Place("15", "1501", "150142"), True),
        (sg.Place("15", "0401"), False),  # Arequipa's province is not in Lima
        (sg.Place("99"), False),
        (sg.Place("1501"), False),  # a province code where a region goes
        (sg.Place("15", "1501", "15014"), False),
    ],
)
def test_places_nest(place: sg.Place, ok: bool) -> None:
    if ok:
        assert sg.check_place(place, KNOWN) == place
    else:
        with pytest.raises(Invalid):
            sg.check_place(place, KNOWN)


def test_texts_and_dates() -> None:
    assert sg.check_text("  agua  ", most=10) == "agua"
    with pytest.raises(Invalid):
        sg.check_text("   ", most=10)
    with pytest.raises(Invalid):
        sg.check_text("x" * 11, most=10)
    with pytest.raises(Invalid):
        sg.check_since(date(2027, 1, 1), date(2026, 12, 6))
    with pytest.raises(Conflict):
        sg.check_solidarity(1, 1, ())
    with pytest.raises(Conflict):
        sg.check_solidarity(1, 2, (2,))
    sg.check_solidarity(1, 2, (3,))


def test_tasks_and_signups() -> None:
    tasks = [ac.Task(ac.TaskRole.KITCHEN, 6), ac.Task(ac.TaskRole.FIRST_AID, 2)]
    assert ac.check_tasks(tasks) == tuple(tasks)
    with pytest.raises(Invalid):
        ac.check_tasks([ac.Task(ac.TaskRole.KITCHEN, 1), ac.Task(ac.TaskRole.KITCHEN, 2)])
    with pytest.raises(Invalid):
        ac.check_tasks([ac.Task(ac.TaskRole.PRESS, 0)])
    assert ac.still_needed(6, 3) == 3
    assert ac.still_needed(2, 5) == 0
    ac.check_signup(A.CONVENED, 7, {1, 2})
    with pytest.raises(Conflict):
        ac.check_signup(A.CONVENED, 1, {1, 2})
    with pytest.raises(Conflict):
        ac.check_signup(A.CANCELLED, 7, set())


def test_schedule() -> None:
    ac.check_schedule(T0 + timedelta(days=2), T0, ["Plaza"])
    for starts, places in [
        (T0, ["Plaza"]),
        (T0 + timedelta(days=400), ["Plaza"]),
        (T0 + timedelta(days=1), []),
        (T0 + timedelta(days=1), ["  "]),
        (T0 + timedelta(days=1), ["p"] * 11),
    ]:
        with pytest.raises(Invalid):
            ac.check_schedule(starts, T0, places)
    with pytest.raises(Invalid):
        ac.check_reveal(T0 + timedelta(hours=2), T0 + timedelta(hours=1))


@pytest.mark.parametrize(
    ("visibility", "viewer", "hidden", "before", "sees"),
    [
        (Vis.PUBLIC, V.ANYONE, False, True, True),
        (Vis.MEMBERS, V.ANYONE, False, True, False),
        (Vis.MEMBERS, V.MEMBER, False, True, True),
        (Vis.PUBLIC, V.ANYONE, True, False, False),  # a hidden place never reaches outsiders
        (Vis.PUBLIC, V.MEMBER, True, True, False),
        (Vis.PUBLIC, V.MEMBER, True, False, True),
        (Vis.MEMBERS, V.COORDINATOR, True, True, True),
    ],
)
def test_who_sees_the_place(
    visibility: Vis, viewer: V, hidden: bool, before: bool, sees: bool
) -> None:
    reveal = T0 if hidden else None
    now = T0 - timedelta(minutes=1) if before else T0
    assert ac.can_see_place(visibility, viewer, reveal, now) is sees


def test_only_coordinators_see_signups() -> None:
    assert ac.can_see_signups(V.COORDINATOR)
    assert not ac.can_see_signups(V.MEMBER)
    assert not ac.can_see_signups(V.ANYONE)
    assert not ac.can_see_action(Vis.MEMBERS, V.ANYONE)
