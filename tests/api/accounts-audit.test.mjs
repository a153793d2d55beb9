// The audit log (docs/API.md "Audit"): every login (ok and failed),
// logout, denial, write and unmasking leaves a row naming the user, the
// action, the object, the outcome and the request id of the response; the
// search filters and paging; and the hash chain: `linli audit-verify` says
// "intact" on an untouched database and names the first changed or missing
// row (exit status 3) once a row is edited or deleted behind linli's back.
//
// Runs on SQLite, or on PostgreSQL when LINLI_TEST_PG is set.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, api, linli, backend, DEMO_PASSWORD } from '../lib/server.mjs';
import { assertError, sleep, stopClean } from './helpers.mjs';

const PASSWORD = 'Str0ng#Pass';
const PHONE = '13812345678';
let server;
let seq = 0;
const rid = (what) => `aud-${what}-${++seq}`;
const ids = {};
const expected = []; // {rid, user, action, object, outcome, what}

before(async () => {
  server = await startServer({ demo: true, keep: true });
  const res = await api(server, 'GET', '/api/v1/users?page_size=200');
  for (const u of res.body.items) ids[u.login] = u.id;
});
after(async () => {
  if (server) {
    await server.stop();
    rmSync(server.dir, { recursive: true, force: true });
  }
});

// --- helpers --------------------------------------------------------------------------

async function login(who, password = DEMO_PASSWORD, requestId = rid(`login-${who}`)) {
  const res = await api(server, 'POST', '/api/v1/session', { login: who, password },
    { authorization: null, 'x-request-id': requestId });
  assert.equal(res.status, 200, `login ${who}: ${JSON.stringify(res.body)}`);
  const cookie = res.headers.get('set-cookie').split(';')[0];
  const csrf = res.body.csrf_token;
  return {
    login: who, user: res.body.user, res,
    call: (method, path, body, extra = {}) =>
      api(server, method, path, body, { authorization: null, cookie, 'x-csrf-token': csrf, ...extra }),
  };
}

// Every audit row, oldest first, read through the API in pages.
async function allRows(query = '') {
  const rows = [];
  let beforeId = '';
  for (;;) {
    const res = await api(server, 'GET', `/api/v1/audit?limit=200${query}${beforeId}`);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    rows.push(...res.body.items);
    if (res.body.next_before_id === null) break;
    beforeId = `&before_id=${res.body.next_before_id}`;
  }
  return rows.reverse();
}

// Sends a request with its own X-Request-Id, checks the answer's status and
// that the id came back, and remembers which row it should leave.
async function audited(what, send, status, row) {
  const id = rid(what);
  const res = await send({ 'x-request-id': id });
  assert.equal(res.status, status, `${what}: ${res.status} ${JSON.stringify(res.body)}`);
  assert.equal(res.headers.get('x-request-id'), id, `${what}: X-Request-Id not echoed`);
  expected.push({ what, rid: id, ...row(res) });
  return res;
}

// --- every kind of event leaves its row -------------------------------------------------------

test('logins, failures, logouts, denials, writes and unmasking each leave a row with user, action, object, outcome and the request id', async () => {
  const anon = (h) => ({ authorization: null, ...h });
  // logins
  await audited('login-ok', (h) => api(server, 'POST', '/api/v1/session', { login: 'grid', password: DEMO_PASSWORD }, anon(h)),
    200, () => ({ user: 'grid', action: 'session.login', object: `user:${ids.grid}`, outcome: 'ok' }));
  await audited('login-wrong', (h) => api(server, 'POST', '/api/v1/session', { login: 'community', password: 'Wrong#Pass1' }, anon(h)),
    401, () => ({ user: 'community', action: 'session.login_failed', object: `user:${ids.community}`, outcome: 'failed' }));
  await audited('login-unknown', (h) => api(server, 'POST', '/api/v1/session', { login: 'ghost', password: 'Wrong#Pass1' }, anon(h)),
    401, () => ({ user: 'ghost', action: 'session.login_failed', object: '', outcome: 'failed' }));
  // logout
  const grid = await login('grid');
  await audited('logout', (h) => grid.call('DELETE', '/api/v1/session', undefined, h),
    200, () => ({ user: 'grid', action: 'session.logout', outcome: 'ok' }));
  // denial (capability) and denial (CSRF)
  const member = await login('member');
  await audited('denied', (h) => member.call('GET', '/api/v1/users', undefined, h),
    403, () => ({ user: 'member', action: 'access.denied', object: '/api/v1/users', outcome: 'denied' }));
  await audited('denied-csrf', (h) => member.call('DELETE', '/api/v1/session', undefined, { ...h, 'x-csrf-token': 'nope' }),
    403, () => ({ user: 'member', action: 'access.denied', outcome: 'denied' }));
  // calendar writes, with a session
  const admin = await login('admin');
  await audited('calendar-set', (h) => admin.call('PUT', '/api/v1/calendar/2031-05-07', { kind: 'holiday', name: '审计' }, h),
    200, () => ({ user: 'admin', action: 'calendar.set', object: 'calendar:2031-05-07', outcome: 'ok' }));
  await audited('calendar-reset', (h) => admin.call('DELETE', '/api/v1/calendar/2031-05-07', undefined, h),
    200, () => ({ user: 'admin', action: 'calendar.reset', object: 'calendar:2031-05-07', outcome: 'ok' }));
  // users, with the tester's API key
  const created = await audited('user-create', (h) => api(server, 'POST', '/api/v1/users',
    { login: 'phoned', display_name: '有电话', password: PASSWORD, phone: PHONE, roles: ['resident'], scopes: ['110105001001'] }, h),
  201, (res) => ({ user: 'tester', action: 'user.create', object: `user:${res.body.id}`, outcome: 'ok' }));
  ids.phoned = created.body.id;
  assert.equal(created.body.phone, '138****5678', 'the phone is shown masked');
  await audited('user-update', (h) => api(server, 'PATCH', `/api/v1/users/${ids.phoned}`, { display_name: '有电话（改）' }, h),
    200, () => ({ user: 'tester', action: 'user.update', object: `user:${ids.phoned}`, outcome: 'ok' }));
  await audited('user-lock', (h) => api(server, 'PATCH', `/api/v1/users/${ids.phoned}`, { status: 'locked' }, h),
    200, () => ({ user: 'tester', action: 'user.lock', object: `user:${ids.phoned}`, outcome: 'ok' }));
  await audited('user-unlock', (h) => api(server, 'PATCH', `/api/v1/users/${ids.phoned}`, { status: 'active' }, h),
    200, () => ({ user: 'tester', action: 'user.unlock', object: `user:${ids.phoned}`, outcome: 'ok' }));
  await audited('user-password', (h) => api(server, 'POST', `/api/v1/users/${ids.phoned}/password`, { password: 'Reset#Pass2' }, h),
    200, () => ({ user: 'tester', action: 'user.password', object: `user:${ids.phoned}`, outcome: 'ok' }));
  await audited('user-grant', (h) => api(server, 'PUT', `/api/v1/users/${ids.phoned}/grants`, { roles: ['grid_worker'], scopes: ['110105001001'] }, h),
    200, () => ({ user: 'tester', action: 'user.grant', object: `user:${ids.phoned}`, outcome: 'ok' }));
  await audited('grant-denied', (h) => api(server, 'PUT', `/api/v1/users/${ids.tester}/grants`, { roles: ['auditor'], scopes: ['*'] }, h),
    403, () => ({ user: 'tester', action: 'access.denied', outcome: 'denied' }));
  // roles
  await audited('role-create', (h) => api(server, 'POST', '/api/v1/roles', { id: 'pii_reader', name: '敏感信息查看', capabilities: ['person.read_pii', 'user.read'] }, h),
    201, () => ({ user: 'tester', action: 'role.create', object: 'role:pii_reader', outcome: 'ok' }));
  await audited('role-update', (h) => api(server, 'PUT', '/api/v1/roles/pii_reader', { name: '敏感信息查看员', capabilities: ['person.read_pii', 'user.read'] }, h),
    200, () => ({ user: 'tester', action: 'role.update', object: 'role:pii_reader', outcome: 'ok' }));
  await api(server, 'POST', '/api/v1/roles', { id: 'short_lived', name: '临时', capabilities: [] });
  await audited('role-delete', (h) => api(server, 'DELETE', '/api/v1/roles/short_lived', undefined, h),
    200, () => ({ user: 'tester', action: 'role.delete', object: 'role:short_lived', outcome: 'ok' }));
  // API keys
  const key = await audited('key-create', (h) => api(server, 'POST', '/api/v1/api-keys', { name: '审计用', user_id: ids.resident }, h),
    201, (res) => ({ user: 'tester', action: 'apikey.create', object: `apikey:${res.body.id}`, outcome: 'ok' }));
  await audited('key-revoke', (h) => api(server, 'DELETE', `/api/v1/api-keys/${key.body.id}`, undefined, h),
    200, () => ({ user: 'tester', action: 'apikey.revoke', object: `apikey:${key.body.id}`, outcome: 'ok' }));
  // unmasking, by a user holding person.read_pii
  const u = await api(server, 'POST', '/api/v1/users',
    { login: 'pii', display_name: '核查员', password: PASSWORD, roles: ['pii_reader'], scopes: ['110105'] });
  assert.equal(u.status, 201, JSON.stringify(u.body));
  const pii = await login('pii', PASSWORD);
  const seen = await pii.call('GET', `/api/v1/users/${ids.phoned}`);
  assert.equal(seen.body.phone, '138****5678', 'masked when read normally');
  const unmasked = await audited('unmask', (h) => pii.call('GET', `/api/v1/users/${ids.phoned}/phone`, undefined, h),
    200, () => ({ user: 'pii', action: 'pii.unmask', object: `user:${ids.phoned}`, outcome: 'ok' }));
  assert.deepEqual(unmasked.body, { phone: PHONE });
  // outside the unmasker's scope: refused (and audited), and nothing unmasked
  assertError(await pii.call('GET', `/api/v1/users/${ids.admin}/phone`), 403, 'forbidden');
  // a request without an X-Request-Id of its own: the row has the one the answer carries
  const plain = await api(server, 'PUT', '/api/v1/calendar/2031-05-08', { kind: 'holiday', name: '无编号' });
  assert.equal(plain.status, 200);
  expected.push({ what: 'generated-rid', rid: plain.headers.get('x-request-id'), user: 'tester', action: 'calendar.set', object: 'calendar:2031-05-08', outcome: 'ok' });

  const rows = await allRows();
  const problems = [];
  for (const e of expected) {
    const mine = rows.filter((r) => r.request_id === e.rid);
    if (mine.length !== 1) { problems.push(`${e.what}: ${mine.length} rows with request id ${e.rid}`); continue; }
    const r = mine[0];
    for (const k of ['user', 'action', 'object', 'outcome'])
      if (k in e && r[k] !== e[k]) problems.push(`${e.what}: ${k} is ${JSON.stringify(r[k])}, expected ${JSON.stringify(e[k])}`);
    if (!/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/.test(r.at)) problems.push(`${e.what}: at ${r.at}`);
    if (r.address !== '127.0.0.1') problems.push(`${e.what}: address ${r.address}`);
  }
  assert.deepEqual(problems, [], problems.join('\n'));
});

test('the log holds no secrets: no passwords, no unmasked phone, no session tokens or keys', async () => {
  const text = JSON.stringify(await allRows());
  for (const secret of [DEMO_PASSWORD, PASSWORD, 'Wrong#Pass1', 'Reset#Pass2', PHONE, 'Harness#2026', server.key.slice(12)])
    assert.ok(!text.includes(secret), `the audit log contains ${secret}`);
});

test('unlocking an account locked by failed logins is audited as user.unlock', async () => {
  await api(server, 'POST', '/api/v1/users',
    { login: 'lockee', display_name: '锁定', password: PASSWORD, roles: ['resident'], scopes: ['110105001001'] });
  ids.lockee = (await api(server, 'GET', '/api/v1/users?q=lockee')).body.items[0].id;
  for (let i = 0; i < 5; i++)
    await api(server, 'POST', '/api/v1/session', { login: 'lockee', password: `Wrong#Pass${i}` }, { authorization: null });
  assertError(await api(server, 'POST', '/api/v1/session', { login: 'lockee', password: PASSWORD }, { authorization: null }),
    403, 'forbidden', 'login');
  const id = rid('unlock-lockout');
  const res = await api(server, 'PATCH', `/api/v1/users/${ids.lockee}`, { status: 'active' }, { 'x-request-id': id });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  const rows = (await allRows()).filter((r) => r.request_id === id);
  assert.equal(rows.length, 1);
  assert.equal(rows[0].action, 'user.unlock', JSON.stringify(rows[0]));
  assert.equal(rows[0].object, `user:${ids.lockee}`);
});

test('a write refused because the target lies outside the caller\'s scope is audited (outcome denied)', async () => {
  // docs/API.md: "403 (with an audit row) when the caller lacks the capability
  // or the object lies outside the caller's area scope" (the users routes
  // answer 404 there, so as not to tell what exists; the row is still owed)
  const mk = await api(server, 'POST', '/api/v1/users',
    { login: 'street-admin', display_name: '街道管理员', password: PASSWORD, roles: ['sysadmin'], scopes: ['110105001'] });
  assert.equal(mk.status, 201, JSON.stringify(mk.body));
  const sa = await login('street-admin', PASSWORD);
  const tries = [
    ['PATCH', `/api/v1/users/${ids.district}`, { status: 'disabled' }],
    ['POST', `/api/v1/users/${ids.district}/password`, { password: 'Hijack#2026x' }],
    ['DELETE', `/api/v1/users/${ids.district}/sessions`, undefined],
  ];
  const sent = [];
  for (const [method, path, body] of tries) {
    const id = rid('out-of-scope');
    const res = await sa.call(method, path, body, { 'x-request-id': id });
    assert.ok(res.status === 404 || res.status === 403, `${method} ${path}: ${res.status}`);
    sent.push([`${method} ${path}`, id]);
  }
  const rows = await allRows();
  const problems = [];
  for (const [what, id] of sent) {
    const mine = rows.filter((r) => r.request_id === id);
    if (mine.length !== 1 || mine[0].outcome !== 'denied' || mine[0].user !== 'street-admin')
      problems.push(`${what} (request ${id}): ${JSON.stringify(mine)}`);
  }
  assert.deepEqual(problems, []);
});

// --- search --------------------------------------------------------------------------------

test('search by user, action, object and outcome returns exactly the matching rows, newest first', async () => {
  const all = await allRows();
  assert.ok(all.length > 30, `${all.length} rows`);
  const check = async (query, pred) => {
    const got = await allRows(`&${query}`);
    const want = all.filter(pred);
    assert.deepEqual(got.map((r) => r.id), want.map((r) => r.id), query);
    assert.ok(got.length > 0, `${query} matched nothing`);
  };
  await check('user=grid', (r) => r.user === 'grid');
  await check('user=tester', (r) => r.user === 'tester');
  await check('action=session.login', (r) => r.action === 'session.login');
  await check('action=access.denied', (r) => r.action === 'access.denied');
  await check(`object=user%3A${ids.phoned}`, (r) => r.object === `user:${ids.phoned}`);
  await check('outcome=denied', (r) => r.outcome === 'denied');
  await check('outcome=failed', (r) => r.outcome === 'failed');
  await check('outcome=ok', (r) => r.outcome === 'ok');
  await check('user=tester&action=user.create', (r) => r.user === 'tester' && r.action === 'user.create');
  await check(`user=admin&object=calendar%3A2031-05-07`, (r) => r.user === 'admin' && r.object === 'calendar:2031-05-07');
  // newest first within a page
  const page = await api(server, 'GET', '/api/v1/audit?limit=50');
  const pageIds = page.body.items.map((r) => r.id);
  assert.deepEqual(pageIds, [...pageIds].sort((a, b) => b - a));
  // no match is an empty list
  const none = await api(server, 'GET', '/api/v1/audit?user=nobody-at-all');
  assert.deepEqual(none.body, { items: [], next_before_id: null });
  // bad filters are 400 naming the field
  for (const [q, field] of [['outcome=maybe', 'outcome'], ['from=yesterday', 'from'], ['to=2026-01-01', 'to'],
    ['limit=0', 'limit'], ['limit=201', 'limit'], ['before_id=0', 'before_id'], ['before_id=x', 'before_id'],
    ['page=2', 'page'], ['user=', 'user']]) {
    assertError(await api(server, 'GET', `/api/v1/audit?${q}`), 400, 'invalid', field);
  }
});

function iso(ms, zoneMinutes = 480) {
  // ISO 8601 at whole seconds in the given zone, e.g. 2026-11-23T09:30:05+08:00
  const d = new Date(ms + zoneMinutes * 60e3);
  const sign = zoneMinutes >= 0 ? '+' : '-';
  const z = Math.abs(zoneMinutes);
  return `${d.toISOString().slice(0, 19)}${sign}${String(Math.floor(z / 60)).padStart(2, '0')}:${String(z % 60).padStart(2, '0')}`;
}

test('search by time range (from/to with a zone, inclusive) separates what came before and after', async () => {
  const first = await api(server, 'PUT', '/api/v1/calendar/2031-05-09', { kind: 'holiday', name: '前' }, { 'x-request-id': 'aud-range-before' });
  assert.equal(first.status, 200);
  const rowA = (await allRows('&action=calendar.set')).find((r) => r.request_id === 'aud-range-before');
  // the next whole second after row A
  const mark = Math.floor(Date.parse(rowA.at) / 1000) * 1000 + 1000;
  await sleep(Math.max(0, mark - Date.now()) + 150);
  const second = await api(server, 'PUT', '/api/v1/calendar/2031-05-10', { kind: 'holiday', name: '后' }, { 'x-request-id': 'aud-range-after' });
  assert.equal(second.status, 200);
  const rids = async (q) => (await allRows(`&${q}`)).map((r) => r.request_id);

  const after = await rids(`from=${encodeURIComponent(iso(mark))}`);
  assert.ok(after.includes('aud-range-after') && !after.includes('aud-range-before'), `from=${iso(mark)}: ${after}`);
  const upto = await rids(`to=${encodeURIComponent(iso(mark - 1000))}`);
  assert.ok(upto.includes('aud-range-before') && !upto.includes('aud-range-after'), `to=${iso(mark - 1000)}`);
  // the same instant in UTC and in another zone selects the same rows
  assert.deepEqual(await rids(`from=${encodeURIComponent(iso(mark, 0))}`), after);
  assert.deepEqual(await rids(`from=${encodeURIComponent(iso(mark, -300))}`), after);
  // a window of exactly row A's second holds row A (both ends inclusive)
  const sec = Math.floor(Date.parse(rowA.at) / 1000) * 1000;
  const win = await rids(`from=${encodeURIComponent(iso(sec))}&to=${encodeURIComponent(iso(sec))}`);
  assert.ok(win.includes('aud-range-before'), `window ${iso(sec)}: ${win}`);
  assert.ok(!win.includes('aud-range-after'));
  // every row returned lies in the range
  for (const r of await allRows(`&from=${encodeURIComponent(iso(mark))}`))
    assert.ok(Date.parse(r.at) >= mark, `${r.at} before ${iso(mark)}`);
  // from after to: nothing
  const empty = await api(server, 'GET', `/api/v1/audit?from=${encodeURIComponent(iso(mark))}&to=${encodeURIComponent(iso(mark - 5000))}`);
  assert.deepEqual(empty.body.items, []);
});

test('paging backwards with before_id / next_before_id walks every row once, in order', async () => {
  const all = (await allRows()).reverse(); // newest first
  for (const limit of [1, 3, 7, 50]) {
    const seen = [];
    let beforeId = '';
    // at most one page per row (and one empty): a loop, never an endless one
    for (let pages = 0; pages <= all.length; pages++) {
      const res = await api(server, 'GET', `/api/v1/audit?limit=${limit}${beforeId}`);
      assert.equal(res.status, 200);
      assert.ok(res.body.items.length <= limit);
      seen.push(...res.body.items.map((r) => r.id));
      const next = res.body.next_before_id;
      if (next === null) break;
      assert.equal(next, res.body.items.at(-1).id, 'next_before_id is the last id of the page');
      beforeId = `&before_id=${next}`;
    }
    assert.deepEqual(seen, all.map((r) => r.id), `limit ${limit}`);
  }
  // paging inside a filter
  const denied = all.filter((r) => r.action === 'access.denied').map((r) => r.id);
  const p1 = await api(server, 'GET', '/api/v1/audit?action=access.denied&limit=1');
  assert.equal(p1.body.items[0].id, denied[0]);
  const p2 = await api(server, 'GET', `/api/v1/audit?action=access.denied&limit=1&before_id=${p1.body.next_before_id}`);
  assert.equal(p2.body.items[0].id, denied[1]);
});

test('the audit log cannot be changed through the API', async () => {
  for (const method of ['POST', 'PUT', 'PATCH', 'DELETE']) {
    const res = await api(server, method, '/api/v1/audit', method === 'DELETE' ? undefined : {});
    assertError(res, 405, 'method_not_allowed');
    assert.match(res.headers.get('allow') || '', /GET/);
  }
  assertError(await api(server, 'DELETE', '/api/v1/audit/1'), 404, 'not_found');
});

// --- the hash chain ----------------------------------------------------------------------

function sql(statement) {
  const r = backend === 'postgres'
    ? spawnSync('psql', [server.db, '-qAtc', statement], { encoding: 'utf8' })
    : spawnSync('sqlite3', [server.db.replace(/^sqlite:/, ''), statement], { encoding: 'utf8' });
  assert.equal(r.status, 0, `${statement}: ${r.stderr}`);
  return r.stdout.trim();
}

const FIELDS = ['prev_hash', 'at', 'login', 'address', 'action', 'object', 'outcome', 'request_id', 'detail'];
function rowFields(id) {
  const cols = ['COALESCE(user_id, 0)', ...FIELDS, 'hash'].join(', ');
  const q = `SELECT ${cols} FROM audit_log WHERE id = ${id}`;
  const r = backend === 'postgres'
    ? spawnSync('psql', [server.db, '-qAt', '-F', '\x1f', '-c', q], { encoding: 'utf8' })
    : spawnSync('sqlite3', ['-separator', '\x1f', server.db.replace(/^sqlite:/, ''), q], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const v = r.stdout.replace(/\n$/, '').split('\x1f');
  assert.equal(v.length, FIELDS.length + 2, JSON.stringify(v));
  return Object.fromEntries([['user_id', v[0]], ...FIELDS.map((f, i) => [f, v[i + 1]]), ['hash', v.at(-1)]]);
}
function rowHash(row) {
  let text = `${row.user_id};`;
  for (const f of FIELDS) text += `${Buffer.byteLength(row[f])}:${row[f]};`;
  const r = spawnSync('b2sum', ['-l', '256'], { input: text });
  assert.equal(r.status, 0, 'b2sum (coreutils) is needed');
  return r.stdout.toString().split(' ')[0];
}

function verify() {
  return linli(['audit-verify', '--db', server.db],
    { env: { ...process.env, LINLI_KEY_FILE: join(server.dir, 'linli.key') } });
}

test('audit-verify: intact on an untouched database; a changed row 3 → exit 3 naming row 3; a deleted row breaks the next', async () => {
  const count = (await allRows()).length;
  await stopClean(server); // keep: the directory stays

  let r = verify();
  assert.equal(r.status, 0, `${r.stdout} ${r.stderr}`);
  assert.match(r.stdout, /intact/);
  const n = Number(/(\d+) rows/.exec(r.stdout)?.[1]);
  assert.ok(n >= count, `verified ${n} rows, the API listed ${count}`);

  const original = sql('SELECT detail FROM audit_log WHERE id = 3');
  sql("UPDATE audit_log SET detail = 'x' WHERE id = 3");
  r = verify();
  assert.equal(r.status, 3, `${r.stdout} ${r.stderr}`);
  assert.match(r.stdout, /BROKEN at row 3\b/);
  assert.match(r.stdout, /row 3 was changed/);

  // any field counts: put the detail back, change who did it
  sql(`UPDATE audit_log SET detail = '${original.replace(/'/g, "''")}' WHERE id = 3`);
  assert.equal(verify().status, 0, 'restored: intact again');
  sql("UPDATE audit_log SET login = 'someone-else' WHERE id = 7");
  r = verify();
  assert.equal(r.status, 3);
  assert.match(r.stdout, /row 7\b/);
  sql(`UPDATE audit_log SET login = 'cli' WHERE id = 7`);
  r = verify();
  assert.equal(r.status, 0, `row 7 restored: ${r.stdout}`);

  // The hash is BLAKE2b-256 over "user_id;" and each of prev_hash, at, login,
  // address, action, object, outcome, request_id, detail as "len:value;"
  // (src/auth/audit.c). Recomputed here, it matches what is stored; and a
  // forger who changes row 3 and recomputes its hash still breaks the chain
  // at row 4, whose prev_hash no longer matches.
  const row3 = rowFields(3);
  assert.equal(rowHash(row3), row3.hash, 'the documented hash construction');
  const forged = { ...row3, detail: 'forged' };
  sql(`UPDATE audit_log SET detail = 'forged', hash = '${rowHash(forged)}' WHERE id = 3`);
  r = verify();
  assert.equal(r.status, 3, `${r.stdout} ${r.stderr}`);
  assert.match(r.stdout, /BROKEN at row 4\b/);
  assert.match(r.stdout, /does not follow/);
  sql(`UPDATE audit_log SET detail = '${original.replace(/'/g, "''")}', hash = '${row3.hash}' WHERE id = 3`);
  assert.equal(verify().status, 0, 'row 3 restored');

  // a deleted row: the row after it does not follow
  sql('DELETE FROM audit_log WHERE id = 5');
  r = verify();
  assert.equal(r.status, 3, `${r.stdout} ${r.stderr}`);
  assert.match(r.stdout, /BROKEN at row 6\b/);
  assert.match(r.stdout, /does not follow/);
});

test('the chain carries on across a restart, and stays intact', async () => {
  // a fresh server of its own: the one above was tampered with
  const srv = await startServer({ demo: true, keep: true });
  try {
    const res = await api(srv, 'PUT', '/api/v1/calendar/2031-06-04', { kind: 'holiday', name: '一' });
    assert.equal(res.status, 200);
    await stopClean(srv);
    const again = await startServer({ dir: srv.dir });
    const res2 = await api(again, 'PUT', '/api/v1/calendar/2031-06-05', { kind: 'holiday', name: '二' });
    assert.equal(res2.status, 200);
    const login = await api(again, 'POST', '/api/v1/session', { login: 'admin', password: 'wrong' }, { authorization: null });
    assert.equal(login.status, 401);
    await stopClean(again);
    const r = linli(['audit-verify', '--db', srv.db], { env: { ...process.env, LINLI_KEY_FILE: join(srv.dir, 'linli.key') } });
    assert.equal(r.status, 0, `${r.stdout} ${r.stderr}`);
    assert.match(r.stdout, /intact/);
  } finally {
    rmSync(srv.dir, { recursive: true, force: true });
  }
});
