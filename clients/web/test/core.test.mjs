// The core client against a real silo: login, calls and replies, events in order, subscriptions, logout, errors.

import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { create, PresenceError } from '../dist/presence-web.js';
import { app, org, presenceOf, recordPresence, setStatus, sublistOf, unique, url, userToken, waitFor } from './helpers.mjs';

const clients = [];
after(() => clients.forEach((c) => c.destroy()));

async function loggedIn(userID, resource = undefined) {
  const client = create({ url, org, app });
  clients.push(client);
  await client.login({ userID, token: await userToken(userID), resource });
  return client;
}

test('login opens the resource and the own login arrives as an event', async () => {
  const alice = unique('alice');
  const client = create({ url, org, app });
  clients.push(client);
  const seen = recordPresence(client);
  await client.login({ userID: alice, token: await userToken(alice), resource: 'web_1' });
  assert.equal(client.state, 'open');
  const own = await seen.waitFor((e) => e.uid === alice, 'own login event');
  assert.equal(own.status_type, 'online');
  assert.deepEqual(own.status, { web_1: '1' });
  const [rest] = await presenceOf(alice, alice);
  assert.equal(rest.status.web_1, '1');
});

test('setStatus, query and subscribe answer with the server reply, matched by id', async () => {
  const me = unique('me');
  const bob = unique('bob');
  const client = await loggedIn(me);
  const [self, queried, subscribed] = await Promise.all([
    client.setStatus({ ext: 'listening' }),
    client.query([bob, 'no way']),
    client.subscribe([bob], 3600),
  ]);
  assert.equal(self.uid, me);
  assert.equal(self.ext, 'listening');
  assert.equal(queried.result.length, 1);
  assert.equal(queried.result[0].status_type, 'unlogined');
  assert.equal(queried.failed[0].uid, 'no way');
  assert.equal(queried.failed[0].error, 'illegal_argument');
  assert.equal(subscribed.result[0].uid, bob);
  assert.ok(Number(subscribed.result[0].expiry) > Date.now() / 1000);
  assert.deepEqual(client.subscriptions().map((s) => s.uid), [bob]);
  const list = await client.subscriptionList(1, 10);
  assert.equal(list.totalnum, '1');
  assert.equal(list.sublist[0].uid, bob);
});

test('events of a watched user arrive in order, each version newer than the last', async () => {
  const me = unique('watcher');
  const bob = unique('bob');
  const client = await loggedIn(me);
  const seen = recordPresence(client);
  await client.subscribe([bob], 3600);
  for (let i = 1; i <= 6; i++) await setStatus(bob, 'android_1', i === 1 ? '1' : `s${i}`, `ext ${i}`);
  const last = await seen.waitFor((e) => e.uid === bob && e.ext === 'ext 6', 'the last change of bob');
  const versions = seen.of(bob).map((e) => e.version);
  assert.deepEqual(versions, [...versions].sort((a, b) => a - b), `versions out of order: ${versions}`);
  assert.equal(new Set(versions).size, versions.length, `a version shown twice: ${versions}`);
  assert.equal(last.status.android_1, 's6');
  // Coalesced changes show as a gap: the versions skipped add up to the changes not seen one by one.
  const skipped = seen.of(bob).reduce((sum, e) => sum + e.gap, 0);
  assert.equal(versions.length + skipped, last.version - versions[0] + 1);
});

test('own changes from another device arrive as events too', async () => {
  const me = unique('multi');
  const client = await loggedIn(me, 'web_a');
  const seen = recordPresence(client);
  await setStatus(me, 'ios_1', 'busy', 'on the phone');
  const event = await seen.waitFor((e) => e.uid === me && e.ext === 'on the phone', 'own change from ios_1');
  assert.equal(event.status.ios_1, 'busy');
  assert.equal(event.status.web_a, '1');
});

test('unsubscribe of some, then of all, ends the subscriptions', async () => {
  const me = unique('unsub');
  const [a, b, c] = [unique('a'), unique('b'), unique('c')];
  const client = await loggedIn(me);
  await client.subscribe([a, b, c], 600);
  await client.unsubscribe([a]);
  assert.deepEqual((await sublistOf(me)).sublist.map((s) => s.uid).sort(), [b, c].sort());
  await client.unsubscribe();
  assert.equal((await sublistOf(me)).totalnum, '0');
  assert.deepEqual(client.subscriptions(), []);
});

test('errors carry the server error and error_description', async () => {
  const me = unique('errors');
  const client = await loggedIn(me);
  await assert.rejects(client.setStatus({ ext: 'x'.repeat(65) }), (e) =>
    e instanceof PresenceError && e.error === 'illegal_argument' && e.error_description === 'ext is too big ' && e.code === 400);
  await assert.rejects(client.subscribe([unique('x')], 0), (e) =>
    e instanceof PresenceError && e.error_description === 'expiry must be an integer from 1 to 2592000');
  const self = await client.subscribe([me], 60);
  assert.equal(self.failed[0].error_description, "you can't sub yourself");
  assert.equal(client.state, 'open', 'the connection stays usable after errors');
});

test('a refused login says why: a bad token is 401 unauthorized', async () => {
  const client = create({ url, org, app, reconnect: false });
  await assert.rejects(client.login({ userID: 'someone', token: 'not-a-token' }), (e) =>
    e instanceof PresenceError && e.status === 401 && e.error === 'unauthorized' && e.error_description === 'Unable to authenticate (OAuth)');
  assert.equal(client.state, 'closed');
  const foreign = create({ url, org: 'no-such-org', app: 'nope' });
  await assert.rejects(foreign.login({ userID: 'someone', token: await userToken('someone') }), (e) => e instanceof PresenceError && e.status === 404);
});

test('password login is refused clearly: the server has no password grant yet', async () => {
  const client = create({ url, org, app });
  await assert.rejects(client.login({ userID: 'u1', password: 'secret' }), (e) =>
    e instanceof PresenceError && e.error === 'not_supported' && /password login is not supported by this server yet/.test(e.message));
});

test('logout goes offline explicitly: the user is unlogined and the client stops', async () => {
  const me = unique('bye');
  const watcher = await loggedIn(unique('w'));
  const seen = recordPresence(watcher);
  const client = await loggedIn(me, 'web_1');
  await watcher.subscribe([me], 600);
  const states = [];
  client.on('state', (s) => states.push(s.state));
  await client.logout();
  assert.equal(client.state, 'closed');
  assert.deepEqual(states, ['closed']);
  await seen.waitFor((e) => e.uid === me && e.status_type === 'unlogined', 'the watcher sees unlogined');
  await assert.rejects(client.query([me]), (e) => e instanceof PresenceError && e.error === 'not_connected');
});

test('a second connection of the same resource replaces the first, which stops without fighting back', async () => {
  const me = unique('twice');
  const first = await loggedIn(me, 'web_same');
  const kicked = new Promise((resolve) => first.on('kicked', resolve));
  await loggedIn(me, 'web_same');
  assert.equal((await kicked).code, 4000);
  await waitFor(() => first.state === 'closed', 'the replaced client stops');
});
