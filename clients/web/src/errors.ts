// The one error type of the SDK: it carries the server's `error` and `error_description` (docs/api.md#errors), so code
// can match on them exactly as on a REST answer, plus a numeric `code` for the Tencent-shaped facade.

export interface PresenceErrorOptions {
  /** The HTTP status, when the error came from an HTTP answer (REST, or a refused WebSocket upgrade). */
  status?: number;
  /** Seconds to wait, from `reach_limit`. */
  retryAfter?: number;
  cause?: unknown;
}

export class PresenceError extends Error {
  readonly error: string;
  readonly error_description: string;
  /** A number in the HTTP family (400, 401, 403, 404, 429, 503, …): Tencent's errors carry a numeric `code`. */
  readonly code: number;
  readonly status: number | undefined;
  readonly retry_after: number | undefined;

  constructor(error: string, description: string, options: PresenceErrorOptions = {}) {
    super(description ? `${error}: ${description}` : error, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'PresenceError';
    this.error = error;
    this.error_description = description;
    this.status = options.status;
    this.retry_after = options.retryAfter;
    this.code = codeOf(error, options.status);
  }
}

const codes: Record<string, number> = {
  illegal_argument: 400,
  unauthorized: 401,
  forbidden: 403,
  not_supported: 405,
  timeout: 408,
  reach_limit: 429,
  service_unavailable: 503,
  connection_closed: 503,
  connection_failed: 503,
  not_connected: 503,
};

/** The numeric code of an error string: the HTTP status when known, else by name (unknown names: 500). */
export function codeOf(error: string, status?: number): number {
  if (status !== undefined && status >= 400) return status;
  if (error.endsWith('_not_found')) return 404;
  return codes[error] ?? 500;
}

/** An error from a JSON error body (`{error, error_description, …}`), or a plain one for anything else. */
export function errorFromBody(body: unknown, status?: number): PresenceError {
  if (body && typeof body === 'object' && typeof (body as { error?: unknown }).error === 'string') {
    const b = body as { error: string; error_description?: unknown; retry_after?: unknown };
    return new PresenceError(b.error, typeof b.error_description === 'string' ? b.error_description : '', {
      status,
      retryAfter: typeof b.retry_after === 'number' ? b.retry_after : undefined,
    });
  }
  return new PresenceError('http_error', `the server answered ${status ?? 'without a status'}`, { status });
}
