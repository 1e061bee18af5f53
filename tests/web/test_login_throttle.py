"""Login throttling and the one username profile (issue #10, findings 3 and 4): failures lock
out an (account, address) pair or an address, never an account; its owner, from an address that
has not failed, still logs in — slowed down. A name is read the same way everywhere: variants
with control or invisible characters are no account at all, and cannot be registered."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from sqlalchemy import text

from asamblea.core.errors import N_
from tests.web.conftest import (
    PASSWORD,
    Browser,
    World,
    assert_refused,
    build_app,
    translated,
    unique,
)

TOO_MANY = N_("Too many failed attempts. Wait a few minutes and try again.")
WRONG = N_("Wrong username or password.")
MAX_DELAY = 0.2


@pytest.fixture(scope="module")
def throttled_app(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[FastAPI]:
    application = build_app(
        database_url,
        tmp_path_factory.mktemp("throttled"),
        login_attempts_per_pair=2,
        login_attempts_per_account=3,
        login_attempts_per_address=6,
        login_delay_seconds=0.05,
        login_max_delay_seconds=MAX_DELAY,
    )
    yield application
    application.state.engine.dispose()


@pytest.fixture
def owner(throttled_app: FastAPI) -> str:
    name = unique("dueña")
    assert Browser(throttled_app).register(name).status_code == 303
    return name


@pytest.mark.parametrize("lang", ["es", "en"])
def test_attackers_elsewhere_cannot_lock_the_owner_out(
    throttled_app: FastAPI, owner: str, lang: str
) -> None:
    # Four addresses fail twice each on the owner's account: 8 failures, over the 3 free.
    for number in range(4):
        attacker = Browser(throttled_app, lang, address=f"198.51.100.{number + 10}")
        for _ in range(2):
            assert_refused(attacker.login(owner, "mala clave"), lang, 422)
        # each attacking address is now refused on this account, even with the right password
        refused = attacker.login(owner, PASSWORD)
        assert assert_refused(refused, lang, 429) == translated(lang, TOO_MANY)
    # The owner, at home, gets in — after the (capped) wait that the failures earned.
    home = Browser(throttled_app, lang, address="192.0.2.77")
    started = time.monotonic()
    assert home.login(owner).status_code == 303
    assert MAX_DELAY <= time.monotonic() - started < MAX_DELAY + 5
    # and so does a program with the API, from another clean address
    api = Browser(throttled_app, lang, address="192.0.2.78").client.post(
        "/api/v1/tokens", json={"username": owner, "password": PASSWORD}
    )
    assert api.status_code == 201, api.text
    with throttled_app.state.engine.connect() as connection:  # no raw names or addresses kept
        keys = list(connection.scalars(text("SELECT key FROM login_attempt")))
    assert keys
    assert not any(owner in key or "198.51.100" in key for key in keys)


@pytest.mark.parametrize("lang", ["es", "en"])
def test_one_address_guessing_one_account_is_refused(
    throttled_app: FastAPI, owner: str, lang: str
) -> None:
    address = "203.0.113.20" if lang == "es" else "203.0.113.21"
    for variant in (owner.upper(), owner.capitalize()):  # case variants are one account
        assert_refused(Browser(throttled_app, lang, address=address).login(variant, "mala"), lang)
    page = Browser(throttled_app, lang, address=address).login(owner, PASSWORD)
    assert assert_refused(page, lang, 429) == translated(lang, TOO_MANY)
    api = Browser(throttled_app, lang, address=address).client.post(
        "/api/v1/tokens", json={"username": owner, "password": PASSWORD}
    )
    assert assert_refused(api, lang, 429) == translated(lang, TOO_MANY)


def test_one_address_guessing_many_accounts_is_refused(
    throttled_app: FastAPI, world: World
) -> None:
    address = "203.0.113.30"
    for _ in range(6):
        Browser(throttled_app, "en", address=address).login(unique("nadie"), "mala clave")
    limited = Browser(throttled_app, "en", address=address).login(world.names["member"])
    assert assert_refused(limited, "en", 429) == translated("en", TOO_MANY)
    other = Browser(throttled_app, "en", address="203.0.113.31").login(world.names["member"])
    assert other.status_code == 303


@pytest.mark.parametrize("invisible", ["\x1c", "\x1f", "\u200b", "\u2060", "\ufeff", "\x00"])
def test_a_name_with_invisible_characters_is_no_account(
    throttled_app: FastAPI, owner: str, invisible: str
) -> None:
    # The variant is never looked up: even the right password does not open the account...
    for variant in (invisible + owner, owner + invisible):
        address = f"192.0.2.{ord(invisible) % 200 + 1}"
        page = Browser(throttled_app, "en", address=address).login(variant, PASSWORD)
        assert page.status_code == 422
        api = Browser(throttled_app, "en", address=address).client.post(
            "/api/v1/tokens", json={"username": variant, "password": PASSWORD}
        )
        assert api.status_code in {401, 422}, api.text
    # ...so it gives no fresh tries at the owner's password.


@pytest.mark.parametrize("invisible", ["\x1c", "\x1f", "\u200b", "\u2060", "\u00ad", "\u202e"])
def test_a_name_with_control_or_invisible_characters_cannot_be_registered(
    throttled_app: FastAPI, invisible: str
) -> None:
    name = unique("ana")
    for variant in (invisible + name, name + invisible, name[:3] + invisible + name[3:]):
        page = Browser(throttled_app, "en").register(variant)
        assert assert_refused(page, "en", 422) == translated(
            "en", N_("The username may only have letters, digits, dots, dashes and _.")
        )
        api = Browser(throttled_app, "en").client.post(
            "/api/v1/accounts", json={"username": variant, "password": PASSWORD}
        )
        assert api.status_code == 422
    assert Browser(throttled_app, "en").register(name).status_code == 303


@pytest.mark.parametrize("lang", ["es", "en"])
def test_a_look_alike_of_an_account_cannot_be_registered(
    throttled_app: FastAPI, owner: str, lang: str
) -> None:
    # `owner` is in Latin letters: the same name with a Cyrillic а mixes alphabets...
    mixed = owner.replace("a", "\u0430", 1)
    assert assert_refused(Browser(throttled_app, lang).register(mixed), lang, 422) == translated(
        lang,
        N_("The username mixes alphabets (like Latin and Cyrillic) or kinds of digits."),
    )
    # ...and with a capital I for an l, or rn for m, it looks the same in a member list.
    for look_alike in ("I" + owner[1:] if owner[0] == "l" else owner + "I", owner + "rn"):
        Browser(throttled_app, lang).register(look_alike.replace("I", "l").replace("rn", "m"))
        refused = Browser(throttled_app, lang).register(look_alike)
        assert assert_refused(refused, lang, 409) == translated(
            lang, N_("That username looks like one that is taken. Choose another one.")
        )
    api = Browser(throttled_app, lang).client.post(
        "/api/v1/accounts", json={"username": owner.upper(), "password": PASSWORD}
    )
    assert assert_refused(api, lang, 409)
