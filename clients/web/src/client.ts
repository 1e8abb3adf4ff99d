// The core client: one device's WebSocket (docs/websocket.md) with promise-based calls, ordered events and automatic
// reconnects that renew the subscriptions it holds and catch up on the users it watches.

import { backoffDelay, defaultReconnect, type ReconnectOptions } from './backoff.js';
import { Emitter } from './emitter.js';
import { PresenceError } from './errors.js';
import {
  chunk,
  isPresence,
  MaxUsersPerQuery,
  MaxUsersPerSubscribe,
  MaxUsersPerUnsubscribe,
  type FailedUser,
  type Op,
  type Presence,
  type ServerFrame,
} from './protocol.js';
import { diagnoseRefusal, isFatal, restCall, type FetchLike } from './rest.js';
import { SubscriptionBook, type HeldSubscription } from './subscriptions.js';
import { VersionTracker } from './versions.js';

/** What the SDK needs of a WebSocket: the browser's, Node 22's global one, or the `ws` package's. */
export interface SocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  addEventListener(type: string, listener: (event: any) => void): void;
}

export type SocketConstructor = new (url: string) => SocketLike;

export interface ClientOptions {
  /** The service's base URL: `http(s)://host:port` (or `ws(s)://`). */
  url: string;
  org: string;
  app: string;
  /** Default: `globalThis.WebSocket` (browsers, Node 22+, Node 20 with `--experimental-websocket`). */
  WebSocket?: SocketConstructor;
  /** Default: `globalThis.fetch`. Used for the subscription list and to explain a refused connection. */
  fetch?: FetchLike;
  /** How long a call waits for its reply (ms), the wait for a reconnect included. Default 15,000. */
  requestTimeoutMs?: number;
  /** Reconnect settings, or `false` to never reconnect. */
  reconnect?: ReconnectOptions | false;
  /** Extra query parameters of the socket URL (the console asks for `timing=1`). */
  params?: Record<string, string>;
}

export interface LoginOptions {
  userID: string;
  /** A user token (`POST /{org}/{app}/token`, grant_type inherit), sent as `access_token` (browsers cannot set headers). */
  token?: string;
  /** A Tencent UserSig, sent as `userSig` for apps that configure a Tencent SDKAppID. */
  userSig?: string;
  /** Not supported by this server yet (no password grant): rejected with `not_supported`. */
  password?: string;
  /** The device: 1-64 of `A-Z a-z 0-9 _ -`. Default `web_<random>`. */
  resource?: string;
}

export type ConnectionState = 'idle' | 'connecting' | 'open' | 'reconnecting' | 'closed';

/** A presence shown to the app: the server's snapshot, `gap` versions skipped, `resync` when it was re-read after a reconnect. */
export type PresenceEvent = Presence & { gap: number; resync: boolean; [extra: string]: unknown };

export interface StateChange {
  state: ConnectionState;
  /** The close code and reason that caused it, if a socket closed. */
  code?: number;
  reason?: string;
  error?: PresenceError;
  /** Reconnecting: the attempt number and the delay before it (ms). */
  attempt?: number;
  delayMs?: number;
}

export interface ClientEvents {
  [name: string]: unknown[];
  presence: [PresenceEvent];
  subscription_ended: [{ uid: string; reason: string }];
  state: [StateChange];
  /** After a reconnect and its catch-up: the users whose state was re-read and had changed. */
  reconnected: [{ changed: string[] }];
  /** Replaced by a newer connection of the same resource (close 4000): the client stops. */
  kicked: [{ code: number; reason: string }];
  error: [PresenceError];
}

export interface CallResult<T> {
  result: T;
  failed: FailedUser[];
}

interface Pending {
  op: Op;
  resolve(frame: { result: unknown; failed: FailedUser[] }): void;
  reject(error: PresenceError): void;
  timer: ReturnType<typeof setTimeout>;
}

const Open = 1;
/** Close codes after which reconnecting cannot help (docs/websocket.md#close-codes). */
const Final = new Set([1000, 1003, 1008, 1009, 4000, 4001]);

export class PresenceClient extends Emitter<ClientEvents> {
  private readonly options: ClientOptions;
  private readonly reconnect: Required<ReconnectOptions> | null;
  private readonly timeoutMs: number;
  private readonly book = new SubscriptionBook();
  private readonly tracker = new VersionTracker();
  private readonly pending = new Map<number, Pending>();
  private readonly openWaiters = new Set<() => void>();
  private socket: SocketLike | null = null;
  private login_: Required<Pick<LoginOptions, 'userID' | 'resource'>> & Pick<LoginOptions, 'token' | 'userSig'> | null = null;
  private state_: ConnectionState = 'idle';
  private epoch = 0;
  private nextId = 1;
  private stopping = false;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(options: ClientOptions) {
    super();
    if (!options || !options.url || !options.org || !options.app) throw new PresenceError('illegal_argument', 'url, org and app are required');
    this.options = options;
    this.reconnect = options.reconnect === false ? null : { ...defaultReconnect, ...(options.reconnect ?? {}) };
    this.timeoutMs = options.requestTimeoutMs ?? 15_000;
  }

  get state(): ConnectionState {
    return this.state_;
  }

  /** The logged-in user (lower-case, as the server stores it), or null. */
  get userID(): string | null {
    return this.login_?.userID ?? null;
  }

  get resource(): string | null {
    return this.login_?.resource ?? null;
  }

  /** Opens the device's socket; resolves once it is open (the resource is then online). */
  async login(options: LoginOptions): Promise<void> {
    if (!options || !options.userID) throw new PresenceError('illegal_argument', 'userID is required');
    if (this.state_ === 'connecting' || this.state_ === 'open' || this.state_ === 'reconnecting')
      throw new PresenceError('illegal_argument', 'already logged in: log out or destroy first');
    if (options.password !== undefined && options.token === undefined && options.userSig === undefined)
      throw new PresenceError('not_supported', 'password login is not supported by this server yet: log in with a user token or a UserSig');
    if (!options.token && !options.userSig) throw new PresenceError('illegal_argument', 'a token or a userSig is required');
    this.login_ = {
      userID: options.userID.toLowerCase(),
      resource: options.resource ?? `web_${randomId()}`,
      token: options.token,
      userSig: options.userSig,
    };
    this.stopping = false;
    this.setState({ state: 'connecting' });
    try {
      await this.connect();
    } catch (error) {
      this.login_ = null;
      this.setState({ state: 'closed', error: error as PresenceError });
      throw error;
    }
  }

  /** Logs this resource out (the server shows it `"0"`; a user whose every resource logged out is `unlogined`). */
  async logout(): Promise<void> {
    if (this.state_ === 'open') {
      this.stopping = true; // the server's close (1000 logout) that follows is ours: no reconnect
      try {
        await this.call('logout', {});
      } catch (error) {
        if (!(error instanceof PresenceError) || error.error !== 'connection_closed') {
          this.stop(1000, 'logout');
          throw error;
        }
      }
    }
    this.stop(1000, 'logout');
  }

  /** Closes the socket without logging out (the resource shows offline) and drops every listener. */
  destroy(): void {
    this.stop(1000, '');
    this.removeAllListeners();
  }

  /** Sets this user's status on this resource (not `"0"`) and/or `ext` (`""` clears). */
  async setStatus(change: { status?: string; ext?: string }): Promise<Presence> {
    const fields: Record<string, string> = {};
    if (change.status !== undefined) fields.status = change.status;
    if (change.ext !== undefined) fields.ext = change.ext;
    const { result } = await this.call('set_status', fields);
    return result as Presence;
  }

  /** Presences of any users, in request order (more than 500 are split into several calls). */
  async query(users: readonly string[]): Promise<CallResult<Presence[]>> {
    return this.batched('query', users, MaxUsersPerQuery, {});
  }

  /** Subscribes for `expiry` seconds (1-2,592,000); the result carries each subscription's `expiry`. */
  async subscribe(users: readonly string[], expiry: number): Promise<CallResult<Presence[]>> {
    const answer = await this.batched('subscribe', users, MaxUsersPerSubscribe, { expiry });
    this.holdFrom(answer.result);
    return answer;
  }

  /** Ends subscriptions; none named (or `[]`) ends them all. */
  async unsubscribe(users?: readonly string[]): Promise<{ failed: FailedUser[] }> {
    if (!users || users.length === 0) {
      const { failed } = await this.call('unsubscribe', { users: [] });
      this.book.releaseAll();
      return { failed };
    }
    const failed: FailedUser[] = [];
    for (const part of chunk(users, MaxUsersPerUnsubscribe)) {
      const answer = await this.call('unsubscribe', { users: part });
      failed.push(...answer.failed);
      const refused = new Set(answer.failed.map((f) => f.uid));
      for (const uid of part) if (!refused.has(uid)) this.book.release(uid.toLowerCase());
    }
    return { failed };
  }

  /** The subscriptions this client made and holds (renewed on reconnect). */
  subscriptions(): HeldSubscription[] {
    return this.book.list(Date.now() / 1000);
  }

  /** R5 over REST with the user token: the user's live subscriptions, by uid (pageNum from 1, pageSize 1-500). */
  async subscriptionList(pageNum = 1, pageSize = 100): Promise<{ totalnum: string; sublist: { uid: string; expiry: string }[] }> {
    const login = this.requireLogin();
    if (!login.token) throw new PresenceError('not_supported', 'listing subscriptions needs a token login (REST routes take a user token)');
    const fetchImpl = this.fetchImpl();
    if (!fetchImpl) throw new PresenceError('not_supported', 'no fetch: pass options.fetch');
    const query = new URLSearchParams({ pageNum: String(pageNum), pageSize: String(pageSize) });
    const answer = await restCall<{ result: { totalnum: string; sublist: { uid: string; expiry: string }[] } }>(
      fetchImpl, `${this.httpBase()}/users/${encodeURIComponent(login.userID)}/presence/sublist?${query}`, 'GET', login.token);
    return answer.result;
  }

  // ---------------------------------------------------------------------------------------------------------------

  private requireLogin() {
    if (!this.login_) throw new PresenceError('not_connected', 'not logged in');
    return this.login_;
  }

  private async batched(op: 'query' | 'subscribe', users: readonly string[], size: number, fields: Record<string, unknown>): Promise<CallResult<Presence[]>> {
    if (!Array.isArray(users)) throw new PresenceError('illegal_argument', 'users must be an array');
    if (users.length === 0) return this.call(op, { ...fields, users: [] }) as Promise<CallResult<Presence[]>>;
    const result: Presence[] = [];
    const failed: FailedUser[] = [];
    for (const part of chunk(users, size)) {
      const answer = await this.call(op, { ...fields, users: part });
      if (Array.isArray(answer.result)) result.push(...answer.result.filter(isPresence));
      failed.push(...answer.failed);
    }
    return { result, failed };
  }

  private holdFrom(presences: Presence[]): void {
    for (const p of presences) {
      const expiry = Number(p.expiry);
      if (Number.isFinite(expiry) && expiry > 0) this.book.hold(p.uid, expiry);
    }
  }

  /** Sends one request and waits for its reply; while reconnecting it waits for the socket first, within the same timeout. */
  private call(op: Op, fields: Record<string, unknown>): Promise<{ result: unknown; failed: FailedUser[] }> {
    const deadline = Date.now() + this.timeoutMs;
    return this.whenOpen(deadline).then(() => this.send(op, fields, deadline));
  }

  private whenOpen(deadline: number): Promise<void> {
    if (this.state_ === 'open') return Promise.resolve();
    if (this.state_ !== 'reconnecting' && this.state_ !== 'connecting')
      return Promise.reject(new PresenceError('not_connected', 'not logged in'));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.openWaiters.delete(done);
        reject(new PresenceError('timeout', 'the connection did not come back in time'));
      }, Math.max(0, deadline - Date.now()));
      const done = () => {
        clearTimeout(timer);
        this.openWaiters.delete(done);
        if (this.state_ === 'open') resolve();
        else reject(new PresenceError('not_connected', 'the client stopped'));
      };
      this.openWaiters.add(done);
    });
  }

  private send(op: Op, fields: Record<string, unknown>, deadline: number): Promise<{ result: unknown; failed: FailedUser[] }> {
    const socket = this.socket;
    if (!socket || socket.readyState !== Open) return Promise.reject(new PresenceError('not_connected', 'the connection is not open'));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new PresenceError('timeout', `no reply to ${op} within ${this.timeoutMs} ms`));
      }, Math.max(1, deadline - Date.now()));
      this.pending.set(id, { op, resolve, reject, timer });
      try {
        socket.send(JSON.stringify({ id, op, ...fields }));
      } catch (cause) {
        clearTimeout(timer);
        this.pending.delete(id);
        reject(new PresenceError('connection_closed', 'the frame could not be sent', { cause }));
      }
    });
  }

  private socketUrl(): string {
    const login = this.requireLogin();
    const query = new URLSearchParams({ resource: login.resource });
    if (login.token) query.set('access_token', login.token);
    if (login.userSig) {
      query.set('userSig', login.userSig);
      query.set('username', login.userID); // a UserSig names its user inside; the server checks they agree
    }
    for (const [key, value] of Object.entries(this.options.params ?? {})) query.set(key, value);
    return `${this.httpBase()}/ws?${query}`;
  }

  private httpBase(): string {
    const base = this.options.url.replace(/\/+$/, '').replace(/^ws(s?):/i, 'http$1:');
    return `${base}/${encodeURIComponent(this.options.org)}/${encodeURIComponent(this.options.app)}`;
  }

  private fetchImpl(): FetchLike | undefined {
    return this.options.fetch ?? ((globalThis as { fetch?: FetchLike }).fetch?.bind(globalThis) as FetchLike | undefined);
  }

  /** Opens a socket; on success it is the current one, in a new epoch. Rejects with the server's reason when refused. */
  private connect(): Promise<void> {
    const Socket = this.options.WebSocket ?? (globalThis as { WebSocket?: SocketConstructor }).WebSocket;
    if (!Socket)
      return Promise.reject(new PresenceError('not_supported',
        'no WebSocket here: on Node 20 run with --experimental-websocket (Node 22 has one), or pass options.WebSocket'));
    const httpUrl = this.socketUrl();
    const socket = new Socket(httpUrl.replace(/^http/i, 'ws'));
    return new Promise((resolve, reject) => {
      let opened = false;
      socket.addEventListener('open', () => {
        if (this.stopping) {
          socket.close(1000);
          reject(new PresenceError('not_connected', 'the client stopped'));
          return;
        }
        opened = true;
        this.socket = socket;
        this.epoch += 1;
        this.setState({ state: 'open' });
        resolve();
      });
      socket.addEventListener('message', (event: { data: unknown }) => {
        if (this.socket === socket) this.onFrame(event.data);
      });
      let refused = false;
      const refuse = () => {
        if (refused) return;
        refused = true;
        diagnoseRefusal(this.fetchImpl(), httpUrl).then(reject, reject);
      };
      socket.addEventListener('close', (event: { code?: number; reason?: string }) => {
        if (!opened) return refuse();
        if (this.socket === socket) this.onClosed(event.code ?? 1006, event.reason ?? '');
      });
      // Before the upgrade some implementations (Node 20's) fire only an error, never a close.
      socket.addEventListener('error', () => {
        if (!opened) refuse();
      });
    });
  }

  private onFrame(data: unknown): void {
    if (typeof data !== 'string') return;
    let frame: ServerFrame;
    try {
      frame = JSON.parse(data) as ServerFrame;
    } catch {
      return;
    }
    switch (frame.type) {
      case 'reply':
      case 'error': {
        const id = typeof frame.id === 'number' ? frame.id : Number(frame.id);
        const waiter = this.pending.get(id);
        if (!waiter) {
          if (frame.type === 'error') this.emit('error', new PresenceError(frame.error, frame.error_description ?? ''));
          return;
        }
        this.pending.delete(id);
        clearTimeout(waiter.timer);
        if (frame.type === 'reply') waiter.resolve({ result: frame.result, failed: Array.isArray(frame.failed) ? frame.failed : [] });
        else waiter.reject(new PresenceError(frame.error, frame.error_description ?? '', { retryAfter: frame.retry_after }));
        return;
      }
      case 'presence': {
        const { type: _type, ...presence } = frame;
        this.show(presence, false);
        return;
      }
      case 'subscription_ended':
        this.book.release(frame.uid);
        this.emit('subscription_ended', { uid: frame.uid, reason: frame.reason });
        return;
    }
  }

  /** Shows a snapshot to the app if it is newer than the last one shown (see VersionTracker). */
  private show(presence: Presence, resync: boolean): boolean {
    const version = Number(presence.version);
    if (!Number.isFinite(version)) return false;
    const { accepted, gap } = this.tracker.accept(presence.uid, version, this.epoch);
    if (accepted) this.emit('presence', { ...presence, gap, resync });
    return accepted;
  }

  private onClosed(code: number, reason: string): void {
    this.socket = null;
    this.failPending(new PresenceError('connection_closed', `the connection closed (${code}${reason ? ` ${reason}` : ''})`));
    if (this.stopping) return;
    if (code === 4000) this.emit('kicked', { code, reason });
    if (code === 4001) this.emit('error', new PresenceError('unauthorized', 'the token expired (close 4001): log in again with a new token', { status: 401 }));
    if (Final.has(code) || !this.reconnect) {
      this.finish({ state: 'closed', code, reason });
      return;
    }
    this.scheduleReconnect(0, code, reason);
  }

  private scheduleReconnect(attempt: number, code?: number, reason?: string): void {
    const options = this.reconnect!;
    if (attempt >= options.maxAttempts) {
      this.finish({ state: 'closed', code, reason, error: new PresenceError('connection_failed', `gave up after ${attempt} attempts`) });
      return;
    }
    const delayMs = backoffDelay(attempt, options);
    this.setState({ state: 'reconnecting', code, reason, attempt: attempt + 1, delayMs });
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      if (this.stopping) return;
      this.connect().then(
        () => this.catchUp(),
        (error: PresenceError) => {
          if (this.stopping) return;
          if (isFatal(error)) this.finish({ state: 'closed', error });
          else this.scheduleReconnect(attempt + 1, code, reason);
        });
    }, delayMs);
  }

  /**
   * After a reconnect: renew the held subscriptions for the time they have left (their replies carry the current
   * state), then re-read every other user shown before, and show whatever changed meanwhile.
   */
  private async catchUp(): Promise<void> {
    const epoch = this.epoch;
    const changed: string[] = [];
    const reread = new Set<string>();
    try {
      for (const renewal of this.book.renewals(Date.now() / 1000)) {
        const answer = await this.retrying(() => this.send('subscribe', { users: renewal.users, expiry: renewal.expiry }, Date.now() + this.timeoutMs));
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
        const answer = await this.retrying(() => this.send('query', { users: part }, Date.now() + this.timeoutMs));
        for (const p of Array.isArray(answer.result) ? answer.result.filter(isPresence) : [])
          if (this.epoch === epoch && this.show(p, true)) changed.push(p.uid);
      }
      this.emit('reconnected', { changed });
    } catch (error) {
      // The socket closed again (a new reconnect catches up) or the server refused: the app hears of it.
      if (error instanceof PresenceError && error.error !== 'connection_closed') this.emit('error', error);
    }
  }

  /** Retries a catch-up call the server rate-limited, after the time it asks for (three times at most). */
  private async retrying<T>(call: () => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await call();
      } catch (error) {
        if (!(error instanceof PresenceError) || error.error !== 'reach_limit' || attempt >= 3) throw error;
        await new Promise((resolve) => setTimeout(resolve, (error.retry_after ?? 1) * 1000));
      }
    }
  }

  private stop(code: number, reason: string): void {
    this.stopping = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    const socket = this.socket;
    this.socket = null;
    if (socket) {
      try {
        socket.close(code, reason);
      } catch {
        /* already closed */
      }
    }
    this.failPending(new PresenceError('connection_closed', 'the client stopped'));
    if (this.state_ !== 'idle' && this.state_ !== 'closed') this.finish({ state: 'closed', code, reason });
    this.login_ = null;
  }

  private finish(change: StateChange): void {
    this.socket = null;
    this.setState(change);
    if (change.error) this.emit('error', change.error);
  }

  private failPending(error: PresenceError): void {
    for (const waiter of this.pending.values()) {
      clearTimeout(waiter.timer);
      waiter.reject(error);
    }
    this.pending.clear();
  }

  private setState(change: StateChange): void {
    this.state_ = change.state;
    this.emit('state', change);
    if (change.state === 'open' || change.state === 'closed') for (const waiter of [...this.openWaiters]) waiter();
  }
}

function randomId(): string {
  const crypto = (globalThis as { crypto?: { randomUUID?: () => string } }).crypto;
  if (crypto?.randomUUID) return crypto.randomUUID();
  return `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 10)}`;
}
