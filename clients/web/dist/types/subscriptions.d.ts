export interface HeldSubscription {
    uid: string;
    /** Unix seconds. */
    expiry: number;
}
export interface Renewal {
    /** Seconds left, the same for every user of the group. */
    expiry: number;
    users: string[];
}
export declare class SubscriptionBook {
    private readonly expiries;
    hold(uid: string, expiry: number): void;
    release(uid: string): void;
    releaseAll(): void;
    has(uid: string): boolean;
    expiryOf(uid: string): number | undefined;
    /** Live subscriptions, by uid. */
    list(nowSeconds: number): HeldSubscription[];
    /** Calls that renew every live subscription: users grouped by seconds left, at most 100 per call. */
    renewals(nowSeconds: number): Renewal[];
    private dropExpired;
}
