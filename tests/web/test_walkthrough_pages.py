"""Walkthrough findings of issue #13 checked through the pages: the recall page names whom
(5), the delegates page names the upper assembly and one term for STV (6)."""

from __future__ import annotations

import re

from fastapi import FastAPI

from tests.web.test_deliberation_pages import Below, People, below  # noqa: F401 (fixture)


def test_the_recall_page_names_the_delegate_and_the_assemblies(app: FastAPI, below: Below) -> None:
    """Finding 5: whom the petition is against, which assembly sent them, where they sit,
    and a way back to the delegates page."""
    page = People(app, below)("ana").get(f"/delegados/{below.delegate_id}/revocatoria").text
    (who,) = re.findall(r'<p id="a-quien">([^<]+)</p>', page)
    delegate = re.findall(r"<h1>Revocatoria de ([^<]+)</h1>", page)
    assert delegate and delegate[0] in {below.names["beto"], below.names["carla"]}
    assert f"Sindicato A {below.names['fac']}" in who
    assert f"Región {below.names['fac']}" in who
    assert f'href="/asambleas/{below.a}/delegados"' in page


def test_the_delegates_page_names_the_upper_assembly(app: FastAPI, below: Below) -> None:
    """Finding 6: the upper assembly by name (not "↑"), rows that stack on a phone instead
    of a table that scrolls unannounced, and "VUT" as the one Spanish name of STV."""
    people = People(app, below)
    page = people("fac").get(f"/asambleas/{below.a}/delegados").text
    assert "↑" not in page
    row = page[page.index(f'id="delegado-{below.delegate_id}"') :]
    row = row[: row.index("</tr>")]
    assert f"Región {below.names['fac']}" in row
    assert '<table class="cards">' in page
    assert "data-label=" in row
    assert "STV" not in page
    assert "VUT" in page
