// Presence.Orleans web SDK, built from clients/web/src by clients/web/build.mjs: edit the sources, then npm run build.

// src/backoff.ts
var defaultReconnect = {
  initialDelayMs: 500,
  maxDelayMs: 3e4,
  maxAttempts: Number.POSITIVE_INFINITY
};
function backoffDelay(attempt, options, random = Math.random) {
  const cap = Math.min(options.maxDelayMs, options.initialDelayMs * 2 ** Math.min(attempt, 30));
  return Math.round(cap / 2 + random() * (cap / 2));
}

// src/emitter.ts
var Emitter = class {
  listeners = /* @__PURE__ */ new Map();
  /** Adds a listener; returns a function that removes it. */
  on(name, listener) {
    let set = this.listeners.get(name);
    if (!set) this.listeners.set(name, set = /* @__PURE__ */ new Set());
    set.add(listener);
    return () => this.off(name, listener);
  }
  off(name, listener) {
    this.listeners.get(name)?.delete(listener);
  }
  removeAllListeners() {
    this.listeners.clear();
  }
  emit(name, ...args) {
    for (const listener of [...this.listeners.get(name) ?? []]) {
      try {
        listener(...args);
      } catch (error) {
        report(error);
      }
    }
  }
};
function report(error) {
  const global = globalThis;
  if (typeof global.reportError === "function") global.reportError(error);
  else global.console?.error("presence-web: a listener threw", error);
}

// src/errors.ts
var PresenceError = class extends Error {
  error;
  error_description;
  /** A number in the HTTP family (400, 401, 403, 404, 429, 503, …): Tencent's errors carry a numeric `code`. */
  code;
  status;
  retry_after;
  constructor(error, description, options = {}) {
    super(description ? `${error}: ${description}` : error, options.cause === void 0 ? void 0 : { cause: options.cause });
    this.name = "PresenceError";
    this.error = error;
    this.error_description = description;
    this.status = options.status;
    this.retry_after = options.retryAfter;
    this.code = codeOf(error, options.status);
  }
};
var codes = {
  illegal_argument: 400,
  unauthorized: 401,
  forbidden: 403,
  not_supported: 405,
  timeout: 408,
  reach_limit: 429,
  service_unavailable: 503,
  connection_closed: 503,
  connection_failed: 503,
  not_connected: 503
};
function codeOf(error, status) {
  if (status !== void 0 && status >= 400) return status;
  if (error.endsWith("_not_found")) return 404;
  return codes[error] ?? 500;
}
function errorFromBody(body, status) {
  if (body && typeof body === "object" && typeof body.error === "string") {
    const b = body;
    return new PresenceError(b.error, typeof b.error_description === "string" ? b.error_description : "", {
      status,
      retryAfter: typeof b.retry_after === "number" ? b.retry_after : void 0
    });
  }
  return new PresenceError("http_error", `the server answered ${status ?? "without a status"}`, { status });
}

// src/protocol.ts
var MaxUsersPerQuery = 500;
var MaxUsersPerSubscribe = 100;
var MaxUsersPerUnsubscribe = 100;
var MaxExpirySeconds = 2592e3;
function chunk(items, size) {
  const chunks = [];
  for (let i = 0; i < items.length; i += size) chunks.push(items.slice(i, i + size));
  return chunks;
}
function isPresence(value) {
  return !!value && typeof value === "object" && typeof value.uid === "string";
}

// src/rest.ts
var ExpectsUpgrade = "this route expects a WebSocket upgrade";
async function restCall(fetchImpl, url, method, bearer, body) {
  const headers = { Authorization: `Bearer ${bearer}`, Accept: "application/json" };
  if (body !== void 0) headers["Content-Type"] = "application/json";
  let response;
  try {
    response = await fetchImpl(url, { method, headers, body: body === void 0 ? void 0 : JSON.stringify(body) });
  } catch (cause) {
    throw new PresenceError("connection_failed", `could not reach ${url}`, { cause });
  }
  const text = await response.text();
  const parsed = parse(text);
  if (response.status >= 200 && response.status < 300) return parsed;
  throw errorFromBody(parsed, response.status);
}
async function diagnoseRefusal(fetchImpl, url) {
  if (!fetchImpl) return new PresenceError("connection_failed", "the WebSocket could not be opened");
  try {
    const response = await fetchImpl(url, { method: "GET", headers: { Accept: "application/json" } });
    const body = parse(await response.text());
    const error = errorFromBody(body, response.status);
    if (error.error_description === ExpectsUpgrade) return new PresenceError("connection_failed", "the WebSocket could not be opened");
    return error;
  } catch (cause) {
    return new PresenceError("connection_failed", "the server could not be reached", { cause });
  }
}
function isFatal(error) {
  return error.status === 400 || error.status === 401 || error.status === 403 || error.status === 404;
}
function parse(text) {
  if (!text) return void 0;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

// src/subscriptions.ts
var SubscriptionBook = class {
  expiries = /* @__PURE__ */ new Map();
  hold(uid, expiry) {
    this.expiries.set(uid, expiry);
  }
  release(uid) {
    this.expiries.delete(uid);
  }
  releaseAll() {
    this.expiries.clear();
  }
  has(uid) {
    return this.expiries.has(uid);
  }
  expiryOf(uid) {
    return this.expiries.get(uid);
  }
  /** Live subscriptions, by uid. */
  list(nowSeconds) {
    this.dropExpired(nowSeconds);
    return [...this.expiries].map(([uid, expiry]) => ({ uid, expiry })).sort((a, b) => a.uid < b.uid ? -1 : a.uid > b.uid ? 1 : 0);
  }
  /** Calls that renew every live subscription: users grouped by seconds left, at most 100 per call. */
  renewals(nowSeconds) {
    this.dropExpired(nowSeconds);
    const groups = /* @__PURE__ */ new Map();
    for (const [uid, expiry] of this.expiries) {
      const left = Math.max(1, Math.ceil(expiry - nowSeconds));
      let users = groups.get(left);
      if (!users) groups.set(left, users = []);
      users.push(uid);
    }
    return [...groups].flatMap(([expiry, users]) => chunk(users, MaxUsersPerSubscribe).map((part) => ({ expiry, users: part })));
  }
  dropExpired(nowSeconds) {
    for (const [uid, expiry] of this.expiries) if (expiry <= nowSeconds) this.expiries.delete(uid);
  }
};

// src/versions.ts
var VersionTracker = class {
  seen = /* @__PURE__ */ new Map();
  accept(uid, version, epoch) {
    const last = this.seen.get(uid);
    if (last && last.epoch === epoch && version <= last.version) return { accepted: false, gap: 0 };
    if (last && last.epoch !== epoch && version === last.version) {
      last.epoch = epoch;
      return { accepted: false, gap: 0 };
    }
    const gap = last && version > last.version + 1 ? version - last.version - 1 : 0;
    this.seen.set(uid, { version, epoch });
    return { accepted: true, gap };
  }
  /** The users something was shown of. */
  users() {
    return [...this.seen.keys()];
  }
  lastVersion(uid) {
    return this.seen.get(uid)?.version;
  }
  clear() {
    this.seen.clear();
  }
};

// src/client.ts
var Open = 1;
var Final = /* @__PURE__ */ new Set([1e3, 1003, 1008, 1009, 4e3, 4001]);
var PresenceClient = class extends Emitter {
  options;
  reconnect;
  timeoutMs;
  book = new SubscriptionBook();
  tracker = new VersionTracker();
  pending = /* @__PURE__ */ new Map();
  openWaiters = /* @__PURE__ */ new Set();
  socket = null;
  login_ = null;
  state_ = "idle";
  epoch = 0;
  nextId = 1;
  stopping = false;
  retryTimer = null;
  constructor(options) {
    super();
    if (!options || !options.url || !options.org || !options.app) throw new PresenceError("illegal_argument", "url, org and app are required");
    this.options = options;
    this.reconnect = options.reconnect === false ? null : { ...defaultReconnect, ...options.reconnect ?? {} };
    this.timeoutMs = options.requestTimeoutMs ?? 15e3;
  }
  get state() {
    return this.state_;
  }
  /** The logged-in user (lower-case, as the server stores it), or null. */
  get userID() {
    return this.login_?.userID ?? null;
  }
  get resource() {
    return this.login_?.resource ?? null;
  }
  /** Opens the device's socket; resolves once it is open (the resource is then online). */
  async login(options) {
    if (!options || !options.userID) throw new PresenceError("illegal_argument", "userID is required");
    if (this.state_ === "connecting" || this.state_ === "open" || this.state_ === "reconnecting")
      throw new PresenceError("illegal_argument", "already logged in: log out or destroy first");
    if (options.password !== void 0 && options.token === void 0 && options.userSig === void 0)
      throw new PresenceError("not_supported", "password login is not supported by this server yet: log in with a user token or a UserSig");
    if (!options.token && !options.userSig) throw new PresenceError("illegal_argument", "a token or a userSig is required");
    this.login_ = {
      userID: options.userID.toLowerCase(),
      resource: options.resource ?? `web_${randomId()}`,
      token: options.token,
      userSig: options.userSig
    };
    this.stopping = false;
    this.setState({ state: "connecting" });
    try {
      await this.connect();
    } catch (error) {
      this.login_ = null;
      this.setState({ state: "closed", error });
      throw error;
    }
  }
  /** Logs this resource out (the server shows it `"0"`; a user whose every resource logged out is `unlogined`). */
  async logout() {
    if (this.state_ === "open") {
      this.stopping = true;
      try {
        await this.call("logout", {});
      } catch (error) {
        if (!(error instanceof PresenceError) || error.error !== "connection_closed") {
          this.stop(1e3, "logout");
          throw error;
        }
      }
    }
    this.stop(1e3, "logout");
  }
  /** Closes the socket without logging out (the resource shows offline) and drops every listener. */
  destroy() {
    this.stop(1e3, "");
    this.removeAllListeners();
  }
  /** Sets this user's status on this resource (not `"0"`) and/or `ext` (`""` clears). */
  async setStatus(change) {
    const fields = {};
    if (change.status !== void 0) fields.status = change.status;
    if (change.ext !== void 0) fields.ext = change.ext;
    const { result } = await this.call("set_status", fields);
    return result;
  }
  /** Presences of any users, in request order (more than 500 are split into several calls). */
  async query(users) {
    return this.batched("query", users, MaxUsersPerQuery, {});
  }
  /** Subscribes for `expiry` seconds (1-2,592,000); the result carries each subscription's `expiry`. */
  async subscribe(users, expiry) {
    const answer = await this.batched("subscribe", users, MaxUsersPerSubscribe, { expiry });
    this.holdFrom(answer.result);
    return answer;
  }
  /** Ends subscriptions; none named (or `[]`) ends them all. */
  async unsubscribe(users) {
    if (!users || users.length === 0) {
      const { failed: failed2 } = await this.call("unsubscribe", { users: [] });
      this.book.releaseAll();
      return { failed: failed2 };
    }
    const failed = [];
    for (const part of chunk(users, MaxUsersPerUnsubscribe)) {
      const answer = await this.call("unsubscribe", { users: part });
      failed.push(...answer.failed);
      const refused = new Set(answer.failed.map((f) => f.uid));
      for (const uid of part) if (!refused.has(uid)) this.book.release(uid.toLowerCase());
    }
    return { failed };
  }
  /** The subscriptions this client made and holds (renewed on reconnect). */
  subscriptions() {
    return this.book.list(Date.now() / 1e3);
  }
  /** R5 over REST with the user token: the user's live subscriptions, by uid (pageNum from 1, pageSize 1-500). */
  async subscriptionList(pageNum = 1, pageSize = 100) {
    const login = this.requireLogin();
    if (!login.token) throw new PresenceError("not_supported", "listing subscriptions needs a token login (REST routes take a user token)");
    const fetchImpl = this.fetchImpl();
    if (!fetchImpl) throw new PresenceError("not_supported", "no fetch: pass options.fetch");
    const query = new URLSearchParams({ pageNum: String(pageNum), pageSize: String(pageSize) });
    const answer = await restCall(
      fetchImpl,
      `${this.httpBase()}/users/${encodeURIComponent(login.userID)}/presence/sublist?${query}`,
      "GET",
      login.token
    );
    return answer.result;
  }
  // ---------------------------------------------------------------------------------------------------------------
  requireLogin() {
    if (!this.login_) throw new PresenceError("not_connected", "not logged in");
    return this.login_;
  }
  async batched(op, users, size, fields) {
    if (!Array.isArray(users)) throw new PresenceError("illegal_argument", "users must be an array");
    if (users.length === 0) return this.call(op, { ...fields, users: [] });
    const result = [];
    const failed = [];
    for (const part of chunk(users, size)) {
      const answer = await this.call(op, { ...fields, users: part });
      if (Array.isArray(answer.result)) result.push(...answer.result.filter(isPresence));
      failed.push(...answer.failed);
    }
    return { result, failed };
  }
  holdFrom(presences) {
    for (const p of presences) {
      const expiry = Number(p.expiry);
      if (Number.isFinite(expiry) && expiry > 0) this.book.hold(p.uid, expiry);
    }
  }
  /** Sends one request and waits for its reply; while reconnecting it waits for the socket first, within the same timeout. */
  call(op, fields) {
    const deadline = Date.now() + this.timeoutMs;
    return this.whenOpen(deadline).then(() => this.send(op, fields, deadline));
  }
  whenOpen(deadline) {
    if (this.state_ === "open") return Promise.resolve();
    if (this.state_ !== "reconnecting" && this.state_ !== "connecting")
      return Promise.reject(new PresenceError("not_connected", "not logged in"));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.openWaiters.delete(done);
        reject(new PresenceError("timeout", "the connection did not come back in time"));
      }, Math.max(0, deadline - Date.now()));
      const done = () => {
        clearTimeout(timer);
        this.openWaiters.delete(done);
        if (this.state_ === "open") resolve();
        else reject(new PresenceError("not_connected", "the client stopped"));
      };
      this.openWaiters.add(done);
    });
  }
  send(op, fields, deadline) {
    const socket = this.socket;
    if (!socket || socket.readyState !== Open) return Promise.reject(new PresenceError("not_connected", "the connection is not open"));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new PresenceError("timeout", `no reply to ${op} within ${this.timeoutMs} ms`));
      }, Math.max(1, deadline - Date.now()));
      this.pending.set(id, { op, resolve, reject, timer });
      try {
        socket.send(JSON.stringify({ id, op, ...fields }));
      } catch (cause) {
        clearTimeout(timer);
        this.pending.delete(id);
        reject(new PresenceError("connection_closed", "the frame could not be sent", { cause }));
      }
    });
  }
  socketUrl() {
    const login = this.requireLogin();
    const query = new URLSearchParams({ resource: login.resource });
    if (login.token) query.set("access_token", login.token);
    if (login.userSig) {
      query.set("userSig", login.userSig);
      query.set("username", login.userID);
    }
    for (const [key, value] of Object.entries(this.options.params ?? {})) query.set(key, value);
    return `${this.httpBase()}/ws?${query}`;
  }
  httpBase() {
    const base = this.options.url.replace(/\/+$/, "").replace(/^ws(s?):/i, "http$1:");
    return `${base}/${encodeURIComponent(this.options.org)}/${encodeURIComponent(this.options.app)}`;
  }
  fetchImpl() {
    return this.options.fetch ?? globalThis.fetch?.bind(globalThis);
  }
  /** Opens a socket; on success it is the current one, in a new epoch. Rejects with the server's reason when refused. */
  connect() {
    const Socket = this.options.WebSocket ?? globalThis.WebSocket;
    if (!Socket)
      return Promise.reject(new PresenceError(
        "not_supported",
        "no WebSocket here: on Node 20 run with --experimental-websocket (Node 22 has one), or pass options.WebSocket"
      ));
    const httpUrl = this.socketUrl();
    const socket = new Socket(httpUrl.replace(/^http/i, "ws"));
    return new Promise((resolve, reject) => {
      let opened = false;
      socket.addEventListener("open", () => {
        if (this.stopping) {
          socket.close(1e3);
          reject(new PresenceError("not_connected", "the client stopped"));
          return;
        }
        opened = true;
        this.socket = socket;
        this.epoch += 1;
        this.setState({ state: "open" });
        resolve();
      });
      socket.addEventListener("message", (event) => {
        if (this.socket === socket) this.onFrame(event.data);
      });
      let refused = false;
      const refuse = () => {
        if (refused) return;
        refused = true;
        diagnoseRefusal(this.fetchImpl(), httpUrl).then(reject, reject);
      };
      socket.addEventListener("close", (event) => {
        if (!opened) return refuse();
        if (this.socket === socket) this.onClosed(event.code ?? 1006, event.reason ?? "");
      });
      socket.addEventListener("error", () => {
        if (!opened) refuse();
      });
    });
  }
  onFrame(data) {
    if (typeof data !== "string") return;
    let frame;
    try {
      frame = JSON.parse(data);
    } catch {
      return;
    }
    switch (frame.type) {
      case "reply":
      case "error": {
        const id = typeof frame.id === "number" ? frame.id : Number(frame.id);
        const waiter = this.pending.get(id);
        if (!waiter) {
          if (frame.type === "error") this.emit("error", new PresenceError(frame.error, frame.error_description ?? ""));
          return;
        }
        this.pending.delete(id);
        clearTimeout(waiter.timer);
        if (frame.type === "reply") waiter.resolve({ result: frame.result, failed: Array.isArray(frame.failed) ? frame.failed : [] });
        else waiter.reject(new PresenceError(frame.error, frame.error_description ?? "", { retryAfter: frame.retry_after }));
        return;
      }
      case "presence": {
        const { type: _type, ...presence } = frame;
        this.show(presence, false);
        return;
      }
      case "subscription_ended":
        this.book.release(frame.uid);
        this.emit("subscription_ended", { uid: frame.uid, reason: frame.reason });
        return;
    }
  }
  /** Shows a snapshot to the app if it is newer than the last one shown (see VersionTracker). */
  show(presence, resync) {
    const version = Number(presence.version);
    if (!Number.isFinite(version)) return false;
    const { accepted, gap } = this.tracker.accept(presence.uid, version, this.epoch);
    if (accepted) this.emit("presence", { ...presence, gap, resync });
    return accepted;
  }
  onClosed(code, reason) {
    this.socket = null;
    this.failPending(new PresenceError("connection_closed", `the connection closed (${code}${reason ? ` ${reason}` : ""})`));
    if (this.stopping) return;
    if (code === 4e3) this.emit("kicked", { code, reason });
    if (code === 4001) this.emit("error", new PresenceError("unauthorized", "the token expired (close 4001): log in again with a new token", { status: 401 }));
    if (Final.has(code) || !this.reconnect) {
      this.finish({ state: "closed", code, reason });
      return;
    }
    this.scheduleReconnect(0, code, reason);
  }
  scheduleReconnect(attempt, code, reason) {
    const options = this.reconnect;
    if (attempt >= options.maxAttempts) {
      this.finish({ state: "closed", code, reason, error: new PresenceError("connection_failed", `gave up after ${attempt} attempts`) });
      return;
    }
    const delayMs = backoffDelay(attempt, options);
    this.setState({ state: "reconnecting", code, reason, attempt: attempt + 1, delayMs });
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      if (this.stopping) return;
      this.connect().then(
        () => this.catchUp(),
        (error) => {
          if (this.stopping) return;
          if (isFatal(error)) this.finish({ state: "closed", error });
          else this.scheduleReconnect(attempt + 1, code, reason);
        }
      );
    }, delayMs);
  }
  /**
   * After a reconnect: renew the held subscriptions for the time they have left (their replies carry the current
   * state), then re-read every other user shown before, and show whatever changed meanwhile.
   */
  async catchUp() {
    const epoch = this.epoch;
    const changed = [];
    const reread = /* @__PURE__ */ new Set();
    try {
      for (const renewal of this.book.renewals(Date.now() / 1e3)) {
        const answer = await this.retrying(() => this.send("subscribe", { users: renewal.users, expiry: renewal.expiry }, Date.now() + this.timeoutMs));
        const presences = Array.isArray(answer.result) ? answer.result.filter(isPresence) : [];
        this.holdFrom(presences);
        for (const failed of answer.failed) this.book.release(failed.uid);
        for (const p of presences) {
          reread.add(p.uid);
          if (this.epoch === epoch && this.show(p, true)) changed.push(p.uid);
        }
      }
      const rest = this.tracker.users().filter((uid) => !reread.has(uid));
      for (const part of chunk(rest, MaxUsersPerQuery)) {
        const answer = await this.retrying(() => this.send("query", { users: part }, Date.now() + this.timeoutMs));
        for (const p of Array.isArray(answer.result) ? answer.result.filter(isPresence) : [])
          if (this.epoch === epoch && this.show(p, true)) changed.push(p.uid);
      }
      this.emit("reconnected", { changed });
    } catch (error) {
      if (error instanceof PresenceError && error.error !== "connection_closed") this.emit("error", error);
    }
  }
  /** Retries a catch-up call the server rate-limited, after the time it asks for (three times at most). */
  async retrying(call) {
    for (let attempt = 0; ; attempt++) {
      try {
        return await call();
      } catch (error) {
        if (!(error instanceof PresenceError) || error.error !== "reach_limit" || attempt >= 3) throw error;
        await new Promise((resolve) => setTimeout(resolve, (error.retry_after ?? 1) * 1e3));
      }
    }
  }
  stop(code, reason) {
    this.stopping = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    const socket = this.socket;
    this.socket = null;
    if (socket) {
      try {
        socket.close(code, reason);
      } catch {
      }
    }
    this.failPending(new PresenceError("connection_closed", "the client stopped"));
    if (this.state_ !== "idle" && this.state_ !== "closed") this.finish({ state: "closed", code, reason });
    this.login_ = null;
  }
  finish(change) {
    this.socket = null;
    this.setState(change);
    if (change.error) this.emit("error", change.error);
  }
  failPending(error) {
    for (const waiter of this.pending.values()) {
      clearTimeout(waiter.timer);
      waiter.reject(error);
    }
    this.pending.clear();
  }
  setState(change) {
    this.state_ = change.state;
    this.emit("state", change);
    if (change.state === "open" || change.state === "closed") for (const waiter of [...this.openWaiters]) waiter();
  }
};
function randomId() {
  const crypto = globalThis.crypto;
  if (crypto?.randomUUID) return crypto.randomUUID();
  return `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 10)}`;
}

// src/status.ts
var UserStatusType = {
  USER_STATUS_UNKNOWN: 0,
  USER_STATUS_ONLINE: 1,
  USER_STATUS_OFFLINE: 2,
  USER_STATUS_UNLOGINED: 3
};
function tencentStatusType(statusType) {
  switch (statusType) {
    case "online":
      return UserStatusType.USER_STATUS_ONLINE;
    case "offline":
      return UserStatusType.USER_STATUS_OFFLINE;
    case "unlogined":
      return UserStatusType.USER_STATUS_UNLOGINED;
    default:
      return UserStatusType.USER_STATUS_UNKNOWN;
  }
}
function statusTypeOf(tencent) {
  return tencent === 1 ? "online" : tencent === 2 ? "offline" : tencent === 3 ? "unlogined" : void 0;
}
function deriveStatusType(status) {
  const values = Object.values(status ?? {});
  if (values.length === 0) return "unlogined";
  return values.some((v) => v !== "0") ? "online" : "offline";
}

// src/tencent.ts
var TYPES = { ...UserStatusType };
var EVENT = {
  SDK_READY: "sdkStateReady",
  USER_STATUS_UPDATED: "onUserStatusUpdated",
  KICKED_OUT: "kickedOut",
  NET_STATE_CHANGE: "netStateChange",
  ERROR: "error"
};
var TencentChat = class {
  client;
  handlers = /* @__PURE__ */ new Map();
  /** The last status shown per user: USER_STATUS_UPDATED fires only when statusType or customStatus changed. */
  shown = /* @__PURE__ */ new Map();
  constructor(options) {
    this.client = new PresenceClient(options);
    this.client.on("presence", (p) => this.onPresence(p));
    this.client.on("kicked", () => this.fire(EVENT.KICKED_OUT, { type: "multipleAccount" }));
    this.client.on("state", (s) => this.fire(EVENT.NET_STATE_CHANGE, { state: s.state }));
    this.client.on("error", (e) => this.fire(EVENT.ERROR, { code: e.code, message: e.message }));
  }
  async login(options) {
    await this.client.login({ userID: options.userID, userSig: options.userSig, token: options.token, resource: options.resource });
    this.fire(EVENT.SDK_READY, void 0);
    return { code: 0, data: { repeatLogin: false } };
  }
  async logout() {
    await this.client.logout();
    this.shown.clear();
    return { code: 0, data: {} };
  }
  async destroy() {
    this.client.destroy();
    this.handlers.clear();
  }
  on(eventName, handler) {
    let set = this.handlers.get(eventName);
    if (!set) this.handlers.set(eventName, set = /* @__PURE__ */ new Set());
    set.add(handler);
  }
  off(eventName, handler) {
    this.handlers.get(eventName)?.delete(handler);
  }
  /** `customStatus` is our `ext` (`''` clears it). Resolves with the user's own status. */
  async setSelfStatus(options) {
    const presence = await this.client.setStatus({ ext: options?.customStatus ?? "" });
    return { code: 0, data: userStatusOf(presence) };
  }
  async getUserStatus(options) {
    const users = requireList(options);
    if (users.length === 0) throw new PresenceError("illegal_argument", "userIDList must not be empty");
    const { result, failed } = await this.client.query(users);
    return { code: 0, data: { successUserList: result.map(userStatusOf), failureUserList: failed.map(failureOf) } };
  }
  /** Tencent's subscriptions have no expiry: ours last the longest the service allows (30 days), renewed on reconnect. */
  async subscribeUserStatus(options) {
    const users = requireList(options);
    if (users.length === 0) throw new PresenceError("illegal_argument", "userIDList must not be empty");
    const { failed } = await this.client.subscribe(users, MaxExpirySeconds);
    return { code: 0, data: { failureUserList: failed.map(failureOf) } };
  }
  /** No options, or an empty userIDList: every subscription ends. */
  async unsubscribeUserStatus(options) {
    const { failed } = await this.client.unsubscribe(options?.userIDList ?? []);
    return { code: 0, data: { failureUserList: failed.map(failureOf) } };
  }
  onPresence(p) {
    const status = userStatusOf(p);
    const key = `${status.statusType}\0${status.customStatus}`;
    if (this.shown.get(status.userID) === key) return;
    this.shown.set(status.userID, key);
    this.fire(EVENT.USER_STATUS_UPDATED, [status]);
  }
  fire(name, data) {
    for (const handler of [...this.handlers.get(name) ?? []]) {
      try {
        handler({ name, data });
      } catch (error) {
        globalThis.console?.error("presence-web: a handler threw", error);
      }
    }
  }
};
function userStatusOf(p) {
  return { userID: p.uid, statusType: tencentStatusType(p.status_type), customStatus: p.ext ?? "" };
}
function failureOf(f) {
  return { userID: f.uid, code: new PresenceError(f.error, f.error_description).code, message: f.error_description };
}
function requireList(options) {
  const list = options?.userIDList;
  if (!Array.isArray(list)) throw new PresenceError("illegal_argument", "userIDList must be an array");
  return list;
}
var TIM = {
  create: (options) => new TencentChat(options),
  TYPES,
  EVENT
};
var tencent_default = TIM;

// src/easemob.ts
var EasemobConnection = class {
  client;
  handlers = /* @__PURE__ */ new Map();
  constructor(options) {
    const [org, app] = options.appKey ? options.appKey.split("#") : [options.org, options.app];
    if (!org || !app) throw new PresenceError("illegal_argument", 'appKey ("org#app") or org and app are required');
    this.client = new PresenceClient({ ...options, org, app });
    this.client.on("presence", (p) => this.each((h) => h.onPresenceStatusChange?.([this.changeOf(p)])));
    this.client.on("state", (s) => {
      if (s.state === "open") this.each((h) => h.onConnected?.());
      if (s.state === "closed" || s.state === "reconnecting") this.each((h) => h.onDisconnected?.());
    });
    this.client.on("error", (e) => this.each((h) => h.onError?.(e)));
  }
  open(options) {
    return this.client.login({ userID: options.user, token: options.accessToken, userSig: options.userSig, password: options.pwd, resource: options.resource }).then(() => ({ accessToken: options.accessToken }));
  }
  /** Closes without logging out; `logout` ends this device's session (its status goes to "0"). */
  close() {
    this.client.destroy();
  }
  logout() {
    return this.client.logout();
  }
  addEventHandler(id, handlers) {
    this.handlers.set(id, handlers);
  }
  removeEventHandler(id) {
    this.handlers.delete(id);
  }
  /** `description` is our `ext`. */
  async publishPresence(options) {
    await this.client.setStatus({ ext: options?.description ?? "" });
    return { result: "ok" };
  }
  /** `expiry` in seconds (at most 30 days); the result carries each subscription's absolute `expiry`. */
  async subscribePresence(options) {
    const users = requireNames(options);
    const expiry = Math.trunc(Number(options.expiry));
    if (!(expiry >= 1 && expiry <= MaxExpirySeconds)) throw new PresenceError("illegal_argument", "expiry must be an integer from 1 to 2592000");
    const { result, failed } = await this.client.subscribe(users, expiry);
    return withFailed({ result: result.map(restShape) }, failed);
  }
  async unsubscribePresence(options) {
    await this.client.unsubscribe(requireNames(options));
    return { result: "ok" };
  }
  async getPresenceStatus(options) {
    const { result, failed } = await this.client.query(requireNames(options));
    return withFailed({ result: result.map(restShape) }, failed);
  }
  /** R5 with the user token. Easemob's examples count pages from 0 and ours from 1: 0 is read as the first page. */
  async getSubscribedPresencelist(options = {}) {
    const pageNum = Math.max(1, Math.trunc(Number(options.pageNum ?? 1)) || 1);
    const pageSize = Math.trunc(Number(options.pageSize ?? 100)) || 100;
    return { result: await this.client.subscriptionList(pageNum, pageSize) };
  }
  /** Agora Chat's spelling of the same call. */
  getSubscribedPresenceList(options = {}) {
    return this.getSubscribedPresencelist(options);
  }
  changeOf(p) {
    const held = this.client.subscriptions().find((s) => s.uid === p.uid)?.expiry ?? 0;
    const rest = restShape(p);
    return {
      ...rest,
      expiry: String(held),
      userId: p.uid,
      description: p.ext,
      expire: held,
      lastTime: Number(p.last_time),
      statusDetails: Object.entries(p.status ?? {}).map(([device, status]) => ({ device, status: /^\d+$/.test(status) ? Number(status) : status }))
    };
  }
  each(call) {
    for (const handlers of [...this.handlers.values()]) {
      try {
        call(handlers);
      } catch (error) {
        globalThis.console?.error("presence-web: a handler threw", error);
      }
    }
  }
};
function restShape(p) {
  const shape = { uid: p.uid, last_time: p.last_time, ext: p.ext, status: { ...p.status } };
  if (p.expiry !== void 0) shape.expiry = p.expiry;
  return shape;
}
function withFailed(answer, failed) {
  if (failed.length) answer.failed = failed.map((f) => ({ uid: f.uid, error: f.error, error_description: f.error_description }));
  return answer;
}
function requireNames(options) {
  const names = options?.usernames;
  if (!Array.isArray(names)) throw new PresenceError("illegal_argument", "usernames must be an array");
  return names;
}
var Easemob = { connection: EasemobConnection };
var easemob_default = Easemob;

// src/index.ts
function create(options) {
  return new PresenceClient(options);
}
export {
  EVENT,
  easemob_default as Easemob,
  EasemobConnection,
  PresenceClient,
  PresenceError,
  tencent_default as TIM,
  TYPES,
  TencentChat,
  UserStatusType,
  backoffDelay,
  codeOf,
  create,
  deriveStatusType,
  statusTypeOf,
  tencentStatusType
};
