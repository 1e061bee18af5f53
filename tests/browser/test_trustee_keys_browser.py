"""A trustee's cryptography done in chromium (web/static/trustee-keys.js) is accepted by the Python
core and libsodium, and the other way round: a dealing and its proof, shares sealed with
crypto_box_seal and checked against the commitments, the secret file locked with a passphrase
(`asamblea trustee` opens it), and a decryption share with its Chaum–Pedersen proofs.

No server: the scripts are put in a blank page as they are served, so this checks the
JavaScript against docs/encrypted-votes.md through a second implementation (the core)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from nacl.public import PrivateKey, PublicKey, SealedBox
from playwright.sync_api import Browser

from asamblea.core.crypto import elgamal, group, tally, threshold
from asamblea.core.crypto.board import dealing_json
from asamblea.formats.encrypted_board import dealing_from_json, share_from_json
from asamblea.formats.trustee import new_trustee, open_secret, seal_secret
from tests.browser.conftest import PHONE

pytestmark = pytest.mark.browser

STATIC = Path(__file__).resolve().parents[2] / "src" / "asamblea" / "web" / "static"
SCRIPTS = ("noble-trustee.min.js", "encrypted-ballot.js",
           "trustee-keys.js")
CEREMONY = "c3" * 32
PASSPHRASE = "una frase de custodia, con tildes: ñandú"


def test_a_trustee_in_chromium_matches_the_core_and_libsodium(browser: Browser) -> None:
    page = browser.new_page(viewport=PHONE)
    page.set_content("<!doctype html><title>t</title>")
    for name in SCRIPTS:
        page.add_script_tag(content=(STATIC / name).read_text(encoding="utf-8"))
    page.evaluate("([c]) => { window.me = AsambleaTrustee.newTrustee(c, 2, 2); }", [CEREMONY])
    dealt = page.evaluate("() => me.dealing")
    dealing = dealing_from_json(dealt)
    assert threshold.is_valid_dealing(bytes.fromhex(CEREMONY), dealing, 2)
    assert not threshold.is_valid_dealing(bytes.fromhex("c4" * 32), dealing, 2)

    # Python trustees 1 and 3 beside the browser's trustee 2.
    others = {i: new_trustee(bytes.fromhex(CEREMONY), i, 2) for i in (1, 3)}
    box_keys = {str(i): t.public_box_key().hex() for i, t in others.items()}
    box_keys["2"] = page.evaluate("() => AsambleaTrustee.boxPublicKey(me)")
    sealed = page.evaluate("([k]) => AsambleaTrustee.sealShares(me, k)", [box_keys])
    assert sorted(sealed) == ["1", "3"]
    for i, other in others.items():
        opened = SealedBox(PrivateKey(other.box_key)).decrypt(bytes.fromhex(sealed[str(i)]))
        assert threshold.is_valid_share(dealing, i, group.Scalar(opened))

    # Shares sealed by libsodium to the browser's key: opened and checked there, one bad.
    to_me = {str(i): SealedBox(PublicKey(bytes.fromhex(box_keys["2"]))).encrypt(
        threshold.evaluate(t.coefficients, 2)).hex() for i, t in others.items()}
    dealings = {str(i): dealing_json(t.dealing) for i, t in others.items()}
    got = page.evaluate("([d, s]) => { const r = AsambleaTrustee.receiveShares(me, d, s);"
                        " return r.bad.length ? r.bad : AsambleaTrustee.scalarHex(r.secret); }",
                        [dealings, to_me])
    own = page.evaluate(
        "() => AsambleaTrustee.scalarHex(AsambleaTrustee.evaluate(me.coefficients, 2))")
    expected = threshold.combine_shares([group.Scalar(bytes.fromhex(own)),
                                         *(threshold.evaluate(t.coefficients, 2)
                                           for t in others.values())])
    assert got == expected.hex()
    wrong = dict(to_me, **{"3": SealedBox(PublicKey(bytes.fromhex(box_keys["2"]))).encrypt(
        threshold.evaluate(others[1].coefficients, 2)).hex()})
    assert page.evaluate("([d, s]) => AsambleaTrustee.receiveShares(me, d, s).bad",
                         [dealings, wrong]) == [3]

    # The locked secret file: the CLI opens the browser's, the browser opens the CLI's.
    page.evaluate("([x]) => { me.secret = BigInt('0x' + x.match(/../g).reverse().join('')); }",
                  [got])
    locked = page.evaluate("async ([p]) => AsambleaTrustee.lock(me, p)", [PASSPHRASE])
    opened = open_secret(locked.encode(), PASSPHRASE)
    assert opened.index == 2
    assert opened.dealing == dealing
    assert opened.secret == expected
    assert opened.public_box_key().hex() == box_keys["2"]
    with pytest.raises(Exception, match="frase de paso"):
        open_secret(locked.encode(), PASSPHRASE + "x")
    relocked = page.evaluate(  # saved again with the unlocked key: no second Argon2id run
        "async ([f, p]) => { const [t, k] = await AsambleaTrustee.unlockKeyed(f, p);"
        " return AsambleaTrustee.lockWith(t, k); }", [locked, PASSPHRASE])
    assert relocked != locked
    assert open_secret(relocked.encode(), PASSPHRASE) == opened
    from_cli = seal_secret(others[1], PASSPHRASE, opslimit=2, memlimit=8192 * 1024).decode()
    back = page.evaluate("async ([f, p]) => { const t = await AsambleaTrustee.unlock(f, p);"
                         " return [t.index, t.dealing, AsambleaTrustee.boxPublicKey(t)]; }",
                         [from_cli, PASSPHRASE])
    assert back == [1, dealing_json(others[1].dealing), others[1].public_box_key().hex()]

    # A decryption share of a tally: its proofs hold against the verification key.
    key = threshold.election_key([others[1].dealing, dealing, others[3].dealing])
    tally_cts = [elgamal.encrypt(key, m, group.random_scalar()) for m in (0, 1, 2)]
    hash_ = b"\x42" * 32
    made = page.evaluate(
        "([h, t]) => AsambleaTrustee.decryptionShare(h, 2, me.secret, t)",
        [hash_.hex(), [{"alpha": c.alpha.hex(), "beta": c.beta.hex()} for c in tally_cts]])
    share = share_from_json(made)
    verification = threshold.verification_key([others[1].dealing, dealing, others[3].dealing], 2)
    assert tally.is_valid_share(hash_, verification, tally_cts, share)
    assert not tally.is_valid_share(b"\x43" * 32, verification, tally_cts, share)
    assert json.loads(json.dumps(made)) == made
    page.close()
