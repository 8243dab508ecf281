// The homefleet dashboard: reads the session and the fleet over the API, then stays current over /ws.
// Admins act through the API with the session's CSRF token; viewers see no buttons (the API refuses them anyway).

import {byTestId, fill, setServerTime, now} from './dom.js';
import {Live, mergeDelta} from './live.js';
import * as views from './views.js';

const VIEWS = ['overview', 'services', 'ports', 'failover', 'jobs', 'events'];
const MAX_EVENTS = 200;
const MAX_LOG_LINES = 1000;
const DAY_MS = 24 * 3600 * 1000;
const SAMPLES_REFRESH_MS = 10 * 60 * 1000;
const POLL_MS = 10_000;

const app = {
  doc: null,
  session: null,
  admin: false,
  samples: {},
  samplesVersion: 0,
  events: [],
  eventIds: new Set(),
  transitions: [],
  eventsError: null,
  ports: null,
  portsError: null,
  portsLoadedFor: null,
  portsLoading: false,
  pending: new Map(),
  tick: 0,
  view: 'overview',
  live: null,
  log: null,
  wasLive: false,
  reconnected: false,
  pendingKeys(prefix) {
    return [...this.pending.entries()].filter(([k]) => k.includes(prefix));
  },
  openLog,
  restart: (machine, service) => {
    if (!confirm(`Restart ${machine}/${service}?`)) return;
    act(`/api/v1/services/${enc(machine)}/${enc(service)}/restart`, `restart:${machine}/${service}`, 'restarting…',
      (body) => `${machine}/${service} restarted` + (body && body.via ? ` through ${body.via}` : ''));
  },
  runJob: (name) => act(`/api/v1/jobs/${enc(name)}/run`, `job:${name}`, 'starting…', `${name} started`),
  failover: (name, action) => {
    const words = {promote: 'Promote the standby of', demote: 'Demote the standby of', auto: 'Give back to the checks'};
    if (action !== 'auto' && !confirm(`${words[action]} ${name}?`)) return;
    act(`/api/v1/failover/${enc(name)}/${action}`, `failover:${name}`, action + '…', `${name}: ${action} asked`);
  },
  checkin: (name, action) => act(`/api/v1/checkins/${enc(name)}/${action}`, `checkin:${name}`, action + '…',
    `${name} ${action === 'pause' ? 'paused' : 'resumed'}`),
};

const enc = encodeURIComponent;

// ---- talking to the API ----

class ApiError extends Error {}

async function api(path, options = {}) {
  let res;
  try {
    res = await fetch(path, {
      method: options.method || 'GET',
      credentials: 'same-origin',
      cache: 'no-cache',
      headers: Object.assign({Accept: 'application/json'}, options.headers || {}),
    });
  } catch (e) {
    throw new ApiError('the controller does not answer');
  }
  if (res.status === 401) {
    toLogin();
    throw new ApiError('not logged in');
  }
  let body = null;
  try {
    body = await res.json();
  } catch (e) { /* no JSON body */ }
  if (!res.ok) {
    const message = body && body.error && body.error.message;
    throw new ApiError(message || `${res.status} ${res.statusText}`);
  }
  return body;
}

function toLogin() {
  if (!location.pathname.startsWith('/login')) location.assign('/login');
}

async function act(path, key, doing, done) {
  app.pending.set(key, doing);
  render();
  try {
    const body = await api(path, {method: 'POST', headers: {'X-CSRF-Token': (app.session && app.session.csrf) || ''}});
    toast(typeof done === 'function' ? done(body) : done);
  } catch (e) {
    toast(e.message, 'error');
  } finally {
    app.pending.delete(key);
    render();
  }
}

let toastTimer = null;
function toast(text, kind = 'info') {
  const el = byTestId('toast');
  el.textContent = text;
  el.dataset.kind = kind;
  el.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => { el.hidden = true; }, kind === 'error' ? 8000 : 4000);
}

// ---- data ----

function addEvents(list) {
  let added = false;
  for (const e of list) {
    if (!e || typeof e !== 'object') continue;
    if (e.id) {
      if (app.eventIds.has(e.id)) continue;
      app.eventIds.add(e.id);
    }
    app.events.push(e);
    added = true;
  }
  if (!added) return;
  const at = (e) => Date.parse(e.ts || e.at) || 0;
  app.events.sort((a, b) => (b.id && a.id ? b.id - a.id : at(b) - at(a)));
  if (app.events.length > MAX_EVENTS) {
    app.events.splice(MAX_EVENTS).forEach((e) => app.eventIds.delete(e.id));
  }
}

/** The last 100 events; after a reconnect, those after the newest one the page has (what it missed). */
async function loadEvents() {
  const newest = app.events.reduce((max, e) => Math.max(max, e.id || 0), 0);
  try {
    const body = await api(newest ? `/api/v1/events?since=${newest}&limit=${MAX_EVENTS}` : '/api/v1/events?limit=100');
    addEvents(Array.isArray(body) ? body : (body && body.events) || []);
    app.eventsError = null;
  } catch (e) {
    app.eventsError = 'Events could not be read: ' + e.message;
  }
  render();
}

/** Failover transitions, kept apart from the feed: a busy day must not push the last takeover out of sight. */
function addTransitions(list) {
  const known = new Set(app.transitions.map((e) => e.id));
  const fresh = list.filter((e) => e && !(e.id && known.has(e.id)));
  if (!fresh.length) return;
  app.transitions = app.transitions.concat(fresh).sort((a, b) => (b.id || 0) - (a.id || 0)).slice(0, 100);
}

async function loadTransitions() {
  try {
    const body = await api('/api/v1/failover');
    addTransitions((body && body.transitions) || []);
    render();
  } catch (e) { /* the feed's own failover events still show */ }
}

async function loadSamples() {
  const names = Object.keys((app.doc && app.doc.machines) || {});
  await Promise.all(names.map(async (name) => {
    try {
      const machine = await api(`/api/v1/machines/${enc(name)}`);
      app.samples[name] = (machine && machine.samples) || [];
    } catch (e) { /* the card shows the bars without a history */ }
  }));
  app.samplesVersion++;
  render();
}

/** A live metrics reading is one more point of the sparklines. */
function addSample(name, m) {
  if (!m) return;
  const disks = (m.disks || []).map((d) => (d.total > 0 ? (100 * d.used) / d.total : -1));
  const list = app.samples[name] || (app.samples[name] = []);
  list.push({
    at: m.collected_at || new Date(now()).toISOString(),
    cpu_percent: m.cpu_percent,
    memory_percent: m.memory_total > 0 ? (100 * m.memory_used) / m.memory_total : -1,
    swap_percent: m.swap_total > 0 ? (100 * m.swap_used) / m.swap_total : -1,
    disk_percent: disks.length ? Math.max(...disks) : -1,
  });
  const oldest = now() - DAY_MS;
  while (list.length && Date.parse(list[0].at) < oldest) list.shift();
}

async function loadPorts(config) {
  app.portsLoading = true;
  try {
    app.ports = await api('/api/v1/ports');
    app.portsError = null;
    app.portsLoadedFor = config;
  } catch (e) {
    app.portsError = 'The port map could not be read: ' + e.message;
    // Tried for this config: the next visit of the view tries again.
    app.portsLoadedFor = config;
  } finally {
    app.portsLoading = false;
  }
  render();
}

// ---- the live connection ----

let poller = null;

function onMessage(message) {
  setServerTime(message.ts);
  const data = message.data;
  switch (message.type) {
    case 'snapshot':
      app.doc = data;
      if (app.reconnected) {
        // The first snapshot of a new connection after a gap: the events missed meanwhile are in the store.
        app.reconnected = false;
        loadEvents();
        loadTransitions();
      }
      break;
    case 'delta':
      app.doc = mergeDelta(app.doc || {}, data);
      break;
    case 'metrics':
      if (app.doc && app.doc.machines && data && app.doc.machines[data.machine]) {
        app.doc = mergeDelta(app.doc, {machines: {[data.machine]: Object.assign({}, app.doc.machines[data.machine],
          {metrics: data.metrics})}});
        addSample(data.machine, data.metrics);
      }
      break;
    case 'log':
      if (app.log && data && data.target === app.log.target) appendLog(data.lines || []);
      return;
    case 'subscribed':
      return;
    case 'error':
      if (app.log && data && data.target === app.log.target) {
        byTestId('log-lines').textContent = data.message;
      } else {
        console.warn('homefleet /ws:', data && data.message);
      }
      return;
    default:
      if (String(message.type).includes('.') && data) {
        addEvents([data]);
        if (message.type.startsWith('failover.')) addTransitions([data]);
      }
      else return;
  }
  render();
}

function onConnection(state, delay) {
  const el = byTestId('conn');
  el.dataset.state = state;
  el.textContent = state === 'live' ? 'live' : state === 'connecting' ? 'connecting…' : 'reconnecting…';
  el.title = state === 'reconnecting' && delay ? `next try in ${Math.ceil(delay / 1000)} s` : '';
  if (state === 'live') {
    clearInterval(poller);
    poller = null;
    if (app.wasLive) {
      app.reconnected = true;
      // The log subscription is renewed with the connection, and brings its last lines again.
      if (app.log) app.log.lines = [];
    }
    app.wasLive = true;
  } else if (!poller && app.doc) {
    // Until the socket is back, the page still follows the fleet, only slower.
    poller = setInterval(() => {
      api('/api/v1/fleet').then((doc) => { app.doc = doc; render(); }).catch(() => {});
    }, POLL_MS);
  }
}

async function onRefused() {
  // A WebSocket upgrade refused for want of a session looks like any other failure; the API says which.
  try {
    const res = await fetch('/api/v1/session', {credentials: 'same-origin', cache: 'no-store'});
    if (res.status === 401) toLogin();
  } catch (e) { /* the controller is away; keep trying */ }
}

function wsUrl() {
  return (location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + '/ws';
}

// ---- the log tail ----

function openLog(machine, service) {
  closeLog();
  const target = `${machine}/${service}`;
  app.log = {target, lines: []};
  const panel = byTestId('log-panel');
  panel.dataset.target = target;
  document.getElementById('log-title').textContent = `${target} · log`;
  byTestId('log-lines').textContent = 'Waiting for lines…';
  panel.hidden = false;
  app.live.subscribe(['logs:' + target]);
  byTestId('log-close').focus();
}

function closeLog() {
  if (!app.log) return;
  app.live.unsubscribe(['logs:' + app.log.target]);
  app.log = null;
  byTestId('log-panel').hidden = true;
}

function appendLog(lines) {
  const pre = byTestId('log-lines');
  const atBottom = pre.scrollHeight - pre.scrollTop - pre.clientHeight < 40;
  app.log.lines.push(...lines.map(String));
  if (app.log.lines.length > MAX_LOG_LINES) app.log.lines.splice(0, app.log.lines.length - MAX_LOG_LINES);
  pre.textContent = app.log.lines.length ? app.log.lines.join('\n') : '(the log is empty)';
  if (atBottom) pre.scrollTop = pre.scrollHeight;
}

// ---- drawing ----

let frame = 0;
function render() {
  if (frame) return;
  frame = requestAnimationFrame(() => {
    frame = 0;
    draw();
  });
}

function draw() {
  views.header(app);
  const view = document.getElementById(app.view);
  switch (app.view) {
    case 'overview': views.overview(app); break;
    case 'services': views.services(app, view); break;
    case 'ports': {
      // The port map follows fleet.yaml: read again when the config in force changed.
      const config = app.doc && app.doc.config ? app.doc.config.loaded_at : 'none';
      if (app.portsLoadedFor !== config && !app.portsLoading) loadPorts(config);
      views.ports(app, view);
      break;
    }
    case 'failover': views.failover(app, view); break;
    case 'jobs': views.jobs(app, view); break;
    case 'events': views.events(app); break;
    default: break;
  }
}

function route() {
  const name = location.hash.replace('#', '');
  app.view = VIEWS.includes(name) ? name : 'overview';
  if (app.view === 'ports' && app.portsError) app.portsLoadedFor = null;
  for (const v of VIEWS) {
    document.getElementById(v).hidden = v !== app.view;
    const tab = byTestId('nav-' + v);
    if (v === app.view) tab.setAttribute('aria-current', 'page');
    else tab.removeAttribute('aria-current');
  }
  draw();
}

// ---- start ----

async function start() {
  window.addEventListener('hashchange', route);
  byTestId('log-close').addEventListener('click', closeLog);
  document.addEventListener('keydown', (e) => { if (e.key === 'Escape') closeLog(); });
  byTestId('logout').addEventListener('click', async () => {
    try {
      await fetch('/logout', {method: 'POST', credentials: 'same-origin',
        headers: {'X-CSRF-Token': (app.session && app.session.csrf) || ''}});
    } finally {
      location.assign('/login');
    }
  });
  route();
  try {
    app.session = await api('/api/v1/session');
  } catch (e) {
    if (e.message !== 'not logged in') fill(byTestId('machines'), 'The controller does not answer: ' + e.message);
    return;
  }
  app.admin = app.session.role === 'admin';
  byTestId('role').textContent = app.session.role || '';
  byTestId('logout').hidden = app.session.via !== 'session';
  try {
    app.doc = await api('/api/v1/fleet');
  } catch (e) { /* the snapshot over /ws brings it */ }
  route();
  app.live = new Live(wsUrl(), {onMessage, onState: onConnection, onRefused});
  app.live.subscribe(['state', 'events', 'metrics', 'failover']);
  app.live.start();
  loadEvents();
  loadTransitions();
  loadSamples();
  setInterval(loadSamples, SAMPLES_REFRESH_MS);
  // Times shown as "3m ago" move on even when nothing else changes.
  setInterval(() => { app.tick++; render(); }, 30_000);
}

start();
