"""Webhooks on both databases, posted to a real receiver on the loopback that checks each
signature itself: what is queued (only the assembly's own events, only members-visible kinds),
retries with back-off, turning off after repeated failures, and refusing private addresses."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from asamblea.clock import utcnow
from asamblea.core.errors import Forbidden, Invalid
from asamblea.core.notices import backoff
from asamblea.core.notices.due import WEBHOOK_FAILURES_TO_DISABLE
from asamblea.services import notices, webhooks
from asamblea.services.federation import assemblies as federation
from asamblea.services.webhooks import transport
from asamblea.store.database import make_sessionmaker
from asamblea.store.federation_models import AuditRow
from asamblea.store.webhooks_models import WebhookRow
from tests.databases import BACKENDS, drop_database, engine_for, new_database
from tests.services.test_deliberation import base_assembly, pending
from tests.services.test_notices import _open_vote
from tests.webhook_receiver import Receiver, receiver

SEALER = webhooks.Sealer("clave-de-prueba-" + "x" * 40)


@pytest.fixture
def hook() -> Iterator[Receiver]:
    with receiver() as found:
        yield found


def _register(db: Session, who: object, assembly_id: int, url: str, *kinds: str) -> int:
    made = webhooks.register(
        db,
        who,  # type: ignore[arg-type]
        assembly_id,
        url=url,
        kinds=kinds or ("vote_opened", "vote_published", "vouch_waiting"),
        sealer=SEALER,
        now=utcnow(),
        allow_private=True,
    )
    assert made.secret.startswith("whsec_")
    return made.webhook.id


def _deliver(db: Session, now: object = None) -> list[webhooks.dispatch.Sent]:
    moment = now or utcnow()
    sent = []
    for claimed in webhooks.claim(db, moment):  # type: ignore[arg-type]
        result = webhooks.send(claimed, SEALER, allow_private=True, timeout=5, now=utcnow())
        webhooks.record(db, result, moment)  # type: ignore[arg-type]
        sent.append(result)
    return sent


def test_an_assemblys_events_reach_its_receiver_signed(db: Session, hook: Receiver) -> None:
    assembly_id, people = base_assembly(db, "Sindicato", 3)
    other_id, others = base_assembly(db, "Otra", 2)
    made = webhooks.register(
        db,
        people[0],
        assembly_id,
        url=hook.url,
        kinds=["vote_opened", "vouch_waiting"],
        sealer=SEALER,
        now=utcnow(),
        allow_private=True,
    )
    hook.secret = made.secret
    vote_id = _open_vote(db, people[0], assembly_id, hours=2)
    _open_vote(db, others[0], other_id, hours=2)  # another assembly's event: never sent here
    newcomer = pending(db, assembly_id, "nueva")  # vouch_waiting (members) — and no name
    assert webhooks.queue(db, utcnow()) == 2
    assert webhooks.queue(db, utcnow()) == 0  # seen again, not queued twice
    sent = _deliver(db)
    assert [s.answer.status for s in sent] == [204, 204]
    assert [r.verified for r in hook.received] == [True, True]
    first, second = (r.body for r in hook.received)
    assert first["type"] == "vote_opened"
    assert first["data"]["assembly_id"] == assembly_id
    assert "¿Olla común el sábado?" in first["data"]["text"]
    assert first["data"]["link"] == f"/votaciones/{vote_id}"
    assert second["type"] == "vouch_waiting"
    for received in hook.received:
        text = str(received.body)
        assert newcomer.username not in text
        assert people[0].username not in text
        assert received.path == "/hook?grupo=1"
        assert received.headers["webhook-id"] == received.msg_id
    log = webhooks.deliveries(db, people[0], made.webhook.id)
    assert {d.state for d in log} == {"delivered"}
    assert {d.attempts for d in log} == {1}
    assert _deliver(db) == []  # nothing left


def test_a_failing_receiver_gets_retries_with_backoff_and_the_same_id(
    db: Session, hook: Receiver
) -> None:
    assembly_id, people = base_assembly(db, "Sindicato", 2)
    webhook_id = _register(db, people[0], assembly_id, hook.url, "vote_opened")
    hook.secret = ""  # the receiver cannot verify: it still answers what the test queues
    hook.statuses = [500, 503]
    _open_vote(db, people[0], assembly_id, hours=2)
    now = utcnow()
    webhooks.queue(db, now)
    assert [s.answer.status for s in _deliver(db, now)] == [500]
    (delivery,) = webhooks.deliveries(db, people[0], webhook_id)
    assert delivery.state == "pending"
    assert delivery.attempts == 1
    assert delivery.last_status == 500
    wait = delivery.next_attempt_at - now
    assert backoff(1, delivery.msg_id) == wait
    assert timedelta(seconds=15) <= wait
    assert _deliver(db, now + wait - timedelta(seconds=1)) == []  # not yet
    assert [s.answer.status for s in _deliver(db, now + wait)] == [503]
    later = webhooks.deliveries(db, people[0], webhook_id)[0]
    assert later.next_attempt_at - (now + wait) == backoff(2, delivery.msg_id)
    assert backoff(2, delivery.msg_id) > wait / 2  # grows
    assert [s.answer.status for s in _deliver(db, later.next_attempt_at)] == [204]
    assert len({r.msg_id for r in hook.received}) == 1
    assert len(hook.received) == 3
    (done,) = webhooks.deliveries(db, people[0], webhook_id)
    assert (done.state, done.attempts) == ("delivered", 3)
    row = db.get(WebhookRow, webhook_id)
    assert row is not None
    assert row.failures == 0


def test_turned_off_after_failures_and_the_facilitators_are_told(
    db: Session, hook: Receiver
) -> None:
    assembly_id, people = base_assembly(db, "Sindicato", 3)
    webhook_id = _register(db, people[0], assembly_id, hook.url, "vote_opened")
    hook.statuses = [500] * (WEBHOOK_FAILURES_TO_DISABLE + 5)
    _open_vote(db, people[0], assembly_id, hours=2)
    moment = utcnow()
    webhooks.queue(db, moment)
    for _ in range(WEBHOOK_FAILURES_TO_DISABLE):
        sent = _deliver(db, moment)
        assert len(sent) == 1
        moment = webhooks.deliveries(db, people[0], webhook_id)[0].next_attempt_at
    found = webhooks.webhook(db, people[0], webhook_id)
    assert not found.enabled
    assert found.failures == WEBHOOK_FAILURES_TO_DISABLE
    assert _deliver(db, moment + timedelta(days=1)) == []  # off: nothing more is posted
    events = db.scalars(select(AuditRow.action).where(AuditRow.assembly_id == assembly_id))
    assert "webhook.disabled" in list(events)
    kinds = [line.kind for line in notices.inbox(db, people[0], now=utcnow()).lines]
    assert "webhook_disabled" in kinds  # the facilitator
    member_kinds = [line.kind for line in notices.inbox(db, people[1], now=utcnow()).lines]
    assert "webhook_disabled" not in member_kinds
    webhooks.change(db, people[0], webhook_id, enabled=True)  # on again: the delivery resumes
    hook.statuses = []
    assert [s.answer.status for s in _deliver(db, moment + timedelta(days=1))] == [204]


def test_private_addresses_refused_unless_allowed(db: Session, hook: Receiver) -> None:
    assembly_id, people = base_assembly(db, "Sindicato", 2)
    for url in (hook.url, "http://localhost/x", "http://169.254.169.254/latest"):
        with pytest.raises(Invalid):
            webhooks.register(
                db,
                people[0],
                assembly_id,
                url=url,
                kinds=["vote_opened"],
                sealer=SEALER,
                now=utcnow(),
            )
    answer = transport.post(hook.url, b"{}", {}, allow_private=False, timeout=5)
    assert answer.status is None
    assert "private" in answer.error
    assert hook.received == []  # nothing reached the loopback
    # a name that resolves to the loopback is refused at delivery time (not only literals)
    named = hook.url.replace("127.0.0.1", "localhost.")
    assert transport.post(named, b"{}", {}, allow_private=False, timeout=5).status is None
    assert hook.received == []


def test_only_facilitators_manage_webhooks(db: Session, hook: Receiver) -> None:
    assembly_id, people = base_assembly(db, "Sindicato", 3)
    other_id, others = base_assembly(db, "Otra", 2)
    webhook_id = _register(db, people[0], assembly_id, hook.url)
    for who in (people[1], others[0]):
        with pytest.raises(Forbidden):
            webhooks.register(
                db,
                who,
                assembly_id,
                url=hook.url,
                kinds=["vote_opened"],
                sealer=SEALER,
                now=utcnow(),
                allow_private=True,
            )
        for call in (webhooks.webhook, webhooks.deliveries, webhooks.remove):
            with pytest.raises(Forbidden):
                call(db, who, webhook_id)
        with pytest.raises(Forbidden):
            webhooks.webhooks_of(db, who, assembly_id)
        with pytest.raises(Forbidden):
            webhooks.change(db, who, webhook_id, enabled=False)
    membership = federation.assembly_view(db, people[0], assembly_id)
    assert membership.mine is not None
    webhooks.remove(db, people[0], webhook_id)
    assert webhooks.webhooks_of(db, people[0], assembly_id) == []
    assert other_id != assembly_id


@pytest.mark.parametrize("backend", BACKENDS)
def test_two_runners_post_each_event_once(backend: str, tmp_path: Path) -> None:
    """Two webhook jobs, two passes each, in threads over one database: every event is posted
    exactly once (claims are taken with SKIP LOCKED and under a lease)."""
    url, schema = new_database(backend, tmp_path)
    engine = engine_for(url)
    sessions = make_sessionmaker(engine)
    try:
        with receiver() as hook:
            with sessions.begin() as db:
                assembly_id, people = base_assembly(db, "Sindicato", 2)
                made = webhooks.register(
                    db,
                    people[0],
                    assembly_id,
                    url=hook.url,
                    kinds=["vote_opened"],
                    sealer=SEALER,
                    now=utcnow(),
                    allow_private=True,
                )
                hook.secret = made.secret
                for _ in range(8):
                    _open_vote(db, people[0], assembly_id, hours=2)
            jobs = [
                webhooks.WebhookJob(sessions, SEALER, allow_private=True, timeout=5) for _ in "ab"
            ]
            threads = [threading.Thread(target=job.run_pass) for job in jobs for _ in range(2)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(30)
            ids = [r.msg_id for r in hook.received]
            assert len(ids) == 8
            assert len(set(ids)) == 8
            assert all(r.verified for r in hook.received)
    finally:
        engine.dispose()
        drop_database(url, schema)
