// The live connection to the controller's /ws: subscribes to topics, answers nothing but pings every 20 s, and
// reconnects with exponential backoff (1 s doubling to 30 s, with jitter) whenever the socket closes or goes quiet.
// Every new connection starts with a snapshot, which the page takes as the whole truth: that is the resync.

export const PING_MS = 20_000;
/** No message at all (a pong included) for this long: the connection is dead even if the socket says open. */
export const SILENT_MS = 50_000;
export const FIRST_DELAY_MS = 1_000;
export const MAX_DELAY_MS = 30_000;

export class Live {
  /**
   * @param url       ws(s)://host/ws
   * @param onMessage called with each parsed message but pongs
   * @param onState   called with 'connecting' | 'live' | 'reconnecting', and the delay before the next try
   * @param onRefused called after a connection that never opened (maybe the session expired)
   * @param timing    {pingMs, silentMs, firstDelayMs, maxDelayMs}, the defaults above unless given
   */
  constructor(url, {onMessage, onState, onRefused, timing}) {
    this.url = url;
    this.timing = Object.assign({pingMs: PING_MS, silentMs: SILENT_MS, firstDelayMs: FIRST_DELAY_MS,
      maxDelayMs: MAX_DELAY_MS}, timing || {});
    this.onMessage = onMessage;
    this.onState = onState;
    this.onRefused = onRefused || (() => {});
    this.topics = new Set();
    this.attempt = 0;
    this.ws = null;
    this.timer = null;
    this.pinger = null;
    this.lastHeard = 0;
    this.stopped = false;
  }

  start() {
    this.connect();
    // A phone suspends the page: when it is shown again, do not wait out a backoff to be live.
    document.addEventListener('visibilitychange', () => {
      if (document.visibilityState === 'visible') this.wake();
    });
    window.addEventListener('online', () => this.wake());
  }

  wake() {
    if (this.stopped) return;
    if (!this.ws || this.ws.readyState > WebSocket.OPEN) {
      clearTimeout(this.timer);
      this.connect();
    } else if (this.ws.readyState === WebSocket.OPEN && Date.now() - this.lastHeard > this.timing.pingMs) {
      this.send({type: 'ping'});
    }
  }

  connect() {
    this.timer = null;
    this.onState(this.attempt === 0 ? 'connecting' : 'reconnecting');
    let ws;
    try {
      ws = new WebSocket(this.url);
    } catch (e) {
      this.retry(false);
      return;
    }
    this.ws = ws;
    let opened = false;
    ws.onopen = () => {
      opened = true;
      this.attempt = 0;
      this.lastHeard = Date.now();
      if (this.topics.size) this.send({type: 'subscribe', topics: [...this.topics]});
      this.onState('live');
      clearInterval(this.pinger);
      this.pinger = setInterval(() => this.ping(), this.timing.pingMs);
    };
    ws.onmessage = (e) => {
      if (ws !== this.ws) return;
      this.lastHeard = Date.now();
      let message;
      try {
        message = JSON.parse(e.data);
      } catch (err) {
        return;
      }
      if (message && message.type !== 'pong') this.onMessage(message);
    };
    ws.onclose = () => {
      if (ws !== this.ws) return;
      clearInterval(this.pinger);
      this.ws = null;
      this.retry(opened);
    };
    ws.onerror = () => { /* onclose follows */ };
  }

  ping() {
    if (Date.now() - this.lastHeard > this.timing.silentMs) {
      // Half-open (a phone changed networks, the controller's machine slept): give up on it and reconnect.
      const dead = this.ws;
      this.ws = null;
      clearInterval(this.pinger);
      if (dead) {
        dead.onclose = null;
        try { dead.close(); } catch (e) { /* already closing */ }
      }
      this.retry(true);
      return;
    }
    this.send({type: 'ping'});
  }

  retry(wasOpen) {
    if (this.stopped) return;
    const base = Math.min(this.timing.maxDelayMs, this.timing.firstDelayMs * 2 ** this.attempt);
    // Full jitter over the upper half: many phones reconnecting after a controller restart do not stampede.
    const delay = Math.round(base / 2 + Math.random() * base / 2);
    this.attempt++;
    this.onState('reconnecting', delay);
    if (!wasOpen) this.onRefused(this.attempt);
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.connect(), delay);
  }

  send(message) {
    if (this.ws && this.ws.readyState === WebSocket.OPEN) {
      this.ws.send(JSON.stringify(message));
      return true;
    }
    return false;
  }

  subscribe(topics) {
    const fresh = topics.filter((t) => !this.topics.has(t));
    fresh.forEach((t) => this.topics.add(t));
    if (fresh.length) this.send({type: 'subscribe', topics: fresh});
  }

  unsubscribe(topics) {
    const known = topics.filter((t) => this.topics.delete(t));
    if (known.length) this.send({type: 'unsubscribe', topics: known});
  }

  isLive() {
    return !!this.ws && this.ws.readyState === WebSocket.OPEN;
  }
}

/** Merges a state delta into the fleet document: entries of the maps by name (null deletes), the rest replaced. */
export function mergeDelta(doc, delta) {
  const next = Object.assign({}, doc);
  for (const [key, value] of Object.entries(delta || {})) {
    if (MAPS.has(key) && value && typeof value === 'object' && !Array.isArray(value)) {
      const merged = Object.assign({}, doc[key] || {});
      for (const [name, entry] of Object.entries(value)) {
        if (entry === null) delete merged[name];
        else merged[name] = entry;
      }
      next[key] = merged;
    } else {
      next[key] = value;
    }
  }
  return next;
}

const MAPS = new Set(['machines', 'jobs', 'checkins', 'failover']);
