"""Notices, pure: the registry, audiences (fan-out on read), the digest, due and back-off."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import asamblea.core.webhooks  # noqa: F401 - registers the webhook_disabled kind
from asamblea.core import notices
from asamblea.core.notices import Audience, Delivery, Event, NoticeRule, Seat, Standing

NOW = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)
LIMA = timezone(timedelta(hours=-5))
ME = 7


def _event(
    id_: int,
    action: str,
    *,
    assembly: int | None = 1,
    subject: str = "",
    actor: int | None = 99,
    at: datetime = NOW,
    **details: object,
) -> Event:
    return Event(id_, at, action, assembly, subject, actor, details)


MEMBER = Standing(ME, (Seat(1, "member", "active", since=NOW),), frozenset({"membership:3"}))
AUTHOR = Standing(ME, MEMBER.seats, frozenset({"proposal:5", "membership:3"}))
FACILITATOR = Standing(ME, (Seat(1, "facilitator", "active", since=NOW),))
# She pledged to campaign 4 and takes part in action 6 (convened by assembly 2, not hers).
PLEDGER = Standing(ME, MEMBER.seats, frozenset({"pledge_campaign:4", "action:6"}))

# (event, standing, the kind it is for the reader or None) — one row per kind at least.
CASES = [
    (_event(20, "vote.opened", subject="vote:1"), MEMBER, "vote_opened"),
    (_event(20, "vote.published", subject="vote:1"), MEMBER, "vote_published"),
    (_event(20, "membership.requested", subject="membership:9"), MEMBER, "vouch_waiting"),
    (_event(20, "membership.vouched", subject="membership:3"), MEMBER, "vouched"),
    (_event(20, "membership.activated", subject="membership:3"), MEMBER, "accepted"),
    (_event(20, "membership.suspended", subject="membership:3"), MEMBER, "suspended"),
    (_event(20, "proposal.supported", subject="proposal:5"), AUTHOR, "proposal_supported"),
    (
        _event(20, "proposal.settled", subject="proposal:5", state="adopted"),
        AUTHOR,
        "proposal_adopted",
    ),
    (_event(20, "proposal.settled", subject="proposal:5", state="rejected"), AUTHOR, None),
    (_event(20, "proposal.escalated", subject="proposal:5"), AUTHOR, "proposal_escalated"),
    (_event(20, "recall.opened", subject="delegate:2"), MEMBER, "recall_opened"),
    (
        _event(20, "delegate.against_mandate", subject="vote:8"),
        MEMBER,
        "delegate_against_mandate",
    ),
    (_event(20, "budget.advanced", subject="budget:1", phase="review"), MEMBER, "budget_phase"),
    (_event(20, "planning.opened", subject="planning_round:1"), MEMBER, "planning_opened"),
    (_event(20, "webhook.disabled", subject="webhook:1"), FACILITATOR, "webhook_disabled"),
    (_event(20, "webhook.disabled", subject="webhook:1"), MEMBER, None),  # facilitators only
    # Mobilisation: pledgers (her own pledge), and the participants of an action.
    (
        _event(20, "mobilisation.pledge_triggered", assembly=2, subject="pledge_campaign:4"),
        PLEDGER,
        "pledge_met",
    ),
    (_event(20, "mobilisation.pledge_triggered", subject="pledge_campaign:5"), PLEDGER, None),
    (_event(20, "mobilisation.pledge_triggered", subject="pledge_campaign:4"), MEMBER, None),
    (
        _event(20, "mobilisation.action_confirmed", assembly=2, subject="action:6"),
        PLEDGER,
        "action_confirmed",
    ),
    (_event(20, "mobilisation.action_postponed", subject="action:7"), MEMBER, "action_postponed"),
    (
        _event(20, "mobilisation.action_cancelled", assembly=2, subject="action:6"),
        PLEDGER,
        "action_cancelled",
    ),
    (_event(20, "mobilisation.action_cancelled", assembly=2, subject="action:6"), MEMBER, None),
    # Not for this reader:
    (_event(20, "membership.activated", subject="membership:4"), MEMBER, None),
    (_event(20, "vote.opened", assembly=2), MEMBER, None),  # not a member there
    (_event(5, "vote.opened", at=NOW - timedelta(seconds=1)), MEMBER, None),  # before she joined
    (_event(20, "vote.opened", actor=ME), MEMBER, None),  # her own action
    (_event(20, "proposal.supported", subject="proposal:5", actor=ME), AUTHOR, None),
    (_event(20, "person.password_changed", subject="person:7"), MEMBER, None),
    (_event(20, "ballot.cast"), MEMBER, None),
]


@pytest.mark.parametrize(("event", "standing", "kind"), CASES)
def test_every_kind_reaches_its_audience_and_no_one_else(
    event: Event, standing: Standing, kind: str | None
) -> None:
    notice = notices.notice_for(event, standing, read_marker=0)
    assert (notice.kind if notice else None) == kind


def test_every_registered_kind_has_a_case() -> None:
    covered = {kind for _, _, kind in CASES if kind}
    assert set(notices.kinds()) - covered == {"vote_closing"}  # derived from closing times


def test_suspended_or_pending_members_hear_nothing_of_the_assembly() -> None:
    for state in ("pending", "suspended", "left"):
        reader = Standing(ME, (Seat(1, "member", state, NOW),))
        assert notices.notice_for(_event(20, "vote.opened"), reader, 0) is None


def test_facilitator_audience_needs_the_role() -> None:
    rule = NoticeRule("x.test", "x_test", Audience.FACILITATORS, "{assembly}")
    member = Standing(ME, (Seat(1, "member", "active", NOW),))
    facilitator = Standing(ME, (Seat(1, "facilitator", "active", NOW),))
    assert not notices.in_audience(rule, _event(3, "x.test"), member)
    assert notices.in_audience(rule, _event(3, "x.test"), facilitator)


def test_a_rule_may_only_use_fields_shown_on_its_page() -> None:
    with pytest.raises(ValueError, match="voter"):
        NoticeRule("vote.cast", "cast", Audience.MEMBERS, "{voter} voted {choice}")


def test_a_rule_registers_once() -> None:
    with pytest.raises(ValueError, match="already registered"):
        notices.register(notices.rules()[0])


def test_another_domain_adds_a_kind_by_registering_it() -> None:
    rule = NoticeRule("struggle.test_only", "struggle_test", Audience.MEMBERS, "{title}")
    notices.register(rule)
    try:
        assert notices.rule_for("struggle.test_only", {}) == rule
        assert "struggle_test" in notices.kinds()
        assert notices.notice_for(_event(20, "struggle.test_only"), MEMBER, 0) is not None
    finally:
        notices.unregister(rule)
    assert "struggle_test" not in notices.kinds()


def test_built_in_texts_never_name_a_person_or_a_choice() -> None:
    for rule in notices.rules():
        assert not {"voter", "choice", "actor", "members", "username"} & set(
            rule.text.replace("{", " ").replace("}", " ").split()
        )


_events = st.builds(
    Event,
    id=st.integers(1, 60),
    at=st.sampled_from([NOW - timedelta(minutes=30), NOW, NOW + timedelta(minutes=30)]),
    action=st.sampled_from([*sorted(notices.actions()), "ballot.cast", "session.opened"]),
    assembly_id=st.sampled_from([None, 1, 2, 3]),
    subject=st.sampled_from(
        [
            "",
            "membership:3",
            "membership:4",
            "proposal:5",
            "vote:1",
            "pledge_campaign:4",
            "action:6",
        ]
    ),
    actor_id=st.sampled_from([None, ME, 99]),
    details=st.fixed_dictionaries(
        {"state": st.sampled_from(["adopted", "rejected"]), "child_id": st.sampled_from([1, 2])}
    ),
)
_seats = st.lists(
    st.builds(
        Seat,
        assembly_id=st.sampled_from([1, 2, 3]),
        role=st.sampled_from(["member", "facilitator"]),
        state=st.sampled_from(["active", "pending", "suspended"]),
        since=st.sampled_from([NOW - timedelta(hours=1), NOW, NOW + timedelta(hours=1)]),
    ),
    max_size=3,
    unique_by=lambda s: s.assembly_id,
)


@settings(max_examples=150, deadline=None)
@given(
    events=st.lists(_events, max_size=40, unique_by=lambda e: e.id),
    seats=_seats,
    subjects=st.sets(
        st.sampled_from(["membership:3", "proposal:5", "pledge_campaign:4", "action:6"])
    ),
    marker=st.integers(0, 60),
)
def test_inbox_properties(
    events: list[Event], seats: list[Seat], subjects: set[str], marker: int
) -> None:
    reader = Standing(ME, tuple(seats), frozenset(subjects))
    box = notices.inbox(events, reader, marker, limit=100)
    active = {s.assembly_id: s for s in seats if s.state == "active"}
    ids = [n.event.id for n in box]
    assert ids == sorted(ids, reverse=True)
    for notice in box:
        event = notice.event
        assert event.actor_id != ME
        assert notice.read == (event.id <= marker)
        if notice.rule.audience in (Audience.SUBJECT_PERSON, Audience.PLEDGERS):
            assert event.subject in subjects
        elif notice.rule.audience is Audience.PARTICIPANTS and event.subject in subjects:
            pass  # an action she takes part in through a joined assembly or a task
        else:
            seat_of = event.assembly_id
            assert seat_of in active
            assert event.at >= active[seat_of].since
    assert notices.unread_count(box) == sum(1 for n in box if n.event.id > marker)


@pytest.mark.parametrize(
    ("closes_in", "soon"),
    [
        (timedelta(hours=-1), False),
        (timedelta(0), False),
        (timedelta(hours=1), True),
        (timedelta(hours=24), True),
        (timedelta(hours=24, seconds=1), False),
    ],
)
def test_closes_soon_is_the_24_hours_before_closing(closes_in: timedelta, soon: bool) -> None:
    assert notices.closes_soon(NOW + closes_in, NOW) is soon


def test_is_due() -> None:
    assert notices.is_due(NOW, NOW)
    assert notices.is_due(NOW - timedelta(seconds=1), NOW)
    assert not notices.is_due(NOW + timedelta(seconds=1), NOW)
    assert not notices.is_due(None, NOW)


@settings(max_examples=200, deadline=None)
@given(attempts=st.integers(1, 200), key=st.text(max_size=12))
def test_backoff_grows_within_its_cap_and_is_reproducible(attempts: int, key: str) -> None:
    wait = notices.backoff(attempts, key)
    ceiling = min(timedelta(hours=1), timedelta(seconds=30) * 2 ** min(attempts - 1, 32))
    assert ceiling / 2 <= wait <= ceiling
    assert wait == notices.backoff(attempts, key)
    assert notices.next_attempt(attempts, key, NOW) == NOW + wait


def test_backoff_spreads_items_apart() -> None:
    waits = {notices.backoff(3, f"mail:{i}") for i in range(50)}
    assert len(waits) > 40


def test_webhooks_turn_off_after_ten_failures_in_a_row() -> None:
    assert not notices.should_disable(9)
    assert notices.should_disable(10)


def _notice(id_: int, action: str, assembly: int | None, **details: object) -> notices.Notice:
    event = _event(id_, action, assembly=assembly, **details)
    rule = notices.rule_for(action, details)
    assert rule is not None
    return notices.Notice(event, rule, read=False)


def test_preferences_split_at_once_daily_and_never() -> None:
    items = [
        _notice(1, "vote.opened", 1),
        _notice(2, "proposal.supported", 1),  # daily by default
        _notice(3, "budget.advanced", 2),
    ]
    at_once, daily = notices.split(items, {"budget_phase": Delivery.NEVER})
    assert [n.event.id for n in at_once] == [1]
    assert [n.event.id for n in daily] == [2]
    at_once, daily = notices.split(items, {"vote_opened": Delivery.DAILY})
    assert [n.event.id for n in at_once] == [3]
    assert [n.event.id for n in daily] == [1, 2]


def test_digest_groups_by_assembly_oldest_first() -> None:
    items = [
        _notice(5, "vote.opened", 2),
        _notice(1, "vote.opened", 1),
        _notice(3, "vote.opened", 2),
    ]
    groups = notices.group(items)
    assert [(g.assembly_id, [n.event.id for n in g.notices]) for g in groups] == [
        (1, [1]),
        (2, [3, 5]),
    ]


def test_digest_is_due_once_a_day_at_seven_in_lima() -> None:
    # 12:00 UTC is 07:00 in Lima.
    assert notices.digest_due(None, NOW, LIMA)
    assert notices.digest_due(NOW - timedelta(seconds=1), NOW, LIMA)
    assert not notices.digest_due(NOW, NOW, LIMA)
    assert not notices.digest_due(NOW, NOW + timedelta(hours=23, minutes=59), LIMA)
    assert notices.digest_due(NOW, NOW + timedelta(days=1), LIMA)
