"""A whole encrypted election run in memory, for the board's tests: ceremony, casting, audit,
tally, shares from the trustees present, result, sealed board."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from fractions import Fraction

from nacl.signing import SigningKey

from asamblea.core.crypto import ballot, board, tally, threshold
from asamblea.core.crypto.group import Scalar
from asamblea.core.ledger import BallotKind, VoteHeader

SIGNING_KEY = SigningKey(b"s" * 32)
CEREMONY = b"\x07" * 32


@dataclass(frozen=True)
class Election:
    """The sealed board and the trustees' secrets (which only the tests hold)."""

    board: board.EncryptedBoard
    secrets: dict[int, Scalar]


def stopped_attempt(ceremony_id: bytes, t: int = 2, n: int = 4,
                    complaints: tuple[tuple[int, int], ...] = ((2, 3),)) -> board.EarlierAttempt:
    """An earlier ceremony of ``n`` trustees stopped by ``complaints``; trustees 1..3 had
    published their dealings."""
    dealings = tuple(threshold.deal(ceremony_id, i, t)[1] for i in range(1, min(n, 3) + 1))
    return board.EarlierAttempt(ceremony_id, t, n, dealings, complaints)


def header(options: int = 5, roll: int = 20) -> VoteHeader:
    """An approval vote's header with ``options`` options."""
    return VoteHeader(vote_id="v-ev-1", question="¿Qué proyectos?",
                      options=tuple(f"Proyecto {i}" for i in range(options)),
                      kind=BallotKind.APPROVAL, rule="approval", seats=1,
                      quorum=Fraction(0), roll_size=roll,
                      opens_at=datetime(2026, 11, 28, tzinfo=UTC))


def ceremony(t: int, n: int, vote: VoteHeader, lo: int, hi: int, *,
             earlier: tuple[board.EarlierAttempt, ...] = ()) -> tuple[
        board.Manifest, dict[int, Scalar]]:
    """Every trustee deals, checks the shares it receives, and sums them."""
    dealt = [threshold.deal(CEREMONY, i, t) for i in range(1, n + 1)]
    secrets: dict[int, Scalar] = {}
    for j in range(1, n + 1):
        shares = [threshold.evaluate(coefficients, j) for coefficients, _ in dealt]
        assert all(threshold.is_valid_share(d, j, s) for (_, d), s in zip(dealt, shares,
                                                                          strict=True))
        secrets[j] = threshold.combine_shares(shares)
    dealings = tuple(d for _, d in dealt)
    manifest = board.Manifest(vote, lo, hi, t, CEREMONY, dealings,
                              threshold.election_key(dealings), earlier)
    return manifest, secrets


def run(votes: Sequence[Sequence[int]], *, t: int = 2, n: int = 3,
        present: Sequence[int] = (1, 3), lo: int = 0, hi: int = 5,
        audits: int = 1, earlier: tuple[board.EarlierAttempt, ...] = ()) -> Election:
    """Run the election to a sealed board with the trustees ``present`` decrypting, after the
    ``earlier`` key ceremonies that complaints stopped."""
    vote = header(len(votes[0]) if votes else 5)
    manifest, secrets = ceremony(t, n, vote, lo, hi, earlier=earlier)
    election = ballot.Election(manifest.election_hash(), manifest.public_key,
                               len(vote.options), lo, hi)
    cast = [ballot.encrypt_ballot(election, v)[0] for v in votes]
    audited = []
    for _ in range(audits):
        chosen = tuple(votes[0]) if votes else (0,) * len(vote.options)
        spoiled, nonces = ballot.encrypt_ballot(election, chosen)
        audited.append(board.AuditedBallot(spoiled, chosen, nonces))
    summed = tally.tally_ciphertexts([[o.ciphertext for o in b.options] for b in cast],
                                     len(vote.options))
    shares = tuple(tally.make_share(election.election_hash, j, secrets[j], summed)
                   for j in present)
    counts = tally.decrypt_tally(summed, shares, t, len(cast))
    draft = board.EncryptedBoard(
        manifest=manifest, voters=len(cast), closed_at="2026-11-29T00:00:00Z", ballots=cast,
        audited=audited, genesis="", heads=[], tally=summed, shares=shares, counts=counts,
        signing_key="", head_signature="", seal_signature="")
    return Election(board.seal_board(draft, SIGNING_KEY), secrets)
