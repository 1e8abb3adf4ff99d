// Reconnect delays: exponential with jitter, so that the devices of a restarted node do not all come back in one second.

export interface ReconnectOptions {
  /** The first delay's upper bound (ms). Default 500. */
  initialDelayMs?: number;
  /** No delay is longer (ms). Default 30,000. */
  maxDelayMs?: number;
  /** Give up after this many failed attempts in a row. Default: never. */
  maxAttempts?: number;
}

export const defaultReconnect: Required<ReconnectOptions> = {
  initialDelayMs: 500,
  maxDelayMs: 30_000,
  maxAttempts: Number.POSITIVE_INFINITY,
};

/**
 * The delay before attempt `attempt` (0 = the first retry): "equal jitter", half of the capped exponential plus a
 * random share of the other half, so a delay is never zero and never above the cap.
 */
export function backoffDelay(attempt: number, options: Required<ReconnectOptions>, random: () => number = Math.random): number {
  const cap = Math.min(options.maxDelayMs, options.initialDelayMs * 2 ** Math.min(attempt, 30));
  return Math.round(cap / 2 + random() * (cap / 2));
}
