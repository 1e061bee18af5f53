/* Asamblea — encrypting a ballot in the browser, as docs/encrypted-votes.md specifies (§3, §4, §6).
 * Group and hashes: the vendored @noble/curves ristretto255 and @noble/hashes (global nobleCurves).
 * AGPL-3.0-or-later. Exposes window.AsambleaBallot.encryptBallot(election, selections), and the
 * spec's helpers as AsambleaBallot.tools. */
(function () {
  'use strict';
  const { ristretto255, sha256, sha512 } = window.nobleCurves;
  const Point = ristretto255.Point;
  const Fn = Point.Fn;
  const text = new TextEncoder();

  function concat(parts) {
    const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const p of parts) { out.set(p, at); at += p.length; }
    return out;
  }
  function u32(n) { const b = new Uint8Array(4); new DataView(b.buffer).setUint32(0, n); return b; }
  function u64(n) {
    const b = new Uint8Array(8); new DataView(b.buffer).setBigUint64(0, BigInt(n)); return b;
  }
  function frame(bytes) { return concat([u32(bytes.length), bytes]); }
  function hex(bytes) { return Array.from(bytes, (x) => x.toString(16).padStart(2, '0')).join(''); }
  function unhex(s) { return Uint8Array.from(s.match(/../g) || [], (h) => parseInt(h, 16)); }
  function littleEndian(bytes) {
    let n = 0n;
    for (let i = bytes.length - 1; i >= 0; i--) n = (n << 8n) | BigInt(bytes[i]);
    return n;
  }
  function scalarBytes(s) { return Fn.toBytes(s); }
  function pointBytes(p) { return p.toBytes(); }

  class Transcript {
    constructor(domain) { this.parts = [frame(text.encode('asamblea-ev/1')), frame(text.encode(domain))]; }
    append(label, value) { this.parts.push(frame(text.encode(label)), frame(value)); return this; }
    copy() { const t = new Transcript(''); t.parts = this.parts.slice(); return t; }
    challenge() { return Fn.create(littleEndian(sha512(concat(this.parts)))); }
  }

  function randomScalar() {
    const bytes = new Uint8Array(64);
    crypto.getRandomValues(bytes);
    const s = Fn.create(littleEndian(bytes));
    return s === 0n ? randomScalar() : s;
  }
  function mulG(k) { return k === 0n ? Point.ZERO : Point.BASE.multiply(k); }
  function mul(k, p) { return k === 0n || p.equals(Point.ZERO) ? Point.ZERO : p.multiply(k); }
  function encrypt(key, m, r) { return [mulG(r), mulG(BigInt(m)).add(mul(r, key))]; }

  /* §4: the disjunctive proof that (alpha, beta) holds `count` in lo..hi. */
  function proveRange(context, key, alpha, beta, count, nonce, lo, hi) {
    const statement = context.copy().append('key', pointBytes(key)).append('alpha', pointBytes(alpha))
      .append('beta', pointBytes(beta)).append('lo', u64(lo)).append('hi', u64(hi));
    const pairs = {};
    const commit = randomScalar();
    let simulated = 0n;
    for (let j = lo; j <= hi; j++) {
      let a, b;
      if (j === count) {
        a = mulG(commit); b = mul(commit, key);
      } else {
        const c = randomScalar(), s = randomScalar();
        pairs[j] = [c, s];
        simulated = Fn.add(simulated, c);
        a = mulG(s).subtract(mul(c, alpha));
        b = mul(s, key).subtract(mul(c, beta.subtract(mulG(BigInt(j)))));
      }
      statement.append('A', pointBytes(a)).append('B', pointBytes(b));
    }
    const real = Fn.sub(statement.challenge(), simulated);
    pairs[count] = [real, Fn.add(commit, Fn.mul(real, nonce))];
    const proof = [];
    for (let j = lo; j <= hi; j++) proof.push(pairs[j].map((x) => hex(scalarBytes(x))));
    return proof;
  }

  /* §6: the ballot, its tracker, and the nonces (revealed only to audit it).
   * election: {hash, publicKey (hex), options, min, max}; selections: array of 0/1. */
  function encryptBallot(election, selections) {
    const k = election.options;
    const total = selections.reduce((a, b) => a + b, 0);
    if (selections.length !== k || selections.some((m) => m !== 0 && m !== 1) ||
        total < election.min || total > election.max) {
      throw new Error('invalid selections');
    }
    const key = Point.fromHex(election.publicKey);
    const hash = unhex(election.hash);
    const nonces = selections.map(() => randomScalar());
    const ciphertexts = selections.map((m, i) => encrypt(key, m, nonces[i]));
    const digest = sha256(concat(ciphertexts.flatMap(([a, b]) => [pointBytes(a), pointBytes(b)])));
    const options = ciphertexts.map(([a, b], i) => ({
      alpha: hex(pointBytes(a)), beta: hex(pointBytes(b)),
      proof: proveRange(new Transcript('option').append('election', hash).append('ballot', digest)
        .append('index', u64(i)), key, a, b, selections[i], nonces[i], 0, 1),
    }));
    let countProof = null;
    if (election.min !== 0 || election.max !== k) {
      const sumA = ciphertexts.reduce((acc, [a]) => acc.add(a), Point.ZERO);
      const sumB = ciphertexts.reduce((acc, [, b]) => acc.add(b), Point.ZERO);
      const sumR = nonces.reduce((acc, r) => Fn.add(acc, r), 0n);
      countProof = proveRange(new Transcript('count').append('election', hash).append('ballot', digest),
        key, sumA, sumB, total, sumR, election.min, election.max);
    }
    const ballot = { options, count_proof: countProof };
    const bytes = [];
    for (const o of options) {
      bytes.push(unhex(o.alpha), unhex(o.beta), ...o.proof.flat().map(unhex));
    }
    for (const pair of countProof || []) bytes.push(...pair.map(unhex));
    return { ballot, nonces: nonces.map((r) => hex(scalarBytes(r))), tracker: hex(sha256(concat(bytes))) };
  }

  /* §6, Benaloh's audit: whether the revealed selections and nonces re-encrypt to the ballot
   * (any device can check an audited ballot, e.g. a second phone, or the board's copy). */
  function checkAudit(election, ballot, selections, nonces) {
    const key = Point.fromHex(election.publicKey);
    if (selections.length !== ballot.options.length || nonces.length !== selections.length) {
      return false;
    }
    return ballot.options.every((o, i) => {
      if (selections[i] !== 0 && selections[i] !== 1) return false;
      const [a, b] = encrypt(key, selections[i], Fn.create(littleEndian(unhex(nonces[i]))));
      return hex(pointBytes(a)) === o.alpha && hex(pointBytes(b)) === o.beta;
    });
  }

  /* The shared pieces, for the trustee's page (trustee.js) to follow the same spec. */
  const tools = { Point, Fn, Transcript, concat, u64, hex, unhex, littleEndian, randomScalar, mulG, mul };
  window.AsambleaBallot = { encryptBallot, checkAudit, tools };
})();
