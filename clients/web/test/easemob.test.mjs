// The Easemob-shaped facade runs the vendors' presence snippets (docs/web-sdk.md) unchanged against a real silo; only
// the import and the login (conn.open) differ.

import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { Easemob } from '../dist/presence-web.js';
import { app, capturingConsole, org, presenceOf, run, setStatus, snippet, sublistOf, unique, url, userToken, waitFor } from './helpers.mjs';

const connections = [];
after(() => connections.forEach((c) => c.close()));

async function opened(user) {
  const conn = new Easemob.connection({ url, appKey: `${org}#${app}` });
  connections.push(conn);
  await conn.open({ user, accessToken: await userToken(user) });
  return conn;
}

async function runAndWait(name, scope, captured) {
  const before = captured.logs.length;
  await run(snippet(name), { ...scope, console: captured.console });
  await waitFor(() => captured.logs.length > before || captured.warnings.length, `${name} logged its result`);
  assert.deepEqual(captured.warnings, [], `${name} reported no error`);
  return captured.logs.at(-1);
}

test("Easemob's snippets run unchanged: subscribe, publish, listen, query, list, unsubscribe", async () => {
  const me = unique('ec');
  const conn = await opened(me);
  const WebIM = { conn };
  const out = capturingConsole();
  const events = capturingConsole();
  await run(snippet('easemob-listen'), { WebIM, conn, console: events.console });

  await setStatus('alice', 'android_6b5610ac', '1', 'working');
  const [subscribed] = await runAndWait('easemob-subscribe', { conn }, out);
  assert.equal(subscribed.result.length, 2);
  const alice = subscribed.result.find((r) => r.uid === 'alice');
  assert.deepEqual(Object.keys(alice).sort(), ['expiry', 'ext', 'last_time', 'status', 'uid']);
  assert.equal(alice.ext, 'working');
  assert.deepEqual(alice.status, { android_6b5610ac: '1' });
  assert.equal(typeof alice.last_time, 'string');
  assert.ok(Number(alice.expiry) >= Date.now() / 1000 + 7 * 24 * 3600 - 60);

  // A watched user's change reaches onPresenceStatusChange.
  await setStatus('bob', 'ios_1', 'busy', 'driving');
  await waitFor(() => events.logs.some(([, list]) => list?.some((p) => p.uid === 'bob' && p.ext === 'driving')), 'bob change');
  const [, change] = events.logs.find(([, list]) => list?.some((p) => p.uid === 'bob' && p.ext === 'driving'));
  assert.equal(events.logs[0][0], 'status updates');
  assert.deepEqual(change[0].status, { ios_1: 'busy' });
  assert.equal(change[0].userId, 'bob');
  assert.equal(change[0].description, 'driving');
  assert.deepEqual(change[0].statusDetails, [{ device: 'ios_1', status: 'busy' }]);

  const published = await runAndWait('easemob-publish', { conn }, out);
  assert.deepEqual(published, [{ result: 'ok' }]);
  const [mine] = await presenceOf(me, me);
  assert.equal(mine.ext, 'custom presence');

  const [status] = await runAndWait('easemob-get-status', { conn }, out);
  assert.deepEqual(status.result.map((r) => r.uid), ['alice', 'bob']);
  assert.deepEqual(Object.keys(status.result[1]).sort(), ['ext', 'last_time', 'status', 'uid']);

  const [list] = await runAndWait('easemob-sublist', { conn }, out);
  assert.deepEqual(list, { result: { totalnum: '2', sublist: (await sublistOf(me)).sublist } });
  assert.deepEqual(list.result.sublist.map((s) => s.uid), ['alice', 'bob']);

  const unsubscribed = await runAndWait('easemob-unsubscribe', { conn }, out);
  assert.deepEqual(unsubscribed, [{ result: 'ok' }]);
  assert.equal((await sublistOf(me)).totalnum, '0');
});

test('an illegal expiry is refused with the server description', async () => {
  const conn = await opened(unique('ecx'));
  await assert.rejects(conn.subscribePresence({ usernames: ['alice'], expiry: 0 }), (e) => e.error_description === 'expiry must be an integer from 1 to 2592000');
  await assert.rejects(conn.publishPresence({ description: 'z'.repeat(65) }), (e) => e.error === 'illegal_argument' && e.error_description === 'ext is too big ');
});

test('password login (pwd) is refused clearly', async () => {
  const conn = new Easemob.connection({ url, appKey: `${org}#${app}` });
  await assert.rejects(conn.open({ user: 'u1', pwd: 'secret' }), (e) => e.error === 'not_supported');
});
