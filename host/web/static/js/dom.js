// SPDX-License-Identifier: Apache-2.0
// Building the page from data without innerHTML: every value from the API becomes a text node, so a stage name or
// an error message can never inject markup.

/**
 * h('button', {class: 'button', type: 'button', onclick: fn, 'aria-label': 'Retry'}, 'Retry')
 * Properties named on* are listeners; `text` sets textContent; false, null and undefined children are skipped.
 */
export function h(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(props ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on') && typeof value === 'function') {
      node.addEventListener(name.slice(2), value);
    } else if (name === 'text') {
      node.textContent = value;
    } else if (name === 'dataset') {
      Object.assign(node.dataset, value);
    } else if (name === 'value' || name === 'selected' || name === 'checked' || name === 'disabled') {
      node[name] = value;
    } else {
      node.setAttribute(name, value === true ? '' : String(value));
    }
  }
  append(node, children);
  return node;
}

function append(node, children) {
  for (const child of children) {
    if (child === undefined || child === null || child === false) continue;
    if (Array.isArray(child)) append(node, child);
    else node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** Replaces everything in `node` with `children`. */
export function replace(node, ...children) {
  node.replaceChildren();
  append(node, children);
}

let statusTimer = 0;

/** Routine news for the polite live region (and sighted users); clears itself after a while. */
export function announce(text) {
  const status = document.getElementById('status');
  document.getElementById('alert').textContent = '';
  status.textContent = text;
  clearTimeout(statusTimer);
  statusTimer = setTimeout(() => { status.textContent = ''; }, 8000);
}

/** A failure, in the assertive live region; stays until the next message. */
export function alertError(text) {
  document.getElementById('status').textContent = '';
  document.getElementById('alert').textContent = text;
}

export function clearMessages() {
  document.getElementById('status').textContent = '';
  document.getElementById('alert').textContent = '';
}

/** "Acme" from "acme": plugin names are ids; people read them capitalised. */
export function displayName(plugin) {
  if (!plugin) return '';
  return plugin.charAt(0).toUpperCase() + plugin.slice(1);
}

/** A <time> with the local date and time, and how long ago in its title. */
export function timeElement(iso) {
  if (!iso) return h('span', { class: 'meta' }, '—');
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return h('span', { class: 'meta' }, iso);
  const pad = (n) => String(n).padStart(2, '0');
  const local = `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ` +
      `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
  return h('time', { datetime: iso, title: ago(date) }, local);
}

function ago(date) {
  const s = Math.round((Date.now() - date.getTime()) / 1000);
  if (s < 60) return `${Math.max(s, 0)} s ago`;
  if (s < 3600) return `${Math.round(s / 60)} min ago`;
  if (s < 86400) return `${Math.round(s / 3600)} h ago`;
  return `${Math.round(s / 86400)} days ago`;
}

/** A page's heading block: <h1> (the focus target after navigation), a lead paragraph, and tools on the right. */
export function pageHead(title, lead, ...tools) {
  return h('div', { class: 'page-head' },
      h('div', {}, h('h1', { tabindex: '-1', id: 'page-title' }, title), lead ? h('p', {}, lead) : null),
      tools.length ? h('div', { class: 'toolbar' }, tools) : null);
}

export function badge(text, kind) {
  return h('span', { class: `badge ${kind}` }, text);
}

/** An event handler that runs `fn` and reports its failure in the alert region instead of losing it. */
export function guarded(fn) {
  return (...args) => Promise.resolve().then(() => fn(...args)).catch((e) => alertError(e.message));
}
