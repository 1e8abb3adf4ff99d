type Listener<A extends unknown[]> = (...args: A) => void;
export declare class Emitter<Events extends {
    [name: string]: unknown[];
}> {
    private readonly listeners;
    /** Adds a listener; returns a function that removes it. */
    on<K extends keyof Events>(name: K, listener: Listener<Events[K]>): () => void;
    off<K extends keyof Events>(name: K, listener: Listener<Events[K]>): void;
    removeAllListeners(): void;
    protected emit<K extends keyof Events>(name: K, ...args: Events[K]): void;
}
export {};
