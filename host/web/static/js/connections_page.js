// SPDX-License-Identifier: Apache-2.0
// Connections: each connection's health, readiness, counts and OAuth state, with the button that starts the
// vendor's OAuth consent ("Connect <ATS>"). A revoked or expired grant is flagged where nobody can miss it.

import { get, post } from './api.js';
import { announce, badge, displayName, guarded, h, pageHead, replace, timeElement } from './dom.js';

/** The badge for a connection's overall state (ConnectionView::summary on the server). */
function statusBadge(connection) {
  if (!connection.enabled) return badge('Disabled', 'neutral');
  if (connection.needs_reauthorization) return badge('Needs re-authorization', 'bad');
  if (connection.oauth?.state === 'not_authorized') return badge('Not authorized', 'warn');
  if (connection.ready) return badge('Ready', 'ok');
  return badge('Connecting', 'warn');
}

const oauthStates = {
  authorized: ['Authorized', 'ok'],
  not_authorized: ['Not authorized', 'warn'],
  needs_reauthorization: ['Needs re-authorization', 'bad'],
};

function countsList(counts) {
  if (!counts) return h('span', { class: 'meta' }, '—');
  const parts = [];
  const dead = counts.dead_letters ?? 0;
  parts.push(h('span', {}, `${counts.links ?? 0} linked`));
  const commands = counts.commands ?? {};
  const pending = (commands.pending ?? 0) + (commands.in_flight ?? 0);
  parts.push(h('span', {}, `${commands.done ?? 0} writes done`));
  parts.push(h('span', {}, `${pending} queued`));
  const inbox = counts.inbox ?? {};
  const waiting = Object.entries(inbox).filter(([k]) => k !== 'processed' && k !== 'ignored')
      .reduce((sum, [, v]) => sum + v, 0);
  parts.push(h('span', {}, `${waiting} events waiting`));
  parts.push(dead > 0
      ? h('a', { href: '#/dead-letters', class: 'badge bad' }, `${dead} dead letter${dead === 1 ? '' : 's'}`)
      : h('span', {}, '0 dead letters'));
  return h('span', { class: 'counts' }, parts);
}

function oauthBlock(connection) {
  const oauth = connection.oauth;
  if (!oauth) return null;
  const vendor = displayName(oauth.plugin);
  const [label, kind] = oauthStates[oauth.state] ?? [oauth.state, 'neutral'];
  const needsConsent = oauth.state !== 'authorized';
  // Starting needs the admin token, which a plain link cannot carry: the admin API hands out a single-use start
  // URL, and the browser that opens it is the only one that can complete the authorization (an HttpOnly cookie).
  const button = h('button', {
    type: 'button',
    class: needsConsent ? 'button' : 'button quiet',
    'aria-describedby': `oauth-${connection.id}`,
    onclick: guarded(async () => {
      const started = await post(`/connections/${encodeURIComponent(connection.id)}/authorize`);
      window.location.assign(started.start_url);
    }),
  }, needsConsent ? `Connect ${vendor}` : `Re-authorize ${vendor}`);
  return {
    fact: [h('dt', {}, `${vendor} access`), h('dd', { id: `oauth-${connection.id}` }, badge(label, kind))],
    callout: oauth.state === 'needs_reauthorization'
        ? h('div', { class: 'callout bad', role: 'note' },
            h('strong', {}, `${vendor} needs re-authorization. `),
            `${vendor} refused atsync's refresh token (access revoked or expired), so nothing moves to or from ` +
            `${vendor} until an administrator connects it again.`)
        : oauth.state === 'not_authorized'
            ? h('div', { class: 'callout', role: 'note' },
                `${vendor} is not connected yet. Connect it to let atsync read postings and write opportunities.`)
            : null,
    button,
  };
}

function card(connection) {
  const oauth = oauthBlock(connection);
  const id = connection.id;
  const platform = displayName(connection.plugins?.platform);
  const ats = displayName(connection.plugins?.ats);
  const last = connection.last_activity;
  return h('article', { class: 'panel', 'aria-labelledby': `conn-${id}` },
      h('div', { class: 'card-head' },
          h('h2', { id: `conn-${id}` }, id),
          statusBadge(connection)),
      oauth?.callout,
      h('dl', { class: 'facts' },
          h('dt', {}, 'Systems'), h('dd', {}, `${platform} ⇄ ${ats}`),
          h('dt', {}, 'Ready'), h('dd', {}, connection.ready ? 'Yes' : 'No'),
          oauth?.fact,
          !connection.ready && connection.connect_error
              ? [h('dt', {}, 'Why not ready'), h('dd', { class: 'error-text' }, connection.connect_error)] : null,
          h('dt', {}, 'Counts'), h('dd', {}, countsList(connection.counts)),
          h('dt', {}, 'Last activity'),
          h('dd', {}, last ? [timeElement(last.at), ' ', h('span', {}, last.message)] : h('span', { class: 'meta' }, 'none yet'))),
      h('div', { class: 'actions' },
          oauth?.button,
          h('a', { class: 'button quiet', href: `#/mappings/${encodeURIComponent(id)}` }, 'Stage mappings'),
          h('a', { class: 'button quiet', href: `#/postings/${encodeURIComponent(id)}` }, 'Postings'),
          h('a', { class: 'button quiet', href: `#/activity/${encodeURIComponent(id)}` }, 'Activity')));
}

export async function renderConnections(main, context) {
  const content = h('div', { 'aria-busy': 'true' }, h('p', { class: 'hint' }, 'Loading…'));
  const load = async (announceDone) => {
    content.setAttribute('aria-busy', 'true');
    const doc = await get('/connections');
    if (!context.isCurrent()) return;
    const list = doc?.connections ?? [];
    // Only the cards are replaced, so the Refresh button keeps the keyboard focus.
    replace(content, list.length
        ? h('div', { class: 'cards' }, list.map(card))
        : h('p', { class: 'panel empty' }, 'No connections are configured.'));
    content.removeAttribute('aria-busy');
    if (announceDone) announce(`Connections refreshed: ${list.length} connection${list.length === 1 ? '' : 's'}.`);
  };
  const refresh = h('button', { type: 'button', class: 'button quiet', onclick: guarded(() => load(true)) },
      'Refresh');
  replace(main,
      pageHead('Connections', 'Each connection pairs the platform with an ATS. Connect the ATS, then watch the sync here.',
          refresh),
      content);
  await load(false);
}
