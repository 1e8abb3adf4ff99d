// The mapping between our presence and the vendors' words, both ways (docs/web-sdk.md#status-mapping).

import type { Presence, StatusType } from './protocol.js';

/** Tencent's TIM.TYPES user status values. */
export const UserStatusType = {
  USER_STATUS_UNKNOWN: 0,
  USER_STATUS_ONLINE: 1,
  USER_STATUS_OFFLINE: 2,
  USER_STATUS_UNLOGINED: 3,
} as const;

export type TencentStatusType = (typeof UserStatusType)[keyof typeof UserStatusType];

/** `status_type` -> Tencent's statusType (anything else, e.g. a newer server's word: UNKNOWN). */
export function tencentStatusType(statusType: StatusType | string | undefined): TencentStatusType {
  switch (statusType) {
    case 'online':
      return UserStatusType.USER_STATUS_ONLINE;
    case 'offline':
      return UserStatusType.USER_STATUS_OFFLINE;
    case 'unlogined':
      return UserStatusType.USER_STATUS_UNLOGINED;
    default:
      return UserStatusType.USER_STATUS_UNKNOWN;
  }
}

/** Tencent's statusType -> our `status_type` (UNKNOWN has none). */
export function statusTypeOf(tencent: number): StatusType | undefined {
  return tencent === 1 ? 'online' : tencent === 2 ? 'offline' : tencent === 3 ? 'unlogined' : undefined;
}

/** The status type the server derives from the resources, for snapshots that lack `status_type` (REST's R3). */
export function deriveStatusType(status: Record<string, string> | undefined): StatusType {
  const values = Object.values(status ?? {});
  if (values.length === 0) return 'unlogined';
  return values.some((v) => v !== '0') ? 'online' : 'offline';
}

export function statusTypeOfPresence(p: Pick<Presence, 'status'> & { status_type?: string }): StatusType | string {
  return p.status_type ?? deriveStatusType(p.status);
}
