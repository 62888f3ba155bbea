// SPDX-License-Identifier: Apache-2.0
// The "Connection" dropdown of the per-connection pages (stage mappings, postings). The chosen connection lives
// in the URL (#/mappings/acme), so a page can be bookmarked and the browser's back button works.

import { get } from './api.js';
import { h } from './dom.js';

/**
 * Loads the connections and settles which one the page shows: the one in the URL, else the first enabled one
 * (written back into the URL without a new history entry). Returns {connections, selected, picker}.
 */
export async function pickConnection(context, section) {
  const doc = await get('/connections');
  const connections = doc?.connections ?? [];
  let selected = connections.find((c) => c.id === context.params[0]);
  if (!selected) {
    selected = connections.find((c) => c.enabled) ?? connections[0];
    if (selected) history.replaceState(null, '', `#/${section}/${encodeURIComponent(selected.id)}`);
  }
  const select = h('select', { id: 'connection-picker', name: 'connection' },
      connections.map((c) => h('option', { value: c.id, selected: c.id === selected?.id },
          c.enabled ? c.id : `${c.id} (disabled)`)));
  select.addEventListener('change', () => context.navigate(`#/${section}/${encodeURIComponent(select.value)}`));
  const picker = connections.length > 1
      ? h('div', { class: 'field' }, h('label', { for: 'connection-picker' }, 'Connection'), select)
      : null;  // one connection: nothing to choose, the heading names it
  return { connections, selected, picker };
}
