// Sessions and logging in (docs/API.md "Authentication", "Session"):
// the cookie's flags, CSRF on unsafe requests, API keys without CSRF,
// logout (here and everywhere), forged cookies, the idle and absolute
// timeouts, ending a user's sessions, changing one's own password, and the
// attacks on the login itself (same answer and time for an unknown login
// and a wrong password, lock-out after five failures, unlock by an
// administrator, disabled and locked accounts).
//
// Runs on SQLite, or on PostgreSQL when LINLI_TEST_PG is set (tests/lib/server.mjs).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { startServer, api, linli, DEMO_PASSWORD, backend } from '../lib/server.mjs';
import { assertError, assertSecurityHeaders, sleep, stopClean, DISTRICT_CAPS } from './helpers.mjs';


const PASSWORD = 'Str0ng#Pass';
let server;

before(async () => {
  server = await startServer({ demo: true });
});
after(async () => {
  if (server) await stopClean(server); // exit 0, no sanitizer report
});

// --- helpers ------------------------------------------------------------------

function cookieOf(res) {
  const sc = res.headers.get('set-cookie');
  assert.ok(sc, `no Set-Cookie in ${res.status} ${JSON.stringify(res.body)}`);
  return sc.split(';')[0];
}

// Logs in with the session cookie (no API key); returns the session with a
// call() that sends its cookie and CSRF token.
async function login(srv, who, password = DEMO_PASSWORD, headers = {}) {
  const res = await api(srv, 'POST', '/api/v1/session', { login: who, password },
    { authorization: null, ...headers });
  assert.equal(res.status, 200, `login ${who}: ${res.status} ${JSON.stringify(res.body)}`);
  const cookie = cookieOf(res);
  const csrf = res.body.csrf_token;
  return {
    login: who, cookie, csrf, res, user: res.body.user,
    call: (method, path, body, extra = {}) =>
      api(srv, method, path, body, { authorization: null, cookie, 'x-csrf-token': csrf, ...extra }),
    // with the cookie only: no CSRF header
    bare: (method, path, body, extra = {}) =>
      api(srv, method, path, body, { authorization: null, cookie, ...extra }),
  };
}

const anon = (srv, method, path, body, extra = {}) =>
  api(srv, method, path, body, { authorization: null, ...extra });

async function createUser(srv, login, roles, scopes, extra = {}) {
  const res = await api(srv, 'POST', '/api/v1/users',
    { login, display_name: `测试 ${login}`, password: PASSWORD, roles, scopes, ...extra });
  assert.equal(res.status, 201, `create ${login}: ${JSON.stringify(res.body)}`);
  return res.body;
}

async function userByLogin(srv, login) {
  const res = await api(srv, 'GET', `/api/v1/users?q=${encodeURIComponent(login)}&page_size=200`);
  assert.equal(res.status, 200, JSON.stringify(res.body));
  const u = res.body.items.find((x) => x.login === login);
  assert.ok(u, `user ${login} not listed`);
  return u;
}

async function auditRows(srv, params) {
  const q = new URLSearchParams({ limit: '200', ...params }).toString();
  const res = await api(srv, 'GET', `/api/v1/audit?${q}`);
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return res.body.items;
}

function cookieAttrs(setCookie) {
  const [nameValue, ...rest] = setCookie.split(';').map((s) => s.trim());
  const attrs = {};
  for (const a of rest) {
    const i = a.indexOf('=');
    if (i < 0) attrs[a.toLowerCase()] = true;
    else attrs[a.slice(0, i).toLowerCase()] = a.slice(i + 1);
  }
  return { nameValue, attrs };
}

// Runs SQL on the server's database while it runs (SQLite waits for its lock).
function sql(srv, statement) {
  let r;
  if (backend === 'postgres') {
    r = spawnSync('psql', [srv.db, '-qAtc', statement], { encoding: 'utf8' });
  } else {
    r = spawnSync('sqlite3', ['-cmd', '.timeout 10000', srv.db.replace(/^sqlite:/, ''), statement],
      { encoding: 'utf8' });
  }
  assert.equal(r.status, 0, `${statement}: ${r.stderr}`);
  return r.stdout;
}

// A weekday far away for calendar writes: 2031-03-05 is a Wednesday.
const DAY = '2031-03-05';

// --- the session cookie ---------------------------------------------------------

test('login sets an HttpOnly SameSite=Strict Path=/ cookie, not Secure over plain HTTP, and answers user, capabilities, csrf_token', async () => {
  const res = await anon(server, 'POST', '/api/v1/session', { login: 'admin', password: DEMO_PASSWORD });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  assertSecurityHeaders(res.headers, 'login');
  const { nameValue, attrs } = cookieAttrs(res.headers.get('set-cookie'));
  assert.match(nameValue, /^linli_session=[A-Za-z0-9_-]{32,}$/);
  assert.equal(attrs.httponly, true, 'HttpOnly');
  assert.equal(attrs.samesite, 'Strict', 'SameSite=Strict');
  assert.equal(attrs.path, '/', 'Path=/');
  assert.ok(!('secure' in attrs), 'no Secure over plain HTTP');
  const b = res.body;
  assert.equal(b.user.login, 'admin');
  assert.equal(b.user.status, 'active');
  assert.deepEqual(b.user.scopes, ['*']);
  assert.ok(!('password_hash' in b.user), 'no password hash in the answer');
  assert.deepEqual([...b.capabilities].sort(),
    ['apikey.manage', 'calendar.manage', 'calendar.read', 'role.read', 'system.read', 'user.manage', 'user.read',
      'webhook.manage']);
  assert.match(b.csrf_token, /^[A-Za-z0-9_-]{32,}$/);
  assert.equal(b.idle_timeout_s, 30 * 60);
  // expires_at: the absolute end, 12 hours from now by default
  const left = (Date.parse(b.expires_at) - Date.now()) / 3600e3;
  assert.ok(left > 11.9 && left <= 12.01, `expires_at ${b.expires_at} is ${left} h away`);
  // the token is not the CSRF token, and the CSRF token is not in the cookie
  assert.ok(!nameValue.includes(b.csrf_token));
});

test('the user in the login answer has the documented shape', async () => {
  // docs/API.md: {"id","login","display_name","phone" (masked),"status","roles":["street_staff"],
  // "scopes":["110105001"],"locked_out","created_at","updated_at"}; created_at-style times in UTC,
  // expires_at in the district's zone (+08:00)
  const s = await login(server, 'street');
  const u = s.user;
  assert.deepEqual(Object.keys(u).sort(),
    ['created_at', 'display_name', 'id', 'locked_out', 'login', 'phone', 'roles', 'scopes', 'status', 'updated_at']);
  assert.equal(typeof u.id, 'number');
  assert.equal(u.login, 'street');
  assert.equal(u.display_name, '街道 李主任');
  assert.equal(u.phone, '');
  assert.equal(u.status, 'active');
  assert.deepEqual(u.roles, ['street_staff']);
  assert.deepEqual(u.scopes, ['110105001']);
  assert.equal(u.locked_out, false);
  for (const k of ['created_at', 'updated_at'])
    assert.match(u[k], /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/, `${k} ${u[k]}`);
  assert.match(s.res.body.expires_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?\+08:00$/);
  // a phone is shown masked
  const p = await api(server, 'POST', '/api/v1/users', { login: 'with-phone', display_name: '有电话',
    password: PASSWORD, phone: '13912345678', roles: ['resident'], scopes: ['110105001001'] });
  assert.equal(p.status, 201, JSON.stringify(p.body));
  assert.equal((await login(server, 'with-phone', PASSWORD)).user.phone, '139****5678');
});

test('the cookie is Secure when the proxy says the request came over TLS (X-Forwarded-Proto: https)', async () => {
  const s = await login(server, 'auditor', DEMO_PASSWORD, { 'x-forwarded-proto': 'https' });
  const { attrs } = cookieAttrs(s.res.headers.get('set-cookie'));
  assert.equal(attrs.secure, true, `Secure expected: ${s.res.headers.get('set-cookie')}`);
  assert.equal(attrs.httponly, true);
  assert.equal(attrs.samesite, 'Strict');
  const plain = await login(server, 'auditor', DEMO_PASSWORD, { 'x-forwarded-proto': 'http' });
  assert.ok(!('secure' in cookieAttrs(plain.res.headers.get('set-cookie')).attrs));
  // logging out over TLS clears the cookie with the same flags
  const out = await s.call('DELETE', '/api/v1/session', undefined, { 'x-forwarded-proto': 'https' });
  assert.equal(out.status, 200, JSON.stringify(out.body));
  const cleared = cookieAttrs(out.headers.get('set-cookie'));
  assert.equal(cleared.attrs.secure, true);
});

test('GET /session with the cookie answers the same user and CSRF token; without credentials 401', async () => {
  const s = await login(server, 'district');
  const res = await s.bare('GET', '/api/v1/session');
  assert.equal(res.status, 200, JSON.stringify(res.body));
  assert.equal(res.body.user.login, 'district');
  assert.equal(res.body.user.id, s.user.id);
  assert.equal(res.body.csrf_token, s.csrf, 'the session keeps its CSRF token');
  assert.deepEqual([...res.body.capabilities].sort(), DISTRICT_CAPS);
  assertError(await anon(server, 'GET', '/api/v1/session'), 401, 'unauthorized');
  // a GET needs no CSRF token
  assert.equal((await s.bare('GET', '/api/v1/users')).status, 200);
});

test('an unsafe request with the cookie needs the X-CSRF-Token: none or wrong → 403 (nothing written), right → 200', async () => {
  const s = await login(server, 'district');
  const other = await login(server, 'district'); // a second session: its token is not this one's
  assert.notEqual(other.csrf, s.csrf);
  const body = { kind: 'holiday', name: 'CSRF 测试' };
  const before = await api(server, 'GET', `/api/v1/calendar?from=${DAY}&to=${DAY}`);
  assert.equal(before.body.days[0].kind, 'workday');

  assertError(await s.bare('PUT', `/api/v1/calendar/${DAY}`, body), 403, 'forbidden', 'x-csrf-token');
  assertError(await s.bare('PUT', `/api/v1/calendar/${DAY}`, body, { 'x-csrf-token': 'wrong' }),
    403, 'forbidden', 'x-csrf-token');
  assertError(await s.bare('PUT', `/api/v1/calendar/${DAY}`, body, { 'x-csrf-token': other.csrf }),
    403, 'forbidden', 'x-csrf-token');
  assertError(await s.bare('PUT', `/api/v1/calendar/${DAY}`, body, { 'x-csrf-token': `${s.csrf}x` }),
    403, 'forbidden', 'x-csrf-token');
  assertError(await s.bare('DELETE', `/api/v1/calendar/${DAY}`), 403, 'forbidden', 'x-csrf-token');
  assertError(await s.bare('DELETE', '/api/v1/session'), 403, 'forbidden', 'x-csrf-token');
  const still = await api(server, 'GET', `/api/v1/calendar?from=${DAY}&to=${DAY}`);
  assert.equal(still.body.days[0].kind, 'workday', 'a refused request wrote nothing');
  // the session survived the refusals
  assert.equal((await s.bare('GET', '/api/v1/session')).status, 200);

  const ok = await s.call('PUT', `/api/v1/calendar/${DAY}`, body);
  assert.equal(ok.status, 200, JSON.stringify(ok.body));
  assert.equal(ok.body.kind, 'holiday');
  const reset = await s.call('DELETE', `/api/v1/calendar/${DAY}`);
  assert.equal(reset.status, 200, JSON.stringify(reset.body));
  assert.equal(reset.body.kind, 'workday');
});

test('a request with an API key needs no CSRF token', async () => {
  const res = await api(server, 'PUT', `/api/v1/calendar/${DAY}`, { kind: 'holiday', name: 'key' });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  const back = await api(server, 'DELETE', `/api/v1/calendar/${DAY}`);
  assert.equal(back.status, 200, JSON.stringify(back.body));
  // GET /session with a key: the key's user, and no CSRF token to hand out
  const who = await api(server, 'GET', '/api/v1/session');
  assert.equal(who.status, 200, JSON.stringify(who.body));
  assert.equal(who.body.user.login, 'tester');
  assert.equal(who.body.csrf_token, '');
});

test('logout clears the cookie, and the old cookie no longer works', async () => {
  const s = await login(server, 'grid');
  const out = await s.call('DELETE', '/api/v1/session');
  assert.equal(out.status, 200, JSON.stringify(out.body));
  assert.deepEqual(out.body, { ended: 1 });
  const { nameValue, attrs } = cookieAttrs(out.headers.get('set-cookie'));
  assert.equal(nameValue, 'linli_session=');
  assert.equal(attrs['max-age'], '0');
  assert.equal(attrs.path, '/');
  assert.equal(attrs.httponly, true);
  assertError(await s.bare('GET', '/api/v1/session'), 401, 'unauthorized');
  assertError(await s.call('DELETE', '/api/v1/session'), 401, 'unauthorized');
  assertError(await s.bare('GET', '/api/v1/calendar?from=2026-01-01&to=2026-01-02'), 401, 'unauthorized');
});

test('logout everywhere (?all=true) ends the user\'s other sessions too, and no one else\'s', async () => {
  const a = await login(server, 'member');
  const b = await login(server, 'member');
  const c = await login(server, 'community'); // another user
  assert.equal((await b.bare('GET', '/api/v1/session')).status, 200);
  const out = await a.call('DELETE', '/api/v1/session?all=true');
  assert.equal(out.status, 200, JSON.stringify(out.body));
  assert.ok(out.body.ended >= 2, `ended ${out.body.ended}`);
  assertError(await a.bare('GET', '/api/v1/session'), 401, 'unauthorized');
  assertError(await b.bare('GET', '/api/v1/session'), 401, 'unauthorized');
  assert.equal((await c.bare('GET', '/api/v1/session')).status, 200, 'another user keeps their session');
});

test('a forged or garbage cookie is 401 on protected routes, and logging in still works with it present', async () => {
  const forged = [
    'linli_session=garbage',
    'linli_session=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
    `linli_session=${'x'.repeat(200)}`,
    'linli_session=%00%ff',
    "linli_session=' OR '1'='1",
  ];
  for (const cookie of forged) {
    const h = { authorization: null, cookie };
    assertError(await api(server, 'GET', '/api/v1/session', undefined, h), 401, 'unauthorized');
    assertError(await api(server, 'GET', '/api/v1/users', undefined, h), 401, 'unauthorized');
    assertError(await api(server, 'PUT', `/api/v1/calendar/${DAY}`, { kind: 'holiday' },
      { ...h, 'x-csrf-token': 'x' }), 401, 'unauthorized');
    const res = await api(server, 'POST', '/api/v1/session', { login: 'resident', password: DEMO_PASSWORD }, h);
    assert.equal(res.status, 200, `login with ${cookie} present: ${JSON.stringify(res.body)}`);
    assert.match(res.headers.get('set-cookie'), /^linli_session=[A-Za-z0-9_-]{32,};/);
  }
  // a real session's cookie with one character changed
  const s = await login(server, 'resident');
  const last = s.cookie.at(-1) === 'A' ? 'B' : 'A';
  const tampered = s.cookie.slice(0, -1) + last;
  assertError(await api(server, 'GET', '/api/v1/session', undefined, { authorization: null, cookie: tampered }),
    401, 'unauthorized');
});

test('an administrator ending a user\'s sessions (DELETE /users/{id}/sessions) logs them out at once', async () => {
  const a = await login(server, 'hotline');
  const b = await login(server, 'hotline');
  const u = await userByLogin(server, 'hotline');
  const res = await api(server, 'DELETE', `/api/v1/users/${u.id}/sessions`);
  assert.equal(res.status, 200, JSON.stringify(res.body));
  assert.ok(res.body.ended >= 2, JSON.stringify(res.body));
  assertError(await a.bare('GET', '/api/v1/session'), 401, 'unauthorized');
  assertError(await b.bare('GET', '/api/v1/session'), 401, 'unauthorized');
  // they can log in again
  await login(server, 'hotline');
});

test('a session past its absolute lifetime (session_hours) is refused and its end audited', async () => {
  const s = await login(server, 'dept');
  assert.equal((await s.bare('GET', '/api/v1/session')).status, 200);
  // 13 hours pass (only for this user's sessions): past the default 12
  sql(server, `UPDATE session SET created_at = created_at - 13 * 3600, last_seen_at = ${Math.floor(Date.now() / 1000)} WHERE user_id = ${s.user.id}`);
  // A change behind the server's back (like another node's) reaches it once
  // its cached identity expires: IDENTITY_CACHE_TTL_S, 2 s.
  await new Promise((r) => setTimeout(r, 2100));
  assertError(await s.bare('GET', '/api/v1/session'), 401, 'unauthorized');
  const rows = await auditRows(server, { user: 'dept', action: 'session.expired' });
  assert.ok(rows.length >= 1, 'a session.expired row');
  // and it is gone: a second try is still 401
  assertError(await s.bare('GET', '/api/v1/session'), 401, 'unauthorized');
});

test('change own password: wrong old → 401, weak new → 400 new_password, then the new works and the old does not', async () => {
  await createUser(server, 'pw-changer', ['grid_worker'], ['110105001001']);
  const s = await login(server, 'pw-changer', PASSWORD);
  const other = await login(server, 'pw-changer', PASSWORD);
  assertError(await s.call('POST', '/api/v1/session/password',
    { old_password: 'Wrong#Pass1', new_password: 'N3w#Password' }), 401, 'unauthorized');
  for (const weak of ['short1!', 'alllowercase', 'alllowercase1', 'Pw-changer#2026', 'NoDigitsOrSymbols']) {
    assertError(await s.call('POST', '/api/v1/session/password',
      { old_password: PASSWORD, new_password: weak }), 400, 'invalid', 'new_password');
  }
  // without the CSRF token it is refused before anything is checked
  assertError(await s.bare('POST', '/api/v1/session/password',
    { old_password: PASSWORD, new_password: 'N3w#Password' }), 403, 'forbidden', 'x-csrf-token');
  const ok = await s.call('POST', '/api/v1/session/password', { old_password: PASSWORD, new_password: 'N3w#Password' });
  assert.equal(ok.status, 200, JSON.stringify(ok.body));
  // this session stays, the user's other sessions end
  assert.equal((await s.bare('GET', '/api/v1/session')).status, 200);
  assertError(await other.bare('GET', '/api/v1/session'), 401, 'unauthorized');
  assertError(await anon(server, 'POST', '/api/v1/session', { login: 'pw-changer', password: PASSWORD }),
    401, 'unauthorized');
  await login(server, 'pw-changer', 'N3w#Password');
  // an API key cannot change a password
  assertError(await api(server, 'POST', '/api/v1/session/password',
    { old_password: 'Harness#2026', new_password: 'N3w#Password' }), 403, 'forbidden');
});

// --- attacks on the login -------------------------------------------------------------

test('an unknown login and a wrong password get the same answer and take about the same time', async () => {
  await createUser(server, 'timing', ['resident'], ['110105001001']);
  const times = { unknown: [], wrong: [] };
  const answers = [];
  // five of each, interleaved; five wrong passwords lock the account on the
  // fifth, but that answer is still the plain 401
  for (let i = 0; i < 5; i++) {
    for (const kind of ['unknown', 'wrong']) {
      const body = kind === 'unknown'
        ? { login: `nobody-${i}`, password: 'Wrong#Pass1' }
        : { login: 'timing', password: 'Wrong#Pass1' };
      const t0 = performance.now();
      const res = await anon(server, 'POST', '/api/v1/session', body);
      times[kind].push(performance.now() - t0);
      assertError(res, 401, 'unauthorized', null);
      assert.equal(res.headers.get('set-cookie'), null, 'no cookie for a failed login');
      answers.push(res.body);
    }
  }
  for (const b of answers) assert.deepEqual(b, answers[0], 'every failed login answers alike');
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const mu = median(times.unknown), mw = median(times.wrong);
  assert.ok(Math.max(mu, mw) / Math.min(mu, mw) <= 2,
    `median ${mu.toFixed(1)} ms (unknown) vs ${mw.toFixed(1)} ms (wrong password)`);
  // and a password check really ran (argon2id: tens of milliseconds), not a short cut
  assert.ok(mu > 5, `unknown login answered in ${mu.toFixed(1)} ms: no dummy hash check?`);
});

test('five wrong passwords lock the account: the sixth try, even right, is 403 field login; an administrator unlocks it', async () => {
  const u = await createUser(server, 'lockme', ['resident'], ['110105001001']);
  for (let i = 1; i <= 5; i++) {
    assertError(await anon(server, 'POST', '/api/v1/session', { login: 'lockme', password: `Wrong#Pass${i}` }),
      401, 'unauthorized');
  }
  const sixth = await anon(server, 'POST', '/api/v1/session', { login: 'lockme', password: PASSWORD });
  assertError(sixth, 403, 'forbidden', 'login');
  assert.equal(sixth.headers.get('set-cookie'), null);
  const seen = await api(server, 'GET', `/api/v1/users/${u.id}`);
  assert.equal(seen.body.locked_out, true, JSON.stringify(seen.body));
  // the refusals are audited
  // (accounts-audit.test.mjs checks the rows' other fields)
  const failed = await auditRows(server, { object: `user:${u.id}`, action: 'session.login_failed' });
  assert.equal(failed.length, 6, JSON.stringify(failed.map((r) => r.detail)));
  assert.ok(failed.every((r) => r.outcome === 'failed'));
  assert.match(failed[1].detail, /lock/i, 'the fifth failure says it locked the account');

  const unlock = await api(server, 'PATCH', `/api/v1/users/${u.id}`, { status: 'active' });
  assert.equal(unlock.status, 200, JSON.stringify(unlock.body));
  assert.equal(unlock.body.locked_out, false);
  await login(server, 'lockme', PASSWORD);
  // the failure count was cleared: four more failures do not lock it again
  for (let i = 1; i <= 4; i++)
    assertError(await anon(server, 'POST', '/api/v1/session', { login: 'lockme', password: `Wrong#Pass${i}` }),
      401, 'unauthorized');
  await login(server, 'lockme', PASSWORD);
});

test('a disabled or administrator-locked account gets 403 field login, and its sessions end', async () => {
  const u = await createUser(server, 'disable-me', ['resident'], ['110105001001']);
  const s = await login(server, 'disable-me', PASSWORD);
  const res = await api(server, 'PATCH', `/api/v1/users/${u.id}`, { status: 'disabled' });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  assert.equal(res.body.status, 'disabled');
  assertError(await s.bare('GET', '/api/v1/session'), 401, 'unauthorized');
  assertError(await anon(server, 'POST', '/api/v1/session', { login: 'disable-me', password: PASSWORD }),
    403, 'forbidden', 'login');
  // a wrong password for a disabled account is refused too, without a cookie
  const wrong = await anon(server, 'POST', '/api/v1/session', { login: 'disable-me', password: 'Wrong#Pass1' });
  assert.ok(wrong.status === 403 || wrong.status === 401, JSON.stringify(wrong.body));
  assert.equal(wrong.headers.get('set-cookie'), null);

  assert.equal((await api(server, 'PATCH', `/api/v1/users/${u.id}`, { status: 'locked' })).status, 200);
  assertError(await anon(server, 'POST', '/api/v1/session', { login: 'disable-me', password: PASSWORD }),
    403, 'forbidden', 'login');
  assert.equal((await api(server, 'PATCH', `/api/v1/users/${u.id}`, { status: 'active' })).status, 200);
  await login(server, 'disable-me', PASSWORD);
  // nobody locks or disables themselves
  const self = await userByLogin(server, 'tester');
  const r = await api(server, 'PATCH', `/api/v1/users/${self.id}`, { status: 'disabled' });
  assert.ok(r.status === 422 || r.status === 403, `${r.status} ${JSON.stringify(r.body)}`);
});

// --- timeouts (a server of its own with a short idle timeout) -------------------------------

test('a session idle longer than session_idle is refused (401) and audited as session.expired', async () => {
  const srv = await startServer({ demo: true, args: ['--session-idle', '2s'] });
  try {
    const s = await login(srv, 'grid');
    assert.equal(s.res.body.idle_timeout_s, 2);
    assert.equal((await s.bare('GET', '/api/v1/session')).status, 200);
    await sleep(3500);
    assertError(await s.bare('GET', '/api/v1/session'), 401, 'unauthorized');
    const rows = await auditRows(srv, { user: 'grid', action: 'session.expired' });
    assert.equal(rows.length, 1, JSON.stringify(rows));
    // a new login works
    const again = await login(srv, 'grid');
    assert.equal((await again.bare('GET', '/api/v1/session')).status, 200);
  } finally {
    await stopClean(srv);
  }
});

test('activity keeps a session alive: the idle clock restarts with every request', async () => {
  const srv = await startServer({ demo: true, args: ['--session-idle', '3s'] });
  try {
    const s = await login(srv, 'grid');
    // one request a second for seven seconds: never 3 s idle
    for (let i = 1; i <= 7; i++) {
      await sleep(1000);
      const res = await s.bare('GET', '/api/v1/session');
      assert.equal(res.status, 200,
        `request ${i} s after login, 1 s after the previous one: ${res.status} ${JSON.stringify(res.body)}`);
    }
  } finally {
    await stopClean(srv);
  }
});

test('session_idle takes 90s, 30m, 1h or plain minutes, and refuses nonsense', async () => {
  // A refused value stops `linli serve` before it opens the database (exit 2,
  // naming the setting); an accepted one gets as far as the database, which
  // does not exist here (exit 1).
  const db = 'sqlite:/nonexistent-dir/linli.db';
  for (const v of ['0', '0s', '25h', '86401s', '-5m', '10x', 'm', '1.5h', '']) {
    const r = linli(['serve', '--db', db, '--session-idle', v], { timeout: 10000 });
    assert.equal(r.status, 2, `--session-idle '${v}': exit ${r.status} ${r.stderr}`);
    assert.match(r.stderr, /session_idle/);
  }
  for (const v of ['90s', '30m', '1h', '24h', '30']) {
    const r = linli(['serve', '--db', db, '--session-idle', v], { timeout: 10000 });
    assert.equal(r.status, 1, `--session-idle '${v}': exit ${r.status} ${r.stderr}`);
    assert.doesNotMatch(r.stderr, /session_idle/);
  }
});
