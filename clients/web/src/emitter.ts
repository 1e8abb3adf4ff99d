// A small typed event emitter. A listener that throws is reported, never allowed to break the client's read loop.

type Listener<A extends unknown[]> = (...args: A) => void;

export class Emitter<Events extends { [name: string]: unknown[] }> {
  private readonly listeners = new Map<keyof Events, Set<Listener<never[]>>>();

  /** Adds a listener; returns a function that removes it. */
  on<K extends keyof Events>(name: K, listener: Listener<Events[K]>): () => void {
    let set = this.listeners.get(name);
    if (!set) this.listeners.set(name, (set = new Set()));
    set.add(listener as unknown as Listener<never[]>);
    return () => this.off(name, listener);
  }

  off<K extends keyof Events>(name: K, listener: Listener<Events[K]>): void {
    this.listeners.get(name)?.delete(listener as unknown as Listener<never[]>);
  }

  removeAllListeners(): void {
    this.listeners.clear();
  }

  protected emit<K extends keyof Events>(name: K, ...args: Events[K]): void {
    for (const listener of [...(this.listeners.get(name) ?? [])]) {
      try {
        (listener as unknown as Listener<Events[K]>)(...args);
      } catch (error) {
        report(error);
      }
    }
  }
}

function report(error: unknown): void {
  const global = globalThis as { reportError?: (e: unknown) => void; console?: { error(...a: unknown[]): void } };
  if (typeof global.reportError === 'function') global.reportError(error);
  else global.console?.error('presence-web: a listener threw', error);
}
