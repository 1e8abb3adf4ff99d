import type { Presence, StatusType } from './protocol.js';
/** Tencent's TIM.TYPES user status values. */
export declare const UserStatusType: {
    readonly USER_STATUS_UNKNOWN: 0;
    readonly USER_STATUS_ONLINE: 1;
    readonly USER_STATUS_OFFLINE: 2;
    readonly USER_STATUS_UNLOGINED: 3;
};
export type TencentStatusType = (typeof UserStatusType)[keyof typeof UserStatusType];
/** `status_type` -> Tencent's statusType (anything else, e.g. a newer server's word: UNKNOWN). */
export declare function tencentStatusType(statusType: StatusType | string | undefined): TencentStatusType;
/** Tencent's statusType -> our `status_type` (UNKNOWN has none). */
export declare function statusTypeOf(tencent: number): StatusType | undefined;
/** The status type the server derives from the resources, for snapshots that lack `status_type` (REST's R3). */
export declare function deriveStatusType(status: Record<string, string> | undefined): StatusType;
export declare function statusTypeOfPresence(p: Pick<Presence, 'status'> & {
    status_type?: string;
}): StatusType | string;
