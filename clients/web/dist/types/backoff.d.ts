export interface ReconnectOptions {
    /** The first delay's upper bound (ms). Default 500. */
    initialDelayMs?: number;
    /** No delay is longer (ms). Default 30,000. */
    maxDelayMs?: number;
    /** Give up after this many failed attempts in a row. Default: never. */
    maxAttempts?: number;
}
export declare const defaultReconnect: Required<ReconnectOptions>;
/**
 * The delay before attempt `attempt` (0 = the first retry): "equal jitter", half of the capped exponential plus a
 * random share of the other half, so a delay is never zero and never above the cap.
 */
export declare function backoffDelay(attempt: number, options: Required<ReconnectOptions>, random?: () => number): number;
