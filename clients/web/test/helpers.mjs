// What the tests share: the silo they run against (started by tests/WebSdk.Tests, or by hand: see docs/web-sdk.md),
// tokens, REST calls with the app token, unique names and waits with deadlines.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const url = process.env.PRESENCE_URL ?? 'http://localhost:5080';
export const org = process.env.PRESENCE_ORG ?? 'demo';
export const app = process.env.PRESENCE_APP ?? 'demo';
const clientId = process.env.PRESENCE_CLIENT_ID ?? 'demo-client';
const clientSecret = process.env.PRESENCE_CLIENT_SECRET ?? 'demo-secret';
/** tests/WebSdk.Tests' control endpoint: POST /restart kills the silo (SIGKILL) and starts it again on the same port. */
export const controlUrl = process.env.PRESENCE_CONTROL_URL;

/** Generous: the machine is shared and small. */
export const Soon = 15_000;

const base = `${url}/${org}/${app}`;
let appToken;

export function unique(prefix) {
  return `${prefix}-${Math.random().toString(36).slice(2, 10)}`;
}

async function json(method, path, { bearer, body } = {}) {
  const headers = { Accept: 'application/json' };
  if (bearer) headers.Authorization = `Bearer ${bearer}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const response = await fetch(`${base}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await response.text();
  const parsed = text ? JSON.parse(text) : undefined;
  assert.ok(response.ok, `${method} ${path}: ${response.status} ${text}`);
  return parsed;
}

export async function getAppToken() {
  appToken ??= (await json('POST', '/token', { body: { grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret } })).access_token;
  return appToken;
}

/** A user token (grant_type inherit), as an app's server hands one to its web client. */
export async function userToken(username) {
  return (await json('POST', '/token', { bearer: await getAppToken(), body: { grant_type: 'inherit', username, ttl: 3600 } })).access_token;
}

/** R1 with the app token: another device of `username` (or the app's server) changes its status. */
export async function setStatus(username, resource, status, ext = '') {
  return json('POST', `/users/${encodeURIComponent(username)}/presence/${encodeURIComponent(resource)}/${encodeURIComponent(status)}`, {
    bearer: await getAppToken(),
    body: { ext },
  });
}

/** R3 with the app token. */
export async function presenceOf(username, ...users) {
  return (await json('POST', `/users/${encodeURIComponent(username)}/presence`, { bearer: await getAppToken(), body: { usernames: users } })).result;
}

/** R5 with the app token. */
export async function sublistOf(username) {
  return (await json('GET', `/users/${encodeURIComponent(username)}/presence/sublist?pageNum=1&pageSize=100`, { bearer: await getAppToken() })).result;
}

/** Resolves once `predicate()` is truthy (polled), or fails with `message` after `timeoutMs`. */
export async function waitFor(predicate, message, timeoutMs = Soon) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await predicate();
    if (value) return value;
    if (Date.now() > deadline) assert.fail(`timed out after ${timeoutMs} ms: ${message}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Collects a client's presence events (per user, in arrival order). */
export function recordPresence(client) {
  const events = [];
  client.on('presence', (event) => events.push(event));
  return {
    events,
    of: (uid) => events.filter((e) => e.uid === uid),
    waitFor: (test, message, timeoutMs) => waitFor(() => events.find(test), message, timeoutMs),
  };
}

/** A console stand-in for the vendors' snippets: what they log is kept for the assertions. */
export function capturingConsole() {
  const logs = [];
  const warnings = [];
  return { logs, warnings, console: { log: (...a) => logs.push(a), warn: (...a) => warnings.push(a), error: (...a) => warnings.push(a) } };
}

const here = dirname(fileURLToPath(import.meta.url));

/** The code block after `<!-- snippet: name -->` in docs/web-sdk.md: the tests run the documented snippets themselves. */
export function snippet(name) {
  const doc = readFileSync(join(here, '..', '..', '..', 'docs', 'web-sdk.md'), 'utf8');
  const marker = `<!-- snippet: ${name} -->`;
  const at = doc.indexOf(marker);
  assert.ok(at >= 0, `docs/web-sdk.md has no ${marker}`);
  const block = /```(?:js|javascript)\n([\s\S]*?)```/.exec(doc.slice(at));
  assert.ok(block, `no code block after ${marker}`);
  return block[1];
}

const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor;

/** Runs a snippet with `scope`'s names bound; returns what `tail` (an expression over the snippet's variables) gives. */
export function run(code, scope, tail = 'undefined') {
  const names = Object.keys(scope);
  return new AsyncFunction(...names, `${code}\nreturn ${tail};`)(...names.map((n) => scope[n]));
}
