"""Search in the archive, on both databases: only titles and tags, only what a person may see,
and the same answer for an outsider whether or not hidden matching items exist."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from asamblea.core.archive import Consent
from asamblea.core.archive.search import words
from asamblea.core.errors import Invalid, NotFound
from asamblea.core.people import Person
from asamblea.services.archive import items
from asamblea.services.archive import search as archive_search
from asamblea.services.archive.search import Found, search
from tests.services.test_archive import NOW, SECRET_TEXT, World, world

__all__ = ["world"]


def add(w: World, consent: Consent, title: str | None, tags: str | None = None) -> str:
    received = items.add_item(w.db, w.vault, w.ana, w.case_id, [SECRET_TEXT.encode()],
                              incoming=items.Incoming(consent, title=title, tags=tags), now=NOW)
    return received.item.id


def oracle(w: World, person: Person | None, query: str) -> set[str]:
    """Independent of the index: the items the access rule shows, whose folded title and tags
    hold each query word as the start of a word."""
    found = set()
    for item in items.visible_items(w.db, person, w.case_id):
        held = words(f"{item.title or ''} {item.tags or ''}")
        if all(any(h.startswith(q) for h in held) for q in words(query)):
            found.add(item.id)
    return found


def test_each_person_finds_what_they_may_see(world: World) -> None:
    for level in Consent:
        add(world, level, f"Puente Ficticio, {level.code}", tags="madre, casco")
        add(world, level, "Otra calle", tags="vecino")
        add(world, level, None)  # not searchable
    for person in (None, world.dora, world.chela, world.beto, world.ana):
        for query in ("puente", "PUEN mad", "casco", "vecino", "calle puente", "nada"):
            found = search(world.db, person, query, case_id=world.case_id)
            assert {i.id for i in found.items} == oracle(world, person, query), (person, query)
            everywhere = search(world.db, person, query)
            assert {i.id for i in everywhere.items} == oracle(world, person, query)


def test_outsiders_get_the_same_answer_whether_or_not_hidden_items_match(world: World) -> None:
    add(world, Consent.FEDERATION, "Marcha del lunes")
    people = (None, world.dora, world.chela)
    before = {p: search(world.db, p, "marcha") for p in people}
    before_case = {p: search(world.db, p, "marcha", case_id=world.case_id) for p in people}
    for level in (Consent.TEAM, Consent.LEGAL):
        for n in range(3):
            add(world, level, f"Marcha del lunes {n}", tags="marcha")
    for person in people:
        assert search(world.db, person, "marcha") == before[person]
        assert search(world.db, person, "marcha", case_id=world.case_id) == before_case[person]
        assert search(world.db, person, "marcha", case_id=world.case_id).more is False
    assert len(search(world.db, world.ana, "marcha").items) == 7
    assert len(search(world.db, None, "marcha").items) == 0


def test_accents_prefixes_consent_changes_and_withdrawal(world: World) -> None:
    item = add(world, Consent.TEAM, "Ñandú en la Avenida Bolívar")
    assert [i.id for i in search(world.db, world.beto, "nandu bolivar").items] == [item]
    assert search(world.db, world.chela, "ñandú").items == ()
    items.change_consent(world.db, world.vault, item, Consent.LEGAL, actor=world.beto, now=NOW)
    assert search(world.db, world.beto, "ñandú").items == ()
    assert [i.id for i in search(world.db, world.ana, "avenida").items] == [item]
    items.change_consent(world.db, world.vault, item, None, actor=world.ana, now=NOW)
    assert search(world.db, world.ana, "avenida") == Found((), more=False)
    rows = world.db.execute(text("SELECT count(*) FROM archive_search")).scalar_one()
    assert rows == 0


def test_testimony_text_is_never_indexed(world: World) -> None:
    add(world, Consent.LEGAL, "Testimonio", tags="vela")
    assert search(world.db, world.ana, "agente").items == ()
    terms = " ".join(r[0] for r in world.db.execute(text("SELECT terms FROM archive_search")))
    for word in words(SECRET_TEXT):
        assert not any(t.endswith(word) for t in terms.split()), word


def test_more_than_a_page_and_bad_queries(world: World, monkeypatch: pytest.MonkeyPatch
                                          ) -> None:
    monkeypatch.setattr(archive_search, "LIMIT", 3)
    for n in range(4):
        add(world, Consent.PUBLIC, f"Vela {n}")
    found = search(world.db, None, "vela")
    assert len(found.items) == 3
    assert found.more
    assert not search(world.db, None, "vela 3").more
    for query in ("", "  ,.;  ", "x" * 201, "a b c d e f g h i"):
        with pytest.raises(Invalid):
            search(world.db, world.ana, query)
    with pytest.raises(NotFound):
        search(world.db, world.ana, "puente", case_id="0" * 32)


def test_newest_first_in_every_step_of_the_walk(world: World,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """With a window of 2 rows (16 in the wider walk) and pages of 3, each step of
    PostgreSQL's search is taken — the walk, the wider walk, the GIN index for older rows — and
    SQLite's FTS5 answers alike: the newest visible matches, in order, the same for an outsider
    whatever hidden items match among them."""
    from asamblea.store import archive_search as store_search  # noqa: PLC0415

    monkeypatch.setattr(store_search, "WINDOW", 2)
    monkeypatch.setattr(archive_search, "LIMIT", 3)
    added: list[tuple[str, Consent, str]] = []
    for n in range(40):
        level = list(Consent)[n % 4]
        title = "vela" + (" comun" if n % 2 else "") + (" rara" if n in {1, 5} else "")
        title += " media" if n % 9 == 0 else ""
        added.append((add(world, level, title), level, title))
    for person in (None, world.dora, world.beto, world.ana):
        seen = {i.id for i in items.visible_items(world.db, person, world.case_id)}
        for query in ("comun", "media", "rara", "vela rara", "nada"):
            expected = [i for i, _, t in reversed(added)
                        if i in seen and set(words(query)) <= set(words(t))]
            found = search(world.db, person, query)
            assert [i.id for i in found.items] == expected[:3], (person, query)
            assert found.more == (len(expected) > 3)
    before = {q: search(world.db, world.dora, q) for q in ("comun", "media", "rara")}
    for n in range(30):
        add(world, (Consent.TEAM, Consent.LEGAL)[n % 2], "vela comun media rara")
    for query, answer in before.items():
        assert search(world.db, world.dora, query) == answer
