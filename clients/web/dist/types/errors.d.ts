export interface PresenceErrorOptions {
    /** The HTTP status, when the error came from an HTTP answer (REST, or a refused WebSocket upgrade). */
    status?: number;
    /** Seconds to wait, from `reach_limit`. */
    retryAfter?: number;
    cause?: unknown;
}
export declare class PresenceError extends Error {
    readonly error: string;
    readonly error_description: string;
    /** A number in the HTTP family (400, 401, 403, 404, 429, 503, …): Tencent's errors carry a numeric `code`. */
    readonly code: number;
    readonly status: number | undefined;
    readonly retry_after: number | undefined;
    constructor(error: string, description: string, options?: PresenceErrorOptions);
}
/** The numeric code of an error string: the HTTP status when known, else by name (unknown names: 500). */
export declare function codeOf(error: string, status?: number): number;
/** An error from a JSON error body (`{error, error_description, …}`), or a plain one for anything else. */
export declare function errorFromBody(body: unknown, status?: number): PresenceError;
