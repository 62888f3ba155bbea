// SPDX-License-Identifier: Apache-2.0
// Stage mappings (F3): the two tables, ATS → platform and platform → ATS, one row per stage of the "from" side,
// each edited with a dropdown of the other side's stages. Unmapped stages are flagged (candidates in them do not
// sync); Save sends both tables, and the server's validation messages appear next to the row they name. Tables saved
// here outlive restarts and win over the config file; "Use the config file's mapping" drops them.

import { get, put, remove, ApiError } from './api.js';
import { badge, displayName, guarded, h, pageHead, replace } from './dom.js';
import { pickConnection } from './connection_picker.js';

const kNotMapped = '';

// Where a row's mapping comes from, in a word or two (the column is narrow on a phone).
const origins = {
  default: 'Default',
  config: 'Config file',
  admin: 'Console edit',
};

// Built-in stage ids ("lead-new") help an operator match the config; generated ones (UUIDs) only add noise.
const kMaxShownIdLength = 24;

/**
 * The server names stages by id ("ATS stage 'c1a7…' maps to platform stage 'screening', …"). Rewrites each
 * into the vendor's name and the stage's display name, tracking which side an unprefixed 'id' belongs to.
 */
function humanize(message, mapping) {
  const sides = {
    ATS: { vendor: displayName(mapping.ats.plugin), stages: mapping.ats.stages },
    platform: { vendor: displayName(mapping.platform.plugin), stages: mapping.platform.stages },
  };
  let side = null;
  return message.replace(/\b(ATS|platform) stage '([^']*)'|'([^']*)'/g, (whole, named, namedId, bareId) => {
    if (named) side = sides[named];
    const id = named ? namedId : bareId;
    if (!side) return whole;
    const stage = side.stages.find((s) => s.id === id);
    const label = `“${stage ? stage.name : id}”`;
    return named ? `${side.vendor} stage ${label}` : label;
  });
}

/** One table: a row per stage on the `from` side, with a dropdown of the `to` side's stages. */
function mappingTable(spec, mapping, rows) {
  const { direction, fromSide, toSide, caption, explain } = spec;
  const from = mapping[fromSide];
  const to = mapping[toSide];
  const fromVendor = displayName(from.plugin);
  const toVendor = displayName(to.plugin);
  const current = new Map(mapping[direction].map((r) => [r.from, r]));
  const unmapped = new Set(from.unmapped);
  // Every stage of the from side, plus any mapped id the side no longer lists (shown, so it can be removed).
  const stages = [...from.stages];
  for (const r of mapping[direction]) if (!stages.some((s) => s.id === r.from)) stages.push({ id: r.from, name: r.from, gone: true });

  const body = h('tbody');
  stages.forEach((stage, i) => {
    const entry = current.get(stage.id);
    const selectId = `${direction}-${i}`;
    const errorId = `${selectId}-error`;
    const statusCell = h('td', { class: 'status-cell' });
    const error = h('p', { class: 'row-error', id: errorId });
    const select = h('select', { id: selectId, name: `${direction}.${stage.id}`, 'aria-describedby': errorId },
        h('option', { value: kNotMapped }, '— not mapped —'),
        to.stages.map((s) => h('option', { value: s.id, selected: entry?.to === s.id }, s.name)));
    if (entry && !to.stages.some((s) => s.id === entry.to)) {
      // Mapped to a stage the other side no longer has: keep it visible rather than silently showing "not mapped".
      select.append(h('option', { value: entry.to, selected: true }, `${entry.to} (no longer exists)`));
    }
    const row = h('tr', { dataset: { from: stage.id, direction }, title: `${fromVendor} stage id: ${stage.id}` },
        h('th', { scope: 'row', 'data-label': `${fromVendor} stage` },
            h('span', {}, stage.name),
            stage.name !== stage.id && stage.id.length <= kMaxShownIdLength
                ? h('div', { class: 'stage-id mono' }, stage.id) : null),
        h('td', { 'data-label': `${toVendor} stage` },
            h('label', { for: selectId, class: 'visually-hidden' }, `${toVendor} stage for ${fromVendor} stage ${stage.name}`),
            select, error),
        statusCell);
    const original = entry?.to ?? kNotMapped;
    select.value = original;
    const paint = () => {
      const changed = select.value !== original;
      row.classList.toggle('changed', changed);
      row.classList.toggle('unmapped', select.value === kNotMapped);
      let status;
      if (changed) status = badge('Changed, not saved', 'neutral');
      else if (stage.gone) status = badge(`No longer a ${fromVendor} stage`, 'bad');
      else if (select.value === kNotMapped || unmapped.has(stage.id)) status = badge('Not mapped', 'warn');
      else status = h('span', { class: 'meta', title: 'Where this mapping comes from' }, origins[entry?.origin] ?? entry?.origin ?? '');
      replace(statusCell, status);
    };
    select.addEventListener('change', () => {
      // An edit answers the old complaint about this row; the next Save judges it again.
      clearRowError(rows.get(`${direction}.${stage.id}`));
      paint();
    });
    paint();
    rows.set(`${direction}.${stage.id}`, { row, select, error, original });
    body.append(row);
  });

  const unmappedCount = stages.filter((s) => !current.has(s.id)).length;
  return h('section', { class: 'panel', 'aria-labelledby': `${direction}-title` },
      h('h2', { id: `${direction}-title` }, caption(fromVendor, toVendor)),
      h('p', { class: 'hint' }, explain(fromVendor, toVendor),
          unmappedCount ? ` ${unmappedCount} ${fromVendor} stage${unmappedCount === 1 ? ' is' : 's are'} not mapped: ` +
              `candidates in ${unmappedCount === 1 ? 'it' : 'them'} keep their ${toVendor} stage.` : ''),
      h('div', { class: 'table-wrap' },
          h('table', { class: 'stack-table', 'aria-labelledby': `${direction}-title` },
              h('thead', {}, h('tr', {},
                  h('th', { scope: 'col' }, `${fromVendor} stage`),
                  h('th', { scope: 'col' }, `${toVendor} stage`),
                  h('th', { scope: 'col' }, 'Status'))),
              body)));
}

function clearRowError(entry) {
  if (!entry) return;
  entry.error.textContent = '';
  entry.select.removeAttribute('aria-invalid');
  entry.row.classList.remove('invalid');
}

const tables = [
  {
    direction: 'ats_to_platform', fromSide: 'ats', toSide: 'platform',
    caption: (from, to) => `ATS → platform: ${from} → ${to}`,
    explain: (from, to) => `When a candidate's stage changes in ${from}, atsync moves them to this ${to} stage.`,
  },
  {
    direction: 'platform_to_ats', fromSide: 'platform', toSide: 'ats',
    caption: (from, to) => `Platform → ATS: ${from} → ${to}`,
    explain: (from, to) => `When a candidate's stage changes in ${from}, atsync moves their ${to} opportunity to this stage.`,
  },
];

function renderForm(container, connectionId, mapping, context) {
  const rows = new Map();
  const status = h('p', { class: 'inline-status', role: 'status', id: 'mapping-status' });
  const summary = h('div', { class: 'panel error-summary', tabindex: '-1', hidden: true, 'aria-labelledby': 'summary-title' });
  const save = h('button', { type: 'submit', class: 'button' }, 'Save mappings');
  const discard = h('button', { type: 'button', class: 'button quiet' }, 'Discard changes');
  // Only while a table saved here is in force: it replaces the config file's at every start.
  const edited = [...mapping.ats_to_platform, ...mapping.platform_to_ats].some((r) => r.origin === 'admin');
  const reset = h('button', { type: 'button', class: 'button quiet', hidden: !edited }, "Use the config file's mapping");
  const form = h('form', { 'aria-label': `Stage mappings of ${connectionId}`, novalidate: true },
      summary,
      h('div', { class: 'mapping-grid' }, tables.map((spec) => mappingTable(spec, mapping, rows))),
      h('div', { class: 'save-bar' }, save, discard, reset, status));

  reset.addEventListener('click', guarded(async () => {
    reset.disabled = true;
    status.className = 'inline-status';
    status.textContent = 'Going back to the config file…';
    try {
      const fresh = await remove(`/connections/${encodeURIComponent(connectionId)}/stage-mappings`);
      if (!context.isCurrent()) return;
      renderForm(container, connectionId, fresh, context);
      const done = container.querySelector('#mapping-status');
      done.className = 'inline-status ok';
      done.textContent = "Back to the config file's mapping and the defaults; the edits made here are dropped.";
    } catch (e) {
      reset.disabled = false;
      status.className = 'inline-status error';
      status.textContent = `Not changed: ${e.message}`;
    }
  }));

  const body = () => {
    const out = { ats_to_platform: {}, platform_to_ats: {} };
    for (const [key, entry] of rows) {
      const dot = key.indexOf('.');
      out[key.slice(0, dot)][key.slice(dot + 1)] = entry.select.value === kNotMapped ? null : entry.select.value;
    }
    return out;
  };

  discard.addEventListener('click', () => {
    for (const entry of rows.values()) {
      entry.select.value = entry.original;
      entry.select.dispatchEvent(new Event('change'));
    }
    summary.hidden = true;
    status.className = 'inline-status';
    status.textContent = 'Changes discarded.';
  });

  form.addEventListener('submit', guarded(async (event) => {
    event.preventDefault();
    for (const entry of rows.values()) clearRowError(entry);
    summary.hidden = true;
    save.disabled = true;
    status.className = 'inline-status';
    status.textContent = 'Saving…';
    try {
      const saved = await put(`/connections/${encodeURIComponent(connectionId)}/stage-mappings`, body());
      if (!context.isCurrent()) return;
      const a = saved.ats_to_platform.length;
      const p = saved.platform_to_ats.length;
      renderForm(container, connectionId, saved, context);
      const fresh = container.querySelector('#mapping-status');
      fresh.className = 'inline-status ok';
      fresh.textContent = `Saved. ${displayName(saved.ats.plugin)} → ${displayName(saved.platform.plugin)}: ${a} mapped; ` +
          `${displayName(saved.platform.plugin)} → ${displayName(saved.ats.plugin)}: ${p} mapped.`;
      container.querySelector('button[type="submit"]').focus();
    } catch (e) {
      save.disabled = false;
      if (!(e instanceof ApiError) || e.status !== 400 || !e.fields.length) {
        status.className = 'inline-status error';
        status.textContent = `Not saved: ${e.message}`;
        return;
      }
      showProblems(e, mapping, rows, summary, status);
    } finally {
      save.disabled = false;
    }
  }));
  replace(container, form);
}

/**
 * A round trip is reported at the stage it starts from, but the edit that caused it is usually in the other
 * table: the row the start maps to. That row gets a pointer back, so the operator sees both ends.
 */
function markPartner(field, entry, rows, stageName) {
  const [direction] = field.split('.', 1);
  const other = direction === 'ats_to_platform' ? 'platform_to_ats' : 'ats_to_platform';
  const partner = rows.get(`${other}.${entry.select.value}`);
  if (!partner || partner === entry || partner.error.textContent) return;
  const table = document.getElementById(`${direction}-title`)?.textContent ?? 'the other table';
  partner.error.textContent = `Part of the round trip reported at “${stageName}” in ${table}.`;
  partner.select.setAttribute('aria-invalid', 'true');
  partner.row.classList.add('invalid');
}

/** Puts each validation message next to its row; what names no row goes to the summary above the tables. */
function showProblems(error, mapping, rows, summary, status) {
  const items = [];
  let firstSelect = null;
  for (const { field, message } of error.fields) {
    const text = humanize(message, mapping);
    const entry = rows.get(field);
    if (entry) {
      entry.error.textContent = text;
      entry.select.setAttribute('aria-invalid', 'true');
      entry.row.classList.add('invalid');
      firstSelect ??= entry.select;
      const stageName = entry.row.querySelector('th span').textContent;
      items.push(h('li', {}, h('a', {
        href: `#${entry.select.id}`,
        onclick: (e) => { e.preventDefault(); entry.select.focus(); },
      }, stageName), `: ${text}`));
      if (/maps back/.test(message)) markPartner(field, entry, rows, stageName);
    } else {
      items.push(h('li', {}, `${field}: ${text}`));
    }
  }
  const count = error.fields.length;
  replace(summary,
      h('h2', { id: 'summary-title' }, `The mapping was not saved: ${count} problem${count === 1 ? '' : 's'}`),
      h('ul', {}, items));
  summary.hidden = false;
  status.className = 'inline-status error';
  status.textContent = `Not saved: ${count} problem${count === 1 ? '' : 's'}, marked in the table${count === 1 ? '' : 's'}.`;
  (firstSelect ?? summary).focus();
}

export async function renderMappings(main, context) {
  const { selected, picker } = await pickConnection(context, 'mappings');
  if (!context.isCurrent()) return;
  const content = h('div');
  replace(main,
      pageHead(selected ? `Stage mappings · ${selected.id}` : 'Stage mappings',
          'Two tables, one per direction. A stage that is not mapped is reported, never guessed.', picker),
      content);
  if (!selected) {
    replace(content, h('p', { class: 'panel empty' }, 'No connections are configured.'));
    return;
  }
  let mapping;
  try {
    mapping = await get(`/connections/${encodeURIComponent(selected.id)}/stage-mappings`);
  } catch (e) {
    if (!(e instanceof ApiError) || e.status !== 409) throw e;
    replace(content, h('p', { class: 'panel callout' }, e.message));
    return;
  }
  if (!context.isCurrent()) return;
  if (!mapping.ready || !mapping.ats.stages.length || !mapping.platform.stages.length) {
    replace(content, h('div', { class: 'panel callout' },
        `Connection ${selected.id} has not read both sides' stages yet, so there is nothing to map. `,
        selected.oauth && selected.oauth.state !== 'authorized'
            ? h('a', { href: '#/connections' }, `Connect ${displayName(selected.oauth.plugin)} first.`)
            : selected.connect_error ? `(${selected.connect_error})` : 'Try again in a few seconds.'));
    return;
  }
  renderForm(content, selected.id, mapping, context);
}
