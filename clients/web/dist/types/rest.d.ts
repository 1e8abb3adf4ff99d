import { PresenceError } from './errors.js';
export type FetchLike = (input: string, init?: {
    method?: string;
    headers?: Record<string, string>;
    body?: string;
}) => Promise<{
    status: number;
    text(): Promise<string>;
}>;
export declare function restCall<T>(fetchImpl: FetchLike, url: string, method: string, bearer: string, body?: unknown): Promise<T>;
/**
 * Why a WebSocket to `url` was refused: the server's error (401, 403, 404, 400, 429, 503), or a `connection_failed`
 * error when the server would have accepted it or could not be reached (both worth retrying).
 */
export declare function diagnoseRefusal(fetchImpl: FetchLike | undefined, url: string): Promise<PresenceError>;
/** Refusals that a retry cannot cure: wrong credential, wrong app, bad resource. */
export declare function isFatal(error: PresenceError): boolean;
