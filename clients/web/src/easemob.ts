// Easemob's (and Agora Chat's) presence calls over this service: `new connection(...)`, `open`, the *Presence* calls
// with the REST shapes (`result` lists of `{uid, last_time, expiry, ext, status}`) and the onPresenceStatusChange
// handler, so that app code moves over by changing the import and the login (docs/web-sdk.md#easemob).

import { PresenceClient, type ClientOptions, type PresenceEvent } from './client.js';
import { PresenceError } from './errors.js';
import { MaxExpirySeconds, type FailedUser, type Presence } from './protocol.js';

export interface EasemobOptions extends Omit<ClientOptions, 'org' | 'app'> {
  /** Easemob's app key, `org#app`; or give org and app. */
  appKey?: string;
  org?: string;
  app?: string;
}

export interface EasemobOpenOptions {
  user: string;
  accessToken?: string;
  /** A Tencent UserSig works as well, for apps that configure one. */
  userSig?: string;
  /** Not supported by this server yet (no password grant). */
  pwd?: string;
  resource?: string;
}

/** One user's presence in Easemob's REST shape. */
export interface EasemobPresence {
  uid: string;
  last_time: string;
  expiry?: string;
  ext: string;
  /** resource -> "0" offline, "1" online, or a custom status. */
  status: Record<string, string>;
}

/**
 * What onPresenceStatusChange receives, per user: the REST shape above, plus the field names of Easemob's Web SDK
 * event (`userId`, `description`, `expire`, `lastTime`, `statusDetails`), so handlers written for either read theirs.
 */
export interface EasemobPresenceChange extends EasemobPresence {
  userId: string;
  description: string;
  expire: number;
  lastTime: number;
  statusDetails: { device: string; status: number | string }[];
}

export interface EasemobHandlers {
  onPresenceStatusChange?: (list: EasemobPresenceChange[]) => void;
  onConnected?: () => void;
  onDisconnected?: () => void;
  onError?: (error: PresenceError) => void;
}

export interface EasemobResult<T> {
  result: T;
  failed?: { uid: string; error: string; error_description: string }[];
}

export class EasemobConnection {
  readonly client: PresenceClient;
  private readonly handlers = new Map<string, EasemobHandlers>();

  constructor(options: EasemobOptions) {
    const [org, app] = options.appKey ? options.appKey.split('#') : [options.org, options.app];
    if (!org || !app) throw new PresenceError('illegal_argument', 'appKey ("org#app") or org and app are required');
    this.client = new PresenceClient({ ...options, org, app });
    this.client.on('presence', (p) => this.each((h) => h.onPresenceStatusChange?.([this.changeOf(p)])));
    this.client.on('state', (s) => {
      if (s.state === 'open') this.each((h) => h.onConnected?.());
      if (s.state === 'closed' || s.state === 'reconnecting') this.each((h) => h.onDisconnected?.());
    });
    this.client.on('error', (e) => this.each((h) => h.onError?.(e)));
  }

  open(options: EasemobOpenOptions): Promise<{ accessToken?: string }> {
    return this.client
      .login({ userID: options.user, token: options.accessToken, userSig: options.userSig, password: options.pwd, resource: options.resource })
      .then(() => ({ accessToken: options.accessToken }));
  }

  /** Closes without logging out; `logout` ends this device's session (its status goes to "0"). */
  close(): void {
    this.client.destroy();
  }

  logout(): Promise<void> {
    return this.client.logout();
  }

  addEventHandler(id: string, handlers: EasemobHandlers): void {
    this.handlers.set(id, handlers);
  }

  removeEventHandler(id: string): void {
    this.handlers.delete(id);
  }

  /** `description` is our `ext`. */
  async publishPresence(options: { description: string }): Promise<{ result: 'ok' }> {
    await this.client.setStatus({ ext: options?.description ?? '' });
    return { result: 'ok' };
  }

  /** `expiry` in seconds (at most 30 days); the result carries each subscription's absolute `expiry`. */
  async subscribePresence(options: { usernames: string[]; expiry: number }): Promise<EasemobResult<EasemobPresence[]>> {
    const users = requireNames(options);
    const expiry = Math.trunc(Number(options.expiry));
    if (!(expiry >= 1 && expiry <= MaxExpirySeconds)) throw new PresenceError('illegal_argument', 'expiry must be an integer from 1 to 2592000');
    const { result, failed } = await this.client.subscribe(users, expiry);
    return withFailed({ result: result.map(restShape) }, failed);
  }

  async unsubscribePresence(options: { usernames: string[] }): Promise<{ result: 'ok' }> {
    await this.client.unsubscribe(requireNames(options));
    return { result: 'ok' };
  }

  async getPresenceStatus(options: { usernames: string[] }): Promise<EasemobResult<EasemobPresence[]>> {
    const { result, failed } = await this.client.query(requireNames(options));
    return withFailed({ result: result.map(restShape) }, failed);
  }

  /** R5 with the user token. Easemob's examples count pages from 0 and ours from 1: 0 is read as the first page. */
  async getSubscribedPresencelist(options: { pageNum?: number; pageSize?: number } = {}): Promise<{ result: { totalnum: string; sublist: { uid: string; expiry: string }[] } }> {
    const pageNum = Math.max(1, Math.trunc(Number(options.pageNum ?? 1)) || 1);
    const pageSize = Math.trunc(Number(options.pageSize ?? 100)) || 100;
    return { result: await this.client.subscriptionList(pageNum, pageSize) };
  }

  /** Agora Chat's spelling of the same call. */
  getSubscribedPresenceList(options: { pageNum?: number; pageSize?: number } = {}) {
    return this.getSubscribedPresencelist(options);
  }

  private changeOf(p: PresenceEvent): EasemobPresenceChange {
    const held = this.client.subscriptions().find((s) => s.uid === p.uid)?.expiry ?? 0;
    const rest = restShape(p);
    return {
      ...rest,
      expiry: String(held),
      userId: p.uid,
      description: p.ext,
      expire: held,
      lastTime: Number(p.last_time),
      statusDetails: Object.entries(p.status ?? {}).map(([device, status]) => ({ device, status: /^\d+$/.test(status) ? Number(status) : status })),
    };
  }

  private each(call: (handlers: EasemobHandlers) => void): void {
    for (const handlers of [...this.handlers.values()]) {
      try {
        call(handlers);
      } catch (error) {
        (globalThis as { console?: { error(...a: unknown[]): void } }).console?.error('presence-web: a handler threw', error);
      }
    }
  }
}

function restShape(p: Presence): EasemobPresence {
  const shape: EasemobPresence = { uid: p.uid, last_time: p.last_time, ext: p.ext, status: { ...p.status } };
  if (p.expiry !== undefined) shape.expiry = p.expiry;
  return shape;
}

function withFailed<T>(answer: EasemobResult<T>, failed: FailedUser[]): EasemobResult<T> {
  if (failed.length) answer.failed = failed.map((f) => ({ uid: f.uid, error: f.error, error_description: f.error_description }));
  return answer;
}

function requireNames(options: { usernames?: unknown } | undefined): string[] {
  const names = options?.usernames;
  if (!Array.isArray(names)) throw new PresenceError('illegal_argument', 'usernames must be an array');
  return names as string[];
}

/** `import EC from …; const conn = new EC.connection({...})`: Easemob's entry point. */
const Easemob = { connection: EasemobConnection };

export default Easemob;
