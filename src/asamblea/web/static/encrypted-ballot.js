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
  const HEX = Array.from({ length: 256 }, (_, x) => x.toString(16).padStart(2, '0'));
  function hex(bytes) { let s = ''; for (const x of bytes) s += HEX[x]; return s; }
  function unhex(s) { return Uint8Array.from(s.match(/../g) || [], (h) => parseInt(h, 16)); }
  function littleEndian(bytes) {
    let s = '0x0';
    for (let i = bytes.length - 1; i >= 0; i--) s += HEX[bytes[i]];
    return BigInt(s);
  }
  function scalarBytes(s) { return Fn.toBytes(s); }
  function pointBytes(p) { return p.toBytes(); }

  class Transcript {
    constructor(domain) { this.parts = [frame(text.encode('asamblea-ev/1')), frame(text.encode(domain))]; }
    append(label, value) { this.parts.push(frame(text.encode(label)), frame(value)); return this; }
    copy() { const t = new Transcript(''); t.parts = this.parts.slice(); return t; }
    challenge() { return Fn.create(littleEndian(sha512(concat(this.parts)))); }
  }

  /* Random scalars: 64 random bytes each, reduced mod L (bias < 2^-250), drawn from one pool
   * refilled 32 scalars at a time (one getRandomValues call instead of one a scalar); each
   * pool byte is used once and zeroed after use. */
  const POOL = new Uint8Array(64 * 32);
  let pooled = POOL.length;
  function randomScalar() {
    if (pooled === POOL.length) { crypto.getRandomValues(POOL); pooled = 0; }
    const bytes = POOL.subarray(pooled, pooled + 64);
    pooled += 64;
    const s = Fn.create(littleEndian(bytes));
    bytes.fill(0);
    return s === 0n ? randomScalar() : s;
  }
  function mulG(k) { return k === 0n ? Point.ZERO : Point.BASE.multiply(k); }
  function mul(k, p) { return k === 0n || p.equals(Point.ZERO) ? Point.ZERO : p.multiply(k); }
  function encrypt(key, m, r) { return [mulG(r), mulG(BigInt(m)).add(mul(r, key))]; }

  /* The two fixed bases, each with its table of precomputed multiples (6-bit windows): a copy
   * of G, and the election key Y, decoded once per page. noble's `multiply` with a table is
   * constant-time (one addition per window, real or dummy, the table read in full); every
   * secret scalar here (nonces, commitments, simulated challenges and responses, none of them
   * published yet) goes through it, never through `multiplyUnsafe`. The copy of G gives its
   * multiplications the same path as Y's (noble's own G adds scalar blinding on top, which
   * costs a third more and which Y's do not get either). 8-bit windows (33 additions instead
   * of 44) were no faster in chromium, whose row scan grows to 128 entries a window, and make a
   * table 3 times the size, so 6 it is. */
  const WINDOW = 6;
  let G = null;
  let keyCache = null;
  function base() {
    if (G === null) G = Point.fromBytes(Point.BASE.toBytes()).precompute(WINDOW, false);
    return G;
  }
  function electionKey(publicKey) {
    if (keyCache === null || keyCache.hex !== publicKey) {
      const point = Point.fromHex(publicKey).precompute(WINDOW, false);
      keyCache = { hex: publicKey, point, bytes: point.toBytes() };
    }
    return keyCache;
  }
  const SMALL = [Point.ZERO, Point.BASE];

  /* §4's range proof, split in two. The prover knows r with (α, β) = (r·G, m·G + r·Y), so for
   * a simulated j, with t = s − c·r, the verifier's A_j = s·G − c·α is t·G and its
   * B_j = s·Y − c·(β − j·G) is t·Y + e·G with e = c·(j − m). Drawing t and e at random and
   * setting c = e·(j − m)⁻¹, s = t + c·r gives (c, s) the distribution of drawing them directly
   * and the same A_j, B_j. So every multiplication happens before m is known (`material`):
   * t·G and t·Y for each j (for the real j, t is the commitment w), and e·G for each of the
   * hi − lo simulated branches — exactly one branch is real, so hi − lo values of e are needed
   * whatever m is, and the k-th simulated branch (in order of j) takes the k-th e. The work does
   * not depend on m; `finish` only adds, encodes and hashes. */
  function material(lo, hi) {
    const g = base(), key = keyCache.point, branches = [], simulated = [];
    for (let j = lo; j <= hi; j++) {
      const t = randomScalar();
      const a = g.multiply(t);
      branches.push({ t, a, aBytes: a.toBytes(), ty: key.multiply(t) });
    }
    for (let j = lo; j < hi; j++) {
      const e = randomScalar();
      simulated.push({ e, eg: g.multiply(e) });
    }
    return { lo, hi, branches, simulated };
  }
  /* (j − m)⁻¹ mod L for the small offsets of a proof, made once (noble's inversion is
   * variable-time; a table read is no worse for a secret m). */
  const inverses = new Map();
  function inverse(offset) {
    let x = inverses.get(offset);
    if (x === undefined) { x = Fn.inv(Fn.create(BigInt(offset))); inverses.set(offset, x); }
    return x;
  }
  function finish(context, prepared, bytes, count, nonce) {
    const { lo, hi, branches, simulated: draws } = prepared;
    const statement = context.copy().append('key', keyCache.bytes).append('alpha', bytes[0])
      .append('beta', bytes[1]).append('lo', u64(lo)).append('hi', u64(hi));
    const cs = [];
    let simulated = 0n, k = 0;
    for (let j = lo; j <= hi; j++) {
      const branch = branches[j - lo];
      let c = 0n, b = branch.ty;
      if (j !== count) {
        const { e, eg } = draws[k++];
        c = Fn.mul(e, inverse(j - count));
        b = b.add(eg);
      }
      simulated = Fn.add(simulated, c);
      cs.push(c);
      statement.append('A', branch.aBytes).append('B', b.toBytes());
    }
    cs[count - lo] = Fn.sub(statement.challenge(), simulated);
    return cs.map((c, i) => [scalarBytes(c), scalarBytes(Fn.add(branches[i].t, Fn.mul(c, nonce)))]);
  }

  /* Everything of a ballot that does not depend on the choice: nonces, α = r·G, r·Y, and each
   * proof's multiplications. The vote page makes it while the voter reads the options; it is
   * used for one ballot only. */
  function prepareBallot(election) {
    const g = base();
    electionKey(election.publicKey);
    const options = [];
    for (let i = 0; i < election.options; i++) {
      const r = randomScalar(), alpha = g.multiply(r);
      options.push({ r, alpha, alphaBytes: alpha.toBytes(), ry: keyCache.point.multiply(r),
        proof: material(0, 1) });
    }
    const k = election.options;
    const count = election.min !== 0 || election.max !== k ? material(election.min, election.max) : null;
    return { hash: election.hash, publicKey: election.publicKey, options, count, used: false };
  }

  /* §6: the ballot, its tracker, and the nonces (revealed only to audit it).
   * election: {hash, publicKey (hex), options, min, max}; selections: array of 0/1; prepared:
   * prepareBallot(election), unused (made here when absent). */
  function encryptBallot(election, selections, prepared) {
    const k = election.options;
    const total = selections.reduce((a, b) => a + b, 0);
    if (selections.length !== k || selections.some((m) => m !== 0 && m !== 1) ||
        total < election.min || total > election.max) {
      throw new Error('invalid selections');
    }
    if (!prepared || prepared.used || prepared.hash !== election.hash ||
        prepared.publicKey !== election.publicKey || prepared.options.length !== k) {
      prepared = prepareBallot(election);
    }
    prepared.used = true;
    electionKey(election.publicKey);
    const hash = unhex(election.hash);
    const ciphertexts = prepared.options.map((o, i) => [o.alpha, o.ry.add(SMALL[selections[i]])]);
    const encoded = ciphertexts.map(([, b], i) => [prepared.options[i].alphaBytes, b.toBytes()]);
    const digest = sha256(concat(encoded.flat()));
    const proofs = encoded.map((bytes, i) => finish(new Transcript('option')
      .append('election', hash).append('ballot', digest).append('index', u64(i)),
    prepared.options[i].proof, bytes, selections[i], prepared.options[i].r));
    let countProof = null;
    if (prepared.count !== null) {
      const sumA = ciphertexts.reduce((acc, [a]) => acc.add(a), Point.ZERO);
      const sumB = ciphertexts.reduce((acc, [, b]) => acc.add(b), Point.ZERO);
      const sumR = prepared.options.reduce((acc, o) => Fn.add(acc, o.r), 0n);
      countProof = finish(new Transcript('count').append('election', hash).append('ballot', digest),
        prepared.count, [sumA.toBytes(), sumB.toBytes()], total, sumR);
    }
    const tracked = [];
    const options = encoded.map(([a, b], i) => {
      tracked.push(a, b, ...proofs[i].flat());
      return { alpha: hex(a), beta: hex(b), proof: proofs[i].map((pair) => pair.map(hex)) };
    });
    for (const pair of countProof || []) tracked.push(...pair);
    const ballot = { options, count_proof: countProof && countProof.map((pair) => pair.map(hex)) };
    return { ballot, tracker: hex(sha256(concat(tracked))),
      nonces: prepared.options.map((o) => hex(scalarBytes(o.r))) };
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

  /* §4, §6: whether a ballot's proofs hold (what `asamblea verify` checks per ballot: `ballot.proof`),
   * for the trustee's page to check every ballot on the board before decrypting. Everything here
   * is public, so `multiplyUnsafe` (variable-time) is fine. */
  function scalarOf(h) {
    const b = unhex(h);
    const n = littleEndian(b);
    if (b.length !== 32 || hex(b) !== h || n >= Fn.ORDER) throw new Error('bad scalar');
    return n;
  }
  function holdsRange(context, key, keyBytes, point, bytes, proof, lo, hi) {
    if (!Array.isArray(proof) || proof.length !== hi - lo + 1) return false;
    const statement = context.copy().append('key', keyBytes).append('alpha', bytes[0])
      .append('beta', bytes[1]).append('lo', u64(lo)).append('hi', u64(hi));
    let sum = 0n;
    for (let j = lo; j <= hi; j++) {
      if (!Array.isArray(proof[j - lo]) || proof[j - lo].length !== 2) return false;
      const [c, s] = proof[j - lo].map(scalarOf);
      sum = Fn.add(sum, c);
      const shifted = j === 0 ? point[1] : point[1].subtract(base().multiplyUnsafe(BigInt(j)));
      const a = base().multiplyUnsafe(s).subtract(point[0].multiplyUnsafe(c));
      const b = key.multiplyUnsafe(s).subtract(shifted.multiplyUnsafe(c));
      statement.append('A', a.toBytes()).append('B', b.toBytes());
    }
    return sum === statement.challenge();
  }
  function checkBallot(election, ballot) {
    try {
      const { point: key, bytes: keyBytes } = electionKey(election.publicKey);
      const k = election.options;
      if (!ballot || !Array.isArray(ballot.options) || ballot.options.length !== k) return false;
      const bytes = ballot.options.map((o) => [unhex(o.alpha), unhex(o.beta)]);
      const points = ballot.options.map((o) => [Point.fromHex(o.alpha), Point.fromHex(o.beta)]);
      if (bytes.some(([a, b], i) => hex(a) !== ballot.options[i].alpha || hex(b) !== ballot.options[i].beta)) {
        return false;
      }
      const hash = unhex(election.hash);
      const digest = sha256(concat(bytes.flat()));
      const options = ballot.options.every((o, i) => holdsRange(new Transcript('option')
        .append('election', hash).append('ballot', digest).append('index', u64(i)),
      key, keyBytes, points[i], bytes[i], o.proof, 0, 1));
      const counted = election.min !== 0 || election.max !== k;
      if (!options || counted !== (ballot.count_proof !== null && ballot.count_proof !== undefined)) {
        return false;
      }
      if (!counted) return true;
      const sum = [0, 1].map((x) => points.reduce((acc, p) => acc.add(p[x]), Point.ZERO));
      return holdsRange(new Transcript('count').append('election', hash).append('ballot', digest),
        key, keyBytes, sum, sum.map((p) => p.toBytes()), ballot.count_proof, election.min, election.max);
    } catch {
      return false;  // a malformed point, scalar or shape
    }
  }

  /* The shared pieces, for the trustee's page (trustee.js) to follow the same spec. */
  const tools = { Point, Fn, Transcript, concat, u64, hex, unhex, littleEndian, randomScalar, mulG, mul };
  window.AsambleaBallot = { prepareBallot, encryptBallot, checkAudit, checkBallot, tools };
})();
