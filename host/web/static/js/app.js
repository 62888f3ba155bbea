// SPDX-License-Identifier: Apache-2.0
// The console's shell: sign-in with the admin token, hash routing between the sections, focus management.
// Routes: #/connections, #/mappings/{id}, #/postings/{id}, #/activity, #/dead-letters.

import { adminToken, api, ApiError } from './api.js';
import { alertError, clearMessages, h, replace } from './dom.js';
import { renderConnections } from './connections_page.js';
import { renderMappings } from './mappings_page.js';
import { renderPostings } from './postings_page.js';
import { renderActivity } from './activity_page.js';
import { renderDeadLetters } from './dead_letters_page.js';

const sections = {
  connections: { title: 'Connections', render: renderConnections },
  mappings: { title: 'Stage mappings', render: renderMappings },
  postings: { title: 'Postings', render: renderPostings },
  activity: { title: 'Activity', render: renderActivity },
  'dead-letters': { title: 'Dead letters', render: renderDeadLetters },
};

const main = document.getElementById('main');
const nav = document.getElementById('nav');
const signOut = document.getElementById('sign-out');

// Every render gets a generation number; an answer that arrives after the user moved on is dropped.
let generation = 0;

function parseRoute() {
  const parts = location.hash.replace(/^#\/?/, '').split('/').filter(Boolean).map(decodeURIComponent);
  const section = sections[parts[0]] ? parts[0] : 'connections';
  return { section, params: parts.slice(1) };
}

function showSignIn(reason) {
  nav.hidden = true;
  signOut.hidden = true;
  document.title = 'Sign in · atsync console';
  const input = h('input', {
    id: 'admin-token', name: 'admin-token', type: 'password', autocomplete: 'current-password', required: true,
    spellcheck: 'false', 'aria-describedby': 'admin-token-hint signin-error',
  });
  const error = h('p', { id: 'signin-error', class: 'inline-status error', role: 'alert' }, reason ?? '');
  const button = h('button', { type: 'submit', class: 'button' }, 'Sign in');
  const form = h('form', { 'aria-labelledby': 'page-title', novalidate: true },
      h('div', { class: 'field' },
          h('label', { for: 'admin-token' }, 'Admin token'),
          input,
          h('p', { id: 'admin-token-hint', class: 'hint' },
              'The value of server.admin_token in the atsync config. It is kept only in this browser tab.')),
      button, error);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const token = input.value.trim();
    if (!token) {
      error.textContent = 'Enter the admin token.';
      input.focus();
      return;
    }
    button.disabled = true;
    error.textContent = '';
    try {
      await api('GET', '/connections', undefined, token);  // proves the token before keeping it
      adminToken.set(token);
      navigatedByUser = true;
      if (!location.hash || location.hash === '#/' || location.hash === '#') location.hash = '#/connections';
      else await route();
    } catch (e) {
      error.textContent = e instanceof ApiError && e.status === 401
          ? 'That token was refused. Check server.admin_token in the config.'
          : e.message;
      input.focus();
    } finally {
      button.disabled = false;
    }
  });
  replace(main, h('section', { class: 'signin panel' },
      h('h1', { id: 'page-title', tabindex: '-1' }, 'Sign in'),
      h('p', {}, 'Operate atsync: connections, stage mappings, postings, activity and dead letters.'),
      form));
  input.focus();
}

async function route() {
  if (!adminToken.get()) return showSignIn();
  const { section, params } = parseRoute();
  const me = ++generation;
  nav.hidden = false;
  signOut.hidden = false;
  for (const link of nav.querySelectorAll('a')) {
    if (link.dataset.section === section) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  document.title = `${sections[section].title} · atsync console`;
  clearMessages();
  replace(main, h('p', { class: 'hint', 'aria-busy': 'true' }, 'Loading…'));
  const context = {
    params,
    isCurrent: () => me === generation,
    navigate: (hash) => { location.hash = hash; },
  };
  try {
    await sections[section].render(main, context);
  } catch (e) {
    if (!context.isCurrent()) return;
    if (e instanceof ApiError && e.status === 401) return;  // the unauthorized listener shows the sign-in
    replace(main, h('h1', { id: 'page-title', tabindex: '-1' }, sections[section].title));
    alertError(e.message);
  }
  if (!context.isCurrent()) return;
  // Move focus to the new page's heading so keyboard and screen-reader users start there, as after a page load.
  if (navigatedByUser) document.getElementById('page-title')?.focus();
  navigatedByUser = false;
}

let navigatedByUser = false;

window.addEventListener('hashchange', () => {
  navigatedByUser = true;
  route();
});

window.addEventListener('atsync:unauthorized', () => {
  adminToken.clear();
  showSignIn('The admin token was refused (it may have changed). Sign in again.');
});

signOut.addEventListener('click', () => {
  adminToken.clear();
  clearMessages();
  showSignIn();
});

route();
