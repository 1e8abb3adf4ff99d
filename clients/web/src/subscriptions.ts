// The subscriptions this client made, with their absolute expiry, so that a reconnect can renew each for the time it
// has left (a server that lost them, such as one with in-memory storage after a restart, gets them back).

import { chunk, MaxUsersPerSubscribe } from './protocol.js';

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

export class SubscriptionBook {
  private readonly expiries = new Map<string, number>();

  hold(uid: string, expiry: number): void {
    this.expiries.set(uid, expiry);
  }

  release(uid: string): void {
    this.expiries.delete(uid);
  }

  releaseAll(): void {
    this.expiries.clear();
  }

  has(uid: string): boolean {
    return this.expiries.has(uid);
  }

  expiryOf(uid: string): number | undefined {
    return this.expiries.get(uid);
  }

  /** Live subscriptions, by uid. */
  list(nowSeconds: number): HeldSubscription[] {
    this.dropExpired(nowSeconds);
    return [...this.expiries].map(([uid, expiry]) => ({ uid, expiry })).sort((a, b) => (a.uid < b.uid ? -1 : a.uid > b.uid ? 1 : 0));
  }

  /** Calls that renew every live subscription: users grouped by seconds left, at most 100 per call. */
  renewals(nowSeconds: number): Renewal[] {
    this.dropExpired(nowSeconds);
    const groups = new Map<number, string[]>();
    for (const [uid, expiry] of this.expiries) {
      const left = Math.max(1, Math.ceil(expiry - nowSeconds));
      let users = groups.get(left);
      if (!users) groups.set(left, (users = []));
      users.push(uid);
    }
    return [...groups].flatMap(([expiry, users]) => chunk(users, MaxUsersPerSubscribe).map((part) => ({ expiry, users: part })));
  }

  private dropExpired(nowSeconds: number): void {
    for (const [uid, expiry] of this.expiries) if (expiry <= nowSeconds) this.expiries.delete(uid);
  }
}
