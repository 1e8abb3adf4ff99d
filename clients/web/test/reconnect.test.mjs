// Reconnects against a real silo: the socket dropped under the client (a TCP proxy between them is cut and later
// restored) and the silo killed and started again (through tests/WebSdk.Tests' control endpoint). Each time the client
// comes back on the same resource, renews its subscriptions for the time they had left, and shows what it missed.

import assert from 'node:assert/strict';
import net from 'node:net';
import { after, test } from 'node:test';
import { create } from '../dist/presence-web.js';
import { app, controlUrl, org, recordPresence, setStatus, sublistOf, unique, url, userToken, waitFor } from './helpers.mjs';

const Fast = { initialDelayMs: 200, maxDelayMs: 2_000 };
const cleanup = [];
after(() => cleanup.forEach((c) => c()));

/** A TCP proxy to the silo; `cut()` drops every connection and refuses new ones until `restore()`. */
async function proxyToSilo() {
  const target = new URL(url);
  const sockets = new Set();
  let server;
  let port = 0;
  const listen = () => new Promise((resolve) => {
    server = net.createServer((downstream) => {
      const upstream = net.connect(Number(target.port), target.hostname);
      for (const s of [downstream, upstream]) {
        sockets.add(s);
        s.on('error', () => {});
        s.on('close', () => { downstream.destroy(); upstream.destroy(); sockets.delete(s); });
      }
      downstream.pipe(upstream);
      upstream.pipe(downstream);
    });
    server.listen(port, '127.0.0.1', () => { port = server.address().port; resolve(); });
  });
  await listen();
  const proxy = {
    url: `http://127.0.0.1:${port}`,
    cut() {
      server.close();
      for (const s of sockets) s.destroy();
      sockets.clear();
    },
    restore: listen,
  };
  cleanup.push(() => proxy.cut());
  return proxy;
}

function track(client) {
  const states = [];
  const reconnects = [];
  client.on('state', (s) => states.push(s.state));
  client.on('reconnected', (r) => reconnects.push(r));
  return { states, reconnects };
}

test('a dropped socket comes back on the same resource, renews its subscriptions and shows what it missed', async () => {
  const proxy = await proxyToSilo();
  const me = unique('rc');
  const bob = unique('bob');
  const client = create({ url: proxy.url, org, app, reconnect: Fast });
  cleanup.push(() => client.destroy());
  const seen = recordPresence(client);
  const { states, reconnects } = track(client);
  await client.login({ userID: me, token: await userToken(me), resource: 'web_rc' });
  const subscribed = await client.subscribe([bob], 3600);
  const expiry = Number(subscribed.result[0].expiry);
  await setStatus(bob, 'android_1', '1', 'before');
  const before = await seen.waitFor((e) => e.uid === bob && e.ext === 'before', 'bob before the drop');

  proxy.cut();
  await waitFor(() => states.includes('reconnecting'), 'the client notices the drop');
  // Changes while the client is away: two of bob's, and a call made meanwhile waits for the socket.
  await setStatus(bob, 'android_1', 'busy', 'while away');
  await setStatus(bob, 'android_1', 'away', 'while away 2');
  const pendingQuery = client.query([bob]);
  await proxy.restore();

  await waitFor(() => reconnects.length === 1, 'reconnected');
  assert.equal(client.state, 'open');
  assert.equal(client.resource, 'web_rc');
  const caughtUp = seen.events.find((e) => e.uid === bob && e.resync);
  assert.ok(caughtUp, 'bob re-read after the reconnect');
  assert.equal(caughtUp.ext, 'while away 2');
  assert.ok(caughtUp.version > before.version);
  assert.equal(caughtUp.gap, caughtUp.version - before.version - 1);
  assert.ok(reconnects[0].changed.includes(bob));
  assert.equal((await pendingQuery).result[0].ext, 'while away 2');

  // Renewed for the time it had left: the same end, to the second (give or take the second it took).
  const [held] = (await sublistOf(me)).sublist;
  assert.equal(held.uid, bob);
  assert.ok(Math.abs(Number(held.expiry) - expiry) <= 2, `expiry ${held.expiry} vs ${expiry}`);

  // And live events flow again, in order.
  await setStatus(bob, 'android_1', '1', 'after');
  await seen.waitFor((e) => e.uid === bob && e.ext === 'after' && !e.resync, 'bob after the reconnect');
  const versions = seen.of(bob).map((e) => e.version);
  assert.deepEqual(versions, [...versions].sort((a, b) => a - b));
});

test('a restarted silo (in-memory storage, everything lost) gets the subscriptions back and the client re-reads', { skip: !controlUrl && 'no PRESENCE_CONTROL_URL' }, async () => {
  const me = unique('rs');
  const carol = unique('carol');
  const client = create({ url, org, app, reconnect: Fast, requestTimeoutMs: 60_000 });
  cleanup.push(() => client.destroy());
  const seen = recordPresence(client);
  const { states, reconnects } = track(client);
  await client.login({ userID: me, token: await userToken(me), resource: 'web_rs' });
  const subscribed = await client.subscribe([carol], 7200);
  const expiry = Number(subscribed.result[0].expiry);
  await setStatus(carol, 'ios_1', '1', 'before the restart');
  await seen.waitFor((e) => e.uid === carol && e.ext === 'before the restart', 'carol before');

  const restart = await fetch(`${controlUrl}/restart`, { method: 'POST' });
  assert.equal(restart.status, 200, await restart.text());

  await waitFor(() => reconnects.length >= 1, 'reconnected after the restart', 90_000);
  assert.ok(states.includes('reconnecting'));
  assert.equal(client.state, 'open');
  // The new silo knew nothing: the client subscribed again, for the time left.
  const list = await sublistOf(me);
  assert.deepEqual(list.sublist.map((s) => s.uid), [carol]);
  assert.ok(Math.abs(Number(list.sublist[0].expiry) - expiry) <= 5, `expiry ${list.sublist[0].expiry} vs ${expiry}`);
  // Carol's state as the new silo has it (never logged in) replaced the old one, though its version counts from zero.
  const reread = seen.events.find((e) => e.uid === carol && e.resync);
  assert.ok(reread, 'carol re-read');
  assert.equal(reread.status_type, 'unlogined');
  // And her next change arrives live.
  await setStatus(carol, 'ios_1', '1', 'after the restart');
  const live = await seen.waitFor((e) => e.uid === carol && e.ext === 'after the restart', 'carol after');
  assert.equal(live.resync, false);
});
