// The socket protocol's frames (docs/websocket.md): requests carry an id and an op; the server answers with a reply or
// an error frame of the same id, and pushes presence and subscription_ended events.

export type StatusType = 'online' | 'offline' | 'unlogined';

/** A user's presence over the socket: R3's fields plus status_type and version (and expiry in subscribe replies). */
export interface Presence {
  uid: string;
  status_type: StatusType;
  /** resource -> status: "0" offline, "1" online, anything else a custom status. */
  status: Record<string, string>;
  ext: string;
  /** Unix seconds, as a string. */
  last_time: string;
  version: number;
  /** Unix seconds of the subscription's end, as a string (subscribe replies only). */
  expiry?: string;
}

/** A user a call could not serve while the rest succeeded. */
export interface FailedUser {
  uid: string;
  error: string;
  error_description: string;
}

export type Op = 'set_status' | 'query' | 'subscribe' | 'unsubscribe' | 'logout';

export interface ReplyFrame {
  type: 'reply';
  id: number | string;
  op: Op;
  result: unknown;
  failed?: FailedUser[];
}

export interface ErrorFrame {
  type: 'error';
  id: number | string | null;
  op?: Op;
  error: string;
  error_description?: string;
  retry_after?: number;
}

export interface PresenceFrame extends Presence {
  type: 'presence';
}

export interface SubscriptionEndedFrame {
  type: 'subscription_ended';
  uid: string;
  reason: 'expired' | 'evicted' | string;
}

export type ServerFrame = ReplyFrame | ErrorFrame | PresenceFrame | SubscriptionEndedFrame;

/** Limits of one request (docs/websocket.md, Presence:WebSocket:MaxUsersPer*). */
export const MaxUsersPerQuery = 500;
export const MaxUsersPerSubscribe = 100;
export const MaxUsersPerUnsubscribe = 100;
/** The longest subscription: 30 days. */
export const MaxExpirySeconds = 2_592_000;

export function chunk<T>(items: readonly T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let i = 0; i < items.length; i += size) chunks.push(items.slice(i, i + size));
  return chunks;
}

export function isPresence(value: unknown): value is Presence {
  return !!value && typeof value === 'object' && typeof (value as Presence).uid === 'string';
}
