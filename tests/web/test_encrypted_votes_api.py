"""Encrypted votes through /api/v1: three trustees (threshold two) run the key ceremony from
their own devices, voters cast encrypted ballots, one trustee stays away, two decrypt, and the
published board verifies. Who may call each new route, with refusals writing nothing."""

from __future__ import annotations

import json
import logging
from datetime import timedelta
from typing import Any

import pytest
from fastapi import FastAPI
from sqlalchemy import Engine, inspect, text

from asamblea.clock import utcnow
from asamblea.core.crypto.ballot import Election, EncryptedBallot, encrypt_ballot
from asamblea.core.crypto.board import ballot_json, dealing_json, share_json
from asamblea.core.crypto.group import (
    Scalar,
    base_mul,
    decode_point,
    mul,
    scalar_sum,
    small_multiple,
    sub,
)
from asamblea.core.crypto.tally import decrypt_tally, make_share, tally_ciphertexts
from asamblea.core.crypto.threshold import combine_shares, is_valid_share
from asamblea.core.crypto.verify import verify_encrypted_board
from asamblea.core.errors import Invalid
from asamblea.formats.encrypted_board import dealing_from_json, load_encrypted_board
from asamblea.formats.trustee import (
    SHARES_SCHEMA,
    TrusteeSecret,
    new_trustee,
    open_share,
    own_share,
    shares_file,
)
from tests.web.conftest import Browser, World, assert_refused, make_world, row_counts

ROLES = ("facilitator", "member", "target_active", "target_active2", "outsider")
TRUSTEES = ("facilitator", "member", "target_active")


def person_id(engine: Engine, username: str) -> int:
    with engine.connect() as connection:
        return int(
            connection.execute(
                text("SELECT id FROM person WHERE username = :u"), {"u": username}
            ).scalar_one()
        )


def draft(facilitator: Browser, world: World) -> int:
    now = utcnow()
    response = facilitator.api(
        "POST",
        f"/api/v1/assemblies/{world.union}/votes",
        json={
            "question": "¿Qué acción hacemos?",
            "rule": "plurality",
            "options": ["Paro", "Marcha", "Plantón"],
            "quorum_percent": 0,
            "opens_at": now.isoformat(),
            "closes_at": (now + timedelta(hours=1)).isoformat(),
        },
    )
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


def ceremony(vote_id: int, clients: dict[str, Browser]) -> list[TrusteeSecret]:
    """Each trustee's device: deal, seal shares to the others, check what it receives."""
    url = f"/api/v1/votes/{vote_id}/ceremony"
    first = clients[TRUSTEES[0]].api("GET", url).json()
    number = bytes.fromhex(first["ceremony"])
    secrets = [new_trustee(number, i, first["threshold"]) for i in (1, 2, 3)]
    deal_and_seal(url, clients, dict(zip(TRUSTEES, secrets, strict=True)))
    return [receive(url, clients[r], s) for r, s in zip(TRUSTEES, secrets, strict=True)]


def deal_and_seal(
    url: str, clients: dict[str, Browser], secrets: dict[str, TrusteeSecret]
) -> list[dict[str, Any]]:
    """Each trustee's device deals, then seals its shares to the others' box keys; returns the
    ceremony as each trustee saw it before sealing."""
    for role, secret in secrets.items():
        body = {
            "box_public_key": secret.public_box_key().hex(),
            "dealing": dealing_json(secret.dealing),
        }
        assert clients[role].api("POST", url + "/dealing", json=body).status_code == 200
    views = []
    for role, secret in secrets.items():
        view = clients[role].api("GET", url).json()
        views.append(view)
        keys = {t["number"]: bytes.fromhex(t["box_public_key"]) for t in view["trustees"]}
        sealed = json.loads(shares_file(secret, keys))["shares"]
        assert (
            clients[role].api("POST", url + "/shares", json={"shares": sealed}).status_code == 200
        )
    return views


def receive(url: str, client: Browser, secret: TrusteeSecret) -> TrusteeSecret:
    view = client.api("GET", url).json()
    dealings = {t["number"]: dealing_from_json(t["dealing"]) for t in view["trustees"]}
    shares = [own_share(secret)]
    for sender, sealed in view["sealed_for_me"].items():
        document = {
            "schema": SHARES_SCHEMA,
            "ceremony": view["ceremony"],
            "from": int(sender),
            "shares": {str(secret.index): sealed},
        }
        _, share = open_share(secret, json.dumps(document).encode())
        assert is_valid_share(dealings[int(sender)], secret.index, share)
        shares.append(share)
    assert client.api("POST", url + "/confirm").status_code == 200
    return secret.with_secret(combine_shares(shares))


def election(client: Browser, vote_id: int) -> Election:
    body = client.api("GET", f"/api/v1/votes/{vote_id}/election").json()
    manifest = body["manifest"]
    return Election(
        election_hash=bytes.fromhex(body["election_hash"]),
        public_key=decode_point(bytes.fromhex(manifest["public_key"])),
        options=len(manifest["header"]["options"]),
        min_selections=manifest["min_selections"],
        max_selections=manifest["max_selections"],
    )


def ballot(found: Election, choice: int) -> dict[str, Any]:
    return ballot_json(encrypt_ballot(found, [int(i == choice) for i in range(3)])[0])


def test_from_the_ceremony_to_a_verified_result_with_one_trustee_absent(
    app: FastAPI, engine: Engine
) -> None:
    world = make_world(app, ROLES)
    clients = {role: Browser(app).logged_in_as(world.names[role]) for role in ROLES}
    facilitator = clients["facilitator"]
    vote_id = draft(facilitator, world)
    ids = [person_id(engine, world.names[r]) for r in TRUSTEES]
    refusals = {  # (who, method, route suffix, body): expected status; nothing is written
        ("member", "POST", "encryption", json.dumps({"trustees": ids, "threshold": 2})): 403,
        ("outsider", "POST", "encryption", json.dumps({"trustees": ids, "threshold": 2})): 403,
    }
    check_refusals(clients, engine, vote_id, refusals)
    made = facilitator.api(
        "POST", f"/api/v1/votes/{vote_id}/encryption", json={"trustees": ids, "threshold": 2}
    )
    assert made.status_code == 201, made.text
    check_refusals(
        clients,
        engine,
        vote_id,
        {
            ("target_active2", "GET", "ceremony", None): 403,
            ("outsider", "GET", "ceremony", None): 404,
            ("facilitator", "POST", "open", None): 409,  # the ceremony has not happened
            ("target_active2", "POST", "ceremony/complaints", '{"against": 1}'): 403,
            ("outsider", "POST", "ceremony/complaints", '{"against": 1}'): 404,
            ("member", "POST", "ceremony/complaints", '{"against": 1}'): 422,  # nothing sent yet
            ("member", "POST", "ceremony/complaints", '{"against": 99}'): 422,
        },
    )
    _trustee_page(app, clients, vote_id)
    secrets = ceremony(vote_id, clients)
    assert facilitator.api("POST", f"/api/v1/votes/{vote_id}/open").status_code == 200
    found = election(clients["member"], vote_id)
    page = clients["member"].get(f"/votaciones/{vote_id}").text
    assert 'id="encrypted-needs-js"' in page  # says plainly that JavaScript is needed
    assert f'action="/votaciones/{vote_id}/votar"' not in page  # no form that cannot work
    assert '<script src="/static/encrypted-vote.js"></script>' in page
    check_refusals(
        clients,
        engine,
        vote_id,
        {
            ("outsider", "GET", "election", None): 404,
            (
                "outsider",
                "POST",
                "encrypted-ballots",
                json.dumps({"ballot": ballot(found, 0)}),
            ): 403,
            ("member", "POST", "ballots", json.dumps({"selection": [0]})): 409,
            ("member", "POST", "ceremony/complaints", '{"against": 1}'): 409,
            ("member", "GET", "encrypted-board", None): 409,
        },
    )
    for role, choice in zip(
        ("facilitator", "member", "target_active", "target_active2"), (1, 1, 0, 2), strict=True
    ):
        cast = clients[role].api(
            "POST",
            f"/api/v1/votes/{vote_id}/encrypted-ballots",
            json={"ballot": ballot(found, choice)},
        )
        assert cast.status_code == 201, cast.text
        assert len(cast.json()["tracker"]) == 64
    assert facilitator.api("POST", f"/api/v1/votes/{vote_id}/close").status_code == 200
    board = load_encrypted_board(
        facilitator.api("GET", f"/api/v1/votes/{vote_id}/encrypted-board").content
    )
    tally = tally_ciphertexts([[o.ciphertext for o in b.options] for b in board.ballots], 3)
    check_refusals(
        clients,
        engine,
        vote_id,
        {
            ("outsider", "GET", "encrypted-board", None): 404,
            (
                "target_active2",
                "POST",
                "decryption-shares",
                json.dumps(
                    {
                        "share": share_json(
                            make_share(
                                board.manifest.election_hash(),
                                1,
                                secrets[0].secret or own_share(secrets[0]),
                                tally,
                            )
                        )
                    }
                ),
            ): 403,
        },
    )
    for role, secret in ((TRUSTEES[0], secrets[0]), (TRUSTEES[2], secrets[2])):
        assert secret.secret is not None
        share = make_share(board.manifest.election_hash(), secret.index, secret.secret, tally)
        sent = clients[role].api(
            "POST", f"/api/v1/votes/{vote_id}/decryption-shares", json={"share": share_json(share)}
        )
        assert sent.status_code == 200, sent.text
    vote = clients["member"].api("GET", f"/api/v1/votes/{vote_id}").json()
    assert vote["state"] == "published"
    assert vote["result"]["winners"] == ["Marcha"]
    published = load_encrypted_board(
        clients["member"].api("GET", f"/api/v1/votes/{vote_id}/encrypted-board").content
    )
    assert published.counts == (1, 2, 1)
    assert verify_encrypted_board(published, expected_key=published.signing_key) == []


def _trustee_page(app: FastAPI, clients: dict[str, Browser], vote_id: int) -> None:
    """The trustee page: its trustees only; it says plainly that it needs JavaScript."""
    path = f"/votaciones/{vote_id}/custodia"
    page = clients["member"].get(path)
    assert page.status_code == 200
    assert 'id="trustee-needs-js"' in page.text
    assert "Eres custodio/a 2 de 3" in page.text
    assert '<script src="/static/trustee.js"></script>' in page.text
    vote_page = clients["member"].get(f"/votaciones/{vote_id}").text
    assert f'href="{path}"' in vote_page
    assert "0 de 3 personas custodias publicaron sus compromisos" in vote_page
    assert f'href="{path}"' not in clients["target_active2"].get(f"/votaciones/{vote_id}").text
    assert clients["target_active2"].get(path).status_code == 403
    assert clients["outsider"].get(path).status_code == 404
    anonymous = Browser(app).get(path)
    assert anonymous.status_code in {302, 303}


def check_refusals(
    clients: dict[str, Browser],
    engine: Engine,
    vote_id: int,
    cases: dict[tuple[str, str, str, str | None], int],
) -> None:
    for (role, method, suffix, body), status in cases.items():
        before = row_counts(engine)
        response = clients[role].api(
            method,
            f"/api/v1/votes/{vote_id}/{suffix}",
            content=body,
            headers={"content-type": "application/json"} if body else {},
        )
        assert_refused(response, "es", status)
        assert row_counts(engine) == before, (role, method, suffix)


def test_nothing_stored_or_logged_opens_a_ballot_without_two_trustees(
    app: FastAPI, engine: Engine, caplog: pytest.LogCaptureFixture
) -> None:
    """Ballots cast through the API (checked in a worker thread, written by the group-commit
    writer) with every log on, SQL and its parameters included: no table of the database and
    no log line holds a nonce, the mask ``r·Y = x·α`` of a chosen option (for an option not
    chosen it is ``β`` itself, public and telling nothing), the election secret or anything a
    trustee keeps; what is stored decrypts with two trustees' shares, not with one."""
    world = make_world(app, ROLES)
    clients = {role: Browser(app).logged_in_as(world.names[role]) for role in ROLES}
    vote_id = draft(clients["facilitator"], world)
    ids = [person_id(engine, world.names[r]) for r in TRUSTEES]
    made = clients["facilitator"].api(
        "POST", f"/api/v1/votes/{vote_id}/encryption", json={"trustees": ids, "threshold": 2}
    )
    assert made.status_code == 201, made.text
    secrets = ceremony(vote_id, clients)
    assert clients["facilitator"].api("POST", f"/api/v1/votes/{vote_id}/open").status_code == 200
    found = election(clients["member"], vote_id)
    cast: list[tuple[EncryptedBallot, tuple[Scalar, ...], int]] = []
    sql = logging.getLogger("sqlalchemy.engine")
    with caplog.at_level(logging.DEBUG), caplog.at_level(logging.INFO, logger=sql.name):
        for role, choice in zip(
            ("member", "target_active", "target_active2"), (2, 0, 1), strict=True
        ):
            made_ballot, nonces = encrypt_ballot(found, [int(i == choice) for i in range(3)])
            answer = clients[role].api(
                "POST",
                f"/api/v1/votes/{vote_id}/encrypted-ballots",
                json={"ballot": ballot_json(made_ballot)},
            )
            assert answer.status_code == 201, answer.text
            cast.append((made_ballot, nonces, choice))
    logged = caplog.text.lower()
    assert "insert into encrypted_ballot" in logged  # the SQL log was really on
    with engine.connect() as connection:
        stored = " ".join(
            json.dumps([str(value) for value in row])
            for table in inspect(connection).get_table_names()
            for row in connection.execute(text(f'SELECT * FROM "{table}"'))  # noqa: S608
        ).lower()
    election_secret = scalar_sum([s.coefficients[0] for s in secrets])
    assert base_mul(election_secret) == found.public_key
    hidden = [election_secret]
    for secret in secrets:
        assert secret.secret is not None
        hidden += [secret.secret, own_share(secret), secret.box_key, *secret.coefficients]
    for made_ballot, nonces, choice in cast:
        for i, (option, nonce) in enumerate(zip(made_ballot.options, nonces, strict=True)):
            assert option.ciphertext.alpha.hex() in stored  # the search sees what is there
            hidden.append(nonce)
            if i == choice:  # for an option not chosen, β is itself the mask r·Y = x·α
                hidden += [
                    mul(nonce, found.public_key),
                    mul(election_secret, option.ciphertext.alpha),
                ]
    assert not [h.hex() for h in hidden if h.hex() in stored], "a secret is stored"
    assert not [h.hex() for h in hidden if h.hex() in logged], "a secret is logged"
    # What is stored opens a ballot with two trustees' shares, and with one it does not.
    made_ballot, _, choice = cast[0]
    options = [o.ciphertext for o in made_ballot.options]
    shares = [
        make_share(found.election_hash, s.index, s.secret, options)
        for s in (secrets[0], secrets[2])
        if s.secret is not None
    ]
    assert decrypt_tally(options, shares, 2, 1) == tuple(int(i == choice) for i in range(3))
    with pytest.raises(Invalid):
        decrypt_tally(options, shares[:1], 2, 1)
    alone = [sub(c.beta, d) for c, d in zip(options, shares[0].parts, strict=True)]
    assert not set(alone) & {small_multiple(0), small_multiple(1)}


def test_a_complaint_stops_the_ceremony_and_the_facilitator_restarts_it(
    app: FastAPI, engine: Engine
) -> None:
    """Trustee 2 complains about trustee 3's share; the vote cannot open; the facilitator
    restarts the ceremony with new trustees (refusals first, each writing nothing); the new
    trustees complete it, the accused sees it no more, and the vote opens with a manifest that
    records the stopped attempt."""
    world = make_world(app, ROLES)
    clients = {role: Browser(app).logged_in_as(world.names[role]) for role in ROLES}
    facilitator = clients["facilitator"]
    vote_id = draft(facilitator, world)
    ids = [person_id(engine, world.names[r]) for r in TRUSTEES]
    made = facilitator.api(
        "POST", f"/api/v1/votes/{vote_id}/encryption", json={"trustees": ids, "threshold": 2}
    )
    assert made.status_code == 201, made.text
    first = made.json()["ceremony"]
    url = f"/api/v1/votes/{vote_id}/ceremony"
    secrets = [new_trustee(bytes.fromhex(first), i, 2) for i in (1, 2, 3)]
    deal_and_seal(url, clients, dict(zip(TRUSTEES, secrets, strict=True)))
    restart = json.dumps(
        {
            "trustees": [ids[0], ids[1], person_id(engine, world.names["target_active2"])],
            "threshold": 2,
        }
    )
    check_refusals(
        clients,
        engine,
        vote_id,
        {
            ("facilitator", "POST", "ceremony/restart", restart): 409,  # no complaint yet
        },
    )
    complained = clients["member"].api("POST", url + "/complaints", json={"against": 3})
    assert complained.status_code == 200, complained.text
    check_refusals(
        clients,
        engine,
        vote_id,
        {
            ("member", "POST", "ceremony/confirm", None): 409,
            ("facilitator", "POST", "open", None): 409,
            ("member", "POST", "ceremony/restart", restart): 403,
            ("outsider", "POST", "ceremony/restart", restart): 403,  # as for encryption
            ("facilitator", "POST", "ceremony/restart", '{"trustees": [1], "threshold": 0}'): 422,
            ("facilitator", "POST", "ceremony/restart", '{"trustees": "x", "threshold": 1}'): 422,
            (
                "facilitator",
                "POST",
                "ceremony/restart",
                json.dumps({"trustees": [ids[0], ids[0]], "threshold": 1}),
            ): 422,
            (
                "facilitator",
                "POST",
                "ceremony/restart",
                json.dumps({"trustees": [ids[0], ids[1]], "threshold": 3}),
            ): 422,
        },
    )
    _restart_form(clients, engine, vote_id, ids)
    restarted = facilitator.api(
        "POST", url + "/restart", content=restart, headers={"content-type": "application/json"}
    )
    assert restarted.status_code == 200, restarted.text
    assert restarted.json()["ceremony"] != first
    assert_refused(clients["target_active"].api("GET", url), "es", 403)  # the accused
    new = {"facilitator": 1, "member": 2, "target_active2": 3}
    second = bytes.fromhex(restarted.json()["ceremony"])
    fresh = {role: new_trustee(second, i, 2) for role, i in new.items()}
    views = deal_and_seal(url, clients, fresh)
    assert [view["complaints"] for view in views] == [[], [], []]
    for role, secret in fresh.items():
        receive(url, clients[role], secret)
    assert facilitator.api("POST", f"/api/v1/votes/{vote_id}/open").status_code == 200
    manifest = clients["member"].api("GET", f"/api/v1/votes/{vote_id}/election").json()["manifest"]
    (stopped,) = manifest["earlier_attempts"]
    assert stopped["ceremony"] == first
    assert stopped["complaints"] == [{"complainant": 2, "accused": 3}]
    assert manifest["ceremony"] == second.hex()
    check_refusals(
        clients,
        engine,
        vote_id,
        {
            ("facilitator", "POST", "ceremony/restart", restart): 409,  # open: the key is fixed
        },
    )


def _restart_form(
    clients: dict[str, Browser], engine: Engine, vote_id: int, ids: list[int]
) -> None:
    """The vote page offers the restart form to facilitators only, once there is a complaint;
    bad forms and other people are refused with nothing written."""
    page = clients["facilitator"].get(f"/votaciones/{vote_id}").text
    assert 'id="reiniciar-ceremonia"' in page
    assert f'name="trustee_{ids[0]}"' in page
    assert 'id="reiniciar-ceremonia"' not in clients["member"].get(f"/votaciones/{vote_id}").text
    action = f"/votaciones/{vote_id}/ceremonia/reiniciar"
    for role, data, status in [
        ("facilitator", {f"trustee_{ids[0]}": "1", "threshold": "x"}, 422),
        ("facilitator", {"trustee_abc": "1", "threshold": "1"}, 422),
        ("facilitator", {f"trustee_{ids[0]}": "1", "threshold": "2"}, 422),
        ("member", {f"trustee_{ids[0]}": "1", "threshold": "1"}, 403),
    ]:
        before = row_counts(engine)
        refused = clients[role].post_form(action, data)
        assert_refused(refused, "es", status)
        assert row_counts(engine) == before
