// Presence console: plain ES module. It calls the same REST routes that apps use (docs/api.md), its live view uses the
// web SDK (clients/web, docs/web-sdk.md) over the WebSocket, and the cluster view reads the read-only admin routes.
// Credentials live in the variables of this module only: never in localStorage, sessionStorage or cookies.

import { create } from './presence-web.js';

const $ = (id) => document.getElementById(id);

/** The signed-in app: { org, app, appToken, admin: { username, password } | null }. */
let session = null;
/** The console's own user, token and WebSocket (created on first need): see ensureLive(). */
let live = null;
let clusterTimer = null;

// ---------------------------------------------------------------------------------------------------------------
// HTTP helpers

class ApiError extends Error {
  constructor(status, code, description) {
    super(description ? `${status} ${code}: ${description}` : `${status} ${code}`);
    this.status = status;
    this.code = code;
  }
}

const appPath = (path) => `/${encodeURIComponent(session.org)}/${encodeURIComponent(session.app)}${path}`;
const userPath = (username, rest = '') => appPath(`/users/${encodeURIComponent(username)}/presence${rest}`);

async function request(method, url, { bearer, basic, body } = {}) {
  const headers = { Accept: 'application/json' };
  if (bearer) headers.Authorization = `Bearer ${bearer}`;
  if (basic) headers.Authorization = `Basic ${btoa(`${basic.username}:${basic.password}`)}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let response;
  try {
    response = await fetch(url, {
      method, headers, body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'omit', cache: 'no-store',
    });
  } catch (e) {
    throw new ApiError(0, 'network_error', 'the server did not answer');
  }
  const text = await response.text();
  let json = null;
  try { json = text ? JSON.parse(text) : null; } catch { /* not JSON */ }
  if (!response.ok) {
    throw new ApiError(response.status, json?.error ?? response.statusText ?? 'error', json?.error_description ?? '');
  }
  return json;
}

const appCall = (method, url, body) => request(method, url, { bearer: session.appToken, body });

// ---------------------------------------------------------------------------------------------------------------
// Small rendering helpers (textContent only: nothing received is ever parsed as HTML)

function el(tag, { text, cls, attrs } = {}, ...children) {
  const node = document.createElement(tag);
  if (text !== undefined && text !== null) node.textContent = String(text);
  if (cls) node.className = cls;
  if (attrs) for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  for (const child of children) if (child) node.append(child);
  return node;
}

function showError(id, error) {
  const node = $(id);
  if (!error) { node.hidden = true; node.textContent = ''; return; }
  node.textContent = error instanceof Error ? error.message : String(error);
  node.hidden = false;
}

const fmt = (n) => (typeof n === 'number' && Number.isFinite(n) ? n.toLocaleString('en-US') : '–');
const pad = (n, w = 2) => String(n).padStart(w, '0');
const clockTime = (d) => `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;

function unixTime(seconds) {
  const s = Number(seconds);
  if (!Number.isFinite(s) || s <= 0) return 'never';
  const date = new Date(s * 1000);
  const ago = Math.round(Date.now() / 1000 - s);
  const rel = ago >= 0 ? `${humanSpan(ago)} ago` : `in ${humanSpan(-ago)}`;
  return `${s} (${date.toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC')}, ${rel})`;
}

function humanSpan(seconds) {
  if (seconds < 60) return `${seconds} s`;
  if (seconds < 3600) return `${Math.round(seconds / 60)} min`;
  if (seconds < 172800) return `${Math.round(seconds / 3600)} h`;
  return `${Math.round(seconds / 86400)} d`;
}

/** online if some resource is not "0", offline if all are "0", unlogined with none (an approximation of the server's). */
function derivedStatusType(status) {
  const values = Object.values(status ?? {});
  if (values.some((v) => v !== '0')) return 'online';
  return values.length > 0 ? 'offline' : 'unlogined';
}

function statusText(status) {
  const entries = Object.entries(status ?? {});
  return entries.length === 0 ? '{}' : entries.map(([r, s]) => `${r}=${s}`).join(', ');
}

function parseUsers(text) {
  return [...new Set(text.split(/[\s,;]+/).map((u) => u.trim().toLowerCase()).filter(Boolean))];
}

// ---------------------------------------------------------------------------------------------------------------
// Sign in / out

function setMode() {
  const byToken = $('signin-mode-token').checked;
  $('signin-token-fields').hidden = !byToken;
  $('signin-client-fields').hidden = byToken;
}

async function signIn(event) {
  event.preventDefault();
  showError('signin-error', null);
  const org = $('signin-org').value.trim();
  const app = $('signin-app').value.trim();
  const byToken = $('signin-mode-token').checked;
  if (!org || !app) return showError('signin-error', 'Enter the org and the app.');
  const adminUser = $('signin-admin-user').value.trim();
  const adminPassword = $('signin-admin-password').value;
  const candidate = { org, app, appToken: null, admin: adminUser ? { username: adminUser, password: adminPassword } : null };
  const button = $('signin-submit');
  button.disabled = true;
  try {
    session = candidate;
    if (byToken) {
      const token = $('signin-token').value.trim();
      if (!token) throw new Error('Paste an app token.');
      session.appToken = token;
      await appCall('GET', appPath('/ping')); // checks the app, the token and that it is an app's
    } else {
      const clientId = $('signin-client-id').value.trim();
      const clientSecret = $('signin-client-secret').value;
      if (!clientId || !clientSecret) throw new Error('Enter the client id and the client secret.');
      const answer = await request('POST', appPath('/token'), {
        body: { grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret, ttl: 86400 },
      });
      session.appToken = answer.access_token;
    }
  } catch (error) {
    session = null;
    showError('signin-error', error.status === 401 ? `Sign-in refused: ${error.message}` : error);
    button.disabled = false;
    return;
  }
  button.disabled = false;
  // Forget what was typed: the form is not needed again until sign-out.
  for (const id of ['signin-client-secret', 'signin-token', 'signin-admin-password']) $(id).value = '';
  $('signin-view').hidden = true;
  $('app-view').hidden = false;
  $('session-summary').hidden = false;
  $('session-app').textContent = `${org}/${app}`;
  $('session-admin').textContent = session.admin ? `admin: ${session.admin.username}` : 'no admin credential';
  $('session-user').textContent = 'console user: not connected';
  selectTab('tab-cluster');
  startCluster();
}

function signOut() {
  stopCluster();
  if (live) live.close();
  live = null;
  session = null;
  rateHistory.length = 0;
  lastSample = null;
  $('events').replaceChildren();
  $('watching').replaceChildren();
  $('lookup-result').hidden = true;
  $('app-view').hidden = true;
  $('session-summary').hidden = true;
  $('signin-view').hidden = false;
  $('signin-submit').disabled = false;
}

// ---------------------------------------------------------------------------------------------------------------
// Tabs (WAI-ARIA tabs: arrow keys move between them)

const tabs = () => [...document.querySelectorAll('[role="tab"]')];

function selectTab(id) {
  for (const tab of tabs()) {
    const selected = tab.id === id;
    tab.setAttribute('aria-selected', String(selected));
    tab.tabIndex = selected ? 0 : -1;
    $(tab.getAttribute('aria-controls')).hidden = !selected;
  }
  if (id === 'tab-cluster') drawChart();
}

function onTabKey(event) {
  const list = tabs();
  const index = list.indexOf(event.target);
  if (index < 0) return;
  let next = null;
  if (event.key === 'ArrowRight') next = list[(index + 1) % list.length];
  if (event.key === 'ArrowLeft') next = list[(index - 1 + list.length) % list.length];
  if (next) { event.preventDefault(); selectTab(next.id); next.focus(); }
}

// ---------------------------------------------------------------------------------------------------------------
// Cluster view: GET /admin/cluster every second

const rateHistory = []; // { at: ms, rate: events per second }
let lastSample = null; // { at: ms, changes }
const HISTORY_SECONDS = 60;

function startCluster() {
  stopCluster();
  if (!session.admin) {
    clusterNote('The cluster view needs the admin credential (Presence:Admin:Username / Password). Sign in again with it to see silos, apps and events per second.');
    return;
  }
  clusterNote(null);
  pollCluster();
}

function stopCluster() {
  if (clusterTimer) clearTimeout(clusterTimer);
  clusterTimer = null;
}

function clusterNote(text) {
  const note = $('cluster-note');
  note.hidden = !text;
  note.textContent = text ?? '';
}

async function pollCluster() {
  clusterTimer = null;
  if (!session?.admin) return;
  const started = performance.now();
  let keepPolling = true;
  try {
    const data = await request('GET', '/admin/cluster', { basic: session.admin });
    if (!session) return;
    clusterNote(null);
    renderCluster(data ?? {});
  } catch (error) {
    if (!session) return;
    if (error.status === 401 || error.status === 403) {
      keepPolling = false;
      clusterNote(`The admin credential was refused (${error.message}). Sign out and in again with the right one to see the cluster.`);
    } else if (error.status === 404) {
      keepPolling = false;
      clusterNote('The cluster view is unavailable on this node: /admin/cluster answered 404 (no admin routes, or no admin credential configured on the server).');
    } else {
      clusterNote(`The cluster view is unavailable for now: ${error.message}. Retrying every second.`);
    }
  }
  if (keepPolling && session) clusterTimer = setTimeout(pollCluster, Math.max(0, 1000 - (performance.now() - started)));
}

function renderCluster(data) {
  const silos = Array.isArray(data.silos) ? data.silos : [];
  const apps = Array.isArray(data.apps) ? data.apps : [];
  const totals = data.totals ?? {};
  const gateway = data.gateway ?? {};
  const sum = (list, field) => list.reduce((s, x) => s + (Number(x?.[field]) || 0), 0);

  $('tile-silos').textContent = fmt(silos.length);
  $('tile-online').textContent = fmt(totals.online_users ?? sum(apps, 'online_users'));
  $('tile-devices').textContent = fmt(totals.connected_devices ?? sum(apps, 'connected_devices'));
  $('tile-sockets').textContent = fmt(gateway.open_sockets);
  $('tile-delivered').textContent = fmt(gateway.events_delivered);

  // Events per second: the growth of totals.changes between two samples, per second of wall time.
  const now = performance.now();
  const changes = Number(totals.changes);
  if (Number.isFinite(changes)) {
    if (lastSample && now > lastSample.at) {
      const rate = Math.max(0, ((changes - lastSample.changes) * 1000) / (now - lastSample.at));
      rateHistory.push({ at: now, rate });
      while (rateHistory.length && now - rateHistory[0].at > HISTORY_SECONDS * 1000) rateHistory.shift();
      $('tile-rate').textContent = rate < 10 ? rate.toFixed(1) : fmt(Math.round(rate));
    }
    lastSample = { at: now, changes };
  } else {
    $('tile-rate').textContent = '–';
  }
  drawChart();

  const appRows = apps.map((a) => el('tr', {},
    el('td', { text: a?.app ?? '?', cls: 'mono' }),
    el('td', { text: fmt(a?.online_users), cls: 'num' }),
    el('td', { text: fmt(a?.connected_devices), cls: 'num' })));
  $('cluster-apps').replaceChildren(...(appRows.length ? appRows : [emptyRow(3, 'No app has users online.')]));

  const siloRows = silos.map((s) => {
    const perApp = (Array.isArray(s?.apps) ? s.apps : [])
      .map((a) => `${a?.app ?? '?'}: ${fmt(a?.online_users)} online, ${fmt(a?.connected_devices)} devices` +
        (a?.open_sockets === undefined ? '' : `, ${fmt(a.open_sockets)} sockets`))
      .join('; ');
    return el('tr', {},
      el('td', { text: s?.address ?? '?', cls: 'mono' }),
      el('td', { text: s?.name ?? '' }),
      el('td', {}, el('span', { text: s?.status ?? '?', cls: `badge ${String(s?.status).toLowerCase() === 'active' ? 'online' : 'offline'}` })),
      el('td', { text: fmt(s?.activations), cls: 'num' }),
      el('td', { text: perApp || '–', cls: 'small' }));
  });
  $('cluster-silos').replaceChildren(...(siloRows.length ? siloRows : [emptyRow(5, 'No silo reported.')]));
  $('cluster-updated').textContent = `Updated ${clockTime(new Date())}${data.generated_at ? ` (server: ${data.generated_at})` : ''}; polled every second.`;
}

function emptyRow(columns, text) {
  return el('tr', {}, el('td', { text, cls: 'empty', attrs: { colspan: columns } }));
}

function drawChart() {
  const canvas = $('rate-chart');
  if (!canvas || canvas.offsetParent === null) return; // hidden: drawn when shown
  const ratio = window.devicePixelRatio || 1;
  const width = canvas.clientWidth;
  const height = canvas.clientHeight;
  if (canvas.width !== Math.round(width * ratio) || canvas.height !== Math.round(height * ratio)) {
    canvas.width = Math.round(width * ratio);
    canvas.height = Math.round(height * ratio);
  }
  const ctx = canvas.getContext('2d');
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  ctx.clearRect(0, 0, width, height);
  const style = getComputedStyle(document.documentElement);
  const left = 40, right = 8, top = 10, bottom = 20;
  const plotW = width - left - right, plotH = height - top - bottom;
  const max = niceMax(Math.max(1, ...rateHistory.map((p) => p.rate)));
  ctx.font = '11px system-ui, sans-serif';
  ctx.fillStyle = style.getPropertyValue('--muted');
  ctx.strokeStyle = style.getPropertyValue('--line');
  ctx.lineWidth = 1;
  for (const fraction of [0, 0.5, 1]) {
    const y = top + plotH * (1 - fraction);
    ctx.beginPath(); ctx.moveTo(left, y + 0.5); ctx.lineTo(left + plotW, y + 0.5); ctx.stroke();
    ctx.textAlign = 'right'; ctx.textBaseline = 'middle';
    ctx.fillText(fmt(Math.round(max * fraction * 10) / 10), left - 6, y);
  }
  ctx.textAlign = 'left'; ctx.textBaseline = 'top';
  ctx.fillText(`${HISTORY_SECONDS} s ago`, left, top + plotH + 5);
  ctx.textAlign = 'right';
  ctx.fillText('now', left + plotW, top + plotH + 5);
  if (rateHistory.length === 0) return;
  const now = performance.now();
  const x = (p) => left + plotW * (1 - Math.min(HISTORY_SECONDS * 1000, now - p.at) / (HISTORY_SECONDS * 1000));
  const y = (p) => top + plotH * (1 - p.rate / max);
  ctx.beginPath();
  rateHistory.forEach((p, i) => (i === 0 ? ctx.moveTo(x(p), y(p)) : ctx.lineTo(x(p), y(p))));
  ctx.strokeStyle = style.getPropertyValue('--chart');
  ctx.lineWidth = 2;
  ctx.stroke();
  ctx.lineTo(x(rateHistory[rateHistory.length - 1]), top + plotH);
  ctx.lineTo(x(rateHistory[0]), top + plotH);
  ctx.closePath();
  ctx.fillStyle = style.getPropertyValue('--chart-fill');
  ctx.fill();
}

function niceMax(value) {
  const magnitude = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 5, 10]) if (value <= step * magnitude) return step * magnitude;
  return 10 * magnitude;
}

// ---------------------------------------------------------------------------------------------------------------
// The console's own session: a user token for console-<random> (grant_type inherit) and its WebSocket

class LiveSession {
  constructor(username, resource, token) {
    this.username = username;
    this.resource = resource;
    this.token = token;
    this.versions = new Map(); // uid -> last version shown, for the gap markers
    this.watching = new Set();
    // The web SDK's client (clients/web): reply matching, ordering, reconnect with backoff, re-subscription and
    // catch-up. timing=1: event frames carry changed_at (ms), so each row shows its change-to-delivery latency.
    this.client = create({ url: location.origin, org: session.org, app: session.app, params: { timing: '1' } });
    this.client.on('presence', (event) => this.onPresence(event));
    this.client.on('subscription_ended', (frame) => {
      this.watching.delete(frame.uid);
      renderWatching();
      appendEnded(frame, Date.now());
    });
    this.client.on('state', (change) => this.onState(change));
  }

  get isOpen() { return this.client.state === 'open'; }

  async connect() {
    await this.client.login({ userID: this.username, token: this.token, resource: this.resource });
  }

  onPresence(event) {
    if (event.uid === this.username) return; // the console's own login: not an event of a watched user
    // After a reconnect the SDK re-reads the watched users: those rows are snapshots, not events.
    appendEvent(event, Date.now(), event.resync);
  }

  onState({ state, code, reason, attempt, error }) {
    if (live !== this) return;
    const why = code ? ` (${code}${reason ? ` ${reason}` : ''})` : '';
    if (state === 'open') liveState(`Connected as ${this.username} (resource ${this.resource}).`);
    else if (state === 'reconnecting') liveState(`Connection closed${why}; reconnecting (attempt ${attempt})…`);
    else if (state === 'closed') {
      liveState(error ? `Disconnected: ${error.message}` : `Disconnected${why}.`);
      $('session-user').textContent = `console user: ${this.username} (disconnected)`;
    }
  }

  /** Subscribes over the socket; the SDK renews the subscription after a reconnect. */
  async subscribe(users, expiry) {
    const answer = await this.client.subscribe(users, expiry);
    for (const item of answer.result) this.watching.add(item.uid);
    return answer;
  }

  /** The socket's query: presences with status_type and version, which R3 does not carry. */
  async query(users) {
    return (await this.client.query(users)).result;
  }

  close() {
    this.client.destroy();
  }
}

function randomId(length = 10) {
  const bytes = crypto.getRandomValues(new Uint8Array(length));
  return [...bytes].map((b) => (b % 36).toString(36)).join('');
}

function liveState(text) { $('live-state').textContent = text; }

async function ensureLive() {
  if (live && live.isOpen) return live;
  if (live) { live.close(); live = null; }
  const username = `console-${randomId()}`;
  const resource = `console_${randomId(12)}`;
  liveState('Connecting…');
  const answer = await appCall('POST', appPath('/token'), { grant_type: 'inherit', username, ttl: 86400 });
  const candidate = new LiveSession(username, resource, answer.access_token);
  live = candidate;
  try {
    await candidate.connect();
  } catch (error) {
    if (live === candidate) live = null;
    throw error;
  }
  $('session-user').textContent = `console user: ${username}`;
  return live;
}

// ---------------------------------------------------------------------------------------------------------------
// Look up a user: R3 presence (+ the socket's query for status type and version), R5 subscriptions, watcher count

const SUBLIST_PAGE_SIZE = 10;
let lookup = { username: null, page: 1, total: 0 };

async function lookUp(event) {
  event.preventDefault();
  showError('lookup-error', null);
  const username = $('lookup-user').value.trim().toLowerCase();
  if (!username) return showError('lookup-error', 'Enter a username.');
  const button = $('lookup-submit');
  button.disabled = true;
  try {
    // R3: {username} in the path is the caller; any user will do with an app token. The console's own user asks.
    const caller = live?.username ?? `console-${randomId()}`;
    const answer = await appCall('POST', userPath(caller), { usernames: [username] });
    const presence = (answer?.result ?? [])[0] ?? { uid: username, last_time: '0', ext: '', status: {} };
    let detail = null;
    try {
      const me = await ensureLive();
      detail = (await me.query([username]))[0] ?? null;
    } catch (e) {
      detail = null; // the socket is optional here: status type is then derived, version unknown
    }
    renderPresence(presence, detail);
    lookup = { username, page: 1, total: 0 };
    $('lookup-result').hidden = false;
    await Promise.all([loadSublist(), loadWatchers(username)]);
  } catch (error) {
    showError('lookup-error', error);
  } finally {
    button.disabled = false;
  }
}

function renderPresence(presence, detail) {
  const status = presence.status ?? {};
  $('lookup-uid').textContent = presence.uid ?? '';
  const type = detail?.status_type ?? derivedStatusType(status);
  const badge = $('lookup-status-type');
  badge.textContent = detail?.status_type ? type : `${type} (derived)`;
  badge.className = `badge ${type}`;
  $('lookup-version').textContent = detail && Number.isFinite(Number(detail.version)) ? String(detail.version) : 'unknown (no WebSocket)';
  $('lookup-ext').textContent = presence.ext ? JSON.stringify(presence.ext) : '"" (none)';
  $('lookup-last-time').textContent = unixTime(presence.last_time);
  const rows = Object.entries(status).map(([resource, value]) => el('tr', {},
    el('td', { text: resource, cls: 'mono' }),
    el('td', { text: value === '0' ? '0 (offline)' : value === '1' ? '1 (online)' : value, cls: `status-${value === '0' || value === '1' ? value : 'custom'}` })));
  $('lookup-resources').replaceChildren(...(rows.length ? rows : [emptyRow(2, 'No resource has logged in.')]));
}

async function loadSublist() {
  const { username, page } = lookup;
  if (!username) return;
  const answer = await appCall('GET', `${userPath(username, '/sublist')}?pageNum=${page}&pageSize=${SUBLIST_PAGE_SIZE}`);
  const result = answer?.result ?? {};
  const total = Number(result.totalnum) || 0;
  const list = Array.isArray(result.sublist) ? result.sublist : [];
  lookup.total = total;
  const rows = list.map((s) => el('tr', {}, el('td', { text: s?.uid ?? '?', cls: 'mono' }), el('td', { text: unixTime(s?.expiry) })));
  $('sublist').replaceChildren(...(rows.length ? rows : [emptyRow(2, page > 1 ? 'No subscription on this page.' : 'Watches nobody.')]));
  const pages = Math.max(1, Math.ceil(total / SUBLIST_PAGE_SIZE));
  $('sublist-total').textContent = `(${total})`;
  $('sublist-page').textContent = `page ${page} of ${pages}`;
  $('sublist-prev').disabled = page <= 1;
  $('sublist-next').disabled = page >= pages;
}

async function turnPage(delta) {
  lookup.page = Math.max(1, lookup.page + delta);
  try { await loadSublist(); } catch (error) { showError('lookup-error', error); }
}

async function loadWatchers(username) {
  const target = $('lookup-watchers');
  if (!session.admin) { target.textContent = 'needs the admin credential'; return; }
  try {
    const answer = await request('GET', `/admin/apps/${encodeURIComponent(session.org)}/${encodeURIComponent(session.app)}/users/${encodeURIComponent(username)}/watchers`, { basic: session.admin });
    target.textContent = Number.isFinite(Number(answer?.count)) ? fmt(Number(answer.count)) : 'unknown';
  } catch (error) {
    target.textContent = `unavailable (${error.message})`;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Watch live: the console user subscribes over its socket (the web SDK), events arrive on it

async function watch(event) {
  event.preventDefault();
  showError('watch-error', null);
  const users = parseUsers($('watch-users').value);
  const expiry = Math.trunc(Number($('watch-expiry').value));
  if (users.length === 0) return showError('watch-error', 'Enter at least one username.');
  if (users.length > 100) return showError('watch-error', 'At most 100 users per call.');
  if (!(expiry >= 1 && expiry <= 2592000)) return showError('watch-error', 'The subscription length is 1 to 2,592,000 seconds.');
  const button = $('watch-submit');
  button.disabled = true;
  try {
    const me = await ensureLive();
    const answer = await me.subscribe(users, expiry);
    renderWatching();
    if (!$('set-user').value && users.length) $('set-user').value = users[0];
    // The reply carries each user's state at subscription time: a baseline of versions for the first event's gap.
    for (const presence of answer.result) appendEvent(presence, Date.now(), true);
    if (answer.failed.length) showError('watch-error', `Not subscribed: ${answer.failed.map((f) => `${f.uid} (${f.error_description})`).join(', ')}`);
  } catch (error) {
    showError('watch-error', error);
  } finally {
    button.disabled = false;
  }
}

function renderWatching() {
  const chips = [...(live?.watching ?? [])].sort().map((u) => el('li', { text: u, cls: 'chip mono' }));
  $('watching').replaceChildren(...chips);
}

const MAX_EVENTS = 500;

/** When the frame says when the change happened (a field some servers add), in ms since the epoch; else null. */
function eventTimeOf(frame) {
  for (const field of ['event_time', 'changed_at', 'time', 'timestamp', 'ts']) {
    const value = frame[field];
    if (typeof value === 'number' && Number.isFinite(value)) return value > 1e12 ? value : value * 1000;
    if (typeof value === 'string' && value) {
      const parsed = /^\d+$/.test(value) ? Number(value) : Date.parse(value);
      if (Number.isFinite(parsed)) return parsed > 1e12 ? parsed : parsed * 1000;
    }
  }
  return null;
}

function appendEvent(frame, receivedAt, snapshot = false) {
  const uid = String(frame.uid ?? '?');
  const version = Number(frame.version);
  const previous = live?.versions.get(uid);
  const gap = !snapshot && Number.isFinite(version) && previous !== undefined && version > previous + 1;
  if (live && Number.isFinite(version) && (previous === undefined || version > previous)) live.versions.set(uid, version);
  const eventTime = snapshot ? null : eventTimeOf(frame);
  const latency = eventTime === null ? '' : `${Math.max(0, receivedAt - eventTime)} ms`;
  if (eventTime !== null) $('events-card').classList.add('has-latency'); // the column shows once a frame carries a time
  const type = frame.status_type ?? derivedStatusType(frame.status);
  const versionCell = el('span', { text: Number.isFinite(version) ? `v${version}` : '', cls: 'version' });
  if (snapshot) versionCell.append(el('span', { text: 'now', cls: 'snapshot-tag', attrs: { title: 'the state when subscribed (or re-read), not an event' } }));
  if (gap) versionCell.append(el('span', { text: `gap +${version - previous - 1}`, cls: 'gap-marker', attrs: { title: `v${previous} → v${version}: ${version - previous - 1} change(s) merged or missed` } }));
  const row = el('li', {
    cls: [snapshot ? 'snapshot' : 'event', gap ? 'gap' : ''].join(' ').trim(),
    attrs: { 'data-uid': uid, 'data-version': Number.isFinite(version) ? version : '', 'data-received-at': receivedAt, 'data-kind': snapshot ? 'snapshot' : 'presence' },
  },
  el('span', { text: clockTime(new Date(receivedAt)), cls: 'time' }),
  el('span', { text: uid, cls: 'mono' }),
  el('span', {}, el('span', { text: type, cls: `badge ${type}` })),
  el('span', { text: statusText(frame.status), cls: 'mono', attrs: { title: statusText(frame.status) } }),
  el('span', { text: frame.ext ?? '', attrs: { title: frame.ext ?? '' } }),
  versionCell,
  el('span', { text: latency, cls: 'latency' }));
  addRow(row);
}

function appendEnded(frame, receivedAt) {
  const row = el('li', { cls: 'ended', attrs: { 'data-uid': frame.uid ?? '', 'data-kind': 'subscription_ended', 'data-received-at': receivedAt } },
    el('span', { text: clockTime(new Date(receivedAt)), cls: 'time' }),
    el('span', { text: frame.uid ?? '?', cls: 'mono' }),
    el('span', { text: 'ended' }),
    el('span', { text: `subscription ended: ${frame.reason ?? ''}` }),
    el('span'), el('span'), el('span', { cls: 'latency' }));
  addRow(row);
}

function addRow(row) {
  const list = $('events');
  const atBottom = list.scrollTop + list.clientHeight >= list.scrollHeight - 8;
  list.append(row);
  while (list.childElementCount > MAX_EVENTS) list.firstElementChild.remove();
  if (atBottom) list.scrollTop = list.scrollHeight;
}

// ---------------------------------------------------------------------------------------------------------------
// Set a status: R1

async function setStatus(event) {
  event.preventDefault();
  const result = $('set-result');
  result.textContent = '';
  result.className = 'small';
  const user = $('set-user').value.trim();
  const resource = $('set-resource').value.trim();
  const status = $('set-status').value.trim();
  try {
    if (!user || !resource || !status) throw new Error('User, resource and status are required.');
    await appCall('POST', userPath(user, `/${encodeURIComponent(resource)}/${encodeURIComponent(status)}`), { ext: $('set-ext').value });
    result.textContent = `ok: ${user.toLowerCase()} ${resource}=${status} at ${clockTime(new Date())}`;
  } catch (error) {
    result.textContent = error.message;
    result.className = 'small error';
  }
}

// ---------------------------------------------------------------------------------------------------------------

function init() {
  $('signin-form').addEventListener('submit', signIn);
  for (const radio of document.querySelectorAll('input[name="mode"]')) radio.addEventListener('change', setMode);
  $('signout').addEventListener('click', signOut);
  for (const tab of tabs()) tab.addEventListener('click', () => selectTab(tab.id));
  document.querySelector('[role="tablist"]').addEventListener('keydown', onTabKey);
  $('lookup-form').addEventListener('submit', lookUp);
  $('sublist-prev').addEventListener('click', () => turnPage(-1));
  $('sublist-next').addEventListener('click', () => turnPage(1));
  $('watch-form').addEventListener('submit', watch);
  $('watch-clear').addEventListener('click', () => $('events').replaceChildren());
  $('set-form').addEventListener('submit', setStatus);
  window.addEventListener('resize', drawChart);
  window.addEventListener('pagehide', () => live?.close());
  setMode();
  document.body.dataset.ready = 'true';
}

init();
