export interface Acceptance {
    accepted: boolean;
    /** Versions skipped since the last one shown (merged by coalescing, or missed while disconnected). */
    gap: number;
}
export declare class VersionTracker {
    private readonly seen;
    accept(uid: string, version: number, epoch: number): Acceptance;
    /** The users something was shown of. */
    users(): string[];
    lastVersion(uid: string): number | undefined;
    clear(): void;
}
