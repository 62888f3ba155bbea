// SPDX-License-Identifier: Apache-2.0
// Postings (F4): the ATS postings that are published, as the platform's flow-linking and referral forms list them, with
// the channels each is published on (public job site, internal referrals).

import { get, ApiError } from './api.js';
import { announce, badge, displayName, guarded, h, pageHead, replace, timeElement } from './dom.js';
import { pickConnection } from './connection_picker.js';

const channelNames = { public: 'Public job site', internal: 'Internal (referrals)' };

function row(posting) {
  const channels = posting.channels ?? [];
  const where = [posting.team, posting.department, posting.location, posting.commitment].filter(Boolean).join(' · ');
  // The id (a UUID) is in the row's title: needed now and then (config, support), noise the rest of the time.
  return h('tr', { dataset: { posting: posting.id }, title: `Posting id: ${posting.id}` },
      h('th', { scope: 'row', 'data-label': 'Posting' },
          posting.url ? h('a', { href: posting.url, rel: 'noopener noreferrer', target: '_blank' }, posting.title)
                      : h('span', {}, posting.title)),
      h('td', { 'data-label': 'Channels' },
          channels.length ? h('span', { class: 'counts' }, channels.map((c) => badge(channelNames[c] ?? c, 'ok')))
                          : badge('No channel', 'warn')),
      h('td', { 'data-label': 'Team and place' }, where || h('span', { class: 'meta' }, '—')),
      h('td', { 'data-label': 'Updated' }, posting.updated_at_ms ? timeElement(new Date(posting.updated_at_ms).toISOString())
                                                                 : h('span', { class: 'meta' }, '—')));
}

export async function renderPostings(main, context) {
  const { selected, picker } = await pickConnection(context, 'postings');
  if (!context.isCurrent()) return;
  const content = h('div', { 'aria-busy': 'true' }, h('p', { class: 'hint' }, 'Loading…'));
  const load = async (announceDone) => {
    let doc;
    try {
      doc = await get(`/connections/${encodeURIComponent(selected.id)}/postings`);
    } catch (e) {
      if (!(e instanceof ApiError) || (e.status !== 409 && e.status !== 502)) throw e;
      replace(content, h('p', { class: 'panel callout' }, e.message));
      content.removeAttribute('aria-busy');
      return;
    }
    if (!context.isCurrent()) return;
    // Only published postings can take candidates; the plugin may answer others, which are not shown.
    const postings = (doc?.postings ?? []).filter((p) => !p.state || p.state === 'published');
    const vendor = displayName(doc?.plugin);
    replace(content, postings.length
        ? h('div', { class: 'panel table-wrap' },
            h('table', { class: 'stack-table' },
                h('caption', {}, `${postings.length} published ${vendor} posting${postings.length === 1 ? '' : 's'}`),
                h('thead', {}, h('tr', {},
                    h('th', { scope: 'col' }, 'Posting'), h('th', { scope: 'col' }, 'Channels'),
                    h('th', { scope: 'col' }, 'Team and place'), h('th', { scope: 'col' }, 'Updated'))),
                h('tbody', {}, postings.map(row))))
        : h('p', { class: 'panel empty' }, `${vendor || 'The ATS'} has no published postings.`));
    content.removeAttribute('aria-busy');
    if (announceDone) announce(`Postings refreshed: ${postings.length} published.`);
  };
  const refresh = selected
      ? h('button', { type: 'button', class: 'button quiet', onclick: guarded(() => load(true)) }, 'Refresh')
      : null;
  replace(main,
      pageHead(selected ? `Postings · ${selected.id}` : 'Postings',
          'Published postings: the ones a flow or referral on the platform can be linked to.', picker, refresh),
      content);
  if (!selected) {
    replace(content, h('p', { class: 'panel empty' }, 'No connections are configured.'));
    return;
  }
  await load(false);
}
