"""Acceptance (issue 15, consent): on a phone-sized browser with JavaScript off, a witness sends a
testimony through a one-time link, follows the receipt's link to the consent page, types the code
from the receipt, widens who may see it to the public memorial, then withdraws it through the
confirmation step. Every shape of page on the way is checked by the auditor (axe WCAG 2.2 A/AA at
360 px, no overflow, weight); elements are found by id, name and form action.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import LiveServer, OpenVisitor
from tests.browser.test_archive_journey import TESTIMONY, set_up

pytestmark = pytest.mark.browser


def test_witness_changes_consent_then_withdraws(
    open_visitor: OpenVisitor, live_server: LiveServer
) -> None:
    case_id, token = set_up(live_server, username="bea.archivo")
    witness = open_visitor("testigo-consentimiento", javascript=False)
    assert witness.auditor is not None
    page = witness.go(f"/entrega/{token}")
    form = page.locator(f'main form[action="/entrega/{token}"]')
    form.locator("#title").fill("Relato del puente")
    form.locator("#testimony").fill(TESTIMONY)
    form.locator('button[type="submit"]').click()
    expect(page).to_have_url(re.compile(r"/entrega/recibo$"))  # POST-redirect-GET
    witness.auditor.audit(witness)
    code = page.locator("main dd code").nth(3).inner_text()
    assert re.fullmatch(r"[A-Za-z0-9_-]{32}", code)

    page.locator('main a[href="/consentimiento"]').first.click()
    witness.auditor.audit(witness)
    enter = page.locator('main form[action="/consentimiento/codigo"]')
    enter.locator("#code").fill(code)
    enter.locator('button[type="submit"]').click()
    expect(page).to_have_url(re.compile(r"/consentimiento$"))
    assert code not in page.url
    expect(page.locator("#level-team")).to_be_checked()
    witness.auditor.audit(witness)

    levels = page.locator('main form[action="/consentimiento/nivel"]')
    levels.locator("#level-public").check()
    levels.locator('button[type="submit"]').click()
    expect(page.locator("#aviso")).to_be_visible()
    expect(page.locator("#level-public")).to_be_checked()
    witness.auditor.audit(witness)
    memorial = open_visitor("visitante-memoria").go(f"/memoria/{case_id}")
    expect(memorial.locator("main")).to_contain_text("Relato del puente")

    levels = page.locator('main form[action="/consentimiento/nivel"]')
    levels.locator("#level-withdrawn").check()
    levels.locator('button[type="submit"]').click()
    expect(page).to_have_url(re.compile(r"/consentimiento/retirar$"))
    witness.auditor.audit(witness)
    page.locator('main form[action="/consentimiento/retirar"] button[type="submit"]').click()
    expect(page).to_have_url(re.compile(r"/consentimiento$"))
    expect(page.locator("#aviso")).to_be_visible()
    expect(page.locator('main form[action="/consentimiento/nivel"]')).to_have_count(0)
    witness.auditor.audit(witness)
    memorial.reload()
    expect(memorial.locator("main")).not_to_contain_text("Relato del puente")
