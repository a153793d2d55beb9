// Households and people (docs/API.md "Registers" → "Households and people"):
// every route with its main error cases, ID numbers and phones masked
// everywhere (answers, lists, households, exports) and unmasked only through
// the audited route with person.read_pii, the sensitive care tags hidden,
// unfilterable and unsettable without person.read_sensitive, scopes down to
// a grid worker's grid, keyset paging, exact search by ID number and phone,
// and the households/people CSV import and xlsx export.
//
// The tree is built through the API by users this suite creates.
// Runs on SQLite, or on PostgreSQL when LINLI_TEST_PG is set.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, api } from '../lib/server.mjs';
import { assertError, stopClean } from './helpers.mjs';
import {
  makeUser, upload, download, audit, auditByRequest, assertXlsx, xlsxStrings, idNumber,
} from './registers-helpers.mjs';

let server;
let city; // district_staff, scope "*": person.read/manage, no PII, no sensitive tags
let cw; // community_staff of C1: person.read_pii and person.read_sensitive
let st; // street_staff of the street: person.read/manage, neither PII nor sensitive tags
const t = {}; // the tree

const A = '/api/v1/areas';
const H = '/api/v1/households';
const P = '/api/v1/people';
const PERSON_KEYS = ['age', 'area_code', 'area_id', 'birth_date', 'created_at', 'gender', 'household_id', 'id',
  'id_number', 'name', 'phone', 'relation', 'residence', 'room', 'tags', 'updated_at'];
const HOUSEHOLD_KEYS = ['area_code', 'area_id', 'created_at', 'id', 'people_count', 'room', 'updated_at'];

async function add(body, who = city) {
  const res = await who('POST', A, body);
  assert.equal(res.status, 201, `create area ${JSON.stringify(body)}: ${JSON.stringify(res.body)}`);
  return res.body;
}

// district 130101 → street → C1 (grids G1, G2) and C2; each grid a compound
// with a building (two entrances under G1's)
before(async () => {
  server = await startServer();
  city = await makeUser(server, 'pp-city', 'district_staff', '*');
  t.d = await add({ code: '130101', name: '人口区' });
  t.s = await add({ parent_id: t.d.id, name: '人口街道' });
  t.c1 = await add({ parent_id: t.s.id, name: '一社区' });
  t.c2 = await add({ parent_id: t.s.id, name: '二社区' });
  t.g1 = await add({ parent_id: t.c1.id, name: '一网格' });
  t.g2 = await add({ parent_id: t.c1.id, name: '二网格' });
  t.g3 = await add({ parent_id: t.c2.id, name: '三网格' });
  for (const g of ['g1', 'g2', 'g3']) {
    const comp = await add({ parent_id: t[g].id, name: `${g}小区` });
    t[`${g}b`] = await add({ parent_id: comp.id, name: `${g}楼` });
  }
  t.g1e1 = await add({ parent_id: t.g1b.id, name: '1单元' });
  t.g1e2 = await add({ parent_id: t.g1b.id, name: '2单元' });
  cw = await makeUser(server, 'pp-cw', 'community_staff', t.c1.code);
  st = await makeUser(server, 'pp-st', 'street_staff', t.s.code);
});
after(async () => {
  if (server) await stopClean(server);
});

async function household(areaId, room, who = city) {
  const res = await who('POST', H, { area_id: areaId, room });
  assert.equal(res.status, 201, `household ${room}: ${JSON.stringify(res.body)}`);
  return res.body;
}

async function person(body, who = city) {
  const res = await who('POST', P, { residence: 'registered', ...body });
  assert.equal(res.status, 201, `person ${JSON.stringify(body)}: ${JSON.stringify(res.body)}`);
  return res.body;
}

async function list(query = '', who = city) {
  const res = await who('GET', `${P}${query ? `?${query}` : ''}`);
  assert.equal(res.status, 200, `GET ${P}?${query}: ${JSON.stringify(res.body)}`);
  return res.body;
}

// Every page of a listing, following `next`.
async function allPages(base, query, who = city, limit = 3) {
  const out = [];
  let after = '';
  for (let i = 0; i < 100; i++) {
    const q = [query, `limit=${limit}`, after && `after=${encodeURIComponent(after)}`].filter(Boolean).join('&');
    const res = await who('GET', `${base}?${q}`);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.ok(res.body.items.length <= limit);
    out.push(...res.body.items);
    if (res.body.next === null) return out;
    after = res.body.next;
  }
  throw new Error('paging does not end');
}

function assertMasked(obj, secrets, what) {
  const text = JSON.stringify(obj);
  for (const s of secrets) assert.ok(!text.includes(s), `${what} holds ${s} in the clear`);
}

const BIRTH = '1950-03-07';
const ID_M = idNumber('130101', BIRTH, 123); // odd sequence: male
const ID_F = idNumber('130101', '1988-11-30', 246); // even: female

// --- households -----------------------------------------------------------------------------

test('households: created in a building or entrance, unique rooms, scope, paging', async () => {
  const h = await household(t.g1b.id, '101', city);
  assert.deepEqual(Object.keys(h).sort(), HOUSEHOLD_KEYS);
  assert.deepEqual([h.area_id, h.area_code, h.room, h.people_count], [t.g1b.id, t.g1b.code, '101', 0]);
  const he = await household(t.g1e1.id, '1单元302', city);
  assert.equal(he.area_code, t.g1e1.code);
  assert.equal((await audit(server, { action: 'household.create', object: `household:${h.id}` })).length, 1);

  const bad = [
    [{ area_id: t.g1.id, room: '1' }, 400, 'invalid', 'area_id'], // a grid
    [{ area_id: t.c1.id, room: '1' }, 400, 'invalid', 'area_id'],
    [{ area_id: 987654321, room: '1' }, 400, 'invalid', 'area_id'],
    [{ area_id: t.g1b.id, room: '101' }, 409, 'conflict', 'room'],
    [{ area_id: t.g1b.id, room: '房'.repeat(17) }, 400, 'invalid', 'room'],
    [{ area_id: t.g1b.id, room: '' }, 400, 'invalid', 'room'],
    [{ area_id: t.g1b.id, room: 'a\u0007' }, 400, 'invalid', 'room'],
    [{ area_id: t.g1b.id }, 400, 'invalid', 'room'],
    [{ room: '1' }, 400, 'invalid', 'area_id'],
  ];
  for (const [body, status, code, field] of bad) assertError(await city('POST', H, body), status, code, field);
  // a closed building takes no households
  const closedB = await add({ parent_id: (await add({ parent_id: t.g2.id, name: '拆迁小区' })).id, name: '拆迁楼' });
  assert.equal((await city('POST', `${A}/${closedB.id}/close`, {})).status, 200);
  assertError(await city('POST', H, { area_id: closedB.id, room: '1' }), 409, 'conflict', 'area_id');
  // outside the scope: 403 with an audit row
  const gw = await makeUser(server, 'pp-h-gw', 'grid_worker', t.g2.code);
  const r = await gw('POST', H, { area_id: t.g1b.id, room: '999' }, { 'x-request-id': 'pp-h-denied' });
  assertError(r, 403, 'forbidden', 'area_id');
  assert.ok(await auditByRequest(server, 'pp-h-denied', 'access.denied'));
  assertError(await gw('GET', `${H}/${h.id}`), 403, 'forbidden');

  // rename a room; a taken one is 409
  const p1 = await city('PATCH', `${H}/${h.id}`, { room: '102' });
  assert.equal(p1.status, 200, JSON.stringify(p1.body));
  assert.equal(p1.body.room, '102');
  await household(t.g1b.id, '103', city);
  assertError(await city('PATCH', `${H}/${h.id}`, { room: '103' }), 409, 'conflict', 'room');
  assertError(await city('PATCH', `${H}/${h.id}`, { room: '' }), 400, 'invalid', 'room');
  assertError(await city('PATCH', `${H}/987654321`, { room: '1' }), 404, 'not_found');
  assertError(await city('GET', `${H}/987654321`), 404, 'not_found');
  const one = await city('GET', `${H}/${h.id}`);
  assert.equal(one.status, 200);
  assert.deepEqual(one.body.people, []);
  assert.equal(one.body.room, '102');

  // paging in code order, each once
  for (let i = 0; i < 5; i++) await household(t.g1e2.id, `2-${i}`, city);
  const all = await allPages(H, `area=${t.g1b.id}`, city, 2);
  assert.equal(all.length, 8);
  assert.equal(new Set(all.map((x) => x.id)).size, 8);
  const codes = all.map((x) => x.area_code);
  assert.deepEqual(codes, [...codes].sort());
  // the grid worker of G2 sees none of G1's
  assert.deepEqual((await gw('GET', H)).body.items.filter((x) => x.area_code.startsWith(t.g1.code)), []);
  assertError(await gw('GET', `${H}?area=${t.g1.id}`), 403, 'forbidden');
  assertError(await city('GET', `${H}?after=abc`), 400, 'invalid', 'after');
  assertError(await city('GET', `${H}?limit=0`), 400, 'invalid', 'limit');
});

// --- people -------------------------------------------------------------------------------------

test('a person with an ID number: gender and birth date follow it; ID number and phone come back masked', async () => {
  const h = await household(t.g1b.id, '201', cw);
  const p = await person({ household_id: h.id, name: '张建国', id_number: ID_M, phone: '13812345678' }, cw);
  assert.deepEqual(Object.keys(p).sort(), PERSON_KEYS);
  assert.equal(p.gender, 'male');
  // the day and month would complete the masked ID number: shown only by unmasking it
  assert.equal(p.birth_date, `${BIRTH.slice(0, 4)}-**-**`);
  assert.ok(p.age >= 75 && p.age <= 77, `age ${p.age}`);
  assert.equal(p.id_number, `${ID_M.slice(0, 6)}********${ID_M.slice(14)}`);
  assert.equal(p.phone, '138****5678');
  assert.deepEqual([p.household_id, p.room, p.area_id, p.area_code], [h.id, '201', t.g1b.id, t.g1b.code]);
  assert.equal(p.relation, 'head', 'relation defaults to head');
  assert.equal(p.residence, 'registered');
  assert.deepEqual(p.tags, []);
  const secrets = [ID_M, '13812345678'];
  assertMasked(p, secrets, 'POST answer');
  assertMasked((await cw('GET', `${P}/${p.id}`)).body, secrets, 'GET person');
  assertMasked((await cw('GET', `${H}/${h.id}`)).body, secrets, 'GET household');
  assertMasked(await list(`area=${t.g1b.id}`, cw), secrets, 'GET people');
  const hh = (await cw('GET', `${H}/${h.id}`)).body;
  assert.equal(hh.people_count, 1);
  assert.deepEqual(hh.people.map((x) => x.id), [p.id]);
  const row = (await audit(server, { action: 'person.create', object: `person:${p.id}` }))[0];
  assert.ok(row, 'no person.create row');
  assertMasked(row, secrets, 'the audit row');
  // a lower-case x is the same number
  const idx = [...Array(200).keys()].map((i) => idNumber('130101', '1990-01-01', 300 + i)).find((x) => x.endsWith('X'));
  const px = await person({ area_id: t.g1.id, name: '小写', id_number: idx.toLowerCase() }, cw);
  assert.equal(px.id_number.at(-1), 'X');
});

test('the masked ID number and the other fields shown do not give the full number away', async () => {
  const id = idNumber('130101', '1961-05-14', 135);
  const h = await household(t.g1b.id, '拼凑-1', cw);
  const p = await person({ household_id: h.id, name: '拼凑测试', id_number: id }, cw);
  // everything a person.read caller sees, put together: the hidden digits are the birth date
  const views = {
    'GET /people/{id}': (await st('GET', `${P}/${p.id}`)).body,
    'GET /people': (await list(`q=${encodeURIComponent('拼凑测试')}`, st)).items[0],
    'GET /households/{id}': (await st('GET', `${H}/${h.id}`)).body.people[0],
    'GET /people/{id} (with PII rights)': (await cw('GET', `${P}/${p.id}`)).body,
  };
  for (const [what, shown] of Object.entries(views)) {
    const rebuilt = shown.id_number.replace(/\*+/, String(shown.birth_date).replace(/-/g, ''));
    assert.notEqual(rebuilt, id, `${what}: masked ${shown.id_number} + birth_date ${shown.birth_date} is the full ID number`);
    assert.equal(shown.age, (await cw('GET', `${P}/${p.id}`)).body.age, `${what}: the age is still shown`);
  }
  const rows = assertXlsx(await download(server, st, `/api/v1/exports/people?area=${t.g1b.id}`), 'export');
  const row = rows.find((r) => r[2] === '拼凑测试');
  assert.ok(row, JSON.stringify(rows));
  assert.notEqual(row[5].replace(/\*+/, row[4].replace(/-/g, '')), id, `export: ${row[5]} + ${row[4]} is the full ID number`);
  // unmasking gives the number (and so the date) back, audited
  assert.equal((await cw('POST', `${P}/${p.id}/unmask`, { fields: ['id_number'] })).body.id_number, id);
});

test('a person without an ID number needs gender and birth date; every field is checked', async () => {
  const h = await household(t.g1b.id, '202', cw);
  const p = await person({ household_id: h.id, name: '李秀英', gender: 'female', birth_date: '1940-02-29', relation: 'spouse', residence: 'floating' }, cw);
  assert.deepEqual([p.gender, p.birth_date, p.id_number, p.phone, p.relation, p.residence], ['female', '1940-02-29', null, null, 'spouse', 'floating']);
  const base = { household_id: h.id, name: '某人', residence: 'registered' };
  const future = `${new Date().getUTCFullYear() + 1}-01-01`;
  const cases = [
    [{ ...base }, 400, 'gender'],
    [{ ...base, gender: 'male' }, 400, 'birth_date'],
    [{ ...base, gender: 'x', birth_date: '1980-01-01' }, 400, 'gender'],
    [{ ...base, gender: 'male', birth_date: '1980-02-30' }, 400, 'birth_date'],
    [{ ...base, gender: 'male', birth_date: future }, 400, 'birth_date'],
    [{ ...base, gender: 'male', birth_date: '80-01-01' }, 400, 'birth_date'],
    [{ ...base, gender: 'male', birth_date: '1800-01-01' }, 400, 'birth_date'],
    [{ ...base, id_number: ID_F, gender: 'male' }, 400, 'gender'],
    [{ ...base, id_number: ID_F, birth_date: '1988-11-29' }, 400, 'birth_date'],
    [{ ...base, id_number: `${ID_F.slice(0, 17)}${ID_F[17] === '0' ? '1' : '0'}` }, 400, 'id_number'],
    [{ ...base, id_number: '13010119880230123X' }, 400, 'id_number'],
    [{ ...base, id_number: '1301011988' }, 400, 'id_number'],
    [{ ...base, id_number: ID_F, phone: '12345678901' }, 400, 'phone'],
    [{ ...base, id_number: ID_F, phone: '138123' }, 400, 'phone'],
    [{ ...base, id_number: ID_F, name: '' }, 400, 'name'],
    [{ ...base, id_number: ID_F, name: '名'.repeat(33) }, 400, 'name'],
    [{ ...base, id_number: ID_F, residence: 'tourist' }, 400, 'residence'],
    [{ household_id: h.id, name: 'x', id_number: ID_F }, 400, 'residence'],
    [{ ...base, id_number: ID_F, relation: 'cousin' }, 400, 'relation'],
    [{ ...base, id_number: ID_F, tags: ['rich'] }, 400, 'tags'],
    [{ name: 'x', residence: 'registered', id_number: ID_F }, 400, 'household_id'],
    [{ ...base, household_id: 987654321, id_number: ID_F }, 400, 'household_id'],
    [{ name: 'x', residence: 'registered', id_number: ID_F, area_id: 987654321 }, 400, 'area_id'],
    [{ ...base, id_number: ID_F, area_id: t.g2.id }, 400, 'area_id'],
    [{ ...base, id_number: ID_F, nickname: 'x' }, 400, 'nickname'],
  ];
  const problems = [];
  for (const [body, status, field] of cases) {
    const res = await cw('POST', P, body);
    if (res.status !== status || res.body?.error?.field !== field)
      problems.push(`${JSON.stringify(body)}: ${res.status} ${JSON.stringify(res.body)}`);
  }
  assert.deepEqual(problems, []);
  // a person lives in a community or below
  assertError(await city('POST', P, { name: 'x', residence: 'registered', id_number: ID_F, area_id: t.s.id }), 400, 'invalid', 'area_id');
  assert.equal((await list(`id_number=${ID_F}`, cw)).items.length, 0, 'a refused create wrote the person');
  // the same ID number twice: 409
  await person({ area_id: t.g1.id, name: '王芳', id_number: ID_F }, cw);
  assertError(await cw('POST', P, { area_id: t.g1.id, name: '冒名', id_number: ID_F, residence: 'registered' }), 409, 'conflict', 'id_number');
  // a person without a household lives in a community or below; not in a closed area
  const closedG = await add({ parent_id: t.c1.id, name: '撤销网格' });
  assert.equal((await city('POST', `${A}/${closedG.id}/close`, {})).status, 200);
  assertError(await cw('POST', P, { area_id: closedG.id, name: 'x', gender: 'male', birth_date: '1980-01-01', residence: 'registered' }), 409, 'conflict', 'area_id');
});

test('unmasking: person.read_pii only, audited as pii.unmask naming the fields', async () => {
  const id = idNumber('130101', '1975-06-01', 551);
  const p = await person({ area_id: t.g1.id, name: '赵明', id_number: id, phone: '13900001234' }, cw);
  const both = await cw('POST', `${P}/${p.id}/unmask`, { fields: ['id_number', 'phone'] }, { 'x-request-id': 'pp-unmask-1' });
  assert.equal(both.status, 200, JSON.stringify(both.body));
  assert.deepEqual(both.body, { id_number: id, phone: '13900001234' });
  const row = await auditByRequest(server, 'pp-unmask-1', 'pii.unmask');
  assert.ok(row, 'no pii.unmask row');
  assert.deepEqual([row.user, row.object, row.outcome], ['pp-cw', `person:${p.id}`, 'ok']);
  assert.match(row.detail, /id_number/);
  assert.match(row.detail, /phone/);
  assertMasked(row, [id, '13900001234'], 'the pii.unmask row');
  const one = await cw('POST', `${P}/${p.id}/unmask`, { fields: ['phone'] }, { 'x-request-id': 'pp-unmask-2' });
  assert.deepEqual(one.body, { phone: '13900001234' });
  assert.doesNotMatch((await auditByRequest(server, 'pp-unmask-2', 'pii.unmask')).detail, /id_number/);
  // someone without a phone: null
  const q = await person({ area_id: t.g1.id, name: '无电话', gender: 'male', birth_date: '1970-01-01' }, cw);
  assert.deepEqual((await cw('POST', `${P}/${q.id}/unmask`, { fields: ['phone', 'id_number'] })).body, { id_number: null, phone: null });
  // bad requests
  assertError(await cw('POST', `${P}/${p.id}/unmask`, { fields: [] }), 400, 'invalid', 'fields');
  assertError(await cw('POST', `${P}/${p.id}/unmask`, { fields: ['name'] }), 400, 'invalid', 'fields');
  assertError(await cw('POST', `${P}/${p.id}/unmask`, {}), 400, 'invalid', 'fields');
  assertError(await cw('POST', `${P}/987654321/unmask`, { fields: ['phone'] }), 404, 'not_found');
  // without person.read_pii: 403, an access.denied row, no pii.unmask row
  const no = await st('POST', `${P}/${p.id}/unmask`, { fields: ['id_number'] }, { 'x-request-id': 'pp-unmask-3' });
  assertError(no, 403, 'forbidden');
  assertMasked(no.body, [id], 'the refusal');
  assert.ok(await auditByRequest(server, 'pp-unmask-3', 'access.denied'));
  assert.equal(await auditByRequest(server, 'pp-unmask-3', 'pii.unmask'), undefined);
  // with it, outside the scope: 403
  const gw = await makeUser(server, 'pp-um-gw', 'grid_worker', t.g2.code);
  assertError(await gw('POST', `${P}/${p.id}/unmask`, { fields: ['phone'] }, { 'x-request-id': 'pp-unmask-4' }), 403, 'forbidden');
  assert.equal(await auditByRequest(server, 'pp-unmask-4', 'pii.unmask'), undefined);
});

test('sensitive care tags are hidden, unfilterable and unsettable without person.read_sensitive', async () => {
  const p = await person({ area_id: t.g1.id, name: '孙低保', gender: 'female', birth_date: '1938-08-08', tags: ['low_income', 'elderly_80', 'disabled'] }, cw);
  assert.deepEqual(p.tags, ['low_income', 'elderly_80', 'disabled']);
  // the street worker sees only the ordinary tag, everywhere
  assert.deepEqual((await st('GET', `${P}/${p.id}`)).body.tags, ['elderly_80']);
  assert.deepEqual((await list(`q=${encodeURIComponent('孙低保')}`, st)).items.map((x) => x.tags), [['elderly_80']]);
  assert.deepEqual((await list(`q=${encodeURIComponent('孙低保')}`, city)).items.map((x) => x.tags), [['elderly_80']]);
  assert.deepEqual((await list(`q=${encodeURIComponent('孙低保')}`, cw)).items.map((x) => x.tags), [['low_income', 'elderly_80', 'disabled']]);
  // filtering on a sensitive tag: 403 naming tag, with an audit row
  const f = await st('GET', `${P}?tag=low_income`, undefined, { 'x-request-id': 'pp-tag-denied' });
  assertError(f, 403, 'forbidden', 'tag');
  assert.ok(await auditByRequest(server, 'pp-tag-denied', 'access.denied'));
  assert.ok((await list('tag=elderly_80', st)).items.some((x) => x.id === p.id));
  assert.ok((await list('tag=low_income', cw)).items.some((x) => x.id === p.id));
  assert.ok(!(await list('tag=orphan', cw)).items.some((x) => x.id === p.id));
  assertError(await st('GET', `${P}?tag=rich`), 400, 'invalid', 'tag');
  // setting one: 403 naming tags; the person is unchanged
  assertError(await st('PATCH', `${P}/${p.id}`, { tags: ['orphan'] }), 403, 'forbidden', 'tags');
  assertError(await st('POST', P, { area_id: t.g1.id, name: '新低保', gender: 'male', birth_date: '1950-01-01', residence: 'registered', tags: ['low_income'] }), 403, 'forbidden', 'tags');
  // a change by the street worker keeps the tags it cannot see
  const ch = await st('PATCH', `${P}/${p.id}`, { tags: ['veteran'] });
  assert.equal(ch.status, 200, JSON.stringify(ch.body));
  assert.deepEqual(ch.body.tags, ['veteran']);
  assert.deepEqual((await cw('GET', `${P}/${p.id}`)).body.tags, ['low_income', 'disabled', 'veteran']);
  // the household view cuts them too
  const h = await household(t.g1b.id, '401', cw);
  const q = await person({ household_id: h.id, name: '户内特困', gender: 'male', birth_date: '1960-01-01', tags: ['extreme_poverty'] }, cw);
  assert.deepEqual((await st('GET', `${H}/${h.id}`)).body.people.find((x) => x.id === q.id).tags, []);
  assert.deepEqual((await cw('GET', `${H}/${h.id}`)).body.people.find((x) => x.id === q.id).tags, ['extreme_poverty']);
});

test('a grid worker sees and changes only the people of their grid', async () => {
  const gw = await makeUser(server, 'pp-gw1', 'grid_worker', t.g1.code);
  const mine = await person({ area_id: t.g1.id, name: '本格居民', gender: 'male', birth_date: '1980-01-01' }, cw);
  const theirs = await person({ area_id: t.g2.id, name: '邻格居民', gender: 'male', birth_date: '1980-01-01', id_number: undefined }, cw);
  const id3 = idNumber('130101', '1985-05-05', 777);
  const far = await person({ area_id: t.g3.id, name: '他社区居民', id_number: id3, phone: '13700007777' }, city);
  const seen = await allPages(P, '', gw, 50);
  assert.ok(seen.length > 0);
  assert.ok(seen.every((x) => x.area_code.startsWith(t.g1.code)), `outside the grid: ${seen.filter((x) => !x.area_code.startsWith(t.g1.code)).map((x) => x.area_code)}`);
  assert.ok(seen.some((x) => x.id === mine.id));
  // one by one: 403 with an audit row
  const r = await gw('GET', `${P}/${theirs.id}`, undefined, { 'x-request-id': 'pp-gw-denied' });
  assertError(r, 403, 'forbidden');
  const row = await auditByRequest(server, 'pp-gw-denied', 'access.denied');
  assert.ok(row);
  assert.equal(row.object, `person:${theirs.id}`);
  assertError(await gw('PATCH', `${P}/${theirs.id}`, { name: '改' }), 403, 'forbidden');
  assertError(await gw('POST', P, { area_id: t.g2.id, name: 'x', gender: 'male', birth_date: '1980-01-01', residence: 'registered' }), 403, 'forbidden', 'area_id');
  assertError(await gw('PATCH', `${P}/${mine.id}`, { area_id: t.g2.id }), 403, 'forbidden', 'area_id');
  assertError(await gw('GET', `${P}?area=${t.c1.id}`), 403, 'forbidden');
  // exact searches find nothing outside the grid
  assert.deepEqual((await list(`id_number=${id3}`, gw)).items, []);
  assert.deepEqual((await list('phone=13700007777', gw)).items, []);
  assert.deepEqual((await list(`id_number=${id3}`, city)).items.map((x) => x.id), [far.id]);
  // the grid worker manages its own
  const ok = await gw('PATCH', `${P}/${mine.id}`, { name: '本格居民甲' });
  assert.equal(ok.status, 200, JSON.stringify(ok.body));
  // an export holds only the grid's people
  const rows = assertXlsx(await download(server, gw, '/api/v1/exports/people'), 'grid worker export');
  assert.ok(rows.length > 1);
  assert.ok(rows.slice(1).every((r) => r[0].startsWith(t.g1.code)), 'the export holds people outside the grid');
});

test('listing: name prefix, exact ID number and phone, residence, area, and keyset pages', async () => {
  const ids = [];
  for (let i = 0; i < 7; i++) {
    const id = idNumber('130101', '1970-01-01', 601 + 2 * i);
    ids.push(id);
    await person({ area_id: i % 2 ? t.g1e1.id : t.g2.id, name: `欧阳${i}`, id_number: id, phone: `1361234560${i}`, residence: i < 3 ? 'floating' : 'registered' }, cw);
  }
  await person({ area_id: t.g1.id, name: '司马欧阳', gender: 'female', birth_date: '1990-01-01' }, cw);
  const prefix = await allPages(P, `q=${encodeURIComponent('欧阳')}`, cw, 3);
  assert.deepEqual(prefix.map((x) => x.name).sort(), [0, 1, 2, 3, 4, 5, 6].map((i) => `欧阳${i}`), 'q is a name prefix');
  assert.equal(new Set(prefix.map((x) => x.id)).size, 7, 'a person came twice across pages');
  const order = prefix.map((x) => `${x.area_code}-${String(x.id).padStart(10, '0')}`);
  assert.deepEqual(order, [...order].sort(), 'pages follow (area_code, id)');
  assert.deepEqual((await list(`id_number=${ids[4]}`, cw)).items.map((x) => x.name), ['欧阳4']);
  assert.deepEqual((await list('phone=13612345603', cw)).items.map((x) => x.name), ['欧阳3']);
  assert.deepEqual((await list(`q=${encodeURIComponent('欧阳')}&residence=floating&limit=50`, cw)).items.map((x) => x.name).sort(), ['欧阳0', '欧阳1', '欧阳2']);
  assert.deepEqual((await list(`q=${encodeURIComponent('欧阳')}&area=${t.g1b.id}&limit=50`, cw)).items.map((x) => x.name).sort(), ['欧阳1', '欧阳3', '欧阳5']);
  // bad filters
  assertError(await cw('GET', `${P}?id_number=123`), 400, 'invalid', 'id_number');
  assertError(await cw('GET', `${P}?phone=123`), 400, 'invalid', 'phone');
  assertError(await cw('GET', `${P}?residence=tourist`), 400, 'invalid', 'residence');
  assertError(await cw('GET', `${P}?after=x-1`), 400, 'invalid', 'after');
  assertError(await cw('GET', `${P}?after=12`), 400, 'invalid', 'after');
  assertError(await cw('GET', `${P}?limit=201`), 400, 'invalid', 'limit');
  assertError(await cw('GET', `${P}?area=987654321`), 400, 'invalid', 'area');
  assertError(await cw('GET', `${P}?colour=red`), 400, 'invalid', 'colour');
  assertError(await cw('GET', `${P}/987654321`), 404, 'not_found');
});

test('changes: moving household or area, a new ID number, clearing a phone, audited by field', async () => {
  const h1 = await household(t.g1b.id, '501', cw);
  const h2 = await household(t.g1e1.id, '1-502', cw);
  const p = await person({ household_id: h1.id, name: '周变更', gender: 'male', birth_date: '1966-06-06', phone: '13512340000' }, cw);
  // to another household: the area follows
  let r = await cw('PATCH', `${P}/${p.id}`, { household_id: h2.id, relation: 'child' }, { 'x-request-id': 'pp-upd-1' });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.deepEqual([r.body.household_id, r.body.room, r.body.area_id, r.body.area_code, r.body.relation], [h2.id, '1-502', t.g1e1.id, t.g1e1.code, 'child']);
  const row = await auditByRequest(server, 'pp-upd-1', 'person.update');
  assert.ok(row);
  assert.match(row.detail, /place/);
  assert.match(row.detail, /relation/);
  assert.equal((await cw('GET', `${H}/${h1.id}`)).body.people_count, 0);
  // out of the household, staying in its area
  r = await cw('PATCH', `${P}/${p.id}`, { household_id: 0 });
  assert.deepEqual([r.body.household_id, r.body.room, r.body.area_id], [null, null, t.g1e1.id]);
  // to an area
  r = await cw('PATCH', `${P}/${p.id}`, { area_id: t.g2.id });
  assert.deepEqual([r.body.area_id, r.body.area_code], [t.g2.id, t.g2.code]);
  // a household and an area that disagree
  assertError(await cw('PATCH', `${P}/${p.id}`, { household_id: h1.id, area_id: t.g2.id }), 400, 'invalid', 'area_id');
  // an ID number now: gender and birth date given with it must agree; else they follow it
  const id = idNumber('130101', '1966-06-06', 919);
  const idFemale = idNumber('130101', '1967-07-07', 918);
  assertError(await cw('PATCH', `${P}/${p.id}`, { id_number: idFemale, gender: 'male' }), 400, 'invalid', 'gender');
  assertError(await cw('PATCH', `${P}/${p.id}`, { id_number: id, birth_date: '1966-06-07' }), 400, 'invalid', 'birth_date');
  r = await cw('PATCH', `${P}/${p.id}`, { id_number: idFemale });
  assert.deepEqual([r.body.gender, r.body.birth_date], ['female', '1967-**-**'], 'gender and birth date follow a new ID number');
  r = await cw('PATCH', `${P}/${p.id}`, { id_number: id, phone: '' }, { 'x-request-id': 'pp-upd-2' });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal(r.body.id_number, `${id.slice(0, 6)}********${id.slice(14)}`);
  assert.equal(r.body.phone, null);
  const row2 = await auditByRequest(server, 'pp-upd-2', 'person.update');
  assert.match(row2.detail, /id_number/);
  assert.match(row2.detail, /phone/);
  assertMasked(row2, [id], 'the person.update row');
  assert.deepEqual((await cw('POST', `${P}/${p.id}/unmask`, { fields: ['id_number', 'phone'] })).body, { id_number: id, phone: null });
  // someone else's ID number: 409
  const other = await person({ area_id: t.g1.id, name: '另一人', id_number: idNumber('130101', '1977-07-07', 111) }, cw);
  assertError(await cw('PATCH', `${P}/${other.id}`, { id_number: id }), 409, 'conflict', 'id_number');
  // nothing changed: 200, no new row
  const before = (await audit(server, { action: 'person.update', object: `person:${p.id}` })).length;
  r = await cw('PATCH', `${P}/${p.id}`, { name: '周变更' });
  assert.equal(r.status, 200);
  assert.equal((await audit(server, { action: 'person.update', object: `person:${p.id}` })).length, before);
  assertError(await cw('PATCH', `${P}/987654321`, { name: 'x' }), 404, 'not_found');
  assertError(await cw('PATCH', `${P}/${p.id}`, { gender: 'female' }), 400, 'invalid', 'gender');
});

test('counts and moves: an area counts its households and people, and a move carries them', async () => {
  const d = await add({ code: '130102', name: '搬迁区' });
  const sA = await add({ parent_id: d.id, name: '甲街道' });
  const sB = await add({ parent_id: d.id, name: '乙街道' });
  const c = await add({ parent_id: sA.id, name: '社区' });
  const g = await add({ parent_id: c.id, name: '网格' });
  const b = await add({ parent_id: (await add({ parent_id: g.id, name: '小区' })).id, name: '楼' });
  const h = await household(b.id, '1', city);
  const p = await person({ household_id: h.id, name: '随迁', gender: 'male', birth_date: '1980-01-01' }, city);
  await person({ area_id: g.id, name: '无户', gender: 'female', birth_date: '1981-01-01' }, city);
  const counts = (await city('GET', `${A}/${c.id}`)).body.counts;
  assert.deepEqual([counts.households, counts.people], [1, 2]);
  const mv = await city('POST', `${A}/${c.id}/move`, { parent_id: sB.id });
  assert.equal(mv.status, 200, JSON.stringify(mv.body));
  const q = (await city('GET', `${P}/${p.id}`)).body;
  assert.ok(q.area_code.startsWith(mv.body.code), `${q.area_code} did not follow the move to ${mv.body.code}`);
  assert.equal((await city('GET', `${H}/${h.id}`)).body.area_code, q.area_code);
  assert.deepEqual((await allPages(P, `area=${sB.id}`, city, 50)).map((x) => x.name).sort(), ['随迁', '无户'].sort());
  assert.deepEqual((await allPages(P, `area=${sA.id}`, city, 50)), []);
});

// --- import and export ------------------------------------------------------------------------

test('households and people import from CSV (labels in Chinese or English) and export masked', async () => {
  const tpl = await download(server, cw, '/api/v1/imports/people/template');
  assert.equal(tpl.status, 200);
  assert.equal(tpl.buf.subarray(3).toString('utf8'), 'area_code,room,name,gender,birth_date,id_number,phone,residence,relation,tags\r\n');
  assert.equal((await download(server, cw, '/api/v1/imports/households/template')).buf.subarray(3).toString('utf8'), 'area_code,room\r\n');

  const hcsv = `area_code,room\n${t.g1e2.code},导入-1\n${t.g1e2.code},导入-2\n`;
  const hr = await upload(server, cw, '/api/v1/imports/households', hcsv, 'text/csv');
  assert.equal(hr.status, 200, JSON.stringify(hr.body));
  assert.equal(hr.body.imported, 2);
  const again = await upload(server, cw, '/api/v1/imports/households', hcsv, 'text/csv');
  assert.equal(again.status, 422);
  assert.deepEqual(again.body.errors.map((e) => [e.line, e.column]), [[2, 'room'], [3, 'room']]);

  const id1 = idNumber('130101', '1945-01-02', 881);
  const id2 = idNumber('130101', '1972-12-12', 882);
  const good = [
    'area_code,room,name,gender,birth_date,id_number,phone,residence,relation,tags',
    `${t.g1e2.code},导入-1,钱一,,,${id1},13611112222,户籍,户主,低保;高龄`,
    `${t.g1e2.code},导入-1,钱二,女,,${id2},,流动人口,配偶,`,
    `${t.g1e2.code},导入-3,钱三,male,2001-02-03,,,registered,child,veteran`,
    `${t.g1.code},,钱四,女,1999-09-09,,,floating,,独居老人、退役军人`,
  ].join('\n') + '\n';
  const dry = await upload(server, cw, '/api/v1/imports/people?dry_run=true', good, 'text/csv');
  assert.equal(dry.status, 200, JSON.stringify(dry.body));
  assert.deepEqual([dry.body.rows, dry.body.imported, dry.body.error_count], [4, 0, 0]);
  assert.deepEqual((await list(`q=${encodeURIComponent('钱')}`, cw)).items, [], 'the dry run wrote people');
  const real = await upload(server, cw, '/api/v1/imports/people', good, 'text/csv');
  assert.equal(real.status, 200, JSON.stringify(real.body));
  assert.equal(real.body.imported, 4);
  const got = Object.fromEntries((await list(`q=${encodeURIComponent('钱')}&limit=50`, cw)).items.map((x) => [x.name, x]));
  assert.deepEqual([got['钱一'].gender, got['钱一'].birth_date, got['钱一'].residence, got['钱一'].relation, got['钱一'].tags, got['钱一'].room],
    ['male', '1945-**-**', 'registered', 'head', ['low_income', 'elderly_80'], '导入-1']);
  assert.equal(got['钱二'].household_id, got['钱一'].household_id, 'same room, same household');
  assert.deepEqual([got['钱二'].residence, got['钱二'].relation], ['floating', 'spouse']);
  assert.equal(got['钱三'].room, '导入-3', 'a new room makes its household');
  assert.deepEqual([got['钱四'].household_id, got['钱四'].tags], [null, ['lone_elderly', 'veteran']]);

  const bad = [
    'area_code,name,gender,birth_date,id_number,residence,tags',
    `${t.g1.code},坏身份证,,,${id1.slice(0, 17)}${id1[17] === '1' ? '2' : '1'},户籍,`, // 2 id_number
    `999999999999999,无此区域,男,1980-01-01,,户籍,`, // 3 area_code
    `${t.g1.code},坏标签,男,1980-01-01,,户籍,富裕`, // 4 tags
    `${t.g1.code},性别不符,女,,${idNumber('130101', '1980-01-01', 883)},户籍,`, // 5 gender
    `${t.g1.code},重复身份证,,,${id1},户籍,`, // 6 id_number (taken)
    `${t.g3.code},越界,男,1980-01-01,,户籍,`, // 7 area_code (outside the community)
    `${t.g1.code},,男,1980-01-01,,户籍,`, // 8 name
  ].join('\n') + '\n';
  const br = await upload(server, cw, '/api/v1/imports/people', bad, 'text/csv');
  assert.equal(br.status, 422, JSON.stringify(br.body));
  assert.deepEqual(br.body.errors.map((e) => [e.line, e.column]),
    [[2, 'id_number'], [3, 'area_code'], [4, 'tags'], [5, 'gender'], [6, 'id_number'], [7, 'area_code'], [8, 'name']],
    JSON.stringify(br.body.errors, null, 1));
  // sensitive tags need person.read_sensitive in an import too
  const sr = await upload(server, st, '/api/v1/imports/people', `area_code,name,gender,birth_date,residence,tags\n${t.g1.code},街道导入,男,1980-01-01,户籍,孤儿\n`, 'text/csv');
  assert.equal(sr.status, 422, JSON.stringify(sr.body));
  assert.equal(sr.body.errors[0].column, 'tags');

  // exports: masked, and the sensitive tags only for who may see them
  const ex = await download(server, st, `/api/v1/exports/people?area=${t.g1e2.id}`);
  const rows = assertXlsx(ex, 'people export');
  assert.deepEqual(rows[0], ['区域编码', '房号', '姓名', '性别', '出生日期', '身份证号', '手机号', '户籍类型', '与户主关系', '标签']);
  const qian1 = rows.find((r) => r[2] === '钱一');
  assert.ok(qian1, JSON.stringify(rows));
  assert.equal(qian1[5], `${id1.slice(0, 6)}********${id1.slice(14)}`);
  assert.equal(qian1[6], '136****2222');
  assert.deepEqual([qian1[3], qian1[7], qian1[8]], ['男', '户籍', '户主']);
  assert.equal(qian1[9], '高龄', 'the street worker\'s export shows a sensitive tag');
  const strings = xlsxStrings(ex.buf);
  for (const secret of [id1, id2, '13611112222']) assert.ok(!strings.some((s) => s.includes(secret)), `the export holds ${secret}`);
  assert.ok(!strings.some((s) => s.includes('低保')), 'the street worker\'s export holds 低保');
  const cwRows = assertXlsx(await download(server, cw, `/api/v1/exports/people?area=${t.g1e2.id}`), 'community export');
  assert.equal(cwRows.find((r) => r[2] === '钱一')[9], '低保;高龄');
  const hx = assertXlsx(await download(server, cw, `/api/v1/exports/households?area=${t.g1e2.id}`), 'household export');
  assert.deepEqual(hx[0], ['区域编码', '房号']);
  assert.ok(hx.some((r) => r[1] === '导入-3'));
  // no person.read, no export
  const res = await makeUser(server, 'pp-hotline', 'hotline_operator', t.c1.code);
  assertError(await download(server, res, '/api/v1/exports/people'), 403, 'forbidden');
});

test('people routes answer nothing without their capabilities', async () => {
  const hot = await makeUser(server, 'pp-hot2', 'hotline_operator', t.c1.code);
  assertError(await hot('GET', P), 403, 'forbidden');
  assertError(await hot('GET', H), 403, 'forbidden');
  const bh = await makeUser(server, 'pp-bh', 'building_head', t.g1b.code);
  assert.equal((await bh('GET', P)).status, 200);
  assertError(await bh('POST', P, { area_id: t.g1b.id, name: 'x', gender: 'male', birth_date: '1980-01-01', residence: 'registered' }), 403, 'forbidden');
  assertError(await bh('POST', H, { area_id: t.g1b.id, room: 'x' }), 403, 'forbidden');
  assertError(await api(server, 'GET', P), 403, 'forbidden');
  assertError(await api(server, 'GET', P, undefined, { authorization: null }), 401, 'unauthorized');
});
