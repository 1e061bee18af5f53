/* Asamblea — a trustee's cryptography in the browser, as docs/encrypted-votes.md specifies (§5, §7,
 * §9): the dealing and its Schnorr proof, the shares and their check against the commitments, the
 * shares sealed to the other trustees (libsodium's crypto_box_seal), the secret file locked with a
 * passphrase (Argon2id + secretbox, the same file `asamblea trustee` reads), and the decryption
 * share with its Chaum–Pedersen proofs. Libraries: the vendored @noble packages (globals
 * nobleCurves and nobleTrustee); the spec's helpers from encrypted-ballot.js.
 * AGPL-3.0-or-later. Exposes window.AsambleaTrustee. */
(function () {
  'use strict';
  const { Point, Fn, Transcript, concat, u64, hex, unhex, littleEndian, randomScalar, mulG, mul } =
    window.AsambleaBallot.tools;
  const { x25519, blake2b, argon2idAsync, xsalsa20poly1305, hsalsa } = window.nobleTrustee;
  const text = new TextEncoder();
  const SECRET_SCHEMA = 'asamblea-trustee-secret/1';
  /* libsodium's crypto_pwhash "interactive" limits: the file records them, the CLI reads them. */
  const OPSLIMIT = 2;
  const MEMLIMIT = 67108864;

  function scalarHex(s) { return hex(Fn.toBytes(s)); }
  function scalarOf(h) {
    const bytes = unhex(h);
    const n = littleEndian(bytes);
    if (bytes.length !== 32 || n >= Fn.ORDER) throw new Error('bad scalar');
    return n;
  }
  function random(n) { const b = new Uint8Array(n); crypto.getRandomValues(b); return b; }

  /* §5: f(z) with t random coefficients, the commitments a_k·G and a proof of knowledge of a_0. */
  function deal(ceremony, index, threshold) {
    const coefficients = Array.from({ length: threshold }, () => randomScalar());
    const context = new Transcript('dealing').append('ceremony', unhex(ceremony))
      .append('trustee', u64(index));
    const w = randomScalar();
    const statement = context.copy().append('C', mulG(coefficients[0]).toBytes())
      .append('A', mulG(w).toBytes());
    const c = statement.challenge();
    const dealing = {
      index, commitments: coefficients.map((a) => mulG(a).toHex()),
      proof: [scalarHex(c), scalarHex(Fn.add(w, Fn.mul(c, coefficients[0])))],
    };
    return { coefficients, dealing };
  }

  /* f(at) by Horner's rule in the scalar field. */
  function evaluate(coefficients, at) {
    let value = 0n;
    for (let k = coefficients.length - 1; k >= 0; k--) {
      value = Fn.add(Fn.mul(value, BigInt(at)), coefficients[k]);
    }
    return value;
  }

  /* f(at)·G = Σ at^k·C_k from the commitments alone. */
  function committedValue(commitments, at) {
    let value = Point.ZERO;
    for (let k = commitments.length - 1; k >= 0; k--) {
      value = mul(BigInt(at), value).add(Point.fromHex(commitments[k]));
    }
    return value;
  }

  function isValidShare(dealing, recipient, share) {
    return mulG(share).equals(committedValue(dealing.commitments, recipient));
  }

  /* crypto_box's key: HSalsa20 of the X25519 shared secret with a zero input. */
  function boxKey(shared) {
    const sigma = new Uint32Array([0x61707865, 0x3320646e, 0x79622d32, 0x6b206574]);
    const out = new Uint32Array(8);
    hsalsa(sigma, new Uint32Array(shared.slice().buffer), new Uint32Array(4), out);
    return new Uint8Array(out.buffer);
  }

  /* crypto_box_seal: ephemeral key || crypto_box(m, blake2b-192(epk || pk), pk, esk). */
  function seal(publicKey, message) {
    const ephemeral = x25519.utils.randomSecretKey();
    const epk = x25519.getPublicKey(ephemeral);
    const nonce = blake2b(concat([epk, publicKey]), { dkLen: 24 });
    const key = boxKey(x25519.getSharedSecret(ephemeral, publicKey));
    return concat([epk, xsalsa20poly1305(key, nonce).encrypt(message)]);
  }

  function openSealed(secretKey, sealed) {
    const epk = sealed.slice(0, 32);
    const nonce = blake2b(concat([epk, x25519.getPublicKey(secretKey)]), { dkLen: 24 });
    const key = boxKey(x25519.getSharedSecret(secretKey, epk));
    return xsalsa20poly1305(key, nonce).decrypt(sealed.slice(32));
  }

  /* A new trustee: polynomial, dealing, and the X25519 key the others seal their shares to. */
  function newTrustee(ceremony, index, threshold) {
    const { coefficients, dealing } = deal(ceremony, index, threshold);
    return { ceremony, index, threshold, coefficients, boxKey: x25519.utils.randomSecretKey(),
      dealing, secret: null };
  }

  function boxPublicKey(trustee) { return hex(x25519.getPublicKey(trustee.boxKey)); }

  /* f_i(j) sealed to each other trustee j, by j. */
  function sealShares(trustee, boxKeys) {
    const sealed = {};
    for (const [j, key] of Object.entries(boxKeys)) {
      if (Number(j) !== trustee.index) {
        sealed[j] = hex(seal(unhex(key), Fn.toBytes(evaluate(trustee.coefficients, Number(j)))));
      }
    }
    return sealed;
  }

  /* Open and check the shares sealed to me; x_j once every one holds, else who to complain of. */
  function receiveShares(trustee, dealings, sealedForMe) {
    const bad = [];
    let secret = evaluate(trustee.coefficients, trustee.index);
    for (const [sender, sealed] of Object.entries(sealedForMe)) {
      let share = null;
      try { share = scalarOf(hex(openSealed(trustee.boxKey, unhex(sealed)))); } catch (e) { share = null; }
      if (share === null || !dealings[sender] || !isValidShare(dealings[sender], trustee.index, share)) {
        bad.push(Number(sender));
      } else {
        secret = Fn.add(secret, share);
      }
    }
    return bad.length ? { bad } : { bad, secret };
  }

  /* §7: D_i = x_j·α_i per option, with a Chaum–Pedersen proof that log_G X_j = log_α D_i. */
  function decryptionShare(electionHash, index, secret, tally) {
    const hash = unhex(electionHash);
    const key = mulG(secret).toBytes();
    const parts = [], proofs = [];
    tally.forEach((c, i) => {
      const alpha = Point.fromHex(c.alpha);
      const d = mul(secret, alpha);
      const w = randomScalar();
      const statement = new Transcript('decryption').append('election', hash)
        .append('trustee', u64(index)).append('option', u64(i))
        .append('X', key).append('alpha', alpha.toBytes()).append('D', d.toBytes())
        .append('A', mulG(w).toBytes()).append('B', mul(w, alpha).toBytes());
      const ch = statement.challenge();
      parts.push(d.toHex());
      proofs.push([scalarHex(ch), scalarHex(Fn.add(w, Fn.mul(ch, secret)))]);
    });
    return { trustee: index, parts, proofs };
  }

  /* The tally recomputed from the ballots on the board: Σ of each option's ciphertexts. */
  function tallyOf(ballots, options) {
    const sums = Array.from({ length: options }, () => [Point.ZERO, Point.ZERO]);
    for (const ballot of ballots) {
      ballot.options.forEach((o, i) => {
        sums[i][0] = sums[i][0].add(Point.fromHex(o.alpha));
        sums[i][1] = sums[i][1].add(Point.fromHex(o.beta));
      });
    }
    return sums.map(([a, b]) => ({ alpha: a.toHex(), beta: b.toHex() }));
  }

  function electionKey(dealings) {
    return dealings.reduce((sum, d) => sum.add(Point.fromHex(d.commitments[0])), Point.ZERO).toHex();
  }

  /* The secret part, keys sorted as canonical JSON writes them. */
  function secretJson(t) {
    return JSON.stringify({
      box_key: hex(t.boxKey), ceremony: t.ceremony, coefficients: t.coefficients.map(scalarHex),
      dealing: { commitments: t.dealing.commitments, index: t.dealing.index, proof: t.dealing.proof },
      index: t.index, secret: t.secret === null ? null : scalarHex(t.secret), threshold: t.threshold,
    });
  }

  async function passphraseKey(passphrase, salt, opslimit, memlimit) {
    return argon2idAsync(text.encode(passphrase), salt,
      { t: opslimit, m: memlimit / 1024, p: 1, dkLen: 32 });
  }

  /* A passphrase's key for a new secret file: Argon2id at the interactive limits, a fresh salt. */
  async function lockKey(passphrase) {
    const salt = random(16);
    const key = await passphraseKey(passphrase, salt, OPSLIMIT, MEMLIMIT);
    return { salt, opslimit: OPSLIMIT, memlimit: MEMLIMIT, key };
  }

  /* The secret file `asamblea trustee` opens: secretbox (fresh nonce) under a passphrase's key,
   * so that saving again in the same session needs no second Argon2id run. */
  function lockWith(trustee, locked) {
    const nonce = random(24);
    const box = concat([nonce, xsalsa20poly1305(locked.key, nonce).encrypt(text.encode(secretJson(trustee)))]);
    return JSON.stringify({ schema: SECRET_SCHEMA, kdf: 'argon2id13', opslimit: locked.opslimit,
      memlimit: locked.memlimit, salt: hex(locked.salt), box: hex(box) }, null, 1) + '\n';
  }

  async function lock(trustee, passphrase) { return lockWith(trustee, await lockKey(passphrase)); }

  /* [the trustee in a secret file, its key]; throws on a wrong passphrase or an altered file. */
  async function unlockKeyed(file, passphrase) {
    const raw = JSON.parse(file);
    if (raw.schema !== SECRET_SCHEMA) throw new Error('not a trustee secret file');
    const salt = unhex(raw.salt);
    const key = await passphraseKey(passphrase, salt, raw.opslimit, raw.memlimit);
    const box = unhex(raw.box);
    const plain = JSON.parse(new TextDecoder().decode(
      xsalsa20poly1305(key, box.slice(0, 24)).decrypt(box.slice(24))));
    const trustee = { ceremony: plain.ceremony, index: plain.index, threshold: plain.threshold,
      coefficients: plain.coefficients.map(scalarOf), boxKey: unhex(plain.box_key),
      dealing: plain.dealing, secret: plain.secret === null ? null : scalarOf(plain.secret) };
    return [trustee, { salt, opslimit: raw.opslimit, memlimit: raw.memlimit, key }];
  }

  async function unlock(file, passphrase) { return (await unlockKeyed(file, passphrase))[0]; }

  window.AsambleaTrustee = {
    newTrustee, boxPublicKey, sealShares, receiveShares, decryptionShare, tallyOf, electionKey,
    lock, lockKey, lockWith, unlock, unlockKeyed, isValidShare, evaluate, seal, openSealed, scalarHex,
  };
})();
