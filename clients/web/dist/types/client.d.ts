import { type ReconnectOptions } from './backoff.js';
import { Emitter } from './emitter.js';
import { PresenceError } from './errors.js';
import { type FailedUser, type Presence } from './protocol.js';
import { type FetchLike } from './rest.js';
import { type HeldSubscription } from './subscriptions.js';
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
export type PresenceEvent = Presence & {
    gap: number;
    resync: boolean;
    [extra: string]: unknown;
};
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
    subscription_ended: [{
        uid: string;
        reason: string;
    }];
    state: [StateChange];
    /** After a reconnect and its catch-up: the users whose state was re-read and had changed. */
    reconnected: [{
        changed: string[];
    }];
    /** Replaced by a newer connection of the same resource (close 4000): the client stops. */
    kicked: [{
        code: number;
        reason: string;
    }];
    error: [PresenceError];
}
export interface CallResult<T> {
    result: T;
    failed: FailedUser[];
}
export declare class PresenceClient extends Emitter<ClientEvents> {
    private readonly options;
    private readonly reconnect;
    private readonly timeoutMs;
    private readonly book;
    private readonly tracker;
    private readonly pending;
    private readonly openWaiters;
    private socket;
    private login_;
    private state_;
    private epoch;
    private nextId;
    private stopping;
    private retryTimer;
    constructor(options: ClientOptions);
    get state(): ConnectionState;
    /** The logged-in user (lower-case, as the server stores it), or null. */
    get userID(): string | null;
    get resource(): string | null;
    /** Opens the device's socket; resolves once it is open (the resource is then online). */
    login(options: LoginOptions): Promise<void>;
    /** Logs this resource out (the server shows it `"0"`; a user whose every resource logged out is `unlogined`). */
    logout(): Promise<void>;
    /** Closes the socket without logging out (the resource shows offline) and drops every listener. */
    destroy(): void;
    /** Sets this user's status on this resource (not `"0"`) and/or `ext` (`""` clears). */
    setStatus(change: {
        status?: string;
        ext?: string;
    }): Promise<Presence>;
    /** Presences of any users, in request order (more than 500 are split into several calls). */
    query(users: readonly string[]): Promise<CallResult<Presence[]>>;
    /** Subscribes for `expiry` seconds (1-2,592,000); the result carries each subscription's `expiry`. */
    subscribe(users: readonly string[], expiry: number): Promise<CallResult<Presence[]>>;
    /** Ends subscriptions; none named (or `[]`) ends them all. */
    unsubscribe(users?: readonly string[]): Promise<{
        failed: FailedUser[];
    }>;
    /** The subscriptions this client made and holds (renewed on reconnect). */
    subscriptions(): HeldSubscription[];
    /** R5 over REST with the user token: the user's live subscriptions, by uid (pageNum from 1, pageSize 1-500). */
    subscriptionList(pageNum?: number, pageSize?: number): Promise<{
        totalnum: string;
        sublist: {
            uid: string;
            expiry: string;
        }[];
    }>;
    private requireLogin;
    private batched;
    private holdFrom;
    /** Sends one request and waits for its reply; while reconnecting it waits for the socket first, within the same timeout. */
    private call;
    private whenOpen;
    private send;
    private socketUrl;
    private httpBase;
    private fetchImpl;
    /** Opens a socket; on success it is the current one, in a new epoch. Rejects with the server's reason when refused. */
    private connect;
    private onFrame;
    /** Shows a snapshot to the app if it is newer than the last one shown (see VersionTracker). */
    private show;
    private onClosed;
    private scheduleReconnect;
    /**
     * After a reconnect: renew the held subscriptions for the time they have left (their replies carry the current
     * state), then re-read every other user shown before, and show whatever changed meanwhile.
     */
    private catchUp;
    /** Retries a catch-up call the server rate-limited, after the time it asks for (three times at most). */
    private retrying;
    private stop;
    private finish;
    private failPending;
    private setState;
}
