"""Acceptance (issue 2): in a real browser, against the real server, a person registers,
founds an assembly, asks to join another one and becomes active once two of its members
have vouched for them, each voucher in their own browser, logged in through the login form.

One of the vouchers does everything with JavaScript off, to prove the pages work without it;
the others go through htmx's hx-boost. No page may ask another host for anything.

Elements are found by id, name, form action, class and URL, never by a label's text: the
labels are translated. Usernames and assembly names are our own data, so they may be matched.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.browser.conftest import PHONE, OpenVisitor, Visitor, tab_to

pytestmark = pytest.mark.browser

SCREENSHOT = Path("/tmp/asamblea-journey.png")  # noqa: S108 - the path the reviewers look at
PASSWORD = "una frase larga de prueba"

REGION = "Región Lima Metropolitana"
UNION = "Sindicato de Transportistas de Lima Norte"


def register(visitor: Visitor, username: str) -> None:
    """Create an account through /registro; it logs the person in."""
    page = visitor.go("/registro")
    form = page.locator('main form[action="/registro"]')
    form.locator("#username").fill(username)
    form.locator("#password").fill(PASSWORD)
    form.locator('button[type="submit"]').click()
    expect(page).to_have_url(re.compile(r"/federacion$"))
    expect(page.locator('header.site a[href="/cuenta"]')).to_have_text(username)


def log_in(visitor: Visitor, username: str, next_path: str) -> None:
    """Log in through the real form at /entrar and land on `next_path`."""
    page = visitor.go(f"/entrar?next={next_path}")
    expect(page.locator('header.site a[href="/cuenta"]')).to_have_count(0)
    form = page.locator('main form[action="/entrar"]')
    expect(form.locator('input[name="next"]')).to_have_value(next_path)
    form.locator("#username").fill(username)
    form.locator("#password").fill(PASSWORD)
    form.locator('button[type="submit"]').click()
    expect(page).to_have_url(visitor.base_url + next_path)
    expect(page.locator('header.site a[href="/cuenta"]')).to_have_text(username)


def found(visitor: Visitor, name: str, kind: str, parent_id: int | None = None) -> int:
    """Found an assembly through /asambleas/nueva; returns its id."""
    page = visitor.go("/asambleas/nueva")
    form = page.locator('main form[action="/asambleas"]')
    form.locator("#name").fill(name)
    form.locator("#kind").select_option(kind)
    form.locator("#parent_id").select_option(str(parent_id) if parent_id else "")
    form.locator("#description").fill(f"{name}: asamblea de prueba del navegador.")
    expect(form.locator("#vouches_needed")).to_have_value("2")
    form.locator('button[type="submit"]').click()
    expect(page).to_have_url(re.compile(r"/asambleas/\d+$"))
    expect(page.locator("main h1")).to_have_text(name)
    found_id = int(visitor.path().rsplit("/", 1)[1])
    # The founder is its first, active facilitator: they see the member list, with themselves.
    expect(member_state(page, username_of(page))).to_have_class("state-active")
    return found_id


def ask_to_join(visitor: Visitor, assembly_id: int) -> None:
    """Press the join button on the assembly page; the request is then pending."""
    page = visitor.go(f"/asambleas/{assembly_id}")
    card = page.locator("#mi-membresia")
    card.locator(f'form[action="/asambleas/{assembly_id}/unirse"] button').click()
    expect(card.locator(f'form[action="/asambleas/{assembly_id}/unirse"]')).to_have_count(0)
    expect(card.locator(f'form[action="/asambleas/{assembly_id}/salir"]')).to_have_count(1)
    expect(page).to_have_url(f"{visitor.base_url}/asambleas/{assembly_id}")
    assert state_at_home(visitor, assembly_id) == "pending"


def vouch(visitor: Visitor, assembly_id: int, candidate: str, *, keyboard: bool = False) -> Page:
    """Vouch, from the assembly page, for the pending request of `candidate` (with the
    keyboard only when asked: Tab to the button, Enter)."""
    page = visitor.go(f"/asambleas/{assembly_id}")
    row = request_row(page, candidate)
    expect(row).to_have_count(1)
    membership_id = (row.get_attribute("id") or "").removeprefix("solicitud-")
    button = row.locator(f'form[action="/membresias/{membership_id}/aval"] button')
    if keyboard:
        tab_to(page, button)
        page.keyboard.press("Enter")
    else:
        button.click()
    expect(button).to_have_count(0)
    expect(page).to_have_url(f"{visitor.base_url}/asambleas/{assembly_id}")
    # a word after the action, at the top, linking to the requests (issue #13, finding 2)
    expect(page.locator('main > p#aviso[role="status"] a[href="#solicitudes"]')).to_have_count(1)
    return page


def username_of(page: Page) -> str:
    """Who is logged in on this page (the account link in the header)."""
    return page.locator('header.site a[href="/cuenta"]').inner_text().strip()


def request_row(page: Page, username: str) -> Locator:
    """The row of `username` in the table of requests to join."""
    return page.locator('tr[id^="solicitud-"]').filter(
        has=page.locator(f'td:text-is("{username}")')
    )


def member_state(page: Page, username: str) -> Locator:
    """The state cell of `username` in the member list."""
    return (
        page.locator("main table tr")
        .filter(has=page.locator(f'td:text-is("{username}")'))
        .locator('td[class^="state-"]')
    )


def state_at_home(visitor: Visitor, assembly_id: int) -> str:
    """The person's membership state in an assembly, as their home page shows it."""
    page = visitor.go("/")
    item = page.locator("main li").filter(has=page.locator(f'a[href="/asambleas/{assembly_id}"]'))
    expect(item).to_have_count(1)
    state = item.locator('span[class^="state-"]')
    expect(state).to_have_count(1)
    return (state.get_attribute("class") or "").removeprefix("state-")


def test_register_found_join_and_become_active_after_two_vouches(
    open_visitor: OpenVisitor,
) -> None:
    """The foundation's journey, end to end, with two vouchers in their own browsers."""
    # Carla registers and founds a region: the federated assembly unions affiliate to.
    carla = open_visitor("carla")
    register(carla, "carla.quispe")
    region = found(carla, REGION, "region")

    # Ana, someone else, founds a base assembly (a union) inside Carla's region.
    ana = open_visitor("ana")
    register(ana, "ana.mamani")
    union = found(ana, UNION, "union", parent_id=region)
    expect(ana.page.locator(f'nav.crumbs a[href="/asambleas/{region}"]')).to_have_text(REGION)

    # Beto, without JavaScript, registers and asks to join; with one active member (Ana),
    # Ana's vouch is enough. The union then has the two active members Carla will need.
    beto = open_visitor("beto", javascript=False)
    register(beto, "beto.huaman")
    ask_to_join(beto, union)
    page = vouch(ana, union, "beto.huaman")
    expect(member_state(page, "beto.huaman")).to_have_class("state-active")
    assert state_at_home(beto, union) == "active"

    # Carla asks to join the union. Pending, she sees neither members nor requests.
    ask_to_join(carla, union)
    page = carla.go(f"/asambleas/{union}")
    expect(page.locator('td[class^="state-"]')).to_have_count(0)
    expect(page.locator('tr[id^="solicitud-"]')).to_have_count(0)

    # First vouch: Ana, in a new browser, logged in through the login form. Not enough yet.
    ana_again = open_visitor("ana, otro navegador")
    log_in(ana_again, "ana.mamani", f"/asambleas/{union}")
    page = vouch(ana_again, union, "carla.quispe", keyboard=True)  # no mouse
    expect(request_row(page, "carla.quispe").locator("td").nth(1)).to_have_text(
        re.compile(r"^\s*1\s*/\s*2\s*$")
    )
    assert state_at_home(carla, union) == "pending"

    # Second vouch: Beto, in a new browser without JavaScript, through the login form.
    beto_again = open_visitor("beto, otro navegador", javascript=False)
    log_in(beto_again, "beto.huaman", f"/asambleas/{union}")
    page = vouch(beto_again, union, "carla.quispe")
    expect(request_row(page, "carla.quispe")).to_have_count(0)
    expect(member_state(page, "carla.quispe")).to_have_class("state-active")

    # Carla sees herself active, and now the member list.
    assert state_at_home(carla, union) == "active"
    assert state_at_home(carla, region) == "active"
    page = carla.go(f"/asambleas/{union}")
    card = page.locator("#mi-membresia")
    expect(card.locator(f'form[action="/asambleas/{union}/salir"]')).to_have_count(1)
    expect(card.locator(f'form[action="/asambleas/{union}/unirse"]')).to_have_count(0)
    for username in ("ana.mamani", "beto.huaman", "carla.quispe"):
        expect(member_state(page, username)).to_have_class("state-active")
    expect(page.locator('td[class^="state-"]')).to_have_count(3)
    expect(page.locator('tr[id^="solicitud-"]')).to_have_count(0)
    expect(page.locator(f'nav.crumbs a[href="/asambleas/{region}"]')).to_have_text(REGION)
    page.screenshot(path=SCREENSHOT, full_page=True)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the assembly page scrolls sideways on a phone ({width}px)"

    # The federation tree shows the union under the region.
    page = carla.go("/federacion")
    region_item = page.locator("ul.tree > li").filter(
        has=page.locator(f'a[href="/asambleas/{region}"]')
    )
    expect(region_item.locator(f'ul.tree a[href="/asambleas/{union}"]')).to_have_text(UNION)

    everyone = (carla, ana, beto, ana_again, beto_again)
    # Nothing was asked of another host, nothing failed to load, and no page logged an error
    # (a script or style refused by the Content-Security-Policy would show here).
    for visitor in everyone:
        assert visitor.offsite == [], f"{visitor.name} asked other hosts: {visitor.offsite}"
        assert visitor.failed_responses == [], f"{visitor.name}: {visitor.failed_responses}"
        assert visitor.console_errors == [], f"{visitor.name}: {visitor.console_errors}"
    # With JavaScript, hx-boost did the navigation; without it, plain forms and links did.
    for visitor in everyone:
        boosted = [r for r in visitor.requests if r.headers.get("hx-request") == "true"]
        if visitor.javascript:
            assert boosted, f"{visitor.name}: htmx never boosted a request"
        else:
            assert boosted == [], f"{visitor.name}: htmx ran with JavaScript off"
