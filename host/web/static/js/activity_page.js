// SPDX-License-Identifier: Apache-2.0
// Activity: what atsync did and what went wrong, newest first, filtered by connection and level, a page at a time.
// #/activity/{connection} opens it filtered to one connection.

import { get, query } from './api.js';
import { announce, badge, guarded, h, pageHead, replace, timeElement } from './dom.js';

const kPageSize = 25;
const levelKinds = { info: 'neutral', warn: 'warn', error: 'bad' };

function entry(e) {
  return h('li', { dataset: { id: e.id, level: e.level } },
      h('div', { class: 'entry-head' },
          badge(e.level, levelKinds[e.level] ?? 'neutral'),
          timeElement(e.at),
          h('span', { class: 'meta' }, e.connection),
          h('span', { class: 'meta mono' }, e.kind)),
      h('p', { class: 'entry-message' }, e.message));
}

export async function renderActivity(main, context) {
  const connections = (await get('/connections'))?.connections ?? [];
  if (!context.isCurrent()) return;
  const filters = { connection: connections.some((c) => c.id === context.params[0]) ? context.params[0] : '', level: '' };
  // Cursors of the pages above this one: "Newer" pops, "Older" pushes (the API pages by `before` id).
  const cursors = [];
  let before = null;

  const connectionSelect = h('select', { id: 'activity-connection' },
      h('option', { value: '' }, 'All connections'),
      connections.map((c) => h('option', { value: c.id, selected: c.id === filters.connection }, c.id)));
  const levelSelect = h('select', { id: 'activity-level' },
      h('option', { value: '' }, 'All levels'),
      h('option', { value: 'info' }, 'Info'),
      h('option', { value: 'warn' }, 'Warnings'),
      h('option', { value: 'error' }, 'Errors'));
  const list = h('ol', { class: 'list', 'aria-label': 'Activity, newest first' });
  const newer = h('button', { type: 'button', class: 'button quiet', disabled: true }, '← Newer');
  const older = h('button', { type: 'button', class: 'button quiet', disabled: true }, 'Older →');
  const newest = h('button', { type: 'button', class: 'button quiet' }, 'Newest');
  const where = h('p', { class: 'hint', id: 'activity-page' });
  let next = null;

  // Loads can overlap (the first page is still on its way when a filter changes): only the latest one renders, so a
  // slow unfiltered answer never replaces the filtered list the operator asked for after it.
  let latestLoad = 0;
  const load = async (message) => {
    const mine = ++latestLoad;
    const doc = await get(`/activity${query({ connection: filters.connection, level: filters.level, before, limit: kPageSize })}`);
    if (!context.isCurrent() || mine !== latestLoad) return;
    const entries = doc?.entries ?? [];
    next = doc?.next_before ?? null;
    replace(list, entries.length ? entries.map(entry) : h('li', { class: 'empty' }, 'No activity matches these filters.'));
    older.disabled = next === null;
    newer.disabled = cursors.length === 0;
    newest.disabled = cursors.length === 0;
    where.textContent = `Page ${cursors.length + 1} · ${entries.length} entr${entries.length === 1 ? 'y' : 'ies'}`;
    if (message) announce(`${message} ${where.textContent}.`);
  };

  const refilter = guarded(async () => {
    filters.connection = connectionSelect.value;
    filters.level = levelSelect.value;
    cursors.length = 0;
    before = null;
    await load('Filters applied.');
  });
  connectionSelect.addEventListener('change', refilter);
  levelSelect.addEventListener('change', refilter);
  older.addEventListener('click', guarded(async () => {
    cursors.push(before);
    before = next;
    await load('Older entries.');
  }));
  newer.addEventListener('click', guarded(async () => {
    before = cursors.pop() ?? null;
    await load('Newer entries.');
  }));
  newest.addEventListener('click', guarded(async () => {
    cursors.length = 0;
    before = null;
    await load('Newest entries.');
  }));

  replace(main,
      pageHead('Activity', 'What atsync did, newest first. Warnings and errors say what to fix.',
          h('div', { class: 'field' }, h('label', { for: 'activity-connection' }, 'Connection'), connectionSelect),
          h('div', { class: 'field' }, h('label', { for: 'activity-level' }, 'Level'), levelSelect),
          h('button', { type: 'button', class: 'button quiet', onclick: guarded(() => load('Activity refreshed.')) },
              'Refresh')),
      h('section', { class: 'panel', 'aria-labelledby': 'page-title' },
          list,
          h('nav', { class: 'pager', 'aria-label': 'Activity pages' }, newer, older, newest, where)));
  await load(null);
}
