"""A ballot encrypted in chromium by the vendored @noble/curves and our encrypted-ballot.js is
accepted by the Python core: its proofs verify, its tracker matches, its audit re-encrypts.

No server: the two scripts are put in a blank page as they are served, so the test checks the
JavaScript against docs/encrypted-votes.md through a second implementation (the core)."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page

from asamblea.core.crypto import ballot, board, group, tally, threshold
from asamblea.core.crypto.board import ballot_json
from asamblea.core.crypto.verify import verify_encrypted_board
from asamblea.formats.encrypted_board import (
    ballot_from_json,
    dump_encrypted_board,
    nonces_from_json,
)
from tests.browser.conftest import PHONE
from tests.formats import encrypted_election, slow_verifier

pytestmark = pytest.mark.browser

STATIC = Path(__file__).resolve().parents[2] / "src" / "asamblea" / "web" / "static"
DEALT = [threshold.deal(b"\x05" * 32, i, 2) for i in (1, 2, 3)]
SECRETS = {
    j: threshold.combine_shares([threshold.evaluate(c, j) for c, _ in DEALT]) for j in (1, 2, 3)
}
KEY = threshold.election_key([d for _, d in DEALT])


def ballot_page(browser: Browser) -> Page:
    """A blank phone-sized page holding the two scripts as they are served."""
    page = browser.new_page(viewport=PHONE)
    page.set_content("<!doctype html><title>t</title>")
    for name in ("noble-ristretto255.min.js", "encrypted-ballot.js"):
        page.add_script_tag(content=(STATIC / name).read_text(encoding="utf-8"))
    return page


def spec_of(election: ballot.Election) -> dict[str, object]:
    """The election as the vote page gives it to `AsambleaBallot`."""
    return {
        "hash": election.election_hash.hex(),
        "publicKey": election.public_key.hex(),
        "options": election.options,
        "min": election.min_selections,
        "max": election.max_selections,
    }


def test_ballots_encrypted_in_chromium_verify_and_count(browser: Browser) -> None:
    page = ballot_page(browser)
    elections = [
        ballot.Election(b"\x09" * 32, KEY, 5, 0, 5),
        ballot.Election(b"\x0a" * 32, KEY, 5, 1, 3),
        ballot.Election(b"\x0b" * 32, KEY, 3, 0, 1),
    ]
    votes = {
        0: [[1, 0, 1, 0, 1], [0, 0, 0, 0, 0]],
        1: [[0, 1, 1, 0, 0], [1, 0, 0, 0, 0]],
        2: [[0, 1, 0], [0, 0, 0]],
    }
    for number, election in enumerate(elections):
        spec = spec_of(election)
        cast = []
        for chosen in votes[number]:
            made = page.evaluate(
                "([e, s]) => JSON.stringify(AsambleaBallot.encryptBallot(e, s))", [spec, chosen]
            )
            result = json.loads(made)
            encrypted = ballot_from_json(result["ballot"])
            assert ballot.is_valid_ballot(election, encrypted), (number, chosen)
            assert ballot.tracker(encrypted).hex() == result["tracker"]
            nonces = nonces_from_json(result["nonces"])
            assert ballot.is_audit_consistent(election, encrypted, chosen, nonces)
            flipped = [1 - m for m in chosen]
            assert page.evaluate(
                "([e, b, s, n]) => AsambleaBallot.checkAudit(e, b, s, n)",
                [spec, result["ballot"], chosen, result["nonces"]],
            )
            assert not page.evaluate(
                "([e, b, s, n]) => AsambleaBallot.checkAudit(e, b, s, n)",
                [spec, result["ballot"], flipped, result["nonces"]],
            )
            cast.append(encrypted)
        summed = tally.tally_ciphertexts(
            [[o.ciphertext for o in b.options] for b in cast], election.options
        )
        shares = [tally.make_share(election.election_hash, j, SECRETS[j], summed) for j in (2, 3)]
        counts = tally.decrypt_tally(summed, shares, 2, len(cast))
        assert list(counts) == [sum(col) for col in zip(*votes[number], strict=True)]
    _board_of_browser_ballots_verifies(page)
    _prepared_ballots_verify_and_are_used_once(page)
    with pytest.raises(Exception, match="invalid selections"):
        page.evaluate(
            "([e, s]) => AsambleaBallot.encryptBallot(e, s)",
            [
                {
                    "hash": "00" * 32,
                    "publicKey": group.GENERATOR.hex(),
                    "options": 3,
                    "min": 0,
                    "max": 1,
                },
                [1, 1, 0],
            ],
        )
    page.close()


def _prepared_ballots_verify_and_are_used_once(page: Page) -> None:
    """A ballot finished from `prepareBallot` (what the vote page makes before the click) is a
    valid ballot whose audit re-encrypts; the same preparation given twice, or given for another
    election, is not reused: the second ballot has fresh nonces and still verifies."""
    election = ballot.Election(b"\x0c" * 32, KEY, 5, 1, 3)
    spec = spec_of(election)
    other = dict(spec, hash="0d" * 32)
    made = json.loads(
        page.evaluate(
            """([e, o]) => { const p = AsambleaBallot.prepareBallot(e);
             const q = AsambleaBallot.prepareBallot(o);
             return JSON.stringify([AsambleaBallot.encryptBallot(e, [1, 1, 0, 0, 1], p),
                                    AsambleaBallot.encryptBallot(e, [0, 0, 1, 0, 0], p),
                                    AsambleaBallot.encryptBallot(e, [0, 1, 0, 0, 0], q)]); }""",
            [spec, other],
        )
    )
    choices = [[1, 1, 0, 0, 1], [0, 0, 1, 0, 0], [0, 1, 0, 0, 0]]
    for result, chosen in zip(made, choices, strict=True):
        encrypted = ballot_from_json(result["ballot"])
        assert ballot.is_valid_ballot(election, encrypted), chosen
        assert ballot.tracker(encrypted).hex() == result["tracker"]
        assert ballot.is_audit_consistent(
            election, encrypted, chosen, nonces_from_json(result["nonces"])
        )
    nonces = [set(result["nonces"]) for result in made]
    assert not nonces[0] & nonces[1]
    assert not nonces[0] & nonces[2]


def _board_of_browser_ballots_verifies(page: Page) -> None:
    """Ballots made in chromium, on a real manifest, make a board both verifiers accept."""
    manifest, secrets = encrypted_election.ceremony(2, 3, encrypted_election.header(), 1, 3)
    spec = {
        "hash": manifest.election_hash().hex(),
        "publicKey": manifest.public_key.hex(),
        "options": 5,
        "min": 1,
        "max": 3,
    }
    votes = [[1, 0, 0, 0, 0], [1, 1, 1, 0, 0], [0, 0, 1, 1, 0]]
    made = [
        json.loads(
            page.evaluate(
                "([e, s]) => JSON.stringify(AsambleaBallot.encryptBallot(e, s))", [spec, v]
            )
        )
        for v in votes
    ]
    cast = [ballot_from_json(m["ballot"]) for m in made]
    summed = tally.tally_ciphertexts([[o.ciphertext for o in b.options] for b in cast], 5)
    shares = tuple(
        tally.make_share(manifest.election_hash(), j, secrets[j], summed) for j in (1, 2)
    )
    sealed = board.seal_board(
        board.EncryptedBoard(
            manifest=manifest,
            voters=3,
            closed_at="2026-11-29T00:00:00Z",
            ballots=cast,
            audited=[],
            genesis="",
            heads=[],
            tally=summed,
            shares=shares,
            counts=tally.decrypt_tally(summed, shares, 2, 3),
            signing_key="",
            head_signature="",
            seal_signature="",
        ),
        encrypted_election.SIGNING_KEY,
    )
    assert sealed.counts == (2, 1, 2, 1, 0)
    spoiled, nonces = ballot.encrypt_ballot(  # audited by the Python core, checked in chromium
        ballot.Election(manifest.election_hash(), manifest.public_key, 5, 1, 3), votes[1]
    )
    audited = board.AuditedBallot(spoiled, tuple(votes[1]), nonces)
    assert page.evaluate(
        "([e, a]) => AsambleaBallot.checkAudit(e, a.ballot, a.selections, a.nonces)",
        [spec, audited.to_json()],
    )
    sealed = board.seal_board(replace(sealed, audited=[audited]), encrypted_election.SIGNING_KEY)
    assert verify_encrypted_board(sealed) == []
    assert slow_verifier.verify(dump_encrypted_board(sealed)) == set()


def test_the_trustee_page_check_of_a_ballot_agrees_with_the_core(browser: Browser) -> None:
    """`AsambleaBallot.checkBallot` (what the trustee's page runs over every ballot of the board
    before decrypting) accepts ballots made by the Python core and by chromium, and refuses
    each alteration that the core's `is_valid_ballot` refuses."""
    page = ballot_page(browser)
    election = ballot.Election(b"\x0e" * 32, KEY, 5, 1, 3)
    spec = spec_of(election)
    python_made = ballot_json(ballot.encrypt_ballot(election, [0, 1, 1, 0, 0])[0])
    browser_made = page.evaluate(
        "([e]) => AsambleaBallot.encryptBallot(e, [1, 0, 0, 0, 1]).ballot", [spec]
    )
    check = "([e, b]) => AsambleaBallot.checkBallot(e, b)"
    assert page.evaluate(check, [spec, python_made])
    assert page.evaluate(check, [spec, browser_made])
    other = dict(spec, hash="0f" * 32)
    assert not page.evaluate(check, [other, python_made])
    altered: list[Any] = []
    bumped = json.loads(json.dumps(python_made))
    c, s = bumped["options"][2]["proof"][1]
    bumped["options"][2]["proof"][1] = [
        c,
        ((int.from_bytes(bytes.fromhex(s), "little") + 1) % group_order())
        .to_bytes(32, "little")
        .hex(),
    ]
    altered.append(bumped)
    swapped = json.loads(json.dumps(python_made))
    swapped["options"][0], swapped["options"][1] = swapped["options"][1], swapped["options"][0]
    altered.append(swapped)
    uncounted = json.loads(json.dumps(python_made))
    uncounted["count_proof"] = None
    altered.append(uncounted)
    upper = json.loads(json.dumps(python_made))
    upper["options"][0]["alpha"] = upper["options"][0]["alpha"].upper()
    altered.append(upper)
    unreduced = json.loads(json.dumps(python_made))
    c0, s0 = unreduced["options"][0]["proof"][0]
    big = int.from_bytes(bytes.fromhex(s0), "little") + group_order()
    unreduced["options"][0]["proof"][0] = [c0, big.to_bytes(32, "little").hex()]
    altered.append(unreduced)
    altered.append({"options": python_made["options"][:4], "count_proof": None})
    for bad in altered:
        assert not page.evaluate(check, [spec, bad])
    for bad in altered[:3]:  # the core agrees on the ones it can parse
        assert not ballot.is_valid_ballot(election, ballot_from_json(bad))
    page.close()


def group_order() -> int:
    return 2**252 + 27742317777372353535851937790883648493
