import { PresenceClient, type ClientOptions } from './client.js';
export { PresenceClient } from './client.js';
export type { CallResult, ClientEvents, ClientOptions, ConnectionState, LoginOptions, PresenceEvent, SocketConstructor, SocketLike, StateChange, } from './client.js';
export { PresenceError, codeOf } from './errors.js';
export type { FailedUser, Presence, StatusType } from './protocol.js';
export type { ReconnectOptions } from './backoff.js';
export { backoffDelay } from './backoff.js';
export { deriveStatusType, statusTypeOf, tencentStatusType, UserStatusType } from './status.js';
export { default as TIM, TencentChat, TYPES, EVENT } from './tencent.js';
export type { FailureUser, IMResponse, TencentCreateOptions, TencentEvent, TencentLoginOptions, UserStatus } from './tencent.js';
export { default as Easemob, EasemobConnection } from './easemob.js';
export type { EasemobHandlers, EasemobOpenOptions, EasemobOptions, EasemobPresence, EasemobPresenceChange, EasemobResult } from './easemob.js';
/** The core client: `create({ url, org, app })`, then `login({ userID, token, resource })`. */
export declare function create(options: ClientOptions): PresenceClient;
