// What each view shows, drawn from the fleet document (GET /api/v1/fleet, kept current over /ws) and a few reads.
// Every value goes into the page as text (dom.js), never as HTML.

import {h, fill, byTestId, reconcile, bytes, percent, pct, span, now, ago, until, clock, dateTime, sparkline} from './dom.js';

const HEALTH_WORDS = {up: 'up', degraded: 'degraded', down: 'down', 'gave-up': 'gave up', unknown: 'unknown'};

function health(value) {
  const v = String(value || 'unknown').toLowerCase().replace('_', '-');
  return HEALTH_WORDS[v] ? v : 'unknown';
}

function values(map) {
  return map ? Object.values(map) : [];
}

function sig(...parts) {
  return JSON.stringify(parts);
}

/** "machine/service" from a string, or a {machine, service} object. */
function target(value) {
  if (!value) return '–';
  if (typeof value === 'string') return value;
  return [value.machine, value.service].filter(Boolean).join('/') || '–';
}

function managerName(manager) {
  if (!manager) return null;
  return typeof manager === 'string' ? manager : manager.type || null;
}

// ---- header ----

export function header(app) {
  const doc = app.doc || {};
  const summary = doc.summary || {};
  const overall = byTestId('overall');
  const state = app.doc ? summary.overall || 'unknown' : 'unknown';
  overall.dataset.state = state;
  overall.textContent = {ok: 'all good', degraded: 'degraded', down: 'down'}[state] || '…';
  byTestId('counts').textContent = app.doc
    ? `${summary.machines_up ?? '?'}/${summary.machines ?? '?'} machines · ${summary.services_up ?? '?'}/${summary.services ?? '?'} services up`
    : '';
  const incidents = summary.incidents || [];
  const list = byTestId('incidents');
  list.hidden = incidents.length === 0;
  const shown = incidents.slice(0, 4);
  reconcile(list, shown.map((i) => ({
    key: i.target + '|' + i.health,
    sig: sig(i, app.tick),
    render: () => h('li', null, h('a', {href: '#services', testid: 'incident', dataset: {health: health(i.health)}},
      `${i.target} ${HEALTH_WORDS[health(i.health)]}`, i.since ? ` for ${span(now() - Date.parse(i.since))}` : '',
      i.detail ? ` — ${i.detail}` : '')),
  })).concat(incidents.length > shown.length ? [{
    key: 'more', sig: sig(incidents.length),
    render: () => h('li', {class: 'muted small'}, `and ${incidents.length - shown.length} more`),
  }] : []));
  const banner = byTestId('config-banner');
  const config = doc.config || {};
  banner.hidden = config.matches_disk !== false;
  if (!banner.hidden) {
    banner.textContent = 'fleet.yaml on disk was rejected; the last good version stays in force.\n'
      + (config.rejected || []).join('\n');
  }
}

// ---- overview: machine cards and check-ins that need attention ----

export function overview(app) {
  const machines = values(app.doc && app.doc.machines);
  const cards = byTestId('machines');
  if (!app.doc) {
    fill(cards, h('p', {class: 'empty'}, 'Loading the fleet…'));
    return;
  }
  if (!machines.length) fill(cards, h('p', {class: 'empty'}, 'No machines in fleet.yaml yet.'));
  else reconcile(cards, machines.map((m) => ({
    key: m.name,
    sig: sig(m, app.samples[m.name] && app.samples[m.name].length, app.samplesVersion, app.tick),
    render: () => machineCard(m, app.samples[m.name] || []),
  })));
  const attention = values(app.doc.checkins).filter((c) => c.state === 'late' || c.state === 'down');
  document.querySelector('.attention-title').hidden = attention.length === 0;
  reconcile(byTestId('attention'), attention.map((c) => ({
    key: c.name, sig: sig(c, app.tick), render: () => checkinRow(c, null),
  })));
}

function machineCard(m, samples) {
  const metrics = m.metrics;
  const services = values(m.services);
  const up = services.filter((s) => health(s.health) === 'up').length;
  const facts = [];
  if (m.via) facts.push('via ' + m.via);
  if (m.last_heartbeat) facts.push('heartbeat ' + ago(m.last_heartbeat));
  if (metrics && metrics.uptime_seconds > 0) facts.push('booted ' + span(metrics.uptime_seconds * 1000) + ' ago');
  if (services.length) facts.push(`${up}/${services.length} services up`);
  const series = (key) => samples.map((x) => x[key]);
  const meters = [];
  if (metrics) {
    meters.push(meter('CPU', metrics.cpu_percent, series('cpu_percent'), `spark-${m.name}-cpu`,
      metrics.load1 >= 0 ? `load ${metrics.load1.toFixed(2)}` : ''));
    meters.push(meter('Memory', percent(metrics.memory_used, metrics.memory_total), series('memory_percent'),
      `spark-${m.name}-memory`, `${bytes(metrics.memory_used)} of ${bytes(metrics.memory_total)}`));
    if (metrics.swap_total > 0) {
      meters.push(meter('Swap', percent(metrics.swap_used, metrics.swap_total), series('swap_percent'),
        `spark-${m.name}-swap`, `${bytes(metrics.swap_used)} of ${bytes(metrics.swap_total)}`));
    }
    (metrics.disks || []).slice(0, 3).forEach((d, i) => meters.push(meter(d.mount || 'disk', percent(d.used, d.total),
      i === 0 ? series('disk_percent') : null, i === 0 ? `spark-${m.name}-disk` : null,
      `${bytes(d.used)} of ${bytes(d.total)}`)));
  }
  return h('article', {class: 'card machine', testid: 'machine-' + m.name, dataset: {health: health(m.health)}},
    h('div', {class: 'card-head'},
      h('span', {class: 'dot'}),
      h('h3', null, m.name),
      h('span', {class: 'health'}, HEALTH_WORDS[health(m.health)]),
      h('span', {class: 'grow'}),
      h('span', {class: 'sub'}, [m.os, m.role].filter(Boolean).join(' · '))),
    m.description ? h('div', {class: 'sub'}, m.description) : null,
    h('div', {class: 'sub'}, facts.join(' · ')),
    m.error && health(m.health) !== 'up' ? h('div', {class: 'error'}, m.error) : null,
    metrics ? h('div', {class: 'meters'}, meters)
      : h('div', {class: 'sub'}, health(m.health) === 'down' ? 'no metrics while it is down' : 'no metrics yet'));
}

function meter(label, value, series, testid, detail) {
  const bar = h('div', {class: 'fill' + (value >= 90 ? ' crit' : value >= 75 ? ' warn' : '')});
  bar.style.width = value === null || value === undefined || value < 0 ? '0' : Math.min(100, value).toFixed(1) + '%';
  return h('div', {class: 'meter', title: detail || null},
    h('span', {class: 'label'}, label),
    h('div', {class: 'track', role: 'meter', 'aria-label': label, 'aria-valuemin': 0, 'aria-valuemax': 100,
      'aria-valuenow': value === null || value === undefined || value < 0 ? null : Math.round(value)}, bar),
    h('span', {class: 'value'}, pct(value)),
    series ? sparkline(series, testid, `${label}, last 24 hours`) : h('span'));
}

// ---- services, by machine ----

export function services(app, view) {
  if (!app.doc) return;
  const machines = values(app.doc.machines);
  if (!machines.length) {
    fill(view, h('p', {class: 'empty'}, 'No services in fleet.yaml yet.'));
    return;
  }
  reconcile(view, machines.map((m) => ({
    key: m.name,
    sig: sig(m.services, m.health, app.admin, app.pendingKeys(m.name), app.tick),
    render: () => {
      const list = values(m.services);
      const up = list.filter((s) => health(s.health) === 'up').length;
      return h('div', {class: 'group', testid: 'services-' + m.name},
        h('h2', null, `${m.name} · ${up}/${list.length} up`, health(m.health) === 'up' ? '' : ` · machine ${HEALTH_WORDS[health(m.health)]}`),
        list.length ? h('ul', {class: 'list'}, list.map((s) => serviceRow(m.name, s, app)))
          : h('p', {class: 'empty'}, 'No services.'));
    },
  })));
}

function serviceRow(machine, s, app) {
  const state = health(s.health);
  const id = `${machine}-${s.name}`;
  const key = `${machine}/${s.name}`;
  const facts = [];
  if (s.port) facts.push(h('span', null, 'port ', h('b', null, ':' + s.port)));
  const manager = managerName(s.manager);
  if (manager) facts.push(h('span', null, manager));
  if (s.since) facts.push(h('span', null, `${state === 'up' ? 'up' : HEALTH_WORDS[state]} for ${span(now() - Date.parse(s.since))}`));
  if (s.restarts) facts.push(h('span', null, h('b', null, s.restarts), s.restarts === 1 ? ' restart' : ' restarts'));
  if (s.latency_millis !== null && s.latency_millis !== undefined && state === 'up') facts.push(h('span', null, s.latency_millis + ' ms'));
  if (s.last_check) facts.push(h('span', null, 'checked ' + ago(s.last_check)));
  const pending = app.pending.get('restart:' + key);
  return h('li', {class: 'row service', testid: 'service-' + id, dataset: {health: state}},
    h('div', {class: 'row-head'},
      h('span', {class: 'dot'}),
      h('h3', null, s.name),
      h('span', {class: 'grow'}),
      h('span', {class: 'health', testid: 'status'}, HEALTH_WORDS[state])),
    s.description ? h('div', {class: 'sub', testid: 'description'}, s.description) : null,
    s.detail && state !== 'up' ? h('div', {class: 'error'}, s.detail) : null,
    h('div', {class: 'row-foot'},
      h('div', {class: 'facts'}, facts),
      h('div', {class: 'actions'},
        h('button', {type: 'button', testid: 'logs-' + id, on: {click: () => app.openLog(machine, s.name)}}, 'Logs'),
        app.admin ? h('button', {type: 'button', class: 'danger', testid: 'restart-' + id, disabled: !!pending,
          on: {click: () => app.restart(machine, s.name)}}, pending || 'Restart') : null)));
}

// ---- ports ----

export function ports(app, view) {
  const data = app.ports;
  if (!data) {
    fill(view, h('p', {class: 'empty'}, app.portsError || 'Loading the port map…'));
    return;
  }
  const entries = data.ports || data.entries || [];
  const ranges = data.ranges || [];
  // Planned (fleet.yaml's ports and ranges) and observed (what the cleaner found listening).
  const conflicts = (data.conflicts || []).concat(data.observed_conflicts || [])
    .map((c) => (typeof c === 'string' ? {message: c} : c));
  const clash = new Set();
  conflicts.forEach((c) => (c.entries || []).forEach((e) => clash.add(e.port + '@' + e.machine)));
  const serviceHealth = (e) => {
    const m = app.doc && app.doc.machines && app.doc.machines[e.machine];
    const s = m && m.services && m.services[e.service];
    return s ? health(s.health) : null;
  };
  const key = sig(data, app.doc && app.doc.summary, app.tick);
  if (view.dataset.sig === key) return;
  view.dataset.sig = key;
  fill(view,
    conflicts.length ? [h('h2', null, `Conflicts (${conflicts.length})`),
      h('ul', {class: 'list conflicts'}, conflicts.map((c) => h('li', {testid: 'conflict'}, c.message || String(c))))] : null,
    h('h2', null, `Reserved ranges (${ranges.length})`),
    ranges.length ? h('ul', {class: 'list'}, ranges.map((r) => rangeRow(r))) : h('p', {class: 'empty'}, 'No reserved ranges.'),
    h('h2', null, `Ports in use (${entries.length})`),
    h('div', {class: 'table-wrap'}, h('table', {testid: 'ports-table'},
      h('thead', null, h('tr', null, h('th', {class: 'num'}, 'Port'), h('th', null, 'Service'), h('th', null, 'Bind'))),
      h('tbody', null, entries.map((e) => {
        const state = serviceHealth(e);
        return h('tr', {testid: `port-${e.port}-${e.machine}`, class: clash.has(e.port + '@' + e.machine) ? 'clash' : null,
          dataset: state ? {health: state} : null},
        h('td', {class: 'num'}, e.port),
        h('td', null, h('span', {class: 'row-head'}, state ? h('span', {class: 'dot'}) : null, `${e.service}@${e.machine}`),
          h('div', {class: 'sub'}, [e.manager, e.project].filter(Boolean).join(' · '))),
        h('td', {class: 'mono'}, e.bind || ''));
      })))));
}

function rangeRow(r) {
  const size = r.to - r.from + 1;
  const free = typeof r.free === 'number' ? r.free : size;
  const used = size - free;
  const bar = h('div', {class: 'fill' + (free === 0 ? ' crit' : '')});
  bar.style.width = (size > 0 ? (100 * used) / size : 0).toFixed(1) + '%';
  const uses = (r.used || []).map((e) => `${e.port} ${e.service}@${e.machine}`);
  const defaults = r.default_ports || r.defaultPorts || [];
  return h('li', {class: 'row range', testid: 'range-' + r.project},
    h('div', {class: 'row-head'}, h('h3', null, r.project), h('span', {class: 'grow'}),
      h('span', {class: 'mono'}, r.from === r.to ? String(r.from) : `${r.from}–${r.to}`)),
    r.description ? h('div', {class: 'sub'}, r.description) : null,
    h('div', {class: 'track'}, bar),
    h('div', {class: 'facts'}, h('span', null, h('b', null, used), ' used'), h('span', null, h('b', null, free), ' free'),
      defaults.length ? h('span', null, 'defaults ' + defaults.join(', ')) : null),
    uses.length ? h('div', {class: 'sub mono'}, uses.join(' · ')) : null);
}

// ---- failover ----

export function failover(app, view) {
  if (!app.doc) return;
  const list = values(app.doc.failover);
  if (!list.length) {
    fill(view, h('p', {class: 'empty'}, 'No failover pairs in fleet.yaml.'));
    return;
  }
  reconcile(view, list.map((f) => {
    const transitions = app.transitions.filter((e) => e.subject === f.name
      || (e.data && e.data.failover === f.name)).slice(0, 5);
    return {
      key: f.name,
      sig: sig(f, transitions.map((e) => e.id), app.admin, app.pendingKeys('failover:' + f.name), app.tick),
      render: () => failoverCard(f, transitions, app),
    };
  }));
}

function failoverCard(f, transitions, app) {
  const last = f.last || {};
  const state = String(f.state || last.to || 'unknown').toLowerCase();
  const mode = String(f.mode || last.mode || 'auto').toLowerCase();
  const pending = app.pending.get('failover:' + f.name);
  const button = (action, label) => h('button', {type: 'button', testid: `${action}-${f.name}`, disabled: !!pending,
    on: {click: () => app.failover(f.name, action)}}, label);
  return h('article', {class: 'card', testid: 'failover-' + f.name, dataset: {state}},
    h('div', {class: 'card-head'}, h('h3', null, f.name), h('span', {class: 'badge', dataset: {state}}, state),
      h('span', {class: 'grow'}), h('span', {class: 'badge'}, mode)),
    h('div', {class: 'pair'}, h('b', null, target(f.primary)), ' → ', target(f.standby),
      h('span', {class: 'muted'}, state === 'active' || state === 'recovering' ? ' (standby serving)' : ' (primary serving)')),
    h('div', {class: 'facts'},
      h('span', null, h('b', null, f.failures ?? last.failures ?? 0), ' failed checks in a row'),
      h('span', null, h('b', null, f.successes ?? last.successes ?? 0), ' passed'),
      last.at ? h('span', null, 'last change ' + ago(last.at)) : h('span', null, 'no transition reported yet'),
      last.check ? h('span', {class: 'mono'}, last.check) : null),
    last.reason ? h('div', {class: 'sub'}, last.reason) : null,
    last.problem ? h('div', {class: 'error'}, last.problem) : null,
    transitions.length ? h('ul', {class: 'transitions'}, transitions.map((e) => h('li', {testid: 'transition'},
      h('b', null, e.type.replace('failover.', '')), ' ', h('span', {class: 'muted'}, dateTime(e.ts || e.at)), ' — ', e.message))) : null,
    app.admin ? h('div', {class: 'actions'}, button('promote', 'Promote standby'), button('demote', 'Demote'),
      button('auto', 'Automatic'), pending ? h('span', {class: 'muted small'}, pending) : null) : null);
}

// ---- jobs and check-ins ----

export function jobs(app, view) {
  if (!app.doc) return;
  const list = values(app.doc.jobs);
  const checkins = values(app.doc.checkins);
  const key = sig(list, checkins, app.admin, app.pendingKeys('job:'), app.pendingKeys('checkin:'), app.tick);
  if (view.dataset.sig === key) return;
  view.dataset.sig = key;
  fill(view,
    h('h2', null, 'Jobs'),
    list.length ? h('ul', {class: 'list'}, list.map((j) => jobRow(j, app))) : h('p', {class: 'empty'}, 'No jobs.'),
    h('h2', null, `Check-ins (${checkins.length})`),
    checkins.length ? h('ul', {class: 'list'}, checkins.map((c) => checkinRow(c, app)))
      : h('p', {class: 'empty'}, 'No check-ins in fleet.yaml.'));
}

function jobRow(j, app) {
  const outcome = String(j.outcome || 'never run').toLowerCase();
  const took = j.last_start && j.last_end ? Date.parse(j.last_end) - Date.parse(j.last_start) : null;
  const pending = app.pending.get('job:' + j.name);
  return h('li', {class: 'row', testid: 'job-' + j.name, dataset: {outcome}},
    h('div', {class: 'row-head'}, h('h3', null, j.name), h('span', {class: 'grow'}),
      h('span', {class: 'badge', testid: 'outcome', dataset: {state: outcome}}, outcome)),
    h('div', {class: 'facts'},
      j.schedule ? h('span', {class: 'mono'}, j.schedule) : null,
      h('span', null, 'ran ' + ago(j.last_start)),
      took !== null && took >= 0 ? h('span', null, took < 1000 ? took + ' ms' : span(took)) : null,
      h('span', null, 'next ', h('b', null, j.next_fire ? until(j.next_fire) : 'by hand'))),
    j.summary ? h('div', {class: 'sub', testid: 'summary'}, j.summary) : null,
    app.admin ? h('div', {class: 'actions'}, h('button', {type: 'button', testid: 'run-' + j.name, disabled: !!pending,
      on: {click: () => app.runJob(j.name)}}, pending || 'Run now')) : null);
}

function checkinRow(c, app) {
  const state = String(c.state || 'new').toLowerCase();
  const pending = app && app.pending.get('checkin:' + c.name);
  const paused = state === 'paused';
  return h('li', {class: 'row', testid: 'checkin-' + c.name, dataset: {state}},
    h('div', {class: 'row-head'}, h('h3', null, c.name), h('span', {class: 'grow'}),
      h('span', {class: 'badge', dataset: {state}}, state)),
    h('div', {class: 'facts'},
      c.machine ? h('span', null, c.machine) : null,
      h('span', null, 'last report ' + ago(c.last_report), c.last_status ? ` (${c.last_status})` : ''),
      c.due_at ? h('span', null, Date.parse(c.due_at) < now() ? 'was due ' + ago(c.due_at) : 'due ' + until(c.due_at)) : null,
      c.since ? h('span', null, `${state} since ${clock(c.since)}`) : null),
    c.last_message ? h('div', {class: 'sub'}, c.last_message) : null,
    app && app.admin ? h('div', {class: 'actions'}, h('button', {type: 'button', testid: (paused ? 'resume-' : 'pause-') + c.name,
      disabled: !!pending, on: {click: () => app.checkin(c.name, paused ? 'resume' : 'pause')}},
    pending || (paused ? 'Resume' : 'Pause'))) : null);
}

// ---- the event feed ----

export function events(app) {
  const feed = byTestId('events');
  if (!app.events.length) {
    fill(feed, h('li', {class: 'empty'}, app.eventsError || 'No events yet.'));
    return;
  }
  reconcile(feed, app.events.slice(0, 200).map((e) => ({
    key: String(e.id || e.type + (e.ts || e.at)),
    sig: sig(e.id, app.tick),
    render: () => eventRow(e),
  })));
}

function eventRow(e) {
  const at = e.ts || e.at;
  const where = e.machine && e.service ? `${e.machine}/${e.service}` : e.machine || e.subject || 'fleet';
  return h('li', {testid: 'event', dataset: {type: e.type || '', id: e.id || '', severity: String(e.severity || 'info').toLowerCase()}},
    h('div', {class: 'when'}, h('span', null, clock(at)), h('span', null, ago(at)), h('b', null, e.type), h('span', null, where)),
    h('div', {class: 'msg'}, e.message || ''));
}
