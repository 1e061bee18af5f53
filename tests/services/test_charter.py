"""The charter on both databases: founding text, competing wordings in one Schulze vote, a
new version per adoption (with who proposed it and which assemblies backed it), wordings that
come up from below, word diffs and the Markdown export."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from asamblea.core.charter import KEEP_CURRENT, KEEP_WITHOUT, DiffOp
from asamblea.core.deliberation import ProposalState
from asamblea.core.errors import Conflict, Forbidden, Invalid, NotFound
from asamblea.core.federation import AssemblyKind
from asamblea.core.people import Person
from asamblea.services import charter, deliberation
from asamblea.services.federation import assemblies as federation
from asamblea.services.votes import votes
from asamblea.store.deliberation_models import ArticleVersionRow, CharterRow
from tests.services.test_deliberation import (
    KEY,
    T0,
    TERMS,
    base_assembly,
    pending,
    person,
    refused,
    run_motion,
)

ARTICLES = [
    ("Soberanía", "La soberanía reside en el pueblo organizado en asambleas."),
    ("Agua", "El agua es un bien común."),
    ("Trabajo", "Toda persona tiene derecho a un trabajo digno."),
]


def founded(db: Session, members: int = 5) -> tuple[int, list[Person], int]:
    assembly_id, people = base_assembly(db, "Constituyente", members)
    view = charter.create_charter(
        db, people[0], assembly_id, title="Carta de los pueblos", articles=ARTICLES
    )
    return assembly_id, people, view.id


def in_debate(db: Session, people: list[Person], author: Person, proposal_id: int) -> None:
    deliberation.publish(db, author, proposal_id)
    supporter = next(p for p in people if p.id != author.id)
    deliberation.support(db, supporter, proposal_id)


def test_a_facilitator_founds_the_charter_once(db: Session) -> None:
    assembly_id, people = base_assembly(db, "Constituyente", 3)
    outsider = base_assembly(db, "Otra", 1)[1][0]
    newcomer = pending(db, assembly_id)
    for actor in (people[1], outsider, newcomer):
        refused(
            db,
            lambda a=actor: charter.create_charter(
                db, a, assembly_id, title="Carta", articles=ARTICLES
            ),
            Forbidden,
        )
    view = charter.create_charter(db, people[0], assembly_id, title="Carta", articles=ARTICLES)
    assert [(a.number, a.version, a.proposed_by, a.backed_by) for a in view.articles] == [
        (1, 1, None, (assembly_id,)),
        (2, 1, None, (assembly_id,)),
        (3, 1, None, (assembly_id,)),
    ]
    refused(
        db,
        lambda: charter.create_charter(db, people[0], assembly_id, title="Otra", articles=[]),
        Conflict,
    )
    assert charter.charter_of(db, assembly_id) == view
    markdown = charter.export_markdown(db, view.id)
    assert markdown.startswith("# Carta\n")
    assert "## Artículo 2. Agua\n\nEl agua es un bien común." in markdown


def test_competing_wordings_in_one_schulze_vote(db: Session) -> None:
    assembly_id, people, charter_id = founded(db)
    first = charter.propose_wording(
        db,
        people[1],
        assembly_id,
        charter_id,
        target=2,
        article_title="Agua",
        text="El agua es un derecho humano y un bien común.",
    )
    second = charter.propose_wording(
        db,
        people[2],
        assembly_id,
        charter_id,
        target=2,
        article_title="Agua y territorio",
        text="El agua y el territorio son bienes comunes.",
    )
    refused(
        db,
        lambda: charter.propose_wording(
            db,
            people[3],
            assembly_id,
            charter_id,
            target=2,
            article_title="Agua",
            text="El agua es un bien común.",
        ),
        Invalid,  # the wording in force
    )
    for author, proposal in ((people[1], first), (people[2], second)):
        in_debate(db, people, author, proposal.id)
    refused(db, lambda: deliberation.start_voting(db, people[0], first.id, TERMS), Conflict)
    ids = [first.id, second.id]
    refused(db, lambda: charter.start_charter_vote(db, people[1], ids, TERMS), Forbidden)
    vote = charter.start_charter_vote(db, people[0], ids, TERMS)
    assert vote.spec.rule == "schulze"
    assert vote.spec.options[0] == KEEP_CURRENT
    assert vote.spec.options[1].startswith(f"Redacción 1 (propuesta {first.id})")
    assert charter.settle_charter_vote(db, vote.id) is None  # not published yet
    votes.open_vote(db, people[0], vote.id, T0)
    for voter, ranking in zip(
        people, [[2, 1, 0], [2, 0, 1], [1, 2, 0], [2, 1, 0], [0, 1, 2]], strict=True
    ):
        votes.cast(db, voter, vote.id, ranking, now=T0, key=KEY)
    votes.close_vote(db, people[0], vote.id, T0 + timedelta(hours=2), KEY)
    adopted = charter.settle_charter_vote(db, vote.id)
    assert adopted is not None
    assert (adopted.number, adopted.version, adopted.proposed_by) == (2, 2, second.id)
    assert adopted.backed_by == (assembly_id,)
    states = {
        p.id: p.state for p in deliberation.proposals_of(db, None, assembly_id) if p.id in ids
    }
    assert states == {first.id: ProposalState.REJECTED, second.id: ProposalState.ADOPTED}
    assert charter.settle_charter_vote(db, vote.id) is None  # settled once
    history = charter.article_history(db, charter_id, 2)
    assert [v.version for v in history] == [1, 2]

    diff = charter.compare_versions(db, charter_id, 2, 1, 2)
    assert "".join(s.old for s in diff.segments) == "El agua es un bien común."
    assert "".join(s.new for s in diff.segments) == "El agua y el territorio son bienes comunes."
    assert {s.op for s in diff.segments} >= {DiffOp.EQUAL, DiffOp.REPLACE}
    assert "<del>" in diff.html
    assert "<ins>" in diff.html
    assert "## Artículo 2. Agua y territorio" in charter.export_markdown(db, charter_id)


def test_keeping_the_wording_in_force_rejects_every_alternative(db: Session) -> None:
    assembly_id, people, charter_id = founded(db, 3)
    proposal = charter.propose_wording(
        db,
        people[1],
        assembly_id,
        charter_id,
        target=1,
        article_title="Soberanía",
        text="La soberanía reside en los pueblos.",
    )
    in_debate(db, people, people[1], proposal.id)
    vote = charter.start_charter_vote(db, people[0], [proposal.id], TERMS)
    votes.open_vote(db, people[0], vote.id, T0)
    for voter in people:
        votes.cast(db, voter, vote.id, [0, 1], now=T0, key=KEY)
    votes.close_vote(db, people[0], vote.id, T0 + timedelta(hours=2), KEY)
    before = db.scalar(select(func.count()).select_from(ArticleVersionRow))
    assert charter.settle_charter_vote(db, vote.id) is None
    assert db.scalar(select(func.count()).select_from(ArticleVersionRow)) == before
    after = deliberation.proposal_view(db, None, proposal.id).proposal
    assert after.state is ProposalState.REJECTED


def test_a_new_article_comes_up_from_below(db: Session) -> None:
    coordinator = person(db, "coordinadora")
    region = federation.create_assembly(
        db, coordinator, name="Región", kind=AssemblyKind.REGION, parent_id=None
    )
    charter_id = charter.create_charter(
        db, coordinator, region.id, title="Carta regional", articles=ARTICLES
    ).id
    child, child_people = base_assembly(db, "Comunidad", 3, parent_id=region.id)
    base_assembly(db, "Vecinos", 2, parent_id=region.id)
    stranger, stranger_people = base_assembly(db, "Lejos", 1)
    refused(
        db,
        lambda: charter.propose_wording(
            db,
            stranger_people[0],
            stranger,
            charter_id,
            target=None,
            article_title="Lenguas",
            text="Todas las lenguas originarias son oficiales.",
        ),
        Invalid,
    )
    proposal = charter.propose_wording(
        db,
        child_people[1],
        child,
        charter_id,
        target=None,
        article_title="Lenguas",
        text="Todas las lenguas originarias son oficiales.",
    )
    in_debate(db, child_people, child_people[1], proposal.id)
    local_vote = deliberation.start_voting(db, child_people[0], proposal.id, TERMS)
    run_motion(db, child_people, local_vote.id, [0, 0, 0])
    deliberation.settle_proposal(db, proposal.id)
    sent = deliberation.escalate(db, child_people[0], proposal.id)  # 1 of 2 children: enough
    agenda_id = sent.agenda_proposal_id
    assert agenda_id is not None

    vote = charter.start_charter_vote(db, coordinator, [agenda_id], TERMS)
    assert vote.spec.options[0] == KEEP_WITHOUT
    votes.open_vote(db, coordinator, vote.id, T0)
    votes.cast(db, coordinator, vote.id, [1, 0], now=T0, key=KEY)
    votes.close_vote(db, coordinator, vote.id, T0 + timedelta(minutes=1), KEY)
    adopted = charter.settle_charter_vote(db, vote.id)
    assert adopted is not None
    assert (adopted.number, adopted.version, adopted.title) == (4, 1, "Lenguas")
    assert adopted.backed_by == tuple(sorted((region.id, child)))
    assert adopted.proposed_by == agenda_id


def test_reading_unknown_things(db: Session) -> None:
    _, _, charter_id = founded(db, 1)
    assert db.scalar(select(func.count()).select_from(CharterRow)) == 1
    refused(db, lambda: charter.export_markdown(db, charter_id + 99), NotFound)
    refused(db, lambda: charter.compare_versions(db, charter_id, 1, 1, 2), NotFound)
    refused(db, lambda: charter.article_history(db, charter_id, 9), NotFound)
