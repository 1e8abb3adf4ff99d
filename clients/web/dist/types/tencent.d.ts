import { PresenceClient, type ClientOptions } from './client.js';
import { type Presence } from './protocol.js';
import { type TencentStatusType } from './status.js';
export declare const TYPES: {
    readonly USER_STATUS_UNKNOWN: 0;
    readonly USER_STATUS_ONLINE: 1;
    readonly USER_STATUS_OFFLINE: 2;
    readonly USER_STATUS_UNLOGINED: 3;
};
export declare const EVENT: {
    readonly SDK_READY: "sdkStateReady";
    readonly USER_STATUS_UPDATED: "onUserStatusUpdated";
    readonly KICKED_OUT: "kickedOut";
    readonly NET_STATE_CHANGE: "netStateChange";
    readonly ERROR: "error";
};
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
export declare class TencentChat {
    readonly client: PresenceClient;
    private readonly handlers;
    /** The last status shown per user: USER_STATUS_UPDATED fires only when statusType or customStatus changed. */
    private readonly shown;
    constructor(options: TencentCreateOptions);
    login(options: TencentLoginOptions): Promise<IMResponse<{
        repeatLogin: boolean;
    }>>;
    logout(): Promise<IMResponse<object>>;
    destroy(): Promise<void>;
    on(eventName: string, handler: Handler): void;
    off(eventName: string, handler: Handler): void;
    /** `customStatus` is our `ext` (`''` clears it). Resolves with the user's own status. */
    setSelfStatus(options: {
        customStatus?: string;
    }): Promise<IMResponse<UserStatus>>;
    getUserStatus(options: {
        userIDList: string[];
    }): Promise<IMResponse<{
        successUserList: UserStatus[];
        failureUserList: FailureUser[];
    }>>;
    /** Tencent's subscriptions have no expiry: ours last the longest the service allows (30 days), renewed on reconnect. */
    subscribeUserStatus(options: {
        userIDList: string[];
    }): Promise<IMResponse<{
        failureUserList: FailureUser[];
    }>>;
    /** No options, or an empty userIDList: every subscription ends. */
    unsubscribeUserStatus(options?: {
        userIDList?: string[];
    }): Promise<IMResponse<{
        failureUserList: FailureUser[];
    }>>;
    private onPresence;
    private fire;
}
export declare function userStatusOf(p: Presence): UserStatus;
/** `import TIM from …; const tim = TIM.create({...})`: Tencent's entry point. */
declare const TIM: {
    create: (options: TencentCreateOptions) => TencentChat;
    TYPES: {
        readonly USER_STATUS_UNKNOWN: 0;
        readonly USER_STATUS_ONLINE: 1;
        readonly USER_STATUS_OFFLINE: 2;
        readonly USER_STATUS_UNLOGINED: 3;
    };
    EVENT: {
        readonly SDK_READY: "sdkStateReady";
        readonly USER_STATUS_UPDATED: "onUserStatusUpdated";
        readonly KICKED_OUT: "kickedOut";
        readonly NET_STATE_CHANGE: "netStateChange";
        readonly ERROR: "error";
    };
};
export default TIM;
