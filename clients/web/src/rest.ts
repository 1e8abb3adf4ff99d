// The few HTTP calls the SDK makes: REST routes with the user token (docs/api.md), and, when a WebSocket is refused,
// the same URL as a plain GET to learn why (the server answers every refusal before the upgrade with its error body).

import { errorFromBody, PresenceError } from './errors.js';

export type FetchLike = (input: string, init?: { method?: string; headers?: Record<string, string>; body?: string }) => Promise<{
  status: number;
  text(): Promise<string>;
}>;

/** The server's answer to a plain GET of the socket route when every check passed. */
const ExpectsUpgrade = 'this route expects a WebSocket upgrade';

export async function restCall<T>(fetchImpl: FetchLike, url: string, method: string, bearer: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { Authorization: `Bearer ${bearer}`, Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let response;
  try {
    response = await fetchImpl(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch (cause) {
    throw new PresenceError('connection_failed', `could not reach ${url}`, { cause });
  }
  const text = await response.text();
  const parsed = parse(text);
  if (response.status >= 200 && response.status < 300) return parsed as T;
  throw errorFromBody(parsed, response.status);
}

/**
 * Why a WebSocket to `url` was refused: the server's error (401, 403, 404, 400, 429, 503), or a `connection_failed`
 * error when the server would have accepted it or could not be reached (both worth retrying).
 */
export async function diagnoseRefusal(fetchImpl: FetchLike | undefined, url: string): Promise<PresenceError> {
  if (!fetchImpl) return new PresenceError('connection_failed', 'the WebSocket could not be opened');
  try {
    const response = await fetchImpl(url, { method: 'GET', headers: { Accept: 'application/json' } });
    const body = parse(await response.text());
    const error = errorFromBody(body, response.status);
    if (error.error_description === ExpectsUpgrade) return new PresenceError('connection_failed', 'the WebSocket could not be opened');
    return error;
  } catch (cause) {
    return new PresenceError('connection_failed', 'the server could not be reached', { cause });
  }
}

/** Refusals that a retry cannot cure: wrong credential, wrong app, bad resource. */
export function isFatal(error: PresenceError): boolean {
  return error.status === 400 || error.status === 401 || error.status === 403 || error.status === 404;
}

function parse(text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
