"""ElectionGuard 1.4's side of `bench_crypto.py`, run by the Python of a separate venv.

Not imported by Asamblea (electionguard is never one of its dependencies): `bench_crypto.py` runs
``ELECTIONGUARD_PYTHON benchmarks/bench_electionguard.py REPEAT`` and reads the JSON it prints.

What is timed, through ElectionGuard's public primitives (its 4096-bit group, gmpy2): the five
selections of an approval contest, each encrypted (`elgamal_encrypt`) with its disjunctive
Chaum–Pedersen proof, plus the contest's constant Chaum–Pedersen proof on their sum; then the
checks of those six proofs (`is_valid`, which includes its residue checks). A real ElectionGuard
1.4 ballot adds one placeholder selection per vote allowed (five more here) and the ballot's
hashes, so these figures are a lower bound of its per-ballot cost.
"""

from __future__ import annotations

import json
import logging
import statistics
import sys
import time
from typing import Any

from electionguard.chaum_pedersen import (  # type: ignore[import-not-found]
    make_constant_chaum_pedersen,
    make_disjunctive_chaum_pedersen,
)
from electionguard.elgamal import (  # type: ignore[import-not-found]
    elgamal_add,
    elgamal_encrypt,
    elgamal_keypair_random,
)
from electionguard.group import add_q, rand_q  # type: ignore[import-not-found]

SELECTIONS = (1, 0, 1, 0, 1)
logging.disable(logging.CRITICAL)  # its INFO log prints every ciphertext


def encrypt(public_key: Any, extended_hash: Any) -> tuple[list[Any], Any, Any]:
    """Encrypt and prove the five selections and the contest total."""
    selections, nonces = [], []
    for vote in SELECTIONS:
        nonce = rand_q()
        ciphertext = elgamal_encrypt(vote, nonce, public_key)
        proof = make_disjunctive_chaum_pedersen(ciphertext, nonce, public_key, extended_hash,
                                                rand_q(), vote)
        selections.append((ciphertext, proof))
        nonces.append(nonce)
    total = elgamal_add(*(c for c, _ in selections))
    contest = make_constant_chaum_pedersen(total, sum(SELECTIONS), add_q(*nonces), public_key,
                                           rand_q(), extended_hash)
    return selections, total, contest


def verify(made: tuple[list[Any], Any, Any], public_key: Any, extended_hash: Any) -> bool:
    """Check the five disjunctive proofs and the constant proof."""
    selections, total, contest = made
    return all(p.is_valid(c, public_key, extended_hash) for c, p in selections) and \
        contest.is_valid(total, public_key, extended_hash)


def median_ms(action: Any, repeat: int) -> float:
    """Median CPU time in milliseconds (as bench_crypto measures ours)."""
    times = []
    for _ in range(repeat):
        start = time.process_time()
        action()
        times.append((time.process_time() - start) * 1e3)
    return round(statistics.median(times), 2)


def main() -> None:
    """Print the JSON figures."""
    repeat = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    keys = elgamal_keypair_random()
    extended_hash = rand_q()
    made = encrypt(keys.public_key, extended_hash)
    assert verify(made, keys.public_key, extended_hash)  # noqa: S101 - a broken peer is no peer
    print(json.dumps({
        "package": "electionguard 1.4.0",
        "what": "5 selections with disjunctive proofs + the contest's constant proof",
        "encrypt_and_prove_ms": median_ms(lambda: encrypt(keys.public_key, extended_hash),
                                          repeat),
        "verify_ms": median_ms(lambda: verify(made, keys.public_key, extended_hash), repeat),
    }))


if __name__ == "__main__":
    main()
