/* The encrypted vote page: encrypt in the browser (encrypted-ballot.js), then cast or audit
 * through /api/v1 (docs/encrypted-votes.md, §6 and §9). The choice never leaves the browser in
 * clear; an audited ballot's choices and nonces are published and it is never counted.
 * AGPL-3.0-or-later. */
(function () {
  'use strict';
  const root = document.getElementById('encrypted-ballot');
  if (!root || root.dataset.ready) return;
  root.dataset.ready = '1';
  const form = document.getElementById('encrypted-form');
  const choice = document.getElementById('encrypted-choice');
  const status = document.getElementById('encrypted-status');
  const api = '/api/v1/votes/' + root.dataset.vote;
  let pending = null;
  let election = null;
  let prepared = null;
  document.getElementById('encrypted-needs-js').hidden = true;
  form.hidden = false;

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

  async function loadElection() {
    const { manifest, election_hash: hash } = await call('GET', '/election');
    return { hash, publicKey: manifest.public_key, options: manifest.header.options.length,
      min: manifest.min_selections, max: manifest.max_selections };
  }

  /* The choice-free part of the next ballot (every scalar multiplication), made while the voter
   * reads the options, so the click only adds, encodes and hashes. Used once, then made again. */
  function prepareNext() {
    const later = window.requestIdleCallback || ((f) => setTimeout(f, 50));
    later(() => {
      try {
        if (election && !prepared) prepared = AsambleaBallot.prepareBallot(election);
      } catch { prepared = null; }  // the click then makes the whole ballot itself
    });
  }
  loadElection().then((loaded) => { election = loaded; prepareNext(); }, () => {});

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    status.textContent = '';
    try {
      if (!election) election = await loadElection();
      const boxes = Array.from(form.querySelectorAll('input[name="option"]'));
      const selections = boxes.map((box) => (box.checked ? 1 : 0));
      const made = AsambleaBallot.encryptBallot(election, selections, prepared);
      prepared = null;
      pending = { election, selections, made };
      document.getElementById('encrypted-tracker').textContent = pending.made.tracker;
      form.hidden = true;
      choice.hidden = false;
    } catch (error) { status.textContent = error.message; }
  });

  document.getElementById('cast-button').addEventListener('click', async () => {
    try {
      const receipt = await call('POST', '/encrypted-ballots', { ballot: pending.made.ballot });
      choice.hidden = true;
      status.dataset.tracker = receipt.tracker;
      status.textContent = root.dataset.castText + ' ' + receipt.tracker;
    } catch (error) { status.textContent = error.message; }
  });

  document.getElementById('audit-button').addEventListener('click', async () => {
    const { election, selections, made } = pending;
    try {
      await call('POST', '/audits', { ballot: made.ballot, selections, nonces: made.nonces });
      const ok = AsambleaBallot.checkAudit(election, made.ballot, selections, made.nonces);
      status.dataset.audit = ok ? 'ok' : 'mismatch';
      status.textContent = ok ? root.dataset.auditedText : root.dataset.mismatchText;
      choice.hidden = true;
      form.hidden = false;
      pending = null;
      document.getElementById('encrypted-tracker').textContent = '';  // spoiled: not a tracker
      prepareNext();
    } catch (error) { status.textContent = error.message; }
  });
})();
