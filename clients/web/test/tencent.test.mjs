// The Tencent-shaped facade runs Tencent's own snippets (docs/web-sdk.md, from Tencent's user-status guide) unchanged,
// against a real silo; only the import and the login differ.

import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { TIM } from '../dist/presence-web.js';
import { app, capturingConsole, org, run, setStatus, snippet, sublistOf, unique, url, userToken, waitFor } from './helpers.mjs';

const timInstances = [];
after(() => timInstances.forEach((t) => t.destroy()));

async function loggedIn(userID) {
  const tim = TIM.create({ url, org, app });
  timInstances.push(tim);
  const answer = await tim.login({ userID, token: await userToken(userID) });
  assert.deepEqual(answer, { code: 0, data: { repeatLogin: false } });
  return tim;
}

test('TYPES and EVENT have Tencent values', () => {
  assert.equal(TIM.TYPES.USER_STATUS_UNKNOWN, 0);
  assert.equal(TIM.TYPES.USER_STATUS_ONLINE, 1);
  assert.equal(TIM.TYPES.USER_STATUS_OFFLINE, 2);
  assert.equal(TIM.TYPES.USER_STATUS_UNLOGINED, 3);
  assert.equal(TIM.EVENT.USER_STATUS_UPDATED, 'onUserStatusUpdated');
});

test("Tencent's snippets run unchanged: set, get, subscribe, events, unsubscribe", async () => {
  const myUserID = unique('tim');
  const tim = await loggedIn(myUserID);
  const events = capturingConsole();
  await run(snippet('tencent-on-user-status-updated'), { tim, TIM, console: events.console });

  // setSelfStatus: resolves with the own status, and the own change fires USER_STATUS_UPDATED.
  const setting = capturingConsole();
  const set = await run(snippet('tencent-set-self-status'), { tim, TIM, console: setting.console }, 'promise');
  assert.deepEqual(set, { code: 0, data: { userID: myUserID, statusType: TIM.TYPES.USER_STATUS_ONLINE, customStatus: 'xxx' } });
  assert.deepEqual(setting.logs, [[set.data]]);
  await waitFor(() => events.logs.some(([list]) => list.some((i) => i.userID === myUserID && i.customStatus === 'xxx')), 'own status event');

  // getUserStatus of oneself.
  const own = await run(snippet('tencent-get-own-status'), { tim, TIM, myUserID, console: setting.console }, 'promise');
  assert.deepEqual(own.data.successUserList, [{ userID: myUserID, statusType: 1, customStatus: 'xxx' }]);

  // getUserStatus of others: user0 online with a custom status, user1 never logged in.
  await setStatus('user0', 'android_1', '1', 'in a meeting');
  const others = await run(snippet('tencent-get-others-status'), { tim, TIM, console: setting.console }, 'promise');
  assert.deepEqual(others.data.successUserList, [
    { userID: 'user0', statusType: TIM.TYPES.USER_STATUS_ONLINE, customStatus: 'in a meeting' },
    { userID: 'user1', statusType: TIM.TYPES.USER_STATUS_UNLOGINED, customStatus: '' },
  ]);
  assert.deepEqual(others.data.failureUserList, []);

  // subscribeUserStatus, then a change of user1 arrives as USER_STATUS_UPDATED.
  const subscribed = await run(snippet('tencent-subscribe'), { tim, TIM, console: setting.console }, 'promise');
  assert.deepEqual(subscribed, { code: 0, data: { failureUserList: [] } });
  assert.deepEqual((await sublistOf(myUserID)).sublist.map((s) => s.uid), ['user0', 'user1']);
  await setStatus('user1', 'ios_1', '1', 'hello');
  await waitFor(() => events.logs.some(([list]) => list.some((i) => i.userID === 'user1' && i.statusType === 1 && i.customStatus === 'hello')),
    'user1 online event');
  await setStatus('user1', 'ios_1', '0', 'hello');
  await waitFor(() => events.logs.some(([list]) => list.some((i) => i.userID === 'user1' && i.statusType === TIM.TYPES.USER_STATUS_OFFLINE)),
    'user1 offline event');

  // unsubscribeUserStatus of some, then of all (no options).
  const some = await run(snippet('tencent-unsubscribe-some'), { tim, TIM, console: setting.console }, 'promise');
  assert.deepEqual(some, { code: 0, data: { failureUserList: [] } });
  await setStatus('user2', 'web_1', '1', '');
  await tim.subscribeUserStatus({ userIDList: ['user2'] });
  assert.deepEqual((await sublistOf(myUserID)).sublist.map((s) => s.uid), ['user2']);
  const all = await run(snippet('tencent-unsubscribe-all'), { tim, TIM, console: setting.console }, 'promise');
  assert.deepEqual(all, { code: 0, data: { failureUserList: [] } });
  assert.equal((await sublistOf(myUserID)).totalnum, '0');

  assert.deepEqual([...events.warnings, ...setting.warnings], [], 'no snippet reported an error');
});

test('per-user failures come back in failureUserList as { userID, code, message }', async () => {
  const me = unique('timfail');
  const tim = await loggedIn(me);
  const answer = await tim.subscribeUserStatus({ userIDList: [me, 'no way', 'user5'] });
  const byUser = Object.fromEntries(answer.data.failureUserList.map((f) => [f.userID, f]));
  assert.equal(answer.data.failureUserList.length, 2);
  assert.deepEqual(byUser[me], { userID: me, code: 400, message: "you can't sub yourself" });
  assert.deepEqual(byUser['no way'], { userID: 'no way', code: 400, message: 'username is not legal: 1-64 characters of A-Z a-z 0-9 _ - .' });
  await assert.rejects(tim.setSelfStatus({ customStatus: 'y'.repeat(65) }), (e) => e.code === 400 && e.message === 'illegal_argument: ext is too big ');
});

test('USER_STATUS_UPDATED fires only when statusType or customStatus changes', async () => {
  const me = unique('timquiet');
  const watched = unique('watched');
  const tim = await loggedIn(me);
  const seen = [];
  tim.on(TIM.EVENT.USER_STATUS_UPDATED, (event) => {
    assert.equal(event.name, 'onUserStatusUpdated');
    seen.push(...event.data.filter((i) => i.userID === watched));
  });
  await tim.subscribeUserStatus({ userIDList: [watched] });
  await setStatus(watched, 'android_1', '1', 'a');
  await waitFor(() => seen.length === 1, 'first event');
  await setStatus(watched, 'ios_1', '1', 'a'); // a second device: same statusType and customStatus
  await setStatus(watched, 'android_1', '1', 'b');
  await waitFor(() => seen.some((i) => i.customStatus === 'b'), 'customStatus b');
  assert.deepEqual(seen.map((i) => i.customStatus), ['a', 'b']);
});
