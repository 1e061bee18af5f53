"""A second verifier of encrypted boards, written from docs/encrypted-votes.md alone.

Deliberately plain and slow: it reads the board's JSON with `json`, computes every hash from the
document's byte layouts, does scalar arithmetic with Python integers modulo L (the core uses
libsodium's scalar functions), and calls libsodium (through pysodium, directly) only for the
group law and scalar multiplication. It imports nothing from `asamblea`. It answers the set of
failed checks, named like the document's finding codes.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

import pysodium
from nacl.exceptions import BadSignatureError
from nacl.signing import VerifyKey

L = 2**252 + 27742317777372353535851937790883648493
ZERO_POINT = bytes(32)


def point(text: str) -> bytes:
    raw = bytes.fromhex(text)
    if raw != ZERO_POINT and not pysodium.crypto_core_ristretto255_is_valid_point(raw):
        raise ValueError(text)
    return raw


def num(text: str) -> int:
    value = int.from_bytes(bytes.fromhex(text), "little")
    if value >= L:
        raise ValueError(text)
    return value


def times(k: int, p: bytes) -> bytes:
    k %= L
    if k == 0 or p == ZERO_POINT:
        return ZERO_POINT
    return pysodium.crypto_scalarmult_ristretto255(k.to_bytes(32, "little"), p)


def g_times(k: int) -> bytes:
    k %= L
    return ZERO_POINT if k == 0 else pysodium.crypto_scalarmult_ristretto255_base(
        k.to_bytes(32, "little"))


def plus(p: bytes, q: bytes) -> bytes:
    return pysodium.crypto_core_ristretto255_add(p, q)


def minus(p: bytes, q: bytes) -> bytes:
    return pysodium.crypto_core_ristretto255_sub(p, q)


def framed(data: bytes) -> bytes:
    return len(data).to_bytes(4, "big") + data


def challenge(domain: str, items: list[tuple[str, bytes]]) -> int:
    """§3: reduce_L(SHA-512(frame("asamblea-ev/1") || frame(domain) || labelled values))."""
    data = framed(b"asamblea-ev/1") + framed(domain.encode())
    for label, value in items:
        data += framed(label.encode()) + framed(value)
    return int.from_bytes(hashlib.sha512(data).digest(), "little") % L


def u64(n: int) -> bytes:
    return n.to_bytes(8, "big")


def canonical(value: Any) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":"),
                      ensure_ascii=False).encode()


def range_ok(  # noqa: PLR0917 - the document's variables, in its order
        domain: str, context: list[tuple[str, bytes]], key: bytes, alpha: bytes,
             beta: bytes, lo: int, hi: int, proof: list[list[str]]) -> bool:
    """§4, the disjunctive proof."""
    if len(proof) != hi - lo + 1:
        return False
    items = [*context, ("key", key), ("alpha", alpha), ("beta", beta), ("lo", u64(lo)),
             ("hi", u64(hi))]
    total = 0
    for j, (c_hex, s_hex) in zip(range(lo, hi + 1), proof, strict=True):
        c, s = num(c_hex), num(s_hex)
        total += c
        items.append(("A", minus(g_times(s), times(c, alpha))))
        items.append(("B", minus(times(s, key), times(c, minus(beta, g_times(j))))))
    return challenge(domain, items) == total % L


def ballot_problems(  # noqa: PLR0917 - the document's variables, in its order
        ballot: dict[str, Any], election: bytes, key: bytes, lo: int,
                    hi: int, k: int) -> bool:
    """Whether a ballot fails (§6)."""
    options = ballot["options"]
    if len(options) != k:
        return True
    pairs = [(point(o["alpha"]), point(o["beta"])) for o in options]
    digest = hashlib.sha256(b"".join(a + b for a, b in pairs)).digest()
    for i, (o, (a, b)) in enumerate(zip(options, pairs, strict=True)):
        if not range_ok("option", [("election", election), ("ballot", digest),
                                   ("index", u64(i))], key, a, b, 0, 1, o["proof"]):
            return True
    needs = (lo, hi) != (0, k)
    if (ballot["count_proof"] is not None) != needs:
        return True
    if not needs:
        return False
    sa, sb = ZERO_POINT, ZERO_POINT
    for a, b in pairs:
        sa, sb = plus(sa, a), plus(sb, b)
    return not range_ok("count", [("election", election), ("ballot", digest)], key, sa, sb,
                        lo, hi, ballot["count_proof"])


def ballot_tracker(ballot: dict[str, Any]) -> bytes:
    data = b""
    for o in ballot["options"]:
        data += bytes.fromhex(o["alpha"]) + bytes.fromhex(o["beta"])
        data += b"".join(bytes.fromhex(x) for pair in o["proof"] for x in pair)
    for pair in ballot["count_proof"] or []:
        data += b"".join(bytes.fromhex(x) for x in pair)
    return hashlib.sha256(data).digest()


def poly_point(commitments: list[bytes], j: int) -> bytes:
    total = ZERO_POINT
    for power, c in enumerate(commitments):
        total = plus(total, times(pow(j, power, L), c))
    return total


def lagrange(indices: list[int], j: int) -> int:
    value = 1
    for k in indices:
        if k != j:
            value = value * k * pow(k - j, -1, L) % L
    return value


def verify(data: bytes) -> set[str]:
    """The failed checks of the board file ``data`` (empty: it verifies)."""
    doc = json.loads(data)
    failed: set[str] = set()
    manifest = doc["manifest"]
    election = hashlib.sha256(canonical(manifest)).digest()
    key, t = point(manifest["public_key"]), manifest["threshold"]
    ceremony = bytes.fromhex(manifest["ceremony"])
    commitments: dict[int, list[bytes]] = {}
    total_key = ZERO_POINT
    for d in manifest["dealings"]:
        cs = [point(c) for c in d["commitments"]]
        commitments[d["index"]] = cs
        c, s = num(d["proof"][0]), num(d["proof"][1])
        a = minus(g_times(s), times(c, cs[0]))
        if len(cs) != t or challenge("dealing", [("ceremony", ceremony), ("trustee", u64(
                d["index"])), ("C", cs[0]), ("A", a)]) != c:
            failed.add("trustees.proof")
        total_key = plus(total_key, cs[0])
    if sorted(commitments) != list(range(1, len(commitments) + 1)):
        failed.add("trustees.numbering")
    if total_key != key:
        failed.add("key.mismatch")
    failed |= _earlier_attempts(manifest)
    failed |= _ballots_and_chain(doc, election, key)
    failed |= _tally_shares_result(doc, election, commitments, t)
    return failed | _signatures(doc)


def dealing_ok(ceremony: bytes, d: dict[str, Any], t: int) -> bool:
    """A dealing's Schnorr proof in its ceremony, with ``t`` commitments."""
    cs = [point(c) for c in d["commitments"]]
    c, s = num(d["proof"][0]), num(d["proof"][1])
    a = minus(g_times(s), times(c, cs[0]))
    return len(cs) == t and challenge("dealing", [("ceremony", ceremony), ("trustee", u64(
        d["index"])), ("C", cs[0]), ("A", a)]) == c


def _earlier_attempts(manifest: dict[str, Any]) -> set[str]:
    """The document's ``attempt.*`` checks over ``earlier_attempts`` (absent: none)."""
    failed: set[str] = set()
    seen = {manifest["ceremony"]}
    for attempt in manifest.get("earlier_attempts", []):
        if attempt["ceremony"] in seen:
            failed.add("attempt.ceremony")
        seen.add(attempt["ceremony"])
        n, t = attempt["trustees"], attempt["threshold"]
        if not 1 <= t <= n <= 64:
            failed.add("attempt.numbering")
        pairs = [(c["complainant"], c["accused"]) for c in attempt["complaints"]]
        if not pairs or any(not (1 <= c <= n and 1 <= a <= n) or c == a for c, a in pairs):
            failed.add("attempt.complaint")
        indices = [d["index"] for d in attempt["dealings"]]
        ceremony = bytes.fromhex(attempt["ceremony"])
        if len(set(indices)) != len(indices) or not all(1 <= i <= n for i in indices) or not all(
                dealing_ok(ceremony, d, t) for d in attempt["dealings"]):
            failed.add("attempt.proof")
    return failed


def _ballots_and_chain(  # noqa: PLR0912 - one branch per check, as the document lists them
        doc: dict[str, Any], election: bytes, key: bytes) -> set[str]:
    failed: set[str] = set()
    manifest = doc["manifest"]
    lo, hi = manifest["min_selections"], manifest["max_selections"]
    k = len(manifest["header"]["options"])
    alphas: set[str] = set()
    head = election
    if doc["chain"]["genesis"] != election.hex():
        failed.add("chain.genesis")
    if len(doc["chain"]["heads"]) != len(doc["ballots"]):
        failed.add("chain.length")
    for ballot, stored in zip(doc["ballots"], doc["chain"]["heads"], strict=False):
        if ballot_problems(ballot, election, key, lo, hi, k):
            failed.add("ballot.proof")
        for o in ballot["options"]:
            if o["alpha"] in alphas:
                failed.add("ballot.duplicate")
            alphas.add(o["alpha"])
        head = hashlib.sha256(head + ballot_tracker(ballot)).digest()
        if head.hex() != stored:
            failed.add("chain.link")
            head = bytes.fromhex(stored)
    cast = {ballot_tracker(b) for b in doc["ballots"]}
    for audited in doc["audited"]:
        b = audited["ballot"]
        if ballot_problems(b, election, key, lo, hi, k):
            failed.add("audit.mismatch")
        for o, m, r in zip(b["options"], audited["selections"], audited["nonces"], strict=True):
            r_int = num(r)
            if (g_times(r_int).hex(), plus(g_times(m), times(r_int, key)).hex()) != (
                    o["alpha"], o["beta"]):
                failed.add("audit.mismatch")
        if ballot_tracker(b) in cast:
            failed.add("audit.cast")
    if not len(doc["ballots"]) <= doc["vote"]["voters"] <= manifest["header"]["roll_size"]:
        failed.add("counts.voters")
    return failed


def _tally_shares_result(  # noqa: PLR0912 - one branch per check, as the document lists them
        doc: dict[str, Any], election: bytes,
                         commitments: dict[int, list[bytes]], t: int) -> set[str]:
    failed: set[str] = set()
    k = len(doc["manifest"]["header"]["options"])
    sums = [[ZERO_POINT, ZERO_POINT] for _ in range(k)]
    for ballot in doc["ballots"]:
        for i, o in enumerate(ballot["options"]):
            sums[i] = [plus(sums[i][0], point(o["alpha"])), plus(sums[i][1], point(o["beta"]))]
    if [[a.hex(), b.hex()] for a, b in sums] != [[c["alpha"], c["beta"]]
                                                  for c in doc["tally"]]:
        failed.add("tally.mismatch")
    seen: list[int] = []
    for share in doc["shares"]:
        j = share["trustee"]
        if j not in commitments or j in seen:
            failed.add("share.trustee")
            continue
        seen.append(j)
        x_j = ZERO_POINT
        for cs in commitments.values():
            x_j = plus(x_j, poly_point(cs, j))
        for i, (d_hex, (c_hex, s_hex)) in enumerate(zip(share["parts"], share["proofs"],
                                                        strict=True)):
            alpha, d, c, s = point(doc["tally"][i]["alpha"]), point(d_hex), num(c_hex), num(s_hex)
            a = minus(g_times(s), times(c, x_j))
            b = minus(times(s, alpha), times(c, d))
            if challenge("decryption", [("election", election), ("trustee", u64(j)),
                                        ("option", u64(i)), ("X", x_j), ("alpha", alpha),
                                        ("D", d), ("A", a), ("B", b)]) != c:
                failed.add("share.proof")
    if len(seen) < t:
        failed.add("share.too_few")
    if doc["counts"] is None:
        failed.add("result.missing")
    elif not failed & {"share.proof", "share.trustee", "share.too_few"}:
        for i, count in enumerate(doc["counts"]):
            combined = ZERO_POINT
            for share in doc["shares"]:
                combined = plus(combined, times(lagrange(seen, share["trustee"]),
                                                point(share["parts"][i])))
            if minus(point(doc["tally"][i]["beta"]), combined) != g_times(count):
                failed.add("result.mismatch")
    return failed


def _signatures(doc: dict[str, Any]) -> set[str]:
    failed: set[str] = set()
    sig = doc["signature"]
    heads = doc["chain"]["heads"]
    head = {"schema": "asamblea-head/1", "vote_id": doc["manifest"]["header"]["vote_id"],
            "genesis": doc["chain"]["genesis"], "length": len(heads),
            "head": heads[-1] if heads else doc["chain"]["genesis"]}
    outcome = {"audited": doc["audited"], "tally": doc["tally"], "shares": doc["shares"],
               "counts": doc["counts"]}
    seal = {**head, "schema": "asamblea-seal/1", "voters": doc["vote"]["voters"],
            "closed_at": doc["vote"]["closed_at"], "seed": "",
            "result_sha256": hashlib.sha256(canonical(outcome)).hexdigest(),
            "in_person_sha256": None}
    for name, statement in (("signature.head", head), ("signature.seal", seal)):
        try:
            VerifyKey(bytes.fromhex(sig["public_key"])).verify(
                canonical(statement), bytes.fromhex(sig[name.split(".")[1]]))
        except (BadSignatureError, ValueError):
            failed.add(name)
    return failed
