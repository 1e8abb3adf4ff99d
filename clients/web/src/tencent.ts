// Tencent IM's user-status API (Web SDK 2.21+) over this service: the call names, TYPES, EVENT and response shapes of
// TIM, so that app code moves over by changing the import and the login (docs/web-sdk.md#tencent).

import { PresenceClient, type ClientOptions, type PresenceEvent } from './client.js';
import { PresenceError } from './errors.js';
import { MaxExpirySeconds, type FailedUser, type Presence } from './protocol.js';
import { tencentStatusType, UserStatusType, type TencentStatusType } from './status.js';

export const TYPES = { ...UserStatusType } as const;

export const EVENT = {
  SDK_READY: 'sdkStateReady',
  USER_STATUS_UPDATED: 'onUserStatusUpdated',
  KICKED_OUT: 'kickedOut',
  NET_STATE_CHANGE: 'netStateChange',
  ERROR: 'error',
} as const;

export interface UserStatus {
  userID: string;
  statusType: TencentStatusType;
  customStatus: string;
}

export interface FailureUser {
  userID: string;
  code: number;
  message: string;
}

export interface IMResponse<T> {
  code: 0;
  data: T;
}

export interface TencentEvent<T = unknown> {
  name: string;
  data: T;
}

export interface TencentCreateOptions extends ClientOptions {
  /** Tencent's app id; kept for code that reads it back (the service knows the app by org/app). */
  SDKAppID?: number;
}

export interface TencentLoginOptions {
  userID: string;
  userSig?: string;
  /** Or a user token of this service. */
  token?: string;
  resource?: string;
}

type Handler = (event: TencentEvent<any>) => void;

/** One Tencent-shaped SDK instance (what `TIM.create` returns). */
export class TencentChat {
  readonly client: PresenceClient;
  private readonly handlers = new Map<string, Set<Handler>>();
  /** The last status shown per user: USER_STATUS_UPDATED fires only when statusType or customStatus changed. */
  private readonly shown = new Map<string, string>();

  constructor(options: TencentCreateOptions) {
    this.client = new PresenceClient(options);
    this.client.on('presence', (p) => this.onPresence(p));
    this.client.on('kicked', () => this.fire(EVENT.KICKED_OUT, { type: 'multipleAccount' }));
    this.client.on('state', (s) => this.fire(EVENT.NET_STATE_CHANGE, { state: s.state }));
    this.client.on('error', (e) => this.fire(EVENT.ERROR, { code: e.code, message: e.message }));
  }

  async login(options: TencentLoginOptions): Promise<IMResponse<{ repeatLogin: boolean }>> {
    await this.client.login({ userID: options.userID, userSig: options.userSig, token: options.token, resource: options.resource });
    this.fire(EVENT.SDK_READY, undefined);
    return { code: 0, data: { repeatLogin: false } };
  }

  async logout(): Promise<IMResponse<object>> {
    await this.client.logout();
    this.shown.clear();
    return { code: 0, data: {} };
  }

  async destroy(): Promise<void> {
    this.client.destroy();
    this.handlers.clear();
  }

  on(eventName: string, handler: Handler): void {
    let set = this.handlers.get(eventName);
    if (!set) this.handlers.set(eventName, (set = new Set()));
    set.add(handler);
  }

  off(eventName: string, handler: Handler): void {
    this.handlers.get(eventName)?.delete(handler);
  }

  /** `customStatus` is our `ext` (`''` clears it). Resolves with the user's own status. */
  async setSelfStatus(options: { customStatus?: string }): Promise<IMResponse<UserStatus>> {
    const presence = await this.client.setStatus({ ext: options?.customStatus ?? '' });
    return { code: 0, data: userStatusOf(presence) };
  }

  async getUserStatus(options: { userIDList: string[] }): Promise<IMResponse<{ successUserList: UserStatus[]; failureUserList: FailureUser[] }>> {
    const users = requireList(options);
    if (users.length === 0) throw new PresenceError('illegal_argument', 'userIDList must not be empty');
    const { result, failed } = await this.client.query(users);
    return { code: 0, data: { successUserList: result.map(userStatusOf), failureUserList: failed.map(failureOf) } };
  }

  /** Tencent's subscriptions have no expiry: ours last the longest the service allows (30 days), renewed on reconnect. */
  async subscribeUserStatus(options: { userIDList: string[] }): Promise<IMResponse<{ failureUserList: FailureUser[] }>> {
    const users = requireList(options);
    if (users.length === 0) throw new PresenceError('illegal_argument', 'userIDList must not be empty');
    const { failed } = await this.client.subscribe(users, MaxExpirySeconds);
    return { code: 0, data: { failureUserList: failed.map(failureOf) } };
  }

  /** No options, or an empty userIDList: every subscription ends. */
  async unsubscribeUserStatus(options?: { userIDList?: string[] }): Promise<IMResponse<{ failureUserList: FailureUser[] }>> {
    const { failed } = await this.client.unsubscribe(options?.userIDList ?? []);
    return { code: 0, data: { failureUserList: failed.map(failureOf) } };
  }

  private onPresence(p: PresenceEvent): void {
    const status = userStatusOf(p);
    const key = `${status.statusType}\u0000${status.customStatus}`;
    if (this.shown.get(status.userID) === key) return;
    this.shown.set(status.userID, key);
    this.fire(EVENT.USER_STATUS_UPDATED, [status]);
  }

  private fire(name: string, data: unknown): void {
    for (const handler of [...(this.handlers.get(name) ?? [])]) {
      try {
        handler({ name, data });
      } catch (error) {
        (globalThis as { console?: { error(...a: unknown[]): void } }).console?.error('presence-web: a handler threw', error);
      }
    }
  }
}

export function userStatusOf(p: Presence): UserStatus {
  return { userID: p.uid, statusType: tencentStatusType(p.status_type), customStatus: p.ext ?? '' };
}

function failureOf(f: FailedUser): FailureUser {
  return { userID: f.uid, code: new PresenceError(f.error, f.error_description).code, message: f.error_description };
}

function requireList(options: { userIDList?: unknown } | undefined): string[] {
  const list = options?.userIDList;
  if (!Array.isArray(list)) throw new PresenceError('illegal_argument', 'userIDList must be an array');
  return list as string[];
}

/** `import TIM from …; const tim = TIM.create({...})`: Tencent's entry point. */
const TIM = {
  create: (options: TencentCreateOptions) => new TencentChat(options),
  TYPES,
  EVENT,
};

export default TIM;
