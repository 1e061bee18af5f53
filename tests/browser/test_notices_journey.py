"""Acceptance (issue 11): in a real browser, nueva.vecina asks to join the VES neighbourhood
assembly; once facilitadora.ves vouches for her, she finds "you were accepted" in her inbox
(the header counts it), and marks it read — with JavaScript off, through a plain form — then
gives an address for her notices by mail.
facilitadora.ves, for her part, found the request waiting for her vouch in her own inbox."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import OpenVisitor
from tests.browser.test_federation_journey import ask_to_join, found, register, vouch

pytestmark = pytest.mark.browser

ASSEMBLY = "Asamblea Vecinal de Villa El Salvador (avisos)"


def test_nueva_vecina_finds_she_was_accepted(open_visitor: OpenVisitor) -> None:
    facilitator = open_visitor("facilitadora")
    register(facilitator, "facilitadora.ves")
    assembly = found(facilitator, ASSEMBLY, "neighbourhood")

    newcomer = open_visitor("nueva", javascript=False)
    register(newcomer, "nueva.vecina")
    ask_to_join(newcomer, assembly)

    page = facilitator.go("/avisos")
    expect(page.locator("header.site a[href='/avisos'] .badge")).to_have_count(1)
    waiting = page.locator(f"main ul.notices a[href='/asambleas/{assembly}']")
    expect(waiting.first).to_contain_text(ASSEMBLY)
    vouch(facilitator, assembly, "nueva.vecina")

    page = newcomer.go("/avisos")
    expect(page.locator("header.site a[href='/avisos'] .badge")).to_have_count(1)
    accepted = page.locator("main ul.notices li.unread").first
    expect(accepted).to_contain_text(f"Fuiste aceptada/o como miembro de {ASSEMBLY}")
    page.locator("main form[action='/avisos/leidos'] button").click()
    expect(page).to_have_url(f"{newcomer.base_url}/avisos")
    expect(page.locator("main ul.notices li.unread")).to_have_count(0)
    expect(page.locator("header.site a[href='/avisos'] .badge")).to_have_count(0)
    # She gives an address for her notices (a plain form), and sees it kept for her alone.
    page = newcomer.go("/avisos/correo")
    page.locator("main input#address").fill("nueva.vecina@ejemplo.pe")
    page.locator("main form[action='/avisos/correo'] button").click()
    expect(page.locator("main p.notice.ok")).to_contain_text("Dirección guardada.")
    page = newcomer.go("/avisos/correo")
    expect(page.locator("main input#address")).to_have_value("nueva.vecina@ejemplo.pe")
    newcomer.go("/avisos/baja")  # where the unsubscribe link is (checked like every page)
    for visitor in (facilitator, newcomer):
        assert visitor.offsite == []
        assert visitor.console_errors == []
