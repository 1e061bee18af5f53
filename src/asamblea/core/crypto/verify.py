"""Every check of an encrypted board, as a list of `Finding` (the plaintext board's type).

The checks, each with its stable code (docs/encrypted-votes.md, §7):

- ``trustees.*`` — numbered 1..n with ``1 ≤ t ≤ n``, each dealing with ``t`` commitments and a
  valid proof of knowledge; ``key.mismatch`` — the election key is ``Σ C_i0`` (a swapped key);
  ``attempt.*`` — each earlier, restarted ceremony has its own id, a complaint that stopped it,
  and valid dealings;
- ``ballot.proof`` — every cast ballot's proofs; ``ballot.duplicate`` — no ciphertext repeated
  (a replayed or copied ballot); ``audit.*`` — audited ballots re-encrypt to what was shown, and
  none was cast;
- ``chain.*`` and ``signature.*`` — as on the plaintext board; ``counts.*`` — ballots ≤ voters ≤
  roll;
- ``tally.mismatch`` — the published tally is the sum of the cast ballots;
- ``share.*`` — each share from a known trustee, once, with valid proofs; at least ``t`` of them;
- ``result.*`` — the published counts are what the shares decrypt the tally to.

Checking ballots is the slow part (about 3 ms each); ``map_ballots`` lets a caller spread it over
processes while this module stays pure, or a caller checks chunks of ballots elsewhere with
`check_ballots` (each ballot's proofs and the chunk's partial tally), adds them up with
`merge_checks`, and hands the result in as ``checks`` (``asamblea verify --jobs``,
`asamblea.formats.encrypted_board_jobs`: ballots parsed and checked in worker processes).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from asamblea.core.crypto.ballot import (
    Election,
    EncryptedBallot,
    is_audit_consistent,
    is_valid_ballot,
    tracker,
)
from asamblea.core.crypto.board import EncryptedBoard
from asamblea.core.crypto.elgamal import Ciphertext
from asamblea.core.crypto.tally import check_result, is_valid_share, tally_ciphertexts
from asamblea.core.crypto.threshold import (
    MAX_TRUSTEES,
    election_key,
    is_valid_dealing,
    verification_key,
)
from asamblea.core.ledger.canonical import is_hex
from asamblea.core.ledger.signature import is_signed
from asamblea.core.ledger.verify import Finding

BallotMap = Callable[[Callable[[tuple[Election, EncryptedBallot]], bool],
                      Iterable[tuple[Election, EncryptedBallot]]], Iterable[bool]]


@dataclass(frozen=True)
class BallotChecks:
    """Ballots checked elsewhere: each one's proofs, in board order, and the option-wise sum of
    the ciphertexts of those with the right number of options (what `verify_tally` sums)."""

    valid: tuple[bool, ...]
    tally: tuple[Ciphertext, ...]


def check_ballots(election: Election, ballots: Sequence[EncryptedBallot]) -> BallotChecks:
    """Check a run of consecutive ballots: their proofs and their partial tally."""
    columns = [[option.ciphertext for option in ballot.options] for ballot in ballots
               if len(ballot.options) == election.options]
    return BallotChecks(tuple(is_valid_ballot(election, ballot) for ballot in ballots),
                        tally_ciphertexts(columns, election.options))


def merge_checks(parts: Iterable[BallotChecks], options: int) -> BallotChecks:
    """The checks of consecutive runs, in order, as one (the partial tallies added up)."""
    runs = list(parts)
    return BallotChecks(tuple(ok for run in runs for ok in run.valid),
                        tally_ciphertexts([run.tally for run in runs], options))


def election_of(board: EncryptedBoard) -> Election:
    """The `Election` every ballot of ``board`` is checked against."""
    manifest = board.manifest
    return Election(manifest.election_hash(), manifest.public_key, len(manifest.header.options),
                    manifest.min_selections, manifest.max_selections)


def check_one(item: tuple[Election, EncryptedBallot]) -> bool:
    """`is_valid_ballot` on one ``(election, ballot)`` pair (picklable, for process pools)."""
    return is_valid_ballot(*item)


def verify_trustees(board: EncryptedBoard) -> list[Finding]:
    """Trustees numbered 1..n, ``1 ≤ t ≤ n``, valid dealings, and the key their sum."""
    manifest = board.manifest
    dealings = manifest.dealings
    findings: list[Finding] = []
    if [d.index for d in dealings] != list(range(1, len(dealings) + 1)) or not (
            1 <= manifest.threshold <= len(dealings)):
        findings.append(Finding("trustees.numbering", "Los custodios no están numerados de 1 a n "
                                "o el umbral no está entre 1 y n", "trustees"))
    for i, dealing in enumerate(dealings):
        if not is_valid_dealing(manifest.ceremony, dealing, manifest.threshold):
            findings.append(Finding("trustees.proof", f"El custodio {dealing.index} no prueba "
                                    "conocer su parte de la clave (compromisos alterados)",
                                    f"trustees.dealings[{i}]", i))
    if dealings and election_key(dealings) != manifest.public_key:
        findings.append(Finding("key.mismatch", "La clave de la elección no es la suma de los "
                                "compromisos de los custodios (clave sustituida)",
                                "trustees.public_key"))
    return findings


def verify_ballots(board: EncryptedBoard, map_ballots: BallotMap = map,
                   checks: BallotChecks | None = None) -> list[Finding]:
    """Every ballot's proofs, and no ciphertext used twice (across all ballots)."""
    election = election_of(board)
    results: Iterable[bool] = map_ballots(
        check_one, ((election, ballot) for ballot in board.ballots)) if checks is None else (
        checks.valid if len(checks.valid) == len(board.ballots) else [False] * len(board.ballots))
    findings = [Finding("ballot.proof", f"La papeleta {i} no prueba ser válida (cada opción 0 o "
                        "1 y el número de opciones dentro de los límites)", f"ballots[{i}]", i)
                for i, ok in enumerate(results) if not ok]
    return findings + _duplicates(board.ballots)


def _duplicates(ballots: Sequence[EncryptedBallot]) -> list[Finding]:
    seen: dict[bytes, int] = {}
    findings: list[Finding] = []
    for i, ballot in enumerate(ballots):
        for option in ballot.options:
            first = seen.setdefault(option.ciphertext.alpha, i)
            if first != i:
                findings.append(Finding("ballot.duplicate", f"La papeleta {i} repite un cifrado "
                                        f"de la papeleta {first} (papeleta copiada o repetida)",
                                        f"ballots[{i}]", i))
                break
    return findings


def verify_audited(board: EncryptedBoard) -> list[Finding]:
    """Audited ballots: valid, re-encrypt to the revealed choice, and were never cast."""
    election = election_of(board)
    cast = {tracker(ballot) for ballot in board.ballots}
    findings: list[Finding] = []
    for i, audited in enumerate(board.audited):
        field = f"audited[{i}]"
        if not (is_valid_ballot(election, audited.ballot) and is_audit_consistent(
                election, audited.ballot, audited.selections, audited.nonces)):
            findings.append(Finding("audit.mismatch", f"La papeleta auditada {i} no corresponde "
                                    "a la elección y aleatoriedad reveladas", field, i))
        if tracker(audited.ballot) in cast:
            findings.append(Finding("audit.cast", f"La papeleta auditada {i} fue depositada "
                                    "(una papeleta auditada nunca se cuenta)", field, i))
    return findings


def verify_chain(board: EncryptedBoard) -> list[Finding]:
    """The genesis is the election hash; each head follows from the previous and the ballot."""
    findings: list[Finding] = []
    genesis = board.manifest.election_hash()
    if board.genesis != genesis.hex():
        findings.append(Finding("chain.genesis", "El génesis de la cadena no es el hash de la "
                                "elección (manifiesto alterado)", "chain.genesis"))
    if len(board.heads) != len(board.ballots):
        findings.append(Finding("chain.length", f"La cadena tiene {len(board.heads)} entradas "
                                f"pero hay {len(board.ballots)} papeletas", "chain.heads"))
    previous = bytes.fromhex(board.genesis) if is_hex(board.genesis, 32) else b""
    for i, (ballot, stored) in enumerate(zip(board.ballots, board.heads, strict=False)):
        head = hashlib.sha256(previous + tracker(ballot)).hexdigest()
        if head != stored:
            findings.append(Finding("chain.link", f"La entrada {i} de la cadena no sigue de la "
                                    f"anterior y la papeleta {i}", f"chain.heads[{i}]", i))
        previous = bytes.fromhex(stored) if is_hex(stored, 32) else b""
    return findings


def verify_signatures(board: EncryptedBoard, expected_key: str | None = None) -> list[Finding]:
    """The signed final head and seal (and the key, when the one announced is given)."""
    findings: list[Finding] = []
    if expected_key is not None and expected_key.lower() != board.signing_key:
        findings.append(Finding("signature.key", "La clave de firma del tablero no es la "
                                "anunciada", "signature.public_key"))
    if not is_signed(board.signing_key, board.head_statement(), board.head_signature):
        findings.append(Finding("signature.head", "La firma de la cabeza final no es válida",
                                "signature.head"))
    if not is_signed(board.signing_key, board.seal_statement(), board.seal_signature):
        findings.append(Finding("signature.seal", "El sello no cubre lo publicado (votantes, "
                                "cierre, auditadas, recuento cifrado, partes o resultado)",
                                "signature.seal"))
    return findings


def verify_counts(board: EncryptedBoard) -> list[Finding]:
    """Ballots ≤ voters ≤ roll size."""
    roll = board.manifest.header.roll_size
    if len(board.ballots) <= board.voters <= roll:
        return []
    return [Finding("counts.voters", f"{len(board.ballots)} papeletas, {board.voters} votantes "
                    f"y un padrón de {roll} no encajan", "vote.voters")]


def verify_tally(board: EncryptedBoard, checks: BallotChecks | None = None) -> list[Finding]:
    """The published tally is the option-wise sum of the cast ballots' ciphertexts."""
    if checks is None:
        columns = [[option.ciphertext for option in ballot.options] for ballot in board.ballots
                   if len(ballot.options) == len(board.manifest.header.options)]
        summed = tally_ciphertexts(columns, len(board.manifest.header.options))
    else:
        summed = checks.tally
    if summed == board.tally:
        return []
    return [Finding("tally.mismatch", "El recuento cifrado publicado no es la suma de las "
                    "papeletas depositadas", "tally")]


def verify_shares(board: EncryptedBoard) -> list[Finding]:
    """Each share from a distinct known trustee with valid proofs, and at least ``t`` of them."""
    manifest, election_hash = board.manifest, board.manifest.election_hash()
    known, seen = {d.index for d in manifest.dealings}, set[int]()
    findings: list[Finding] = []
    for i, share in enumerate(board.shares):
        field = f"shares[{i}]"
        if share.trustee not in known or share.trustee in seen:
            findings.append(Finding("share.trustee", f"La parte {i} es de un custodio "
                                    "desconocido o repetido", field, i))
        elif not is_valid_share(election_hash, verification_key(manifest.dealings,
                                                                share.trustee),
                                board.tally, share):
            findings.append(Finding("share.proof", f"La parte de descifrado {i} (custodio "
                                    f"{share.trustee}) no prueba ser correcta", field, i))
        seen.add(share.trustee)
    if len(board.shares) < manifest.threshold and board.counts is not None:
        findings.append(Finding("share.too_few", f"Se publican {len(board.shares)} partes; hacen "
                                f"falta {manifest.threshold}", "shares"))
    return findings


def verify_result(board: EncryptedBoard) -> list[Finding]:
    """The published counts are what the shares decrypt the tally to."""
    if board.counts is None:
        return [Finding("result.missing", "El tablero no publica ningún resultado", "result")]
    return [Finding("result.mismatch", f"El resultado publicado para la opción {i} no es el que "
                    "dan las partes de descifrado", f"result.counts[{i}]", i)
            for i in check_result(board.tally, board.shares, board.counts)]


def verify_attempts(board: EncryptedBoard) -> list[Finding]:
    """Each earlier ceremony: an id used by no other attempt (so none of its dealings' proofs
    holds in another), at least one complaint between two of its trustees that stopped it,
    trustees numbered 1..n with ``1 ≤ t ≤ n``, and each published dealing valid in it."""
    manifest = board.manifest
    findings: list[Finding] = []
    seen = {manifest.ceremony}
    for i, attempt in enumerate(manifest.earlier):
        where = f"manifest.earlier_attempts[{i}]"
        if attempt.ceremony in seen:
            findings.append(Finding("attempt.ceremony", "Un intento anterior de la ceremonia "
                                    "repite el identificador de otro", where, i))
        seen.add(attempt.ceremony)
        numbers = range(1, attempt.trustees + 1)
        if not 1 <= attempt.threshold <= attempt.trustees <= MAX_TRUSTEES:
            findings.append(Finding("attempt.numbering", "Un intento anterior de la ceremonia "
                                    "no tiene el umbral entre 1 y n", where, i))
        if not attempt.complaints or any(
                c not in numbers or a not in numbers or c == a for c, a in attempt.complaints):
            findings.append(Finding("attempt.complaint", "Un intento anterior de la ceremonia "
                                    "se reinició sin una queja entre sus custodios", where, i))
        indices = [d.index for d in attempt.dealings]
        if len(set(indices)) != len(indices) or any(x not in numbers for x in indices) or any(
                not is_valid_dealing(attempt.ceremony, d, attempt.threshold)
                for d in attempt.dealings):
            findings.append(Finding("attempt.proof", "Un compromiso publicado en un intento "
                                    "anterior de la ceremonia no es válido", where, i))
    return findings


def verify_encrypted_board(board: EncryptedBoard, *, expected_key: str | None = None,
                           map_ballots: BallotMap = map,
                           checks: BallotChecks | None = None) -> list[Finding]:
    """All the checks above, in the order a reader would want them; ``checks``, when given,
    are `merge_checks` of `check_ballots` over all of ``board.ballots`` in order."""
    findings = verify_trustees(board) + verify_attempts(board)
    findings += verify_ballots(board, map_ballots, checks)
    findings += verify_audited(board) + verify_chain(board)
    findings += verify_signatures(board, expected_key) + verify_counts(board)
    findings += verify_tally(board, checks)
    share_findings = verify_shares(board)
    findings += share_findings
    if not share_findings:
        findings += verify_result(board)
    return findings

