"""Demo votes: a published vote, a published delegate election, an open motion and an in-person
count waiting for its confirmation."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from nacl.signing import SigningKey
from sqlalchemy.orm import Session

from asamblea.core.votes import Mode, make_spec
from asamblea.services.demo.calendar import MOTION_LENGTH, DemoCalendar, day_and_month
from asamblea.services.demo.people import facilitator_of, members_of
from asamblea.services.votes import votes


def seed_votes(
    db: Session,
    ids: dict[str, int],
    key: SigningKey,
    rng: random.Random,
    *,
    skip: set[int],
    calendar: DemoCalendar,
) -> None:
    """A published vote, a published delegate election, an open motion about the regional strike
    (which closes before the strike starts), a count to confirm."""
    now, past = calendar.now, calendar.decided
    ves = ids["vecinal_ves"]
    _published(
        db,
        ves,
        key,
        rng,
        question="¿Qué medida tomamos por el corte de agua del sector?",
        options=["Plantón frente a SEDAPAL", "Marcha a la municipalidad", "Mesa de diálogo"],
        rule="plurality",
        seats=1,
        start=past,
    )
    _published(
        db,
        ids["transporte"],
        key,
        rng,
        question="Delegados a la Asamblea Distrital de Comas",
        options=["Wilber Quispe", "Nelly Huamán", "Raúl Condori", "Gladys Mamani", "Edwin Rojas"],
        rule="stv",
        seats=2,
        start=past,
    )
    facilitator = facilitator_of(db, ves)
    strike = day_and_month(calendar.regional_strike, facilitator.locale)  # the action's day
    motion = votes.draft_vote(
        db,
        facilitator,
        ves,
        make_spec(
            question=f"¿Apoyamos el paro regional del {strike}?",
            options=[],
            rule="majority",
            seats=1,
            threshold="simple",
            quorum_percent=50,
            mode=Mode.SECRET,
            public=False,
            opens_at=now,
            closes_at=now + MOTION_LENGTH,
        ),
    )
    votes.open_vote(db, facilitator, motion.id, now)
    for person in members_of(db, ves)[:18]:
        if person.id not in skip:
            votes.cast(db, person, motion.id, [rng.choice([0, 0, 0, 1, 2])], now=now, key=key)
    chucuito = ids["chucuito_cc"]
    count = votes.draft_vote(
        db,
        facilitator_of(db, chucuito),
        chucuito,
        make_spec(
            question="¿Participamos en la marcha a Puno?",
            options=[],
            rule="majority",
            seats=1,
            threshold="two_thirds",
            quorum_percent=50,
            mode=Mode.IN_PERSON,
            public=False,
            opens_at=past,
            closes_at=past + timedelta(hours=3),
        ),
    )
    votes.record_in_person(
        db, facilitator_of(db, chucuito), count.id, counts=[19, 4, 2], attendance=26, acta=ACTA
    )


ACTA = (
    "En la comunidad de Chucuito, reunida la asamblea comunal, se debatió la participación en la "
    "marcha a Puno. Votaron a mano alzada: 19 a favor, 4 en contra, 2 abstenciones; asistieron 26 "
    "comuneras y comuneros. Firman la presidenta y el secretario de actas."
)


def _published(
    db: Session,
    assembly_id: int,
    key: SigningKey,
    rng: random.Random,
    *,
    question: str,
    options: list[str],
    rule: str,
    seats: int,
    start: datetime,
) -> None:
    facilitator = facilitator_of(db, assembly_id)
    vote = votes.draft_vote(
        db,
        facilitator,
        assembly_id,
        make_spec(
            question=question,
            options=options,
            rule=rule,
            seats=seats,
            threshold="simple",
            quorum_percent=50,
            mode=Mode.SECRET,
            public=True,
            opens_at=start,
            closes_at=start + timedelta(days=1),
        ),
    )
    votes.open_vote(db, facilitator, vote.id, start)
    weights = list(range(len(options), 0, -1))
    for person in members_of(db, assembly_id)[:-4]:
        order = sorted(range(len(options)), key=lambda i: -rng.random() * weights[i])
        selection = order[: rng.randint(1, len(options))] if rule == "stv" else order[:1]
        votes.cast(db, person, vote.id, selection, now=start + timedelta(hours=1), key=key)
    votes.close_vote(db, facilitator, vote.id, start + timedelta(days=1), key)
