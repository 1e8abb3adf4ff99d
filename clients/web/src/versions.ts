// Per-user ordering of what the app is shown. Within one connection versions only grow: a snapshot not newer than the
// last one shown is dropped. A new connection (after a reconnect) starts a new epoch: its first snapshot of a user is
// taken whenever it differs from the last one shown, since a server that lost its memory (in-memory storage) counts
// versions from zero again.

export interface Acceptance {
  accepted: boolean;
  /** Versions skipped since the last one shown (merged by coalescing, or missed while disconnected). */
  gap: number;
}

interface Seen {
  version: number;
  epoch: number;
}

export class VersionTracker {
  private readonly seen = new Map<string, Seen>();

  accept(uid: string, version: number, epoch: number): Acceptance {
    const last = this.seen.get(uid);
    if (last && last.epoch === epoch && version <= last.version) return { accepted: false, gap: 0 };
    if (last && last.epoch !== epoch && version === last.version) {
      last.epoch = epoch;
      return { accepted: false, gap: 0 };
    }
    const gap = last && version > last.version + 1 ? version - last.version - 1 : 0;
    this.seen.set(uid, { version, epoch });
    return { accepted: true, gap };
  }

  /** The users something was shown of. */
  users(): string[] {
    return [...this.seen.keys()];
  }

  lastVersion(uid: string): number | undefined {
    return this.seen.get(uid)?.version;
  }

  clear(): void {
    this.seen.clear();
  }
}
