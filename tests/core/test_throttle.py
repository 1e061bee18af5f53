"""The login throttle: a pair or an address is refused, an account is only slowed down."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from asamblea.core.throttle import Failures, Throttle, Verdict, account_delay, verdict

RULE = Throttle(per_pair=5, per_address=30, free_per_account=5, base_delay=1.0, max_delay=10.0)
counts = st.integers(min_value=0, max_value=10**9)


@given(pair=counts, address=counts, account=counts)
def test_refused_exactly_when_the_pair_or_the_address_is_over_its_limit(
    pair: int, address: int, account: int
) -> None:
    result = verdict(Failures(pair=pair, address=address, account=account), RULE)
    assert result.refused == (pair >= RULE.per_pair or address >= RULE.per_address)
    assert 0.0 <= result.delay <= RULE.max_delay


@given(account=counts)
def test_the_owner_from_a_clean_address_is_never_refused(account: int) -> None:
    # However many failures others caused on the account, the owner's attempt from an address
    # with no failures goes through, after a wait that never exceeds the cap.
    result = verdict(Failures(pair=0, address=0, account=account), RULE)
    assert not result.refused
    assert result.delay <= RULE.max_delay


@given(a=counts, b=counts)
def test_the_wait_grows_with_failures_and_is_capped(a: int, b: int) -> None:
    low, high = sorted((a, b))
    assert account_delay(low, RULE) <= account_delay(high, RULE) <= RULE.max_delay


def test_the_schedule() -> None:
    delays = [account_delay(n, RULE) for n in range(12)]
    assert delays == [0, 0, 0, 0, 0, 1, 2, 4, 8, 10, 10, 10]
    assert verdict(Failures(4, 29, 100), RULE) == Verdict(refused=False, delay=10.0)
    assert verdict(Failures(5, 0, 5), RULE) == Verdict(refused=True, delay=0.0)
