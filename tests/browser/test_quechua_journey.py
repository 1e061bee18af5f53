"""Acceptance (issue 13): a Quechua speaker uses Asamblea in Runasimi, and the interface behaves
on a slow link.

Rosa picks Runasimi in the language chooser (its own name), registers (her account keeps the
language), founds her community's assembly, drafts and opens a vote, casts her ballot — the
button is disabled while the slow server answers — keeps her receipt, closes the vote through
its confirmation step and finds her receipt on the board, all in Quechua. Then, in a new browser
that speaks Spanish, she logs in through the boosted pages: the page's `<html lang>` follows her
account. Every page is audited (axe, width, weight) like every other journey's.

Expected texts come from the catalogue (so a reviewer's correction does not break the test), and
each must differ from the Spanish: the page really is in Quechua.
"""

from __future__ import annotations

import re
import time

import pytest
from playwright.sync_api import Page, Route, expect

from asamblea import i18n
from tests.browser.conftest import OpenVisitor, Visitor
from tests.browser.test_federation_journey import found, log_in, register
from tests.browser.test_votes_journey import (
    ballot_form,
    close_and_publish,
    draft,
    keep_receipt,
    look_up,
    open_now,
)

pytestmark = pytest.mark.browser

OPTIONS = ("Sábado p'unchaw", "Domingo p'unchaw")
#: How long the slow link holds the ballot before the server sees it.
SLOW_MS = 1500


def quechua(message: str) -> str:
    """The Quechua of a message, checked to be no longer the Spanish."""
    i18n.activate("qu")
    text = i18n.gettext(message)
    i18n.activate("es")
    assert text != i18n.gettext(message), f"{message!r} is not translated into Quechua"
    return text


def choose_runasimi(visitor: Visitor) -> Page:
    page = visitor.go("/")
    chooser = page.locator("header form.lang")
    expect(chooser.locator('select#lang option[value="qu"]')).to_have_text("Runasimi")
    expect(chooser.locator('select#lang option[value="ay"]')).to_have_text("Aymar aru")
    chooser.locator("select#lang").select_option("qu")
    chooser.locator('button[type="submit"]').click()
    expect(page.locator("html")).to_have_attribute("lang", "qu")
    expect(page.locator('header.site a[href="/entrar"]')).to_have_text(quechua("Log in"))
    # A first draft says so, and says where corrections go.
    expect(page.locator('footer.site a[href="/acerca#traducciones"]')).to_have_text(
        quechua("Propose a correction")
    )
    return page


def cast_slowly(visitor: Visitor, vote_id: int, option: int) -> str:
    """Cast through a link that holds the request: the button is disabled meanwhile."""
    page = visitor.go(f"/votaciones/{vote_id}")
    form = ballot_form(page, vote_id)
    expect(page.locator("main h2").first).to_have_text(quechua("Your ballot"))
    button = form.locator('button[type="submit"]')
    expect(button).to_have_text(quechua("Cast my ballot"))

    def hold(route: Route) -> None:
        time.sleep(SLOW_MS / 1000)
        route.continue_()

    page.route(re.compile(rf"/votaciones/{vote_id}/votar$"), hold)
    form.locator(f'input[type="radio"][name="option"][value="{option}"]').check()
    button.click()
    expect(button).to_be_disabled()  # a second tap cannot send it twice
    receipt = keep_receipt(visitor, vote_id)
    page.unroute(re.compile(rf"/votaciones/{vote_id}/votar$"))
    return receipt


def test_a_quechua_speaker_votes_in_runasimi(open_visitor: OpenVisitor) -> None:
    rosa = open_visitor("rosa")
    choose_runasimi(rosa)
    register(rosa, "rosa.mamani")
    expect(rosa.page.locator("html")).to_have_attribute("lang", "qu")
    expect(rosa.page.locator("main h1")).to_have_text(quechua("The federation"))

    assembly = found(rosa, "Ayllu Qollana, Chucuito", "peasant_community")
    page = rosa.page
    expect(page.locator("main")).to_contain_text(
        quechua("You are an active member and a facilitator of this assembly.")
    )
    vote = draft(
        rosa, assembly, "¿Mayqin p'unchawpi huñunakusun?", "plurality", options="\n".join(OPTIONS)
    )
    open_now(rosa, vote)
    receipt = cast_slowly(rosa, vote, 1)
    expect(rosa.page.locator("main .notice.ok")).to_have_text(
        quechua("You have voted. Keep your receipt code to check your ballot on the board.")
    )
    page = close_and_publish(rosa, vote)
    expect(page.locator("main")).to_contain_text(quechua("Results"))
    # Finding 9: the chart's full names and figures, as a table assistive technology reads.
    data = page.locator("main table.chart-data")
    expect(data.locator("caption")).to_have_text(quechua("Votes per option"))
    expect(data.locator("tbody th")).to_have_text(list(OPTIONS))
    expect(data.locator("tbody td")).to_have_text(["0", "1"])
    look_up(rosa, vote, receipt, OPTIONS[1])

    about = rosa.go("/acerca")
    expect(about.locator("main h2#traducciones")).to_have_text(quechua("Translations"))

    # A new browser, in Spanish, logs in through the boosted pages: the page follows her account.
    again = open_visitor("rosa, otro teléfono")
    expect(again.go("/").locator("html")).to_have_attribute("lang", "es")
    log_in(again, "rosa.mamani", f"/votaciones/{vote}")
    expect(again.page.locator("html")).to_have_attribute("lang", "qu")
    expect(again.page.locator("header.site form.lang select#lang")).to_have_value("qu")

    for visitor in (rosa, again):
        assert visitor.offsite == [], f"{visitor.name} asked other hosts: {visitor.offsite}"
        assert visitor.console_errors == [], f"{visitor.name}: {visitor.console_errors}"
