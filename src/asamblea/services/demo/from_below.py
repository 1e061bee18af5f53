"""Demo from below: proposals in debate, an escalated proposal, charter versions, delegates with
mandates and a recall petition under way."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from nacl.signing import SigningKey
from sqlalchemy.orm import Session

from asamblea.core.delegation import MandateChoice
from asamblea.core.deliberation import ProposalKind, ProposalState, Side
from asamblea.core.people import Person
from asamblea.core.votes import Mode, make_spec
from asamblea.services import charter, delegation, deliberation
from asamblea.services.deliberation import VoteTerms
from asamblea.services.demo.calendar import DemoCalendar
from asamblea.services.demo.people import facilitator_of, members_of
from asamblea.services.votes import votes


def seed_from_below(
    db: Session,
    ids: dict[str, int],
    key: SigningKey,
    rng: random.Random,
    *,
    skip: set[int],
    calendar: DemoCalendar,
) -> None:
    """Proposals in debate, an adopted proposal sent up and adopted by a sibling, the national
    charter with a second version of one article, delegates with mandates, a recall petition."""
    now = calendar.now
    past = calendar.ago(2)
    ves, mercado = ids["vecinal_ves"], ids["mercado"]
    fac, neighbours = facilitator_of(db, ves), members_of(db, ves)
    voters = [p for p in neighbours if p.id not in skip]

    def proposal(author: Person, title: str, text: str, supporters: list[Person]) -> int:
        drafted = deliberation.draft_proposal(
            db, author, ves, title=title, text=text, kind=ProposalKind.DEMAND
        )
        deliberation.publish(db, author, drafted.id)
        for person in supporters:  # until the threshold moves it to debate
            if deliberation.support(db, person, drafted.id).state is not ProposalState.OPEN:
                break
        return drafted.id

    water = proposal(
        voters[1],
        "Agua potable las 24 horas para el Sector 3",
        "Exigimos a SEDAPAL agua potable las 24 horas y un cronograma público de obras.",
        voters[2:12],
    )
    deliberation.argue(
        db, voters[3], water, side=Side.FOR, text="Sin agua no hay salud ni dignidad."
    )
    against = deliberation.argue(
        db, voters[4], water, side=Side.AGAINST, text="Primero hay que arreglar las tuberías."
    )
    deliberation.argue(
        db, voters[5], water, reply_to=against.id, text="Por eso pedimos un cronograma de obras."
    )
    deliberation.propose_amendment(
        db,
        voters[6],
        water,
        "Exigimos a SEDAPAL agua potable las 24 horas, un cronograma público de obras y "
        "una veeduría vecinal que las vigile.",
    )
    proposal(
        voters[8],
        "Alumbrado en el parque zonal",
        "Pedimos a la municipalidad postes de luz en el parque zonal, que hoy queda a oscuras.",
        voters[22:23],
    )
    lights = proposal(
        voters[10],
        "Comedor popular con apoyo municipal",
        "Que la municipalidad financie los insumos del comedor popular del sector.",
        voters[12:22],
    )
    vote = deliberation.start_voting(
        db, fac, lights, VoteTerms(past, past + timedelta(days=1), public=True)
    )
    _decide(db, fac, vote.id, voters[:16], key=key, start=past, choices=[0, 0, 0, 1])
    deliberation.settle_proposal(db, lights)
    deliberation.escalate(db, fac, lights)
    escalation = deliberation.escalations_to(db, ids["ves"])[0].escalation
    deliberation.adopt_escalation(db, facilitator_of(db, mercado), escalation.id, mercado)
    _charter(db, ids, key, past)
    _delegates(db, ids, key, rng, past=past, now=now)


def _decide(
    db: Session,
    facilitator: Person,
    vote_id: int,
    voters: list[Person],
    *,
    key: SigningKey,
    start: datetime,
    choices: list[int],
) -> None:
    """Open a vote at `start`, let `voters` vote (cycling through `choices`), publish it."""
    votes.open_vote(db, facilitator, vote_id, start)
    for number, person in enumerate(voters):
        choice = [choices[number % len(choices)]]
        votes.cast(db, person, vote_id, choice, now=start + timedelta(hours=1), key=key)
    votes.close_vote(db, facilitator, vote_id, start + timedelta(days=1), key)


def _charter(db: Session, ids: dict[str, int], key: SigningKey, past: datetime) -> None:
    national = ids["nacional"]
    coordinator = facilitator_of(db, national)
    held = charter.create_charter(
        db,
        coordinator,
        national,
        title="Constitución Política desde Abajo",
        articles=[
            ("Soberanía popular", "El poder emana del pueblo organizado en sus asambleas."),
            ("El agua", "El agua es un derecho humano y no puede privatizarse."),
            ("Revocatoria", "Toda autoridad elegida puede ser revocada por quienes la eligieron."),
            (
                "Lenguas",
                "El castellano, el quechua, el aimara y las lenguas amazónicas son oficiales.",
            ),
        ],
    )
    wording = charter.propose_wording(
        db,
        coordinator,
        national,
        held.id,
        target=2,
        article_title="El agua",
        text="El agua es un derecho humano y un bien común: no puede privatizarse y su gestión "
        "es pública y comunitaria.",
    )
    deliberation.publish(db, coordinator, wording.id)
    vote = charter.start_charter_vote(
        db, coordinator, [wording.id], VoteTerms(past, past + timedelta(days=1), public=True)
    )
    votes.open_vote(db, coordinator, vote.id, past)
    for person in members_of(db, national):
        votes.cast(db, person, vote.id, [1, 0], now=past + timedelta(hours=1), key=key)
    votes.close_vote(db, coordinator, vote.id, past + timedelta(days=1), key)
    charter.settle_charter_vote(db, vote.id)


def _delegates(
    db: Session,
    ids: dict[str, int],
    key: SigningKey,
    rng: random.Random,
    *,
    past: datetime,
    now: datetime,
) -> None:
    """Each base assembly of Villa El Salvador elects its delegate to the district by STV;
    they carry mandates on the district's roll-call motion; a recall petition gathers names."""
    district = ids["ves"]
    seated = {}
    for child in (ids["vecinal_ves"], ids["mercado"]):
        fac = facilitator_of(db, child)
        members = [p for p in members_of(db, child) if p.id != fac.id]
        election = delegation.open_delegate_election(
            db,
            fac,
            child,
            candidates=[p.id for p in members[:3]],
            terms=VoteTerms(past, past + timedelta(days=1), public=True),
            term=(past + timedelta(days=1), past + timedelta(days=366)),  # from its close
        )
        votes.open_vote(db, fac, election.id, past)
        for person in members[:15]:  # a small turnout keeps the seed quick
            order = sorted(range(3), key=lambda _: rng.random())
            votes.cast(db, person, election.id, order, now=past + timedelta(hours=1), key=key)
        votes.close_vote(db, fac, election.id, past + timedelta(days=1), key)
        seated[child] = delegation.settle_delegate_election(db, election.id, now=now)
    coordinator = facilitator_of(db, district)
    motion = votes.draft_vote(
        db,
        coordinator,
        district,
        make_spec(
            question="¿Convocamos un paro distrital por el agua?",
            options=[],
            rule="majority",
            seats=1,
            threshold="simple",
            quorum_percent=50,
            mode=Mode.ROLL_CALL,
            public=True,
            opens_at=now + timedelta(days=1),
            closes_at=now + timedelta(days=3),
        ),
    )
    delegation.set_mandate(
        db, facilitator_of(db, ids["vecinal_ves"]), ids["vecinal_ves"], motion.id, MandateChoice.FOR
    )
    delegation.set_mandate(
        db, facilitator_of(db, ids["mercado"]), ids["mercado"], motion.id, MandateChoice.FREE
    )
    delegate = seated[ids["mercado"]][0]
    signers = [p for p in members_of(db, ids["mercado"]) if p.id != delegate.person_id][5:8]
    petition = delegation.open_recall(db, signers[0], delegate.id, now=now)
    for person in signers[1:]:
        delegation.sign_recall(db, person, petition.id, now=now)
