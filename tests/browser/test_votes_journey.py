"""Acceptance (issue 4): in a real browser, against the real server, a member votes, keeps the
receipt and finds it on the board after closing; a facilitator records an in-person count that
a second member confirms.

Everything goes through the pages, the assembly too: Ana registers and founds a neighbourhood
assembly, Beto and Carla ask to join and are vouched for. Then three votes:

1. a secret instant-runoff vote (the rank selects), cast by all three, so that Ana may close it
   early; the results show the SVG chart and the rounds; Beto looks his receipt up and finds his
   ranking; the board JSON downloads and carries his receipt;
2. a secret plurality vote (the radio buttons), the same way, Carla's receipt this time;
3. a show-of-hands motion: Ana records the counts, the attendance and the acta; she has no
   button to confirm her own count; Carla confirms it and the vote is published.

Carla does everything with JavaScript off; Ana and Beto go through htmx's hx-boost. No page may
ask another host for anything. Elements are found by id, name, form action, role and URL, never by
a label's text (the labels are translated); option names are our own data, so they may be matched.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Locator, Page, expect

from asamblea import i18n
from tests.browser.conftest import PHONE, OpenVisitor, Visitor, confirm_irreversible, tab_to
from tests.browser.test_federation_journey import (
    ask_to_join,
    found,
    member_state,
    register,
    vouch,
)

pytestmark = pytest.mark.browser

RESULTS_SCREENSHOT = Path("/tmp/asamblea-vote-results.png")  # noqa: S108 - for the reviewers
RECEIPT_SCREENSHOT = Path("/tmp/asamblea-receipt.png")  # noqa: S108

LIMA = ZoneInfo("America/Lima")
ASSEMBLY = "Vecinos del Sector 3, Villa El Salvador"
DELEGATES = ("Rosa Chávez", "Luis Ccori", "Marta Yupanqui")
VENUES = ("Local comunal", "Losa deportiva")
MOTION = ("Sí", "No", "Abstención")  # what a yes/no motion always offers
RECEIPT = re.compile(r"^[0-9A-Z]{4}(-[0-9A-Z]{4}){3}$")


def draft(visitor: Visitor, assembly_id: int, question: str, rule: str, **fields: str) -> int:
    """Draft a vote through the form linked from the assembly page; returns the vote's id.

    It closes in an hour, in Peru time as the form asks; `fields` fills other inputs by id."""
    page = visitor.go(f"/asambleas/{assembly_id}")
    page.locator(f'main a[href="/asambleas/{assembly_id}/votaciones/nueva"]').click()
    expect(page).to_have_url(f"{visitor.base_url}/asambleas/{assembly_id}/votaciones/nueva")
    form = page.locator(f'main form[action="/asambleas/{assembly_id}/votaciones"]')
    form.locator("#question").fill(question)
    form.locator("#rule").select_option(rule)
    for name, value in fields.items():
        field = form.locator(f"#{name}")
        if field.evaluate("element => element.tagName") == "SELECT":
            field.select_option(value)
        else:
            field.fill(value)
    # The form proposes "now" as the opening time; the closing time is ours.
    expect(form.locator("#opens_at")).to_have_value(re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d$"))
    closes = datetime.now(LIMA).replace(tzinfo=None) + timedelta(hours=1)
    form.locator("#closes_at").fill(closes.strftime("%Y-%m-%dT%H:%M"))
    form.locator('button[type="submit"]').click()
    expect(page).to_have_url(re.compile(r"/votaciones/\d+$"))
    expect(page.locator("main h1")).to_have_text(question)
    return int(visitor.path().rsplit("/", 1)[1])


def open_now(visitor: Visitor, vote_id: int) -> None:
    """The facilitator opens a draft: the roll is frozen."""
    page = visitor.go(f"/votaciones/{vote_id}")
    button = page.locator(f'main form[action="/votaciones/{vote_id}/abrir"] button')
    button.click()
    expect(button).to_have_count(0)
    expect(page).to_have_url(f"{visitor.base_url}/votaciones/{vote_id}")
    expect(ballot_form(page, vote_id)).to_have_count(1)


def ballot_form(page: Page, vote_id: int) -> Locator:
    """The ballot form of a vote page."""
    return page.locator(f'main form[action="/votaciones/{vote_id}/votar"]')


def cast_ranking(
    visitor: Visitor, vote_id: int, ranking: list[int], screenshot: Path | None = None
) -> str:
    """Number options in order of preference with the rank selects; returns the receipt."""
    page = visitor.go(f"/votaciones/{vote_id}")
    form = ballot_form(page, vote_id)
    for position, option in enumerate(ranking, start=1):
        form.locator(f'select#rank_{option}[name="rank_{option}"]').select_option(str(position))
    form.locator('button[type="submit"]').click()
    return keep_receipt(visitor, vote_id, screenshot)


def cast_choice(visitor: Visitor, vote_id: int, option: int, *, keyboard: bool = False) -> str:
    """Mark one radio button; returns the receipt. With ``keyboard``, no mouse: Tab to the
    group, Space marks the first option, the arrow keys move the mark, Tab to the button,
    Enter."""
    page = visitor.go(f"/votaciones/{vote_id}")
    form = ballot_form(page, vote_id)
    radios = form.locator('input[type="radio"][name="option"]')
    expect(radios).to_have_count(len(VENUES))
    if keyboard:
        tab_to(page, radios.first)
        page.keyboard.press("Space")
        for _ in range(option):
            page.keyboard.press("ArrowDown")
        expect(form.locator(f'input[type="radio"][value="{option}"]')).to_be_checked()
        tab_to(page, form.locator('button[type="submit"]'))
        page.keyboard.press("Enter")
    else:
        form.locator(f'input[type="radio"][name="option"][value="{option}"]').check()
        form.locator('button[type="submit"]').click()
    return keep_receipt(visitor, vote_id)


def keep_receipt(visitor: Visitor, vote_id: int, screenshot: Path | None = None) -> str:
    """On the receipt page: copy the code (and take its picture when asked), then go back to
    the vote, which no longer offers a ballot."""
    page = visitor.page
    receipt = page.locator("main #recibo")
    expect(receipt).to_have_text(re.compile(r"^\s*[0-9A-Z]{4}(-[0-9A-Z]{4}){3}\s*$"))
    expect(page.locator("main dl.head code")).to_have_count(3)  # head, signature, public key
    code = receipt.inner_text().strip()
    assert RECEIPT.fullmatch(code), code
    # POST–redirect–GET (issue #13, finding 10): the receipt has its own address, and
    # reloading it shows the same receipt again without sending the ballot again
    expect(page).to_have_url(f"{visitor.base_url}/votaciones/{vote_id}/mi-recibo")
    page.reload()
    expect(receipt).to_have_text(re.compile(rf"^\s*{code}\s*$"))
    if screenshot is not None:
        page.screenshot(path=screenshot, full_page=True)
        no_sideways_scroll(page, "receipt page")
    page.locator(f'main a[href="/votaciones/{vote_id}"]').click()
    expect(page).to_have_url(f"{visitor.base_url}/votaciones/{vote_id}")
    expect(ballot_form(page, vote_id)).to_have_count(0)
    return code


def close_and_publish(visitor: Visitor, vote_id: int) -> Page:
    """The facilitator closes early (everyone on the roll voted); the results appear."""
    page = visitor.go(f"/votaciones/{vote_id}")
    confirm_irreversible(page, "cerrar")
    expect(page.locator(f'main form[action="/votaciones/{vote_id}/cerrar"]')).to_have_count(0)
    expect(page).to_have_url(f"{visitor.base_url}/votaciones/{vote_id}")
    expect_results(page, vote_id)
    return page


def expect_results(page: Page, vote_id: int, *, receipts: bool = True) -> None:
    """A published vote: the server-rendered chart, the board link and (for ballots cast
    online) the receipt lookup; an in-person count has no receipts to look up."""
    chart = page.locator('main svg.chart[role="img"]')
    expect(chart).to_be_visible()
    assert chart.locator("rect").count() >= 2
    expect(page.locator(f'main a[href="/votaciones/{vote_id}/tablero.json"]')).to_have_count(1)
    lookup = page.locator(f'main form[action="/votaciones/{vote_id}/recibo"]')
    expect(lookup).to_have_count(1 if receipts else 0)


def look_up(visitor: Visitor, vote_id: int, typed: str, choice: str) -> None:
    """Type the receipt into the vote page's lookup form and find one's choice on the board."""
    page = visitor.go(f"/votaciones/{vote_id}")
    form = page.locator(f'main form[action="/votaciones/{vote_id}/recibo"]')
    form.locator('input#codigo[name="codigo"]').fill(typed)
    form.locator('button[type="submit"]').click()
    expect(page).to_have_url(re.compile(rf"/votaciones/{vote_id}/recibo\?codigo="))
    expect(page.get_by_role("status").locator("strong")).to_have_text(choice)
    expect(page.get_by_role("alert")).to_have_count(0)


def board(visitor: Visitor, vote_id: int) -> dict[str, object]:
    """Download the board JSON the vote page links to, with the visitor's own cookies."""
    page = visitor.go(f"/votaciones/{vote_id}")
    link = page.locator(f'main a[href="/votaciones/{vote_id}/tablero.json"]')
    response = visitor.context.request.get(visitor.base_url + (link.get_attribute("href") or ""))
    assert response.ok, f"{visitor.name}: the board answered {response.status}"
    assert response.headers["content-type"].startswith("application/json")
    assert "attachment" in response.headers.get("content-disposition", "")
    parsed = response.json()
    assert isinstance(parsed, dict)
    return parsed


def ballot_of(parsed: dict[str, object], receipt: str) -> list[int]:
    """The selection the board holds for a receipt (and checks the board's shape on the way)."""
    ballots = parsed["ballots"]
    assert isinstance(ballots, list)
    chain = parsed["chain"]
    assert isinstance(chain, dict)
    assert len(chain["heads"]) == len(ballots)
    found_ballots = [b["selection"] for b in ballots if b["receipt"] == receipt]
    assert len(found_ballots) == 1, f"receipt {receipt} is not once on the board"
    selection: list[int] = found_ballots[0]
    return selection


def spanish(message: str) -> str:
    i18n.activate("es")
    return i18n.gettext(message)


def no_sideways_scroll(page: Page, what: str) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the {what} scrolls sideways on a phone ({width}px)"


def test_vote_keep_receipt_find_it_on_the_board_and_confirm_an_in_person_count(
    open_visitor: OpenVisitor,
) -> None:
    """Issue 4's browser acceptance, end to end, with three people in their own browsers."""
    # The assembly, through the pages: Ana founds it; Beto, then Carla (no JavaScript), join.
    ana = open_visitor("ana")
    register(ana, "ana.quispe")
    assembly = found(ana, ASSEMBLY, "neighbourhood")
    beto = open_visitor("beto")
    register(beto, "beto.condori")
    ask_to_join(beto, assembly)
    vouch(ana, assembly, "beto.condori")
    carla = open_visitor("carla", javascript=False)
    register(carla, "carla.huaman")
    ask_to_join(carla, assembly)
    vouch(ana, assembly, "carla.huaman")
    page = vouch(beto, assembly, "carla.huaman")
    for username in ("ana.quispe", "beto.condori", "carla.huaman"):
        expect(member_state(page, username)).to_have_class("state-active")

    # 1. A secret instant-runoff vote. Ana drafts and opens it: the roll is the three of them.
    irv = draft(
        ana, assembly, "¿Quién nos representa en el distrito?", "irv", options="\n".join(DELEGATES)
    )
    open_now(ana, irv)
    beto_ranking = [1, 0]
    beto_receipt = cast_ranking(beto, irv, beto_ranking, RECEIPT_SCREENSHOT)
    cast_ranking(ana, irv, [0, 2])
    # Issue 13 (finding 4): two equal ranks bring Carla's ballot back (no JavaScript) with her
    # choices kept and the error beside it; nothing was recorded, so she fixes it and casts.
    page = carla.go(f"/votaciones/{irv}")
    form = ballot_form(page, irv)
    form.locator("select#rank_0").select_option("1")
    form.locator("select#rank_1").select_option("1")
    form.locator('button[type="submit"]').click()
    error = spanish("Two options have the same rank.")
    expect(ballot_form(page, irv).locator("#error-papeleta")).to_have_text(error)
    expect(ballot_form(page, irv).locator("select#rank_0")).to_have_value("1")
    expect(ballot_form(page, irv).locator("select#rank_1")).to_have_value("1")
    assert carla.failed_responses.pop().startswith("422 ")  # the answer to a ballot to fix
    cast_ranking(carla, irv, [2, 1, 0])
    # Beto has voted: the vote page offers him no second ballot.
    expect(ballot_form(beto.go(f"/votaciones/{irv}"), irv)).to_have_count(0)

    # Everyone voted, so Ana may close before the closing time: counted and published.
    page = close_and_publish(ana, irv)
    rounds = page.locator("main .scroll-x table thead th")  # the rounds, not the chart data
    expect(rounds).to_have_count(3)  # the option column and two rounds (a three-way tie first)
    page.screenshot(path=RESULTS_SCREENSHOT, full_page=True)
    no_sideways_scroll(page, "results page")

    # Beto types his receipt in (as he wrote it down: lower case) and finds his ranking.
    look_up(beto, irv, beto_receipt.lower(), " › ".join(DELEGATES[i] for i in beto_ranking))
    parsed = board(beto, irv)
    assert ballot_of(parsed, beto_receipt) == beto_ranking
    vote = parsed["vote"]
    assert isinstance(vote, dict)
    assert (vote["rule"], vote["roll_size"], vote["voters"]) == ("irv", 3, 3)
    assert parsed["in_person"] is None

    # 2. A secret plurality vote; this time Carla, without JavaScript, keeps her receipt.
    plurality = draft(
        ana, assembly, "¿Dónde hacemos la próxima asamblea?", "plurality", options="\n".join(VENUES)
    )
    open_now(ana, plurality)
    carla_receipt = cast_choice(carla, plurality, 1, keyboard=True)  # no JS, no mouse
    cast_choice(ana, plurality, 0)
    cast_choice(beto, plurality, 1)
    close_and_publish(ana, plurality)
    look_up(carla, plurality, carla_receipt, VENUES[1])
    parsed = board(carla, plurality)
    assert ballot_of(parsed, carla_receipt) == [1]
    result = parsed["result"]
    assert isinstance(result, dict)
    assert result["winners"] == [VENUES[1]]

    # 3. A motion voted by show of hands: Ana records the count, the attendance and the acta.
    motion = draft(
        ana,
        assembly,
        "¿Aprobamos la cuota de S/ 5 para la olla común?",
        "majority",
        mode="in_person",
    )
    page = ana.page
    expect(page.locator(f'main form[action="/votaciones/{motion}/abrir"]')).to_have_count(0)
    count = page.locator(f'main form[action="/votaciones/{motion}/conteo"]')
    for index, hands in enumerate((2, 1, 0)):
        count.locator(f'input#count_{index}[name="count_{index}"]').fill(str(hands))
    count.locator('input#attendance[name="attendance"]').fill("3")
    acta = "Acta de la asamblea del sector 3.\nVotaron a mano alzada 3 vecinos: 2 sí, 1 no."
    count.locator('textarea#acta[name="acta"]').fill(acta)
    count.locator('button[type="submit"]').click()
    expect(page).to_have_url(f"{ana.base_url}/votaciones/{motion}")
    expect(page.locator("main pre.acta")).to_have_text(acta)
    # Two-person rule: whoever recorded the count has nothing to confirm.
    confirm = f'main form[action="/votaciones/{motion}/conteo/confirmar"]'
    expect(page.locator(confirm)).to_have_count(0)
    # Issue 13 (finding 7): awaiting confirmation, not "draft"; no online "Voted: 0" beside it.
    expect(page.locator("#estado-votacion")).to_have_text(spanish("count awaiting confirmation"))
    expect(page.locator("main")).not_to_contain_text(f"{spanish('Voted')}:")

    # Carla, a second active member, confirms it: the vote is published with its results.
    page = carla.go(f"/votaciones/{motion}")
    expect(page.locator("main pre.acta")).to_have_text(acta)
    page.locator(f"{confirm} button").click()
    expect(page).to_have_url(f"{carla.base_url}/votaciones/{motion}")
    expect(page.locator(confirm)).to_have_count(0)
    expect(page.locator(f'main form[action="/votaciones/{motion}/conteo"]')).to_have_count(0)
    expect_results(page, motion, receipts=False)
    expect(page.locator("main")).not_to_contain_text(f"{spanish('Voted')}:")
    parsed = board(carla, motion)
    assert parsed["ballots"] == []
    assert parsed["in_person"] == {
        "counts": [2, 1, 0],
        "attendance": 3,
        "acta": acta,
        "recorded_by": "ana.quispe",
        "confirmed_by": "carla.huaman",
        "confirmed_at": parsed["in_person"]["confirmed_at"],  # type: ignore[index]
    }
    result = parsed["result"]
    assert isinstance(result, dict)
    assert result["winners"] == [MOTION[0]]

    everyone = (ana, beto, carla)
    # Nothing was asked of another host, nothing failed to load, and no page logged an error.
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
