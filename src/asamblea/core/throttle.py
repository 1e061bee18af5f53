"""Failed logins: who is refused, and who is only slowed down.

The problem. Five wrong passwords from anywhere locked an account for fifteen minutes, even for
its owner typing the right password at home: anyone could lock a facilitator out just before a
vote closed.

The rule. Failures are counted over a window under three keys: the (account, address) pair, the
address alone and the account alone.
- A pair that has failed `per_pair` times is refused: one address cannot go on guessing one
  account's password.
- An address that has failed `per_address` times is refused: one address cannot go on guessing
  many accounts' passwords.
- An account is never refused for failures alone, because they may come from anyone: after
  `free_per_account` failures every attempt on it waits, `base_delay` seconds doubled with each
  further failure, never more than `max_delay`. The owner, from an address that has not failed,
  still logs in — a few seconds later. A guesser with many addresses gets at most one try per
  wait per address, and the wait grows with the guesses.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Failures:
    """Failed logins in the window under each key (None: the name cannot be an account)."""

    pair: int
    address: int
    account: int


@dataclass(frozen=True)
class Throttle:
    """The limits (see the module docstring)."""

    per_pair: int = 5
    per_address: int = 30
    free_per_account: int = 5
    base_delay: float = 1.0
    max_delay: float = 10.0


@dataclass(frozen=True)
class Verdict:
    """Refuse the attempt, or check the password after waiting `delay` seconds."""

    refused: bool
    delay: float


def verdict(failures: Failures, throttle: Throttle) -> Verdict:
    """What to do with a login attempt, given the failures counted so far."""
    if failures.pair >= throttle.per_pair or failures.address >= throttle.per_address:
        return Verdict(refused=True, delay=0.0)
    return Verdict(refused=False, delay=account_delay(failures.account, throttle))


def account_delay(failures: int, throttle: Throttle) -> float:
    """The wait before checking a password for an account with this many recent failures."""
    extra = failures - throttle.free_per_account
    if extra < 0:
        return 0.0
    # 2**extra is capped before it is computed: the count may be in the millions.
    doublings = min(extra, 64)
    return float(min(throttle.base_delay * 2.0**doublings, throttle.max_delay))
