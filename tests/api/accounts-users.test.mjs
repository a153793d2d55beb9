// Users, roles and API keys (docs/API.md "Users", "Roles and capabilities",
// "API keys"): hostile input in every field of every accounts route, area
// scopes (an administrator sees and manages only users inside their own
// scope), privilege escalation (grants need user.grant, stay inside the
// granter's scope, never one's own; roles only from known capabilities;
// built-in and granted roles stay), and API keys (shown once, act as their
// user, last_used_at, revocation, scope).
//
// Runs on SQLite, or on PostgreSQL when LINLI_TEST_PG is set.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, api, DEMO_PASSWORD } from '../lib/server.mjs';
import { assertError, raw, hostPort, stopClean, DISTRICT_CAPS } from './helpers.mjs';


const PASSWORD = 'Str0ng#Pass';
let server;
const ids = {}; // login → id of the demo users and tester

before(async () => {
  server = await startServer({ demo: true });
  const res = await api(server, 'GET', '/api/v1/users?page_size=200');
  assert.equal(res.status, 200, JSON.stringify(res.body));
  for (const u of res.body.items) ids[u.login] = u.id;
  assert.ok(ids.admin && ids.resident && ids.tester, JSON.stringify(Object.keys(ids)));
});
after(async () => {
  if (server) await stopClean(server); // exit 0, no sanitizer report
});

// --- helpers ------------------------------------------------------------------------

async function login(who, password = DEMO_PASSWORD) {
  const res = await api(server, 'POST', '/api/v1/session', { login: who, password }, { authorization: null });
  assert.equal(res.status, 200, `login ${who}: ${res.status} ${JSON.stringify(res.body)}`);
  const cookie = res.headers.get('set-cookie').split(';')[0];
  const csrf = res.body.csrf_token;
  return {
    login: who, user: res.body.user, capabilities: res.body.capabilities,
    call: (method, path, body, extra = {}) =>
      api(server, method, path, body, { authorization: null, cookie, 'x-csrf-token': csrf, ...extra }),
  };
}

async function createUser(login, roles, scopes, extra = {}) {
  const body = { login, display_name: `测试 ${login}`, password: PASSWORD, ...extra };
  if (roles) body.roles = roles;
  if (scopes) body.scopes = scopes;
  const res = await api(server, 'POST', '/api/v1/users', body);
  assert.equal(res.status, 201, `create ${login}: ${JSON.stringify(res.body)}`);
  ids[login] = res.body.id;
  return res.body;
}

const getUser = async (id) => (await api(server, 'GET', `/api/v1/users/${id}`)).body;

// Everything an accounts request could half-write, as the tester sees it.
async function snapshot() {
  const users = await api(server, 'GET', '/api/v1/users?page_size=200');
  const roles = await api(server, 'GET', '/api/v1/roles');
  const keys = await api(server, 'GET', '/api/v1/api-keys');
  assert.equal(users.status, 200);
  return {
    users: users.body.items.map((u) => ({ ...u })),
    total: users.body.total,
    roles: roles.body.items,
    keys: keys.body.items.map(({ last_used_at, ...k }) => k),
  };
}

// --- hostile input ---------------------------------------------------------------------------

const SQL = ["' OR '1'='1", "admin'--", '1; DROP TABLE app_user; --', '" OR ""="', "') OR ('a'='a"];
const LONG = ['x'.repeat(10000), '长'.repeat(10000)];
const CTRL = ['a\u0001b', 'line\nbreak', 'tab\there', 'del\u007f', 'esc\u001b[31m', 'cr\r'];

// Each accounts field with how it answers each class of value:
//   strict: anything here is 400 naming the field
//   text:   SQL metacharacters are plain text (accepted; checked below), the rest 400
//   login:  the login route: SQL text is just a wrong login (401), the rest 400
// body(v)/path(v)/query(v) build the request with v in that one field.
function fieldCases() {
  const c = [];
  const add = (route, method, field, kind, make) => c.push({ route, method, field, kind, make });
  const body = (path, base, field) => (v) => ({ path, body: { ...base, [field]: v } });
  const list = (path, base, field) => (v) => ({ path, body: { ...base, [field]: [v] } });
  const query = (path, field) => (v) => ({ path: `${path}?${field}=${encodeURIComponent(v)}` });
  const param = (pattern) => (v) => ({ path: pattern.replace('{}', encodeURIComponent(v)) });
  const sess = { login: 'resident', password: DEMO_PASSWORD };
  add('POST /session', 'POST', 'login', 'login', body('/api/v1/session', sess, 'login'));
  add('POST /session', 'POST', 'password', 'login', body('/api/v1/session', sess, 'password'));
  const newUser = { login: 'fuzz-user', display_name: '模糊', password: PASSWORD };
  add('POST /users', 'POST', 'login', 'strict', body('/api/v1/users', newUser, 'login'));
  add('POST /users', 'POST', 'display_name', 'text', body('/api/v1/users', newUser, 'display_name'));
  add('POST /users', 'POST', 'phone', 'strict', body('/api/v1/users', newUser, 'phone'));
  add('POST /users', 'POST', 'roles', 'strict', list('/api/v1/users', newUser, 'roles'));
  add('POST /users', 'POST', 'scopes', 'strict', list('/api/v1/users', newUser, 'scopes'));
  for (const f of ['status', 'role', 'page', 'page_size'])
    add('GET /users', 'GET', f, 'strict', query('/api/v1/users', f));
  add('GET /users', 'GET', 'q', 'text', query('/api/v1/users', 'q'));
  add('GET /users/{id}', 'GET', 'id', 'strict', param('/api/v1/users/{}'));
  add('PATCH /users/{id}', 'PATCH', 'id', 'strict', (v) => ({ ...param('/api/v1/users/{}')(v), body: { display_name: 'x' } }));
  const u = () => `/api/v1/users/${ids.resident}`;
  add('PATCH /users/{id}', 'PATCH', 'display_name', 'text', (v) => body(u(), {}, 'display_name')(v));
  add('PATCH /users/{id}', 'PATCH', 'phone', 'strict', (v) => body(u(), {}, 'phone')(v));
  add('PATCH /users/{id}', 'PATCH', 'status', 'strict', (v) => body(u(), {}, 'status')(v));
  add('POST /users/{id}/password', 'POST', 'id', 'strict', (v) => ({ ...param('/api/v1/users/{}/password')(v), body: { password: PASSWORD } }));
  add('PUT /users/{id}/grants', 'PUT', 'id', 'strict', (v) => ({ ...param('/api/v1/users/{}/grants')(v), body: { roles: [], scopes: ['110105001001'] } }));
  add('PUT /users/{id}/grants', 'PUT', 'roles', 'strict', (v) => list(`/api/v1/users/${ids.resident}/grants`, { scopes: ['110105001001'] }, 'roles')(v));
  add('PUT /users/{id}/grants', 'PUT', 'scopes', 'strict', (v) => list(`/api/v1/users/${ids.resident}/grants`, { roles: ['resident'] }, 'scopes')(v));
  add('DELETE /users/{id}/sessions', 'DELETE', 'id', 'strict', param('/api/v1/users/{}/sessions'));
  add('GET /users/{id}/phone', 'GET', 'id', 'strict', param('/api/v1/users/{}/phone'));
  const role = { id: 'fuzz_role', name: '模糊角色', capabilities: ['calendar.read'] };
  add('POST /roles', 'POST', 'id', 'strict', body('/api/v1/roles', role, 'id'));
  add('POST /roles', 'POST', 'name', 'text', body('/api/v1/roles', role, 'name'));
  add('POST /roles', 'POST', 'capabilities', 'strict', list('/api/v1/roles', role, 'capabilities'));
  add('PUT /roles/{id}', 'PUT', 'id', 'strict', (v) => ({ ...param('/api/v1/roles/{}')(v), body: { name: 'x', capabilities: [] } }));
  add('PUT /roles/{id}', 'PUT', 'capabilities', 'strict', list('/api/v1/roles/resident', { name: '居民' }, 'capabilities'));
  add('DELETE /roles/{id}', 'DELETE', 'id', 'strict', param('/api/v1/roles/{}'));
  add('POST /api-keys', 'POST', 'name', 'text', (v) => body('/api/v1/api-keys', { user_id: ids.resident }, 'name')(v));
  add('POST /api-keys', 'POST', 'user_id', 'strict', body('/api/v1/api-keys', { name: 'fuzz' }, 'user_id'));
  add('DELETE /api-keys/{id}', 'DELETE', 'id', 'strict', param('/api/v1/api-keys/{}'));
  for (const f of ['outcome', 'from', 'to', 'before_id', 'limit'])
    add('GET /audit', 'GET', f, 'strict', query('/api/v1/audit', f));
  for (const f of ['user', 'action', 'object'])
    add('GET /audit', 'GET', f, 'text', query('/api/v1/audit', f));
  return c;
}

test('SQL metacharacters, 10,000-character strings and control characters in every accounts field: 400 naming the field (401 for a login), never 500, nothing written', async () => {
  const before = await snapshot();
  const problems = [];
  let sent = 0;
  for (const c of fieldCases()) {
    const values = [...LONG, ...CTRL, ...(c.kind === 'strict' ? SQL : [])];
    for (const v of values) {
      const req = c.make(v);
      const headers = c.route === 'POST /session' ? { authorization: null } : {};
      const res = await api(server, c.method, req.path, req.body, headers);
      sent++;
      const what = `${c.route} ${c.field}=${JSON.stringify(v.length > 20 ? `${v.slice(0, 12)}…(${v.length})` : v)}`;
      const got = `${res.status} ${JSON.stringify(res.body).slice(0, 200)}`;
      if (res.status >= 500) { problems.push(`${what}: ${got}`); continue; }
      const err = res.body?.error;
      // a path past 2048 bytes is refused as a whole (413 naming the path);
      // a request line past libmicrohttpd's 64 KiB buffer (10,000 CJK
      // characters percent-encoded are 90 KB) is refused by it before linli
      // sees it (the HTTP suite covers those limits)
      const pathTooLong = req.path.split('?')[0].length > 2048;
      const lineTooLong = req.path.length > 60 * 1024;
      const ok = lineTooLong ? [413, 414, 431].includes(res.status)
        : pathTooLong ? res.status === 413 && err?.field === 'path'
          : res.status === 400 && err?.code === 'invalid' && err?.field === c.field;
      if (!ok) problems.push(`${what}: ${got}`);
    }
  }
  // login attempts with SQL in the login: a plain failed login (an unknown one)
  for (const v of SQL) {
    for (const body of [{ login: v, password: DEMO_PASSWORD }, { login: v, password: v }]) {
      const res = await api(server, 'POST', '/api/v1/session', body, { authorization: null });
      sent++;
      if (res.status !== 401 || res.body?.error?.message !== 'wrong login or password' || res.headers.get('set-cookie'))
        problems.push(`login ${JSON.stringify(body)}: ${res.status} ${JSON.stringify(res.body)}`);
    }
  }
  assert.ok(sent > 300, `only ${sent} requests`);
  assert.deepEqual(problems, [], problems.join('\n'));
  assert.deepEqual(await snapshot(), before, 'a refused request changed users, roles or keys');
  // the resident (target of the PATCH and grant attempts) can still log in and is as before
  await login('resident');
});

test('SQL metacharacters as a password are just a wrong password: 401 alike, and they count towards the lock-out', async () => {
  const u = await createUser('sql-victim', ['resident'], ['110105001001']);
  const answers = [];
  for (const v of SQL) {
    const res = await api(server, 'POST', '/api/v1/session', { login: 'sql-victim', password: v }, { authorization: null });
    assertError(res, 401, 'unauthorized', null, /^wrong login or password$/);
    assert.equal(res.headers.get('set-cookie'), null);
    answers.push(res.body);
  }
  assert.ok(answers.every((a) => JSON.stringify(a) === JSON.stringify(answers[0])));
  // five failures: locked, even for the right password
  assertError(await api(server, 'POST', '/api/v1/session', { login: 'sql-victim', password: PASSWORD }, { authorization: null }),
    403, 'forbidden', 'login');
  assert.equal((await getUser(u.id)).locked_out, true);
});

// Bodies with bytes that are not UTF-8, sent raw (fetch would re-encode them).
function rawRequest(method, path, bodyBuf, key) {
  const { host, port } = hostPort(server);
  const head = `${method} ${path} HTTP/1.1\r\nHost: ${host}:${port}\r\n` +
    `${key ? `Authorization: Bearer ${key}\r\n` : ''}Content-Type: application/json\r\n` +
    `Content-Length: ${bodyBuf.length}\r\nConnection: close\r\n\r\n`;
  return raw(server, Buffer.concat([Buffer.from(head, 'latin1'), bodyBuf]));
}

test('invalid UTF-8 (raw bytes) in every accounts body field and query: 400, never 500, nothing written', async () => {
  const before = await snapshot();
  const BAD = [Buffer.from([0xc3, 0x28]), Buffer.from([0xff, 0xfe]), Buffer.from([0xc0, 0xaf]),
    Buffer.from([0xed, 0xa0, 0x80]), Buffer.from([0xe6, 0x88])];
  const cases = [
    ['POST', '/api/v1/session', { login: 'resident', password: DEMO_PASSWORD }, ['login', 'password'], false],
    ['POST', '/api/v1/users', { login: 'fuzz-utf8', display_name: 'x', password: PASSWORD, phone: '13800000000' },
      ['login', 'display_name', 'password', 'phone'], true],
    ['PATCH', `/api/v1/users/${ids.resident}`, { display_name: 'x', phone: '13800000000', status: 'active' },
      ['display_name', 'phone', 'status'], true],
    ['POST', `/api/v1/users/${ids.resident}/password`, { password: PASSWORD }, ['password'], true],
    ['POST', '/api/v1/roles', { id: 'fuzz_utf', name: 'x', capabilities: ['calendar.read'] }, ['id', 'name'], true],
    ['PUT', '/api/v1/roles/resident', { name: 'x', capabilities: [] }, ['name'], true],
    ['POST', '/api/v1/api-keys', { name: 'x', user_id: ids.resident }, ['name'], true],
  ];
  const problems = [];
  for (const [method, path, base, fields, withKey] of cases) {
    for (const field of fields) {
      for (const bad of BAD) {
        // {"field":"a<bad>b", …the rest}
        const rest = JSON.stringify(Object.fromEntries(Object.entries(base).filter(([k]) => k !== field)));
        const buf = Buffer.concat([Buffer.from(`{"${field}":"a`), bad, Buffer.from(`b"${rest === '{}' ? '' : `,${rest.slice(1, -1)}`}}`)]);
        const res = await rawRequest(method, path, buf, withKey ? server.key : null);
        let body = {};
        try { body = JSON.parse(res.body); } catch { /* reported below */ }
        const ok = res.status === 400 && body.error?.code === 'invalid' && [field, 'body'].includes(body.error?.field);
        if (!ok) problems.push(`${method} ${path} ${field} + ${bad.toString('hex')}: ${res.status} ${res.body.slice(0, 200)}`);
      }
    }
  }
  // in query strings and path parameters the bytes come percent-encoded
  const enc = ['%C3%28', '%FF%FE', '%C0%AF', '%ED%A0%80'];
  for (const e of enc) {
    for (const [path, field] of [[`/api/v1/users?q=a${e}`, 'q'], [`/api/v1/audit?user=a${e}`, 'user'],
      [`/api/v1/audit?object=a${e}`, 'object'], [`/api/v1/audit?action=a${e}`, 'action'],
      [`/api/v1/roles/a${e}`, 'id'], [`/api/v1/users/1${e}`, 'id']]) {
      const method = path.startsWith('/api/v1/roles/') ? 'DELETE' : 'GET';
      const res = await api(server, method, path);
      if (res.status !== 400 || res.body?.error?.field !== field)
        problems.push(`${method} ${path}: ${res.status} ${JSON.stringify(res.body).slice(0, 200)}`);
    }
  }
  assert.deepEqual(problems, [], problems.join('\n'));
  assert.deepEqual(await snapshot(), before);
});

test('SQL metacharacters in free-text fields are kept as plain text, and searches match them literally', async () => {
  const name = "' OR '1'='1";
  const u = await createUser('lit-user', ['resident'], ['110105001001'], { display_name: name });
  assert.equal(u.display_name, name);
  assert.equal((await getUser(u.id)).display_name, name);
  const patched = await api(server, 'PATCH', `/api/v1/users/${u.id}`, { display_name: "admin'--; DROP TABLE users" });
  assert.equal(patched.status, 200, JSON.stringify(patched.body));
  assert.equal((await getUser(u.id)).display_name, "admin'--; DROP TABLE users");
  // q matches as typed: the quote-laden text finds exactly that user; LIKE's wildcards are literal
  const q = async (text) => (await api(server, 'GET', `/api/v1/users?page_size=200&q=${encodeURIComponent(text)}`)).body;
  const byQuote = await q("admin'--");
  assert.deepEqual(byQuote.items.map((x) => x.login), ['lit-user']);
  for (const wild of ['%', '_', '\\', "' OR 1=1 --"]) {
    const r = await q(wild);
    assert.equal(r.total, 0, `q=${wild} matched ${r.items.map((x) => x.login)}`);
  }
  const all = await api(server, 'GET', '/api/v1/users?page_size=200');
  assert.ok(all.body.total > 10, 'the users are all still there');
  // role and key names
  const role = await api(server, 'POST', '/api/v1/roles', { id: 'lit_role', name: "x'); DELETE FROM role; --", capabilities: [] });
  assert.equal(role.status, 201, JSON.stringify(role.body));
  const roles = await api(server, 'GET', '/api/v1/roles');
  assert.equal(roles.body.items.find((r) => r.id === 'lit_role').name, "x'); DELETE FROM role; --");
  assert.ok(roles.body.items.length >= 13);
  const key = await api(server, 'POST', '/api/v1/api-keys', { name: "k' OR '1'='1", user_id: u.id });
  assert.equal(key.status, 201, JSON.stringify(key.body));
  assert.equal(key.body.name, "k' OR '1'='1");
  // audit filters are literal too
  for (const [f, v] of [['user', "' OR 'x'='x"], ['action', "session.login' OR '1'='1"], ['object', "x' OR 1=1 --"]]) {
    const r = await api(server, 'GET', `/api/v1/audit?${f}=${encodeURIComponent(v)}`);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.deepEqual(r.body.items, [], `audit ${f}=${v}`);
  }
});

// --- area scopes -----------------------------------------------------------------------

const INSIDE_STREET = ['community', 'grid', 'member', 'resident', 'street']; // scopes under 110105001
const OUTSIDE_STREET = ['admin', 'security', 'auditor', 'district', 'hotline', 'dept', 'tester'];

let streetAdmin; // sysadmin with scope 110105001

test('an administrator scoped to a street lists only the users whose scopes lie inside it', async () => {
  await createUser('street-admin', ['sysadmin'], ['110105001']);
  streetAdmin = await login('street-admin', PASSWORD);
  assert.deepEqual(streetAdmin.user.scopes, ['110105001']);
  const res = await streetAdmin.call('GET', '/api/v1/users?page_size=200');
  assert.equal(res.status, 200, JSON.stringify(res.body));
  const logins = res.body.items.map((u) => u.login).sort();
  for (const l of [...INSIDE_STREET, 'street-admin']) assert.ok(logins.includes(l), `${l} missing from ${logins}`);
  for (const l of OUTSIDE_STREET) assert.ok(!logins.includes(l), `${l} (outside 110105001) listed`);
  for (const u of res.body.items)
    assert.ok(u.scopes.length > 0 && u.scopes.every((s) => s.startsWith('110105001')), `${u.login} ${u.scopes}`);
  assert.equal(res.body.total, res.body.items.length);
  // the filters and paging work inside the scope, and total counts only the scope
  const q = await streetAdmin.call('GET', '/api/v1/users?q=d');
  assert.ok(q.body.items.every((u) => !OUTSIDE_STREET.includes(u.login)), JSON.stringify(q.body.items.map((u) => u.login)));
  const role = await streetAdmin.call('GET', '/api/v1/users?role=sysadmin');
  assert.deepEqual(role.body.items.map((u) => u.login), ['street-admin']);
  const page = await streetAdmin.call('GET', '/api/v1/users?page_size=2&page=1');
  assert.equal(page.body.total, res.body.total);
  assert.equal(page.body.items.length, 2);
});

test('acting on a user outside the scope is refused: GET, PATCH, reset password, end sessions → 403 (audited) and nothing changes', async () => {
  assert.ok(streetAdmin, 'needs the previous test');
  const before = await getUser(ids.district);
  for (const who of ['district', 'admin', 'hotline']) {
    assertError(await streetAdmin.call('GET', `/api/v1/users/${ids[who]}`), 403, 'forbidden');
    assertError(await streetAdmin.call('PATCH', `/api/v1/users/${ids[who]}`, { display_name: 'hijacked' }), 403, 'forbidden');
    assertError(await streetAdmin.call('PATCH', `/api/v1/users/${ids[who]}`, { status: 'disabled' }), 403, 'forbidden');
    assertError(await streetAdmin.call('POST', `/api/v1/users/${ids[who]}/password`, { password: 'Hijack#2026x' }), 403, 'forbidden');
    assertError(await streetAdmin.call('DELETE', `/api/v1/users/${ids[who]}/sessions`), 403, 'forbidden');
  }
  // a user with one scope inside and one outside is outside; so is a user with no scope
  const straddler = await createUser('straddler', ['resident'], ['110105001001', '110106001']);
  const noscope = await api(server, 'POST', '/api/v1/users', { login: 'noscope', display_name: '无范围', password: PASSWORD });
  assert.equal(noscope.status, 201, JSON.stringify(noscope.body));
  assert.deepEqual(noscope.body.scopes, []);
  for (const id of [straddler.id, noscope.body.id])
    assertError(await streetAdmin.call('GET', `/api/v1/users/${id}`), 403, 'forbidden');
  const listed = (await streetAdmin.call('GET', '/api/v1/users?page_size=200')).body.items.map((x) => x.login);
  assert.ok(!listed.includes('straddler') && !listed.includes('noscope'), listed.join());
  // an id that does not exist answers the same
  assertError(await streetAdmin.call('GET', '/api/v1/users/999999'), 404, 'not_found');
  assertError(await streetAdmin.call('POST', '/api/v1/users/999999/password', { password: 'Hijack#2026x' }), 404, 'not_found');
  assert.deepEqual(await getUser(ids.district), before, 'the outside user is unchanged');
  await login('district'); // password unchanged, not disabled
  // inside the scope it works
  assert.equal((await streetAdmin.call('GET', `/api/v1/users/${ids.grid}`)).status, 200);
  const p = await streetAdmin.call('PATCH', `/api/v1/users/${ids.grid}`, { display_name: '网格员 刘敏（改）' });
  assert.equal(p.status, 200, JSON.stringify(p.body));
});

test('a user created without roles gets the creator\'s scope (and no roles)', async () => {
  assert.ok(streetAdmin, 'needs the first scope test');
  const res = await streetAdmin.call('POST', '/api/v1/users', { login: 'street-new', display_name: '新人', password: PASSWORD });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  assert.deepEqual(res.body.scopes, ['110105001']);
  assert.deepEqual(res.body.roles, []);
  ids['street-new'] = res.body.id;
  assert.equal((await streetAdmin.call('GET', `/api/v1/users/${res.body.id}`)).status, 200, 'the creator still sees it');
  // the new user can log in and has no capabilities
  const s = await login('street-new', PASSWORD);
  assert.deepEqual(s.capabilities, []);
  assertError(await s.call('GET', '/api/v1/users'), 403, 'forbidden');
});

// --- privilege escalation ---------------------------------------------------------------

test('a sysadmin (no user.grant) cannot give roles or scopes: POST /users with roles → 403 roles, PUT grants → 403', async () => {
  const admin = await login('admin');
  const before = await snapshot();
  assertError(await admin.call('POST', '/api/v1/users',
    { login: 'escalate-1', display_name: 'x', password: PASSWORD, roles: ['secadmin'] }), 403, 'forbidden', 'roles');
  assertError(await admin.call('POST', '/api/v1/users',
    { login: 'escalate-2', display_name: 'x', password: PASSWORD, scopes: ['*'] }), 403, 'forbidden');
  assertError(await admin.call('PUT', `/api/v1/users/${ids.resident}/grants`,
    { roles: ['sysadmin'], scopes: ['*'] }), 403, 'forbidden');
  assertError(await admin.call('PUT', `/api/v1/users/${ids.admin}/grants`,
    { roles: ['sysadmin', 'secadmin'], scopes: ['*'] }), 403, 'forbidden');
  assert.deepEqual(await snapshot(), before);
});

test('a security administrator scoped to a district grants only inside it: a scope outside → 403 scopes', async () => {
  await createUser('sec-district', ['secadmin'], ['110105']);
  const sec = await login('sec-district', PASSWORD);
  const street = await getUser(ids.street);
  for (const scopes of [['110106'], ['*'], ['110105001', '1101'], ['11']]) {
    assertError(await sec.call('PUT', `/api/v1/users/${ids.street}/grants`, { roles: ['street_staff'], scopes }),
      403, 'forbidden', 'scopes');
  }
  assert.deepEqual(await getUser(ids.street), street, 'the grants are unchanged');
  // a user outside its scope cannot be granted at all
  assertError(await sec.call('PUT', `/api/v1/users/${ids.admin}/grants`, { roles: ['resident'], scopes: ['110105'] }),
    403, 'forbidden');
  // inside it, it works
  const ok = await sec.call('PUT', `/api/v1/users/${ids.street}/grants`, { roles: ['street_staff'], scopes: ['110105001', '110105002'] });
  assert.equal(ok.status, 200, JSON.stringify(ok.body));
  assert.deepEqual(ok.body.scopes, ['110105001', '110105002']);
  const back = await sec.call('PUT', `/api/v1/users/${ids.street}/grants`, { roles: ['street_staff'], scopes: ['110105001'] });
  assert.equal(back.status, 200, JSON.stringify(back.body));
  // invalid scopes and unknown roles are 400
  assertError(await sec.call('PUT', `/api/v1/users/${ids.street}/grants`, { roles: ['street_staff'], scopes: ['11010a'] }),
    400, 'invalid', 'scopes');
  assertError(await sec.call('PUT', `/api/v1/users/${ids.street}/grants`, { roles: ['no_such_role'], scopes: ['110105001'] }),
    400, 'invalid', 'roles');
  assert.deepEqual((await getUser(ids.street)).scopes, ['110105001']);
});

test('nobody changes their own grants (403), not even with every capability', async () => {
  const tester = await api(server, 'PUT', `/api/v1/users/${ids.tester}/grants`,
    { roles: ['sysadmin', 'secadmin', 'auditor'], scopes: ['*'] });
  assertError(tester, 403, 'forbidden');
  const security = await login('security');
  assertError(await security.call('PUT', `/api/v1/users/${ids.security}/grants`,
    { roles: ['secadmin', 'auditor'], scopes: ['*'] }), 403, 'forbidden');
  assert.deepEqual((await getUser(ids.security)).roles.map((r) => r.id ?? r), ['secadmin']);
});

test('a role cannot hold an unknown capability (400); built-in roles cannot be deleted (422); a granted role cannot be deleted (409)', async () => {
  for (const caps of [['no.such'], ['calendar.read', 'root'], ['*'], ['']]) {
    const res = await api(server, 'POST', '/api/v1/roles', { id: 'bad_role', name: '坏角色', capabilities: caps });
    assertError(res, 400, 'invalid', 'capabilities');
  }
  assertError(await api(server, 'PUT', '/api/v1/roles/resident', { name: '居民', capabilities: ['god.mode'] }),
    400, 'invalid', 'capabilities');
  const roles = await api(server, 'GET', '/api/v1/roles');
  assert.ok(!roles.body.items.some((r) => r.id === 'bad_role'));
  assert.deepEqual(roles.body.items.find((r) => r.id === 'resident').capabilities, []);
  for (const id of ['sysadmin', 'secadmin', 'auditor', 'resident']) {
    assertError(await api(server, 'DELETE', `/api/v1/roles/${id}`), 422, 'unprocessable');
  }
  const mk = await api(server, 'POST', '/api/v1/roles', { id: 'granted_role', name: '已授予', capabilities: ['calendar.read'] });
  assert.equal(mk.status, 201, JSON.stringify(mk.body));
  assertError(await api(server, 'POST', '/api/v1/roles', { id: 'granted_role', name: 'again', capabilities: [] }),
    409, 'conflict', 'id');
  await createUser('holder', ['granted_role'], ['110105001001']);
  assertError(await api(server, 'DELETE', '/api/v1/roles/granted_role'), 409, 'conflict');
  assert.ok((await api(server, 'GET', '/api/v1/roles')).body.items.some((r) => r.id === 'granted_role'));
  assert.equal((await login('holder', PASSWORD)).capabilities.join(), 'calendar.read', 'the holder keeps the role');
  // once nobody holds it, it goes
  const g = await api(server, 'PUT', `/api/v1/users/${ids.holder}/grants`, { roles: ['resident'], scopes: ['110105001001'] });
  assert.equal(g.status, 200, JSON.stringify(g.body));
  const del = await api(server, 'DELETE', '/api/v1/roles/granted_role');
  assert.equal(del.status, 200, JSON.stringify(del.body));
  assertError(await api(server, 'DELETE', '/api/v1/roles/granted_role'), 404, 'not_found');
});

test('a security administrator cannot widen a role they hold themselves (that would change their own grants)', async () => {
  const sec = await login('security');
  const before = (await api(server, 'GET', '/api/v1/roles')).body.items.find((r) => r.id === 'secadmin');
  const res = await sec.call('PUT', '/api/v1/roles/secadmin',
    { name: '安全管理员', capabilities: [...before.capabilities, 'audit.read', 'user.manage'] });
  const after = (await api(server, 'GET', '/api/v1/roles')).body.items.find((r) => r.id === 'secadmin');
  if (after.capabilities.length !== before.capabilities.length) {
    // put it back for the tests after this one
    await api(server, 'PUT', '/api/v1/roles/secadmin', { name: '安全管理员', capabilities: before.capabilities });
  }
  assertError(res, 403, 'forbidden');
  assert.deepEqual(after.capabilities, before.capabilities);
});

test('changing a built-in role keeps it built-in, and the answer says so', async () => {
  const before = (await api(server, 'GET', '/api/v1/roles')).body.items.find((r) => r.id === 'grid_worker');
  assert.equal(before.builtin, true);
  const res = await api(server, 'PUT', '/api/v1/roles/grid_worker', { name: '网格员', capabilities: ['calendar.read'] });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  const after = (await api(server, 'GET', '/api/v1/roles')).body.items.find((r) => r.id === 'grid_worker');
  assert.equal(after.builtin, true, 'stored as built-in');
  assertError(await api(server, 'DELETE', '/api/v1/roles/grid_worker'), 422, 'unprocessable');
  assert.equal(res.body.builtin, true, `the PUT answer: ${JSON.stringify(res.body)}`);
  assertError(await api(server, 'PUT', '/api/v1/roles/no_such_role', { name: 'x', capabilities: [] }), 404, 'not_found');
});

// --- API keys ----------------------------------------------------------------------------------

test('an API key: created (lk_…, shown once), acts as its user with that user\'s capabilities, last_used_at set, revoked → 401', async () => {
  const res = await api(server, 'POST', '/api/v1/api-keys', { name: '区平台对接', user_id: ids.district });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  const k = res.body;
  assert.match(k.key, /^lk_[A-Za-z0-9_-]{8}_[A-Za-z0-9_-]{43}$/);
  assert.equal(k.prefix, k.key.slice(0, 11));
  assert.equal(k.user_id, ids.district);
  assert.equal(k.name, '区平台对接');
  assert.equal(k.last_used_at, null);
  assert.equal(k.revoked_at, null);
  // shown once: the list has the prefix, never the key
  const list = await api(server, 'GET', '/api/v1/api-keys');
  const row = list.body.items.find((x) => x.id === k.id);
  assert.ok(row, 'listed');
  assert.ok(!('key' in row));
  assert.ok(!JSON.stringify(list.body).includes(k.key.slice(12)), 'the secret appears in the list');
  assert.equal(row.last_used_at, null, 'not used yet');

  const asKey = (method, path, body) => api(server, method, path, body, { authorization: `Bearer ${k.key}` });
  const who = await asKey('GET', '/api/v1/session');
  assert.equal(who.status, 200, JSON.stringify(who.body));
  assert.equal(who.body.user.login, 'district');
  assert.deepEqual([...who.body.capabilities].sort(), DISTRICT_CAPS);
  // district's scope: 110105, so not admin or tester
  const users = await asKey('GET', '/api/v1/users?page_size=200');
  assert.equal(users.status, 200);
  const logins = users.body.items.map((u) => u.login);
  assert.ok(logins.includes('street') && logins.includes('hotline'), logins.join());
  assert.ok(!logins.includes('admin') && !logins.includes('tester'), logins.join());
  // a write with its capability, no CSRF token needed
  const put = await asKey('PUT', '/api/v1/calendar/2031-04-02', { kind: 'holiday', name: '对接' });
  assert.equal(put.status, 200, JSON.stringify(put.body));
  assert.equal((await asKey('DELETE', '/api/v1/calendar/2031-04-02')).status, 200);
  // and not beyond it
  assertError(await asKey('GET', '/api/v1/audit'), 403, 'forbidden');
  assertError(await asKey('POST', '/api/v1/api-keys', { name: 'more', user_id: ids.district }), 403, 'forbidden');
  assertError(await asKey('POST', '/api/v1/users', { login: 'via-key', display_name: 'x', password: PASSWORD }), 403, 'forbidden');

  const used = (await api(server, 'GET', '/api/v1/api-keys')).body.items.find((x) => x.id === k.id);
  assert.ok(used.last_used_at, 'last_used_at is set after use');
  assert.ok(Math.abs(Date.parse(used.last_used_at) - Date.now()) < 120e3, used.last_used_at);

  const rev = await api(server, 'DELETE', `/api/v1/api-keys/${k.id}`);
  assert.equal(rev.status, 200, JSON.stringify(rev.body));
  assertError(await asKey('GET', '/api/v1/session'), 401, 'unauthorized');
  assertError(await asKey('GET', '/api/v1/calendar?from=2031-01-01&to=2031-01-02'), 401, 'unauthorized');
  const gone = (await api(server, 'GET', '/api/v1/api-keys')).body.items.find((x) => x.id === k.id);
  assert.ok(gone.revoked_at, 'revoked_at is set');
  assertError(await api(server, 'DELETE', `/api/v1/api-keys/${k.id}`), 404, 'not_found');
  assertError(await api(server, 'DELETE', '/api/v1/api-keys/999999'), 404, 'not_found');
});

test('a key is only as good as its user: a disabled user\'s key is refused; bad Authorization headers are 401', async () => {
  await createUser('key-owner', ['grid_worker'], ['110105001001']);
  const k = (await api(server, 'POST', '/api/v1/api-keys', { name: 'owner', user_id: ids['key-owner'] })).body;
  const asKey = () => api(server, 'GET', '/api/v1/session', undefined, { authorization: `Bearer ${k.key}` });
  assert.equal((await asKey()).status, 200);
  assert.equal((await api(server, 'PATCH', `/api/v1/users/${ids['key-owner']}`, { status: 'disabled' })).status, 200);
  assertError(await asKey(), 401, 'unauthorized');
  assert.equal((await api(server, 'PATCH', `/api/v1/users/${ids['key-owner']}`, { status: 'active' })).status, 200);
  assert.equal((await asKey()).status, 200);
  for (const authorization of ['Bearer ', 'Bearer lk_nope', `Basic ${Buffer.from('tester:x').toString('base64')}`,
    `Bearer ${k.key}x`, `Bearer ${k.key.slice(0, -1)}`, `Bearer ${'A'.repeat(300)}`, 'lk_abc']) {
    assertError(await api(server, 'GET', '/api/v1/users', undefined, { authorization }), 401, 'unauthorized');
  }
});

test('a key for a user outside the creator\'s scope → 403 field user_id; keys of outside users are neither listed nor revocable', async () => {
  assert.ok(streetAdmin, 'needs the scope tests');
  for (const who of ['district', 'admin', 'tester']) {
    assertError(await streetAdmin.call('POST', '/api/v1/api-keys', { name: 'outside', user_id: ids[who] }),
      403, 'forbidden', 'user_id');
  }
  assertError(await streetAdmin.call('POST', '/api/v1/api-keys', { name: 'nobody', user_id: 999999 }),
    400, 'invalid', 'user_id');
  const inside = await streetAdmin.call('POST', '/api/v1/api-keys', { name: 'inside', user_id: ids.resident });
  assert.equal(inside.status, 201, JSON.stringify(inside.body));
  // a key of a user outside the street (made by the tester)
  const outside = (await api(server, 'POST', '/api/v1/api-keys', { name: 'district key', user_id: ids.district })).body;
  const problems = [];
  const list = await streetAdmin.call('GET', '/api/v1/api-keys');
  assert.equal(list.status, 200);
  const owners = new Set(list.body.items.map((x) => x.user_id));
  assert.ok(owners.has(ids.resident));
  for (const who of ['district', 'tester'])
    if (owners.has(ids[who])) problems.push(`GET /api-keys as street-admin lists ${who}'s keys`);
  const rev = await streetAdmin.call('DELETE', `/api/v1/api-keys/${outside.id}`);
  if (rev.status !== 403) problems.push(`DELETE /api-keys/${outside.id} (district's key) as street-admin: ${rev.status} ${JSON.stringify(rev.body)}`);
  const still = await api(server, 'GET', '/api/v1/session', undefined, { authorization: `Bearer ${outside.key}` });
  if (still.status !== 200) problems.push(`the district key no longer works: ${still.status}`);
  assert.deepEqual(problems, []);
});

test('a sysadmin cannot borrow another administrator\'s powers through an API key (三员 separation)', async () => {
  // apikey.manage makes a key that acts as any user in scope, with that
  // user's capabilities: a key for the security administrator would give the
  // system administrator user.grant, and with it any role for themselves.
  const admin = await login('admin');
  const problems = [];
  for (const who of ['security', 'auditor', 'tester']) {
    const res = await admin.call('POST', '/api/v1/api-keys', { name: `borrow ${who}`, user_id: ids[who] });
    if (res.status === 201) {
      problems.push(`admin made a key acting as ${who} (${res.status})`);
      const asKey = (m, p, b) => api(server, m, p, b, { authorization: `Bearer ${res.body.key}` });
      if (who === 'security') {
        const g = await asKey('PUT', `/api/v1/users/${ids.admin}/grants`, { roles: ['sysadmin', 'secadmin', 'auditor'], scopes: ['*'] });
        if (g.status === 200) {
          problems.push('…and with it gave admin the secadmin and auditor roles');
          // undo, for the tests after this one
          await api(server, 'PUT', `/api/v1/users/${ids.admin}/grants`, { roles: ['sysadmin'], scopes: ['*'] });
        }
      }
      await api(server, 'DELETE', `/api/v1/api-keys/${res.body.id}`);
    }
  }
  assert.deepEqual(problems, []);
});

test('a sysadmin cannot take over another administrator\'s account by resetting its password', async () => {
  // user.manage on a user who holds capabilities the manager lacks (the
  // security administrator's user.grant, the auditor's audit.read) would let
  // the system administrator reset the password and log in as them.
  const admin = await login('admin');
  const problems = [];
  for (const who of ['security', 'auditor']) {
    const res = await admin.call('POST', `/api/v1/users/${ids[who]}/password`, { password: 'Takeover#2026' });
    if (res.status === 200) {
      problems.push(`admin reset ${who}'s password (200)`);
      const s = await api(server, 'POST', '/api/v1/session', { login: who, password: 'Takeover#2026' }, { authorization: null });
      if (s.status === 200) problems.push(`…and logged in as ${who} with ${s.body.capabilities}`);
      // put the demo password back (as the CLI-made tester, who holds all three roles)
      await api(server, 'POST', `/api/v1/users/${ids[who]}/password`, { password: DEMO_PASSWORD });
    }
  }
  assert.deepEqual(problems, []);
});
