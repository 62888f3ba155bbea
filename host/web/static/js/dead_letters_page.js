// SPDX-License-Identifier: Apache-2.0
// Dead letters: writes atsync gave up on, each with its last error, to be retried once the cause is fixed.
// A retried letter leaves the list at once (it is queued again); the page keeps watching for a while, so one
// that fails again comes back, marked, instead of silently reappearing on some later visit.

import { get, post } from './api.js';
import { alertError, announce, badge, guarded, h, pageHead, replace, timeElement } from './dom.js';

const kWatchMs = 30000;
const kWatchEveryMs = 2000;

function errorParts(lastError) {
  if (!lastError) return { code: null, message: 'No error was recorded.' };
  if (typeof lastError === 'string') return { code: null, message: lastError };
  return { code: lastError.code ?? null, message: lastError.message ?? JSON.stringify(lastError), status: lastError.http_status };
}

export async function renderDeadLetters(main, context) {
  // id -> ms when retried; those that come back dead within the watch window are marked "failed again".
  const retried = new Map();
  let watchTimer = 0;
  const content = h('div', { 'aria-busy': 'true' }, h('p', { class: 'hint' }, 'Loading…'));
  const retryAll = h('button', { type: 'button', class: 'button', disabled: true }, 'Retry all');

  const item = (d) => {
    const { code, message, status } = errorParts(d.last_error);
    const again = retried.has(d.id);
    const label = `dead letter ${d.id} (${d.action})`;
    const button = h('button', { type: 'button', class: 'button small', 'aria-label': `Retry ${label}` }, 'Retry');
    button.addEventListener('click', guarded(async () => {
      button.disabled = true;
      try {
        await post(`/dead-letters/${encodeURIComponent(d.id)}/retry`);
      } catch (e) {
        button.disabled = false;
        throw e;
      }
      retried.set(d.id, Date.now());
      announce(`Dead letter ${d.id} (${d.action}) queued again. It leaves this list; it comes back if it fails again.`);
      await load();
      watch();
      // The button is gone with its row: keep keyboard users on the list rather than at the top of the page.
      (content.querySelector('button[aria-label^="Retry dead letter"]') ?? retryAll).focus();
    }));
    return h('li', { class: 'dead-letter', dataset: { id: d.id } },
        h('div', {},
            h('div', { class: 'entry-head' },
                h('strong', {}, d.action),
                again ? badge('Failed again after retry', 'bad') : null,
                d.outcome_unknown ? badge('Outcome unknown', 'warn') : null,
                h('span', { class: 'meta' }, `#${d.id} · ${d.connection} · ${d.attempts} attempt${d.attempts === 1 ? '' : 's'} · `),
                timeElement(d.updated_at)),
            h('p', { class: 'meta mono' }, d.key),
            h('p', { class: 'error-text' }, code ? h('span', { class: 'mono' }, `${code}${status ? ` (HTTP ${status})` : ''}: `) : null,
                message)),
        h('div', {}, button));
  };

  const load = async (message) => {
    const doc = await get('/dead-letters');
    if (!context.isCurrent()) return;
    const letters = doc?.dead_letters ?? [];
    replace(content, letters.length
        ? h('section', { class: 'panel', 'aria-labelledby': 'dead-count' },
            h('h2', { id: 'dead-count' }, `${letters.length} dead letter${letters.length === 1 ? '' : 's'}`),
            h('ul', { class: 'list' }, letters.map(item)))
        : h('p', { class: 'panel empty', id: 'dead-count' }, 'No dead letters: every write went through or is still being retried.'));
    content.removeAttribute('aria-busy');
    retryAll.disabled = letters.length === 0;
    retryAll.textContent = letters.length ? `Retry all (${letters.length})` : 'Retry all';
    if (message) announce(message);
  };

  // While a retried letter may still fail again, look every few seconds; stop when the window closes or the
  // user leaves the page.
  const watch = () => {
    clearTimeout(watchTimer);
    const newest = Math.max(0, ...retried.values());
    if (Date.now() - newest > kWatchMs) return;
    watchTimer = setTimeout(async () => {
      if (!context.isCurrent()) return;
      try {
        await load();
      } catch (e) {
        alertError(e.message);
        return;
      }
      watch();
    }, kWatchEveryMs);
  };

  retryAll.addEventListener('click', guarded(async () => {
    retryAll.disabled = true;
    const before = (await get('/dead-letters'))?.dead_letters ?? [];
    const answer = await post('/dead-letters/retry-all');
    for (const d of before) retried.set(d.id, Date.now());
    await load(`${answer?.retried ?? 0} dead letter${answer?.retried === 1 ? '' : 's'} queued again.`);
    watch();
  }));

  replace(main,
      pageHead('Dead letters', 'Writes atsync gave up on after retrying. Fix the cause named in the error, then retry.',
          h('button', { type: 'button', class: 'button quiet', onclick: guarded(() => load('Dead letters refreshed.')) }, 'Refresh'),
          retryAll),
      content);
  await load();
}
