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

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    status.textContent = '';
    try {
      const { manifest, election_hash: hash } = await call('GET', '/election');
      const election = { hash, publicKey: manifest.public_key,
        options: manifest.header.options.length,
        min: manifest.min_selections, max: manifest.max_selections };
      const boxes = Array.from(form.querySelectorAll('input[name="option"]'));
      const selections = boxes.map((box) => (box.checked ? 1 : 0));
      pending = { election, selections, made: AsambleaBallot.encryptBallot(election, selections) };
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
    } catch (error) { status.textContent = error.message; }
  });
})();
