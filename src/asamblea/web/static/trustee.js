/* The trustee's page: the key ceremony and the decryption share, done in this browser with
 * trustee-keys.js and sent through /api/v1 (docs/encrypted-votes.md, §9). The secret key is made
 * here and kept in this browser's localStorage only as the locked secret file (Argon2id over the
 * passphrase, then secretbox); the server receives public values and sealed shares only.
 * AGPL-3.0-or-later. */
(function () {
  'use strict';
  const root = document.getElementById('trustee');
  if (!root || root.dataset.ready) return;
  root.dataset.ready = '1';
  const T = window.AsambleaTrustee;
  const texts = JSON.parse(document.getElementById('trustee-texts').textContent);
  const form = document.getElementById('trustee-form');
  const field = document.getElementById('trustee-passphrase-field');
  const passphrase = document.getElementById('trustee-passphrase');
  const action = document.getElementById('trustee-action');
  const step = document.getElementById('trustee-step');
  const status = document.getElementById('trustee-status');
  const api = '/api/v1/votes/' + root.dataset.vote;
  let view = null, board = null, trustee = null, locked = null, current = null, busy = false;
  document.getElementById('trustee-needs-js').hidden = true;
  root.hidden = false;

  async function call(method, path, body) {
    const response = await fetch(api + path, {
      method, credentials: 'same-origin',
      headers: { 'content-type': 'application/json', 'x-csrf-token': root.dataset.csrf },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const data = await response.json().catch(() => ({}));
    if (!response.ok) throw new Error(data.message || String(response.status));
    return data;
  }

  function storeKey() { return 'asamblea-trustee/' + view.ceremony + '/' + view.me; }
  function stored() { return window.localStorage.getItem(storeKey()); }

  function showDownload() {
    const file = stored();
    const line = document.getElementById('trustee-download-line');
    line.hidden = !file;
    if (file) {
      const link = document.getElementById('trustee-download');
      if (link.dataset.url) URL.revokeObjectURL(link.dataset.url);
      link.dataset.url = URL.createObjectURL(new Blob([file], { type: 'application/json' }));
      link.href = link.dataset.url;
    }
  }

  /* While waiting for the other trustees, look again every half minute (a GET; nothing sent). */
  let poll = null;
  function waitFor(message) {
    clearTimeout(poll);
    poll = setTimeout(() => { if (!busy) refresh().catch(() => {}); }, 30000);
    return show(null, message);
  }

  function show(name, message) {
    current = name;
    root.dataset.step = name || 'none';
    step.textContent = message;
    action.hidden = !name;
    if (name) action.textContent = texts[name];
    field.hidden = !name || trustee !== null;
    showDownload();
  }

  async function refresh() {
    view = await call('GET', '/ceremony');
    const me = view.trustees.find((t) => t.number === view.me);
    const others = view.trustees.length - 1;
    if (view.state === 'draft') {
      if (!me.dealing) return show('generate', texts.step_generate);
      if (!stored()) return show(null, texts.no_secret);
      if (!me.shares_sent) {
        return view.trustees.every((t) => t.dealing) ? show('unlock_send', texts.step_send)
          : waitFor(texts.wait_dealings);
      }
      if (view.complaints.some((c) => c.trustee === view.me)) return show(null, texts.complained);
      if (!me.confirmed) {
        return Object.keys(view.sealed_for_me).length === others ? show('check', texts.step_check)
          : waitFor(texts.wait_shares);
      }
      return show(null, texts.ready);
    }
    if (view.state === 'open') return show(null, texts.ready);
    if (view.state === 'published') return show(null, texts.published);
    board = await call('GET', '/encrypted-board');
    if (board.shares.some((s) => s.trustee === view.me)) return show(null, texts.sent_share);
    return stored() ? show('decrypt', texts.step_decrypt) : show(null, texts.no_secret);
  }

  async function unlocked() {
    if (trustee === null) {
      try { [trustee, locked] = await T.unlockKeyed(stored(), passphrase.value); } catch (e) {
        throw new Error(texts.wrong_passphrase);
      }
    }
    return trustee;
  }

  async function save() {
    if (locked === null) locked = await T.lockKey(passphrase.value);
    window.localStorage.setItem(storeKey(), T.lockWith(trustee, locked));
  }

  const steps = {
    async generate() {
      if (stored()) {
        await unlocked();
      } else {
        if (passphrase.value.length < 12) throw new Error(texts.short_passphrase);
        trustee = T.newTrustee(view.ceremony, view.me, view.threshold);
        await save();
      }
      await call('POST', '/ceremony/dealing',
        { box_public_key: T.boxPublicKey(trustee), dealing: trustee.dealing });
    },
    async unlock_send() {
      await unlocked();
      const keys = Object.fromEntries(view.trustees.map((t) => [t.number, t.box_public_key]));
      await call('POST', '/ceremony/shares', { shares: T.sealShares(trustee, keys) });
    },
    async check() {
      await unlocked();
      const dealings = Object.fromEntries(view.trustees.map((t) => [t.number, t.dealing]));
      const received = T.receiveShares(trustee, dealings, view.sealed_for_me);
      for (const against of received.bad) await call('POST', '/ceremony/complaints', { against });
      if (received.bad.length) return;
      trustee.secret = received.secret;
      await save();
      await call('POST', '/ceremony/confirm');
    },
    async decrypt() {
      await unlocked();
      const { election_hash: hash } = await call('GET', '/election');
      const manifest = board.manifest;
      const mine = manifest.dealings.find((d) => d.index === view.me);
      if (!mine || mine.commitments.join() !== trustee.dealing.commitments.join() ||
          T.electionKey(manifest.dealings) !== manifest.public_key) {
        throw new Error(texts.board_mismatch);
      }
      /* As `asamblea trustee submit`: every ballot's proofs, and no ciphertext twice. */
      const election = { hash, publicKey: manifest.public_key, options: manifest.header.options.length,
        min: manifest.min_selections, max: manifest.max_selections };
      const seen = new Set();
      for (const ballot of board.ballots) {
        if (!AsambleaBallot.checkBallot(election, ballot)) throw new Error(texts.board_mismatch);
        for (const o of ballot.options) {
          if (seen.has(o.alpha)) throw new Error(texts.board_mismatch);
          seen.add(o.alpha);
        }
      }
      const tally = T.tallyOf(board.ballots, manifest.header.options.length);
      if (JSON.stringify(tally) !== JSON.stringify(board.tally.map((c) => ({ alpha: c.alpha, beta: c.beta })))) {
        throw new Error(texts.board_mismatch);
      }
      await call('POST', '/decryption-shares', { share: T.decryptionShare(hash, view.me, trustee.secret, tally) });
    },
  };

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (busy || !current) return;
    busy = true;
    action.disabled = true;
    status.textContent = texts.working;
    delete status.dataset.error;
    try {
      await steps[current]();
      status.textContent = texts.done;
      await refresh();
    } catch (error) {
      status.dataset.error = '1';
      status.textContent = error.message;
    } finally {
      busy = false;
      action.disabled = false;
    }
  });

  document.getElementById('trustee-refresh').addEventListener('click', () => {
    status.textContent = '';
    refresh().catch((error) => { status.textContent = error.message; });
  });
  refresh().catch((error) => { status.textContent = error.message; });
})();
