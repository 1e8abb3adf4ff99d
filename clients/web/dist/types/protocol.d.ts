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
export declare const MaxUsersPerQuery = 500;
export declare const MaxUsersPerSubscribe = 100;
export declare const MaxUsersPerUnsubscribe = 100;
/** The longest subscription: 30 days. */
export declare const MaxExpirySeconds = 2592000;
export declare function chunk<T>(items: readonly T[], size: number): T[][];
export declare function isPresence(value: unknown): value is Presence;
