// Building DOM from data without ever parsing it as HTML: text goes in as text nodes, attributes one by one.

const SVG = 'http://www.w3.org/2000/svg';

/**
 * h('li', {class: 'row', dataset: {health: 'up'}, on: {click: f}}, 'text', child, [more, children])
 * Strings and numbers become text nodes; null, undefined and false are skipped.
 */
export function h(tag, attrs, ...children) {
  return build(document.createElement(tag), attrs, children);
}

/** The same for SVG elements. */
export function s(tag, attrs, ...children) {
  return build(document.createElementNS(SVG, tag), attrs, children);
}

function build(el, attrs, children) {
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key === 'dataset') Object.assign(el.dataset, value);
    else if (key === 'on') for (const [type, fn] of Object.entries(value)) el.addEventListener(type, fn);
    else if (key === 'testid') el.setAttribute('data-testid', value);
    else el.setAttribute(key, value === true ? '' : String(value));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(el, child);
    else el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** Replaces an element's children. */
export function fill(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

export function $(selector, root = document) {
  return root.querySelector(selector);
}

export function byTestId(id, root = document) {
  return root.querySelector(`[data-testid="${CSS.escape(id)}"]`);
}

// ---- formatting ----

const UNITS = ['B', 'KB', 'MB', 'GB', 'TB'];

export function bytes(n) {
  if (n === null || n === undefined || n < 0) return '–';
  let i = 0;
  while (n >= 1024 && i < UNITS.length - 1) { n /= 1024; i++; }
  return (n >= 100 || i === 0 ? Math.round(n) : n.toFixed(1)) + ' ' + UNITS[i];
}

/** used/total as a percentage, or null when it is not known. */
export function percent(used, total) {
  return total > 0 && used >= 0 ? (100 * used) / total : null;
}

export function pct(p) {
  return p === null || p === undefined || p < 0 ? '–' : Math.round(p) + '%';
}

/** "12s", "3m", "5h", "2d" between two instants (ISO strings or Dates). */
export function span(ms) {
  const sec = Math.max(0, Math.round(ms / 1000));
  if (sec < 60) return sec + 's';
  if (sec < 3600) return Math.floor(sec / 60) + 'm';
  if (sec < 86400) return Math.floor(sec / 3600) + 'h ' + (Math.floor(sec / 60) % 60) + 'm';
  return Math.floor(sec / 86400) + 'd ' + (Math.floor(sec / 3600) % 24) + 'h';
}

let skew = 0;
/** The server's clock minus ours, from the last message's ts, so "ago" does not lie on a phone whose clock is off. */
export function setServerTime(epochMillis) {
  if (typeof epochMillis === 'number') skew = epochMillis - Date.now();
}

export function now() {
  return Date.now() + skew;
}

export function ago(iso) {
  if (!iso) return 'never';
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return '?';
  const d = now() - t;
  return d < 0 ? 'in ' + span(-d) : span(d) + ' ago';
}

export function until(iso) {
  if (!iso) return '–';
  const d = Date.parse(iso) - now();
  return d <= 0 ? 'due now' : 'in ' + span(d);
}

export function clock(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? '' : d.toLocaleTimeString([], {hour: '2-digit', minute: '2-digit', second: '2-digit'});
}

export function dateTime(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? '' : d.toLocaleString([], {month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit'});
}

/** A sparkline of values in 0..100 (null gaps skipped), as an inline SVG. */
export function sparkline(values, testid, label) {
  const points = [];
  const n = values.length;
  values.forEach((v, i) => {
    if (v === null || v === undefined || v < 0) return;
    const x = n <= 1 ? 100 : (100 * i) / (n - 1);
    const y = 20 - Math.min(100, Math.max(0, v)) / 5;
    points.push(x.toFixed(1) + ',' + y.toFixed(1));
  });
  const svg = s('svg', {class: 'spark', viewBox: '0 0 100 20', preserveAspectRatio: 'none', role: 'img',
    'aria-label': label, testid});
  if (points.length >= 2) {
    const first = points[0].split(',')[0];
    const last = points[points.length - 1].split(',')[0];
    svg.append(s('polygon', {class: 'area', points: `${first},20 ${points.join(' ')} ${last},20`}),
      s('polyline', {points: points.join(' ')}));
  } else if (points.length === 1) {
    svg.append(s('polyline', {points: `0,${points[0].split(',')[1]} ${points[0]}`}));
  }
  svg.dataset.points = String(points.length);
  return svg;
}

const signatures = new WeakMap();

/**
 * Updates a container's children to {key, sig, render} items, in order, rebuilding only those whose signature
 * changed: a button a thumb (or a test) is about to press is not replaced by an identical one.
 */
export function reconcile(container, items) {
  const old = new Map();
  for (const el of container.children) if (el.dataset.key) old.set(el.dataset.key, el);
  items.forEach((item, i) => {
    let el = old.get(item.key);
    if (!el || signatures.get(el) !== item.sig) {
      const fresh = item.render();
      fresh.dataset.key = item.key;
      signatures.set(fresh, item.sig);
      if (el) el.replaceWith(fresh);
      el = fresh;
    }
    old.delete(item.key);
    const at = container.children[i];
    if (at !== el) container.insertBefore(el, at || null);
  });
  for (const el of old.values()) el.remove();
  while (container.children.length > items.length) container.lastElementChild.remove();
}
