"""Webhooks' pure rules: the Standard Webhooks signature (checked against the specification's
published example), the secret format, which URLs and addresses are refused, which kinds."""

from __future__ import annotations

import base64
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from asamblea.core.errors import Invalid
from asamblea.core.notices import Audience, rules
from asamblea.core.webhooks import (
    WEBHOOK_DISABLED,
    check_kinds,
    check_url,
    encode_secret,
    headers,
    is_public_address,
    parse_secret,
    sign,
    webhook_kinds,
)
from tests.webhook_receiver import verify


def test_the_specifications_example() -> None:
    # The example of the Standard Webhooks specification (spec/standard-webhooks.md) and its
    # reference libraries' tests: this secret, id, timestamp and body give this signature.
    secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
    body = b'{"test": 2432232314}'
    signature = sign(parse_secret(secret), "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, body)
    assert signature == "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="


@settings(max_examples=40)
@given(
    key=st.binary(min_size=24, max_size=64), body=st.binary(max_size=200), ts=st.integers(0, 2**33)
)
def test_signatures_round_trip_and_bind_everything(key: bytes, body: bytes, ts: int) -> None:
    secret = encode_secret(key)
    assert parse_secret(secret) == key
    signed = headers(key, "msg_1_2", ts, body)
    assert signed["webhook-signature"] == sign(key, "msg_1_2", ts, body)
    assert signed["webhook-signature"] != sign(key, "msg_1_3", ts, body)
    assert signed["webhook-signature"] != sign(key, "msg_1_2", ts + 1, body)
    assert signed["webhook-signature"] != sign(key, "msg_1_2", ts, body + b" ")


def test_the_receivers_own_check_agrees() -> None:

    key = bytes(range(24))
    now = int(time.time())
    signed = headers(key, "msg_9_9", now, b"{}")
    assert verify(encode_secret(key), "msg_9_9", str(now), b"{}", signed["webhook-signature"])
    assert not verify(encode_secret(key), "msg_9_9", str(now), b"{ }", signed["webhook-signature"])
    assert not verify(
        encode_secret(key), "msg_9_9", str(now - 3600), b"{}", signed["webhook-signature"]
    )


@pytest.mark.parametrize(
    "secret",
    [
        "",
        "whsec_",
        "whsec_!!!",
        "wh_" + base64.b64encode(bytes(24)).decode(),
        "whsec_" + base64.b64encode(bytes(8)).decode(),
    ],
)
def test_bad_secrets(secret: str) -> None:
    with pytest.raises(Invalid):
        parse_secret(secret)


@pytest.mark.parametrize(
    ("address", "public"),
    [
        ("127.0.0.1", False),
        ("10.1.2.3", False),
        ("172.16.0.1", False),
        ("192.168.1.1", False),
        ("169.254.169.254", False),  # cloud metadata
        ("100.64.0.1", False),  # carrier-grade NAT
        ("0.0.0.0", False),  # noqa: S104 - an address under test, not a bind
        ("224.0.0.1", False),
        ("::1", False),
        ("fc00::1", False),
        ("fe80::1", False),
        ("::ffff:127.0.0.1", False),  # IPv4-mapped loopback
        ("::ffff:10.0.0.1", False),
        ("not an address", False),
        ("8.8.8.8", True),
        ("2606:4700:4700::1111", True),
    ],
)
def test_public_addresses(address: str, public: bool) -> None:
    assert is_public_address(address) is public


@pytest.mark.parametrize(
    "url",
    [
        "",
        "ftp://example.org/",
        "file:///etc/passwd",
        "http://",
        "https://user:pw@example.org/",
        "https://example.org/#x",
        "http://127.0.0.1/",
        "http://[::1]:8080/",
        "http://localhost/",
        "http://cosa.localhost/",
        "http://10.0.0.5/",
        "http://169.254.169.254/latest/meta-data",
        "http://example.org:0/",
        "http://example.org:99999/",
        "http://exa mple.org/",
        "https://example.org/\x00",
        "https://example.org/" + "a" * 600,
    ],
)
def test_refused_urls(url: str) -> None:
    with pytest.raises(Invalid):
        check_url(url)


def test_private_urls_when_allowed_and_public_ones() -> None:
    assert check_url("http://127.0.0.1:8080/hook", allow_private=True)
    assert check_url("https://bots.example.org/telegram?grupo=5")
    with pytest.raises(Invalid):
        check_url("ftp://127.0.0.1/", allow_private=True)


def test_kinds_are_what_every_member_reads() -> None:
    allowed = webhook_kinds()
    members = {r.kind for r in rules() if r.audience is Audience.MEMBERS}
    assert set(allowed) <= members
    assert "vote_opened" in allowed
    assert "vote_published" in allowed
    for personal in ("accepted", "vouched", "suspended", "proposal_adopted", WEBHOOK_DISABLED.kind):
        assert personal not in allowed
    assert "vote_closing" not in allowed  # no event: derived when an inbox is read
    assert check_kinds(["vote_published", "vote_opened", "vote_opened"]) == (
        "vote_opened",
        "vote_published",
    )
    for bad in ([], ["accepted"], ["nope"]):
        with pytest.raises(Invalid):
            check_kinds(bad)
