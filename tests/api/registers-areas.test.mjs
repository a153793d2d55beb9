// The area tree (docs/API.md "Registers" → "Areas"): codes (automatic and
// explicit, and every way a code can be wrong), moves that re-code a subtree
// and keep history, closing, boundaries checked by GEOS (GCJ-02 in, WGS-84
// stored), the point locator, area scopes with their audit rows, subtree
// paging, search, and the people in charge with their masked phones.
//
// Every tree here is built through the API by users this suite creates
// (the tester holds no register capability), so nothing depends on the demo
// data. Each test works in a district of its own.
//
// Runs on SQLite, or on PostgreSQL when LINLI_TEST_PG is set.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, api } from '../lib/server.mjs';
import { assertError, stopClean } from './helpers.mjs';
import { makeUser, login, audit, auditByRequest, square, wgs84ToGcj02 } from './registers-helpers.mjs';

let server;
let city; // district_staff with scope "*": may add districts

before(async () => {
  server = await startServer();
  city = await makeUser(server, 'ar-city', 'district_staff', '*');
});
after(async () => {
  if (server) await stopClean(server); // exit 0, no sanitizer report
});

// --- helpers ------------------------------------------------------------------------------

const A = '/api/v1/areas';

// Creates an area as `who` (default: the city user) and asserts 201.
async function add(body, who = city) {
  const res = await who('POST', A, body);
  assert.equal(res.status, 201, `create ${JSON.stringify(body)}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

// A district with one street, one community and one grid, all with automatic codes.
async function tree(code, name = `区${code}`) {
  const district = await add({ code, name });
  const street = await add({ parent_id: district.id, name: `${name}街道` });
  const community = await add({ parent_id: street.id, name: `${name}社区` });
  const grid = await add({ parent_id: community.id, name: `${name}网格` });
  return { district, street, community, grid };
}

async function get(id, who = city) {
  const res = await who('GET', `${A}/${id}`);
  assert.equal(res.status, 200, `GET area ${id}: ${JSON.stringify(res.body)}`);
  return res.body;
}

async function children(id, who = city, query = '') {
  const res = await who('GET', `${A}/${id}/children${query}`);
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return res.body.items;
}

async function search(q, who = city, extra = '') {
  const res = await who('GET', `${A}?q=${encodeURIComponent(q)}${extra}`);
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return res.body.items;
}

async function setBoundary(id, geometry, crs, who = city) {
  const body = { geometry };
  if (crs) body.crs = crs;
  return who('PUT', `${A}/${id}/boundary`, body);
}

const locate = (lng, lat, who = city, extra = '') => who('GET', `${A}/locate?lng=${lng}&lat=${lat}${extra}`);

const AREA_KEYS = ['children', 'code', 'has_boundary', 'id', 'kind', 'lat', 'level', 'lng', 'name', 'parent_id',
  'valid_from', 'valid_to'];

function near(a, b, eps, what) {
  assert.ok(Math.abs(a - b) <= eps, `${what}: ${a} vs ${b} (more than ${eps} apart)`);
}

function assertRingNear(got, want, eps, what) {
  assert.equal(got.length, want.length, `${what}: ${JSON.stringify(got)}`);
  got.forEach((p, i) => {
    near(p[0], want[i][0], eps, `${what} position ${i} lng`);
    near(p[1], want[i][1], eps, `${what} position ${i} lat`);
  });
}

// --- creating the tree ----------------------------------------------------------------------

test('district → street → community → grid with automatic codes', async () => {
  const d = await add({ code: '110101', name: '东城区' });
  assert.deepEqual(Object.keys(d).sort(), AREA_KEYS);
  assert.equal(d.level, 'district');
  assert.equal(d.parent_id, null);
  assert.equal(d.code, '110101');
  assert.equal(d.valid_to, null);
  assert.match(d.valid_from, /^\d{4}-\d{2}-\d{2}$/);

  const s1 = await add({ parent_id: d.id, name: '东华门街道' });
  const s2 = await add({ parent_id: d.id, name: '景山街道' });
  assert.equal(s1.level, 'street');
  assert.equal(s1.parent_id, d.id);
  assert.equal(s1.code, '110101001');
  assert.equal(s2.code, '110101002');

  const c = await add({ parent_id: s1.id, name: '多福巷社区' });
  assert.equal(c.level, 'community');
  assert.equal(c.code, '110101001001');

  const g1 = await add({ parent_id: c.id, name: '第一网格' });
  const g2 = await add({ parent_id: c.id, name: '第二网格', kind: 'dedicated' });
  assert.equal(g1.level, 'grid');
  assert.equal(g1.code, '110101001001001');
  assert.equal(g1.kind, 'basic', 'a grid is basic unless told');
  assert.equal(g2.code, '110101001001002');
  assert.equal(g2.kind, 'dedicated');

  // below the grid: compound, building, entrance (3, 3, 2 digits)
  const comp = await add({ parent_id: g1.id, name: '小区' });
  const bld = await add({ parent_id: comp.id, name: '1号楼' });
  const ent = await add({ parent_id: bld.id, name: '1单元' });
  assert.deepEqual([comp.level, comp.code], ['compound', '110101001001001001']);
  assert.deepEqual([bld.level, bld.code], ['building', '110101001001001001001']);
  assert.deepEqual([ent.level, ent.code], ['entrance', '11010100100100100100101']);
  // an entrance has no children
  assertError(await city('POST', A, { parent_id: ent.id, name: '更下一层' }), 400, 'invalid', 'parent_id');

  // one area with its ancestors (district first) and counts
  const one = await get(g1.id);
  assert.deepEqual(one.ancestors.map((x) => x.code), ['110101', '110101001', '110101001001']);
  assert.deepEqual(one.responsible, []);
  assert.equal(one.counts.children, 1);
  for (const k of ['households', 'people', 'party_members', 'units']) assert.equal(one.counts[k], 0, k);
  const anc = await city('GET', `${A}/${ent.id}/ancestors`);
  assert.equal(anc.status, 200);
  assert.deepEqual(anc.body.items.map((x) => x.level), ['district', 'street', 'community', 'grid', 'compound', 'building']);

  // children in code order, with their own open-children counts
  assert.deepEqual((await children(d.id)).map((x) => x.code), ['110101001', '110101002']);
  assert.deepEqual((await children(c.id)).map((x) => [x.code, x.children]),
    [['110101001001001', 1], ['110101001001002', 0]]);
  assert.equal((await get(d.id)).children, 2);

  // the city-wide user's roots include the district
  const roots = await city('GET', A);
  assert.equal(roots.status, 200);
  assert.ok(roots.body.items.some((x) => x.id === d.id), JSON.stringify(roots.body));

  // each creation is in the area's history and in the audit log
  const h = await city('GET', `${A}/${g1.id}/history`);
  assert.equal(h.status, 200);
  assert.equal(h.body.items.length, 1);
  assert.equal(h.body.items[0].action, 'create');
  assert.equal(h.body.items[0].new_code, g1.code);
  assert.equal(h.body.items[0].user_id, city.id);
  const rows = await audit(server, { action: 'area.create', object: `area:${g1.id}` });
  assert.equal(rows.length, 1, JSON.stringify(rows));
  assert.equal(rows[0].user, 'ar-city');
});

test('explicit codes are taken as given; the next automatic code follows the highest', async () => {
  const d = await add({ code: '110102', name: '西城区' });
  const s = await add({ parent_id: d.id, name: '西长安街街道', code: '110102005' });
  assert.equal(s.code, '110102005');
  const next = await add({ parent_id: d.id, name: '新街口街道' });
  assert.equal(next.code, '110102006', 'after 005 comes 006');
  const c = await add({ parent_id: s.id, name: '社区', code: '110102005123' });
  assert.equal(c.code, '110102005123');
  const g = await add({ parent_id: c.id, code: '110102005123042', name: '专属网格', kind: 'dedicated' });
  assert.deepEqual([g.code, g.level, g.kind], ['110102005123042', 'grid', 'dedicated']);
  // explicit level equal to the one below the parent is fine
  const g2 = await add({ parent_id: c.id, level: 'grid', name: '网格' });
  assert.equal(g2.code, '110102005123043');
  // a district needs its code
  assertError(await city('POST', A, { name: '无编码区' }), 400, 'invalid', 'code');
});

test('an automatic code obeys the rule an explicit code must (streets 001–099, communities 001–199)', async () => {
  const d = await add({ code: '110103', name: '编码边界区' });
  // the rule itself, for explicit codes
  assertError(await city('POST', A, { parent_id: d.id, name: '街道100', code: '110103100' }), 400, 'invalid', 'code');
  const s = await add({ parent_id: d.id, name: '最后的街道', code: '110103099' });
  // what comes after 099 must either be refused or be a valid street code
  const res = await city('POST', A, { parent_id: d.id, name: '再一个街道' });
  if (res.status === 201) {
    assert.ok(Number(res.body.code.slice(6)) <= 99,
      `automatic street code ${res.body.code} is one the API refuses when given explicitly`);
  } else {
    assertError(res, 409, 'conflict', 'code');
  }
  await add({ parent_id: s.id, name: '社区199', code: '110103099199' });
  const c2 = await city('POST', A, { parent_id: s.id, name: '社区200' });
  if (c2.status === 201) {
    assert.ok(Number(c2.body.code.slice(9)) <= 199,
      `automatic community code ${c2.body.code} is one the API refuses when given explicitly`);
  } else {
    assertError(c2, 409, 'conflict', 'code');
  }
});

test('bad codes, levels, names and parents are refused naming the field, and nothing is written', async () => {
  const { district: d, street: s, community: c, grid: g } = await tree('110104');
  const cases = [
    ['a code whose prefix disagrees with its parent', { parent_id: s.id, name: 'x', code: '110199001001' }, 400, 'code', /parent/],
    ['a code of the wrong length', { parent_id: s.id, name: 'x', code: '1101040010010' }, 400, 'code', /length/],
    ['a code too short for its level', { parent_id: s.id, name: 'x', code: '11010400101' }, 400, 'code', /length/],
    ['a code with a letter', { parent_id: s.id, name: 'x', code: '11010400100A' }, 400, 'code', undefined],
    ['an all-zero segment', { parent_id: s.id, name: 'x', code: '110104001000' }, 400, 'code', /zero/],
    ['a street code over 099', { parent_id: d.id, name: 'x', code: '110104150' }, 400, 'code', /street/],
    ['a community code over 199', { parent_id: s.id, name: 'x', code: '110104001200' }, 400, 'code', /communit/],
    ['a duplicate code', { parent_id: s.id, name: '重复', code: c.code }, 409, 'code', /taken/],
    ['a level that is not the one below the parent', { parent_id: s.id, name: 'x', level: 'grid' }, 400, 'level', undefined],
    ['a district level under a parent', { parent_id: s.id, name: 'x', level: 'district' }, 400, 'level', undefined],
    ['an unknown level', { parent_id: s.id, name: 'x', level: 'province' }, 400, 'level', undefined],
    ['a name over 64 characters', { parent_id: s.id, name: '长'.repeat(65) }, 400, 'name', undefined],
    ['an empty name', { parent_id: s.id, name: '' }, 400, 'name', undefined],
    ['no name', { parent_id: s.id }, 400, 'name', undefined],
    ['a name with a control character', { parent_id: s.id, name: 'a\u0001b' }, 400, 'name', undefined],
    ['an unknown parent', { parent_id: 987654321, name: 'x' }, 400, 'parent_id', undefined],
    ['a parent id that is not a number', { parent_id: 'abc', name: 'x' }, 400, 'parent_id', undefined],
    ['a kind on a community', { parent_id: s.id, name: 'x', kind: 'basic' }, 400, 'kind', undefined],
    ['an unknown grid kind', { parent_id: c.id, name: 'x', kind: 'special' }, 400, 'kind', undefined],
    ['lng without lat', { parent_id: s.id, name: 'x', lng: 116.4 }, 400, 'lat', undefined],
    ['a latitude out of range', { parent_id: s.id, name: 'x', lng: 116.4, lat: 91 }, 400, 'lat', undefined],
    ['a district level without a code and with a parent', { parent_id: g.id, level: 'district', name: 'x' }, 400, 'level', undefined],
    ['a bad valid_from', { parent_id: s.id, name: 'x', valid_from: '2026-02-30' }, 400, 'valid_from', undefined],
    ['an unknown field', { parent_id: s.id, name: 'x', colour: 'red' }, 400, 'colour', undefined],
  ];
  const before = (await children(s.id, city, '?include_closed=true')).length;
  const gridsBefore = (await children(c.id, city, '?include_closed=true')).length;
  const problems = [];
  for (const [what, body, status, field, re] of cases) {
    const res = await city('POST', A, body);
    try {
      assertError(res, status, status === 409 ? 'conflict' : 'invalid', field, re);
    } catch (e) {
      problems.push(`${what}: ${e.message.split('\n')[0]}`);
    }
  }
  assert.deepEqual(problems, []);
  assert.equal((await children(s.id, city, '?include_closed=true')).length, before, 'a refused create wrote a community');
  assert.equal((await children(c.id, city, '?include_closed=true')).length, gridsBefore, 'a refused create wrote a grid');
  assert.equal((await search('110104001200')).length, 0);
});

test('only a city-wide scope adds districts; a street user adds nothing outside its street', async () => {
  const { district: d, street: s } = await tree('110105');
  const other = await add({ parent_id: d.id, name: '别的街道' });
  const st = await makeUser(server, 'ar-street-105', 'street_staff', s.code);
  const r1 = await st('POST', A, { code: '110106', name: '新区' }, { 'x-request-id': 'ar-district-denied' });
  assertError(r1, 403, 'forbidden', 'parent_id');
  const r2 = await st('POST', A, { parent_id: other.id, name: '越界社区' }, { 'x-request-id': 'ar-create-denied' });
  assertError(r2, 403, 'forbidden', 'parent_id');
  const row = await auditByRequest(server, 'ar-create-denied', 'access.denied');
  assert.ok(row, 'no access.denied row for a create outside the scope');
  assert.equal(row.user, 'ar-street-105');
  assert.equal(row.outcome, 'denied');
  assert.equal((await children(other.id)).length, 0);
  // inside its own street it may
  const mine = await add({ parent_id: s.id, name: '本街道社区' }, st);
  assert.equal(mine.code, `${s.code}002`);
});

// --- renames, moves and closing --------------------------------------------------------------

test('renames and kind changes are recorded; a kind only on grids', async () => {
  const { community: c, grid: g } = await tree('110107');
  const r = await city('PATCH', `${A}/${g.id}`, { name: '改名网格', kind: 'dedicated' });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.deepEqual([r.body.name, r.body.kind, r.body.code], ['改名网格', 'dedicated', g.code]);
  assertError(await city('PATCH', `${A}/${c.id}`, { kind: 'basic' }), 400, 'invalid', 'kind');
  assertError(await city('PATCH', `${A}/${g.id}`, { name: '长'.repeat(65) }), 400, 'invalid', 'name');
  assertError(await city('PATCH', `${A}/${g.id}`, { code: '110107001001009' }), 400, 'invalid', 'code');
  assertError(await city('PATCH', `${A}/987654321`, { name: 'x' }), 404, 'not_found');
  const h = (await city('GET', `${A}/${g.id}/history`)).body.items;
  const rename = h.find((x) => x.action === 'rename');
  assert.ok(rename, JSON.stringify(h));
  assert.equal(rename.old_name, g.name);
  assert.equal(rename.new_name, '改名网格');
  assert.equal((await get(g.id)).name, '改名网格');
});

test('moving a node under itself or its own descendant is refused', async () => {
  const { district: d, street: s, community: c, grid: g } = await tree('110108');
  const comp = await add({ parent_id: g.id, name: '小区' });
  // a street under its own community, a community under its own grid, a grid under its compound
  for (const [node, target] of [[s, c], [c, g], [g, comp], [c, c]]) {
    const res = await city('POST', `${A}/${node.id}/move`, { parent_id: target.id });
    assertError(res, 400, 'invalid', 'parent_id');
    assert.equal((await get(node.id)).code, node.code, 'a refused move changed the code');
  }
  // to where it already is
  assertError(await city('POST', `${A}/${c.id}/move`, { parent_id: s.id }), 400, 'invalid', 'parent_id');
  // a district does not move
  assertError(await city('POST', `${A}/${d.id}/move`, { parent_id: d.id }), 400, 'invalid');
  // an unknown parent
  assertError(await city('POST', `${A}/${c.id}/move`, { parent_id: 987654321 }), 400, 'invalid', 'parent_id');
});

test('moving a community to another street re-codes its subtree, keeps history, and its scoped users follow', async () => {
  const d = await add({ code: '110109', name: '搬迁区' });
  const sA = await add({ parent_id: d.id, name: '甲街道' });
  const sB = await add({ parent_id: d.id, name: '乙街道' });
  await add({ parent_id: sB.id, name: '乙街道原有社区' }); // so the moved one becomes sB…002
  const c = await add({ parent_id: sA.id, name: '要搬的社区' });
  const g1 = await add({ parent_id: c.id, name: '网格一' });
  const g2 = await add({ parent_id: c.id, name: '网格二' });
  const comp = await add({ parent_id: g1.id, name: '小区' });
  assert.equal(c.code, '110109001001');
  assert.equal((await setBoundary(g1.id, { type: 'Polygon', coordinates: [square(117.00, 40.00, 117.01, 40.01)] })).status, 200);
  // users scoped to the community before the move: one logged in now, one later
  const cu = await makeUser(server, 'ar-move-cu', 'community_staff', c.code);
  await api(server, 'POST', '/api/v1/users', {
    login: 'ar-move-later', display_name: '后登录', password: 'Regist3r#Pass', roles: ['community_staff'], scopes: [c.code],
  });
  assert.equal((await get(c.id, cu)).code, c.code);

  const res = await city('POST', `${A}/${c.id}/move`, { parent_id: sB.id }, { 'x-request-id': 'ar-move-1' });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  const newCode = '110109002002';
  assert.equal(res.body.code, newCode);
  assert.equal(res.body.parent_id, sB.id);
  assert.equal(res.body.id, c.id, 'a move keeps the id');

  // the whole subtree carries the new prefix; suffixes are kept
  assert.equal((await get(g1.id)).code, `${newCode}001`);
  assert.equal((await get(g2.id)).code, `${newCode}002`);
  assert.equal((await get(comp.id)).code, `${newCode}001001`);
  assert.deepEqual((await get(comp.id)).ancestors.map((x) => x.code), ['110109', '110109002', newCode, `${newCode}001`]);
  assert.deepEqual((await children(sA.id, city, '?include_closed=true')).map((x) => x.id), [], 'still under the old street');
  assert.ok((await children(sB.id)).some((x) => x.id === c.id));
  // the old codes are gone from the tree
  assert.deepEqual(await search(c.code), []);
  assert.deepEqual(await search(g1.code), []);

  // history keeps the old codes
  const h = (await city('GET', `${A}/${c.id}/history`)).body.items;
  const mv = h.find((x) => x.action === 'move');
  assert.ok(mv, JSON.stringify(h));
  assert.deepEqual([mv.old_code, mv.new_code, mv.old_parent_id, mv.new_parent_id], [c.code, newCode, sA.id, sB.id]);
  const gh = (await city('GET', `${A}/${g1.id}/history`)).body.items;
  assert.equal(gh[0].action, 'create');
  assert.equal(gh[0].new_code, g1.code, 'the grid\'s creation row keeps the code it was created with');
  const row = await auditByRequest(server, 'ar-move-1', 'area.move');
  assert.ok(row, 'no area.move audit row');
  assert.match(row.detail, new RegExp(`${c.code}.*${newCode}`));

  // the users scoped to the old code now hold the new one and still see the node
  const users = await api(server, 'GET', '/api/v1/users?q=ar-move');
  for (const u of users.body.items) assert.deepEqual(u.scopes, [newCode], `${u.login}: ${JSON.stringify(u.scopes)}`);
  const seen = await get(c.id, cu);
  assert.equal(seen.code, newCode);
  assert.deepEqual((await cu('GET', A)).body.items.map((x) => x.id), [c.id], 'the scoped user\'s root');
  assert.equal((await get(g2.id, cu)).code, `${newCode}002`);
  const later = await login(server, 'ar-move-later', 'Regist3r#Pass');
  assert.equal((await get(c.id, later)).code, newCode);
  // and does not reach the old street
  assertError(await cu('GET', `${A}/${sA.id}`), 403, 'forbidden');

  // the locator follows: the grid answers with its new code and ancestors
  const loc = await locate(117.005, 40.005);
  assert.equal(loc.status, 200, JSON.stringify(loc.body));
  assert.equal(loc.body.grid.code, `${newCode}001`);
  assert.deepEqual(loc.body.ancestors.map((x) => x.code), ['110109', '110109002', newCode]);

  // codes are never reused: the old street's next community is not 001 again
  const again = await add({ parent_id: sA.id, name: '新社区' });
  assert.notEqual(again.code, c.code);
  assert.equal(again.code, '110109001002');
});

test('closing: refused with open children, then closed areas take no children and keep their codes', async () => {
  const { street: s, community: c, grid: g } = await tree('110110');
  const g2 = await add({ parent_id: c.id, name: '第二网格' });
  assertError(await city('POST', `${A}/${c.id}/close`, {}), 409, 'conflict', undefined, /open child/);
  assertError(await city('POST', `${A}/${g2.id}/close`, { valid_to: '2000-01-01' }), 400, 'invalid', 'valid_to');
  assertError(await city('POST', `${A}/${g2.id}/close`, { valid_to: 'tomorrow' }), 400, 'invalid', 'valid_to');

  const closed = await city('POST', `${A}/${g2.id}/close`, {});
  assert.equal(closed.status, 200, JSON.stringify(closed.body));
  assert.match(closed.body.valid_to, /^\d{4}-\d{2}-\d{2}$/);
  assertError(await city('POST', `${A}/${g2.id}/close`, {}), 409, 'conflict');
  // nothing is created under a closed area
  assertError(await city('POST', A, { parent_id: g2.id, name: '小区' }), 409, 'conflict', 'parent_id');
  // closed children are hidden unless asked for
  assert.deepEqual((await children(c.id)).map((x) => x.id), [g.id]);
  assert.deepEqual((await children(c.id, city, '?include_closed=true')).map((x) => x.id), [g.id, g2.id]);
  assert.equal((await get(c.id)).children, 1);
  // its code is not given out again
  const g3 = await add({ parent_id: c.id, name: '第三网格' });
  assert.equal(g3.code, `${c.code}003`);
  // a closed area does not move
  assertError(await city('POST', `${A}/${g2.id}/move`, { parent_id: c.id }), 409, 'conflict');
  // once every child is closed, the parent closes
  for (const x of [g, g3]) assert.equal((await city('POST', `${A}/${x.id}/close`, {})).status, 200);
  const cc = await city('POST', `${A}/${c.id}/close`, {});
  assert.equal(cc.status, 200, JSON.stringify(cc.body));
  assertError(await city('POST', A, { parent_id: c.id, name: '关闭后的网格' }), 409, 'conflict', 'parent_id');
  const h = (await city('GET', `${A}/${c.id}/history`)).body.items;
  assert.equal(h.at(-1).action, 'close');
  assert.equal((await get(s.id)).children, 0);
});

// --- boundaries ------------------------------------------------------------------------------

test('boundaries: a valid polygon is stored; open rings, self-intersections and other bad shapes are 400 with the reason', async () => {
  const { community: c, grid: g } = await tree('110111');
  const ring = square(116.30, 39.80, 116.31, 39.81);
  const ok = await setBoundary(g.id, { type: 'Polygon', coordinates: [ring] });
  assert.equal(ok.status, 200, JSON.stringify(ok.body));
  assert.equal(ok.body.has_boundary, true);
  near(ok.body.lng, 116.305, 1e-6, 'label point at the centroid');
  near(ok.body.lat, 39.805, 1e-6, 'label point at the centroid');
  const f = await city('GET', `${A}/${g.id}/boundary`);
  assert.equal(f.status, 200);
  assert.equal(f.body.type, 'Feature');
  assert.equal(f.body.properties.code, g.code);
  assert.equal(f.body.geometry.type, 'Polygon');
  assertRingNear(f.body.geometry.coordinates[0], ring, 1e-9, 'stored ring');

  const field = /^(boundary|geometry)$/;
  const bad = [
    ['a ring that does not close', { type: 'Polygon', coordinates: [[[116.30, 39.80], [116.31, 39.80], [116.31, 39.81], [116.30, 39.81], [116.30, 39.805]]] }, /close/],
    ['a self-intersecting ring (bow tie)', { type: 'Polygon', coordinates: [[[116.30, 39.80], [116.31, 39.81], [116.31, 39.80], [116.30, 39.81], [116.30, 39.80]]] }, /Self-intersection/],
    ['a ring of three positions', { type: 'Polygon', coordinates: [[[116.30, 39.80], [116.31, 39.80], [116.30, 39.80]]] }, /4 positions/],
    ['a Point', { type: 'Point', coordinates: [116.30, 39.80] }, /Polygon/],
    ['no coordinates', { type: 'Polygon' }, /coordinates/],
    ['a position out of range', { type: 'Polygon', coordinates: [square(116.30, 89.99, 116.31, 90.5)] }, /range/],
    ['a position that is not numbers', { type: 'Polygon', coordinates: [[[116.3, 39.8], ['x', 39.8], [116.31, 39.81], [116.3, 39.8]]] }, /position/],
    ['a hole outside its shell', { type: 'Polygon', coordinates: [ring, square(117.0, 40.0, 117.001, 40.001)] }, /not a valid polygon/],
  ];
  const problems = [];
  for (const [what, geometry, re] of bad) {
    const res = await setBoundary(g.id, geometry);
    if (res.status !== 400 || res.body?.error?.code !== 'invalid' || !field.test(res.body.error.field || '') ||
        !re.test(res.body.error.message))
      problems.push(`${what}: ${res.status} ${JSON.stringify(res.body)}`);
  }
  assert.deepEqual(problems, []);
  // a geometry that is not an object
  assertError(await city('PUT', `${A}/${g.id}/boundary`, { geometry: 'POLYGON((0 0))' }), 400, 'invalid', 'geometry');
  assertError(await city('PUT', `${A}/${g.id}/boundary`, {}), 400, 'invalid', 'geometry');
  // the refusals left the stored boundary as it was
  assertRingNear((await city('GET', `${A}/${g.id}/boundary`)).body.geometry.coordinates[0], ring, 1e-9, 'after refusals');

  // a MultiPolygon is fine; the community's map shows its grids
  const multi = await setBoundary(c.id, { type: 'MultiPolygon', coordinates: [[square(116.30, 39.80, 116.31, 39.81)], [square(116.32, 39.80, 116.33, 39.81)]] });
  assert.equal(multi.status, 200, JSON.stringify(multi.body));
  const fc = await city('GET', `${A}/${c.id}/boundaries`);
  assert.equal(fc.status, 200);
  assert.equal(fc.body.type, 'FeatureCollection');
  assert.deepEqual(fc.body.features.map((x) => x.properties.code), [g.code]);
  // buildings are points, not areas
  const comp = await add({ parent_id: g.id, name: '小区' });
  const bld = await add({ parent_id: comp.id, name: '楼' });
  assertError(await setBoundary(bld.id, { type: 'Polygon', coordinates: [ring] }), 400, 'invalid', undefined, /point/);
  // removing it
  const del = await city('DELETE', `${A}/${g.id}/boundary`);
  assert.equal(del.status, 200, JSON.stringify(del.body));
  assert.equal(del.body.has_boundary, false);
  assertError(await city('GET', `${A}/${g.id}/boundary`), 404, 'not_found');
  assert.ok((await city('GET', `${A}/${g.id}/history`)).body.items.some((x) => x.action === 'boundary'));
});

test('a GCJ-02 boundary is stored as WGS-84 and can be read back in either', async () => {
  const { grid: g } = await tree('110112');
  const wgs = square(116.40, 39.90, 116.41, 39.91);
  const gcj = wgs.map(([x, y]) => wgs84ToGcj02(x, y));
  // the offset is real here (hundreds of metres), so a missed conversion shows
  assert.ok(Math.abs(gcj[0][0] - wgs[0][0]) > 0.004, JSON.stringify(gcj[0]));
  const res = await setBoundary(g.id, { type: 'Polygon', coordinates: [gcj] }, 'gcj02');
  assert.equal(res.status, 200, JSON.stringify(res.body));
  near(res.body.lng, 116.405, 1e-5, 'label point in WGS-84');
  near(res.body.lat, 39.905, 1e-5, 'label point in WGS-84');
  const stored = await city('GET', `${A}/${g.id}/boundary`);
  assertRingNear(stored.body.geometry.coordinates[0], wgs, 2e-6, 'stored as WGS-84');
  const back = await city('GET', `${A}/${g.id}/boundary?crs=gcj02`);
  assert.equal(back.status, 200);
  assertRingNear(back.body.geometry.coordinates[0], gcj, 2e-6, 'read back as GCJ-02');
  // a point inside, given in GCJ-02, is found
  const [lng, lat] = wgs84ToGcj02(116.405, 39.905);
  const loc = await locate(lng, lat, city, '&crs=gcj02');
  assert.equal(loc.status, 200, JSON.stringify(loc.body));
  assert.equal(loc.body.grid.id, g.id);
  // a label point given in GCJ-02 is stored in WGS-84
  const p = await city('PATCH', `${A}/${g.id}`, { lng, lat, crs: 'gcj02' });
  assert.equal(p.status, 200, JSON.stringify(p.body));
  near(p.body.lng, 116.405, 1e-6, 'label lng');
  near(p.body.lat, 39.905, 1e-6, 'label lat');
  assertError(await city('GET', `${A}/${g.id}/boundary?crs=bd09`), 400, 'invalid', 'crs');
});

// --- the locator -----------------------------------------------------------------------------

test('locate: inside, on a shared border, in a hole, outside, GCJ-02, bad input, and scope', async () => {
  const { district: d, street: s, community: c, grid: g1 } = await tree('110113');
  const g2 = await add({ parent_id: c.id, name: '东邻网格' });
  // g1: a square with a hole; g2: the square east of it, sharing the border lng = 115.51
  const r1 = await setBoundary(g1.id, { type: 'Polygon', coordinates: [square(115.50, 38.50, 115.51, 38.51), square(115.504, 38.504, 115.506, 38.506)] });
  assert.equal(r1.status, 200, JSON.stringify(r1.body));
  assert.equal((await setBoundary(g2.id, { type: 'Polygon', coordinates: [square(115.51, 38.50, 115.52, 38.51)] })).status, 200);

  const inside = await locate(115.502, 38.502);
  assert.equal(inside.status, 200, JSON.stringify(inside.body));
  assert.equal(inside.body.grid.id, g1.id);
  assert.equal(inside.body.grid.code, g1.code);
  assert.deepEqual(inside.body.ancestors.map((x) => x.id), [d.id, s.id, c.id], 'ancestors, district first');
  assert.equal((await locate(115.515, 38.505)).body.grid?.id, g2.id);

  // on the shared border: one of the two, the same every time (the lower id, as documented)
  const answers = new Set();
  for (let i = 0; i < 5; i++) {
    const b = await locate(115.51, 38.505);
    assert.equal(b.status, 200, JSON.stringify(b.body));
    answers.add(b.body.grid.id);
  }
  assert.equal(answers.size, 1, `the border point moved between grids: ${[...answers]}`);
  assert.ok([g1.id, g2.id].includes([...answers][0]));
  assert.equal([...answers][0], Math.min(g1.id, g2.id));

  // in the hole, and outside every grid
  assertError(await locate(115.505, 38.505), 404, 'not_found');
  assertError(await locate(10.0, 10.0), 404, 'not_found');

  // GCJ-02: the converted point is found; the WGS-84 numbers read as GCJ-02 land ~600 m west, outside
  const [gx, gy] = wgs84ToGcj02(115.5005, 38.5005);
  assert.equal((await locate(gx, gy, city, '&crs=gcj02')).body.grid?.id, g1.id);
  assertError(await locate(115.5005, 38.5005, city, '&crs=gcj02'), 404, 'not_found');

  // bad input names the field
  assertError(await locate('abc', 38.5), 400, 'invalid', 'lng');
  assertError(await locate(115.5, 'north'), 400, 'invalid', 'lat');
  assertError(await locate(181, 38.5), 400, 'invalid', 'lng');
  assertError(await locate(115.5, -90.5), 400, 'invalid', 'lat');
  assertError(await locate('NaN', 38.5), 400, 'invalid', 'lng');
  assertError(await city('GET', `${A}/locate?lng=115.5`), 400, 'invalid', 'lat');
  assertError(await locate(115.5, 38.5, city, '&crs=bd09'), 400, 'invalid', 'crs');

  // a caller whose scope does not cover the grid is told nothing about it
  const other = await add({ parent_id: d.id, name: '别的街道' });
  const stranger = await makeUser(server, 'ar-loc-other', 'street_staff', other.code);
  assertError(await locate(115.502, 38.502, stranger), 404, 'not_found');
  const local = await makeUser(server, 'ar-loc-grid', 'grid_worker', c.code);
  assert.equal((await locate(115.502, 38.502, local)).body.grid?.id, g1.id);

  // a closed grid leaves the locator; a removed boundary too
  assert.equal((await city('POST', `${A}/${g2.id}/close`, {})).status, 200);
  assertError(await locate(115.515, 38.505), 404, 'not_found');
  assert.equal((await city('DELETE', `${A}/${g1.id}/boundary`)).status, 200);
  assertError(await locate(115.502, 38.502), 404, 'not_found');
});

// --- scope -------------------------------------------------------------------------------------

test('a street-scoped user gets 403 on another street\'s area, with an access.denied row each time', async () => {
  const { district: d, street: mine, grid: myGrid } = await tree('110114');
  const theirs = await add({ parent_id: d.id, name: '别人的街道' });
  const theirC = await add({ parent_id: theirs.id, name: '别人的社区' });
  const theirG = await add({ parent_id: theirC.id, name: '别人的网格' });
  assert.equal((await setBoundary(theirG.id, { type: 'Polygon', coordinates: [square(114.0, 37.0, 114.01, 37.01)] })).status, 200);
  const st = await makeUser(server, 'ar-scope-st', 'street_staff', mine.code);
  // inside its street: fine
  assert.equal((await get(myGrid.id, st)).id, myGrid.id);
  assert.deepEqual((await st('GET', A)).body.items.map((x) => x.id), [mine.id], 'roots are the scope\'s own areas');
  // the district above its street is outside too
  const calls = [
    ['GET', `${A}/${theirs.id}`],
    ['GET', `${A}/${theirC.id}/children`],
    ['GET', `${A}/${theirs.id}/subtree`],
    ['GET', `${A}/${theirC.id}/ancestors`],
    ['GET', `${A}/${theirG.id}/history`],
    ['GET', `${A}/${theirG.id}/boundary`],
    ['GET', `${A}/${theirC.id}/boundaries`],
    ['GET', `${A}/${d.id}`],
    ['PATCH', `${A}/${theirG.id}`, { name: '被改名' }],
    ['POST', `${A}/${theirG.id}/close`, {}],
    ['POST', `${A}/${theirC.id}/move`, { parent_id: mine.id }],
    ['PUT', `${A}/${theirG.id}/boundary`, { geometry: { type: 'Polygon', coordinates: [square(114.0, 37.0, 114.02, 37.02)] } }],
    ['DELETE', `${A}/${theirG.id}/boundary`],
    ['POST', `${A}/${theirG.id}/responsible`, { role: 'grid_worker', name: '越界' }],
  ];
  const problems = [];
  let n = 0;
  for (const [method, path, body] of calls) {
    const rid = `ar-scope-${++n}`;
    const res = await st(method, path, body, { 'x-request-id': rid });
    if (res.status !== 403 || res.body?.error?.code !== 'forbidden') {
      problems.push(`${method} ${path}: ${res.status} ${JSON.stringify(res.body)}`);
      continue;
    }
    const row = await auditByRequest(server, rid, 'access.denied');
    if (!row || row.user !== 'ar-scope-st' || row.outcome !== 'denied' || !/^area:\d+$/.test(row.object))
      problems.push(`${method} ${path}: audit row ${JSON.stringify(row)}`);
  }
  assert.deepEqual(problems, []);
  // and nothing changed
  const g = await get(theirG.id);
  assert.deepEqual([g.name, g.valid_to, g.has_boundary], ['别人的网格', null, true]);
  assertRingNear((await city('GET', `${A}/${theirG.id}/boundary`)).body.geometry.coordinates[0],
    square(114.0, 37.0, 114.01, 37.01), 1e-9, 'boundary');
  assert.deepEqual((await get(theirG.id)).responsible, []);
});

test('subtree paging returns every open descendant once, in code order', async () => {
  const d = await add({ code: '110115', name: '分页区' });
  const s = await add({ parent_id: d.id, name: '街道' });
  const want = [];
  for (let i = 0; i < 3; i++) {
    const c = await add({ parent_id: s.id, name: `社区${i}` });
    want.push(c.code);
    for (let j = 0; j < 6; j++) want.push((await add({ parent_id: c.id, name: `网格${i}-${j}` })).code);
  }
  const closed = await add({ parent_id: s.id, name: '关闭的社区' });
  assert.equal((await city('POST', `${A}/${closed.id}/close`, {})).status, 200);
  want.sort();
  const seen = [];
  let after = '';
  let pages = 0;
  for (;;) {
    const res = await city('GET', `${A}/${d.id}/subtree?limit=5${after ? `&after=${after}` : ''}`);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.ok(res.body.items.length <= 5);
    seen.push(...res.body.items.map((x) => x.code));
    pages++;
    assert.ok(pages < 20, 'paging does not end');
    if (res.body.next === null) break;
    assert.equal(res.body.next, res.body.items.at(-1).code);
    after = res.body.next;
  }
  assert.deepEqual(seen, [s.code, ...want], 'every open descendant once, in code order, the street first');
  assert.equal(new Set(seen).size, seen.length);
  assert.ok(!seen.includes(closed.code), 'a closed area is not in the subtree');
  // a level filter
  const grids = await city('GET', `${A}/${s.id}/subtree?level=grid&limit=200`);
  assert.equal(grids.body.items.length, 18);
  assert.ok(grids.body.items.every((x) => x.level === 'grid'));
  assert.equal(grids.body.next, null);
  assertError(await city('GET', `${A}/${d.id}/subtree?limit=0`), 400, 'invalid', 'limit');
  assertError(await city('GET', `${A}/${d.id}/subtree?limit=201`), 400, 'invalid', 'limit');
  assertError(await city('GET', `${A}/${d.id}/subtree?after=11011500x`), 400, 'invalid', 'after');
  assertError(await city('GET', `${A}/${d.id}/subtree?level=planet`), 400, 'invalid', 'level');
  assertError(await city('GET', `${A}/987654321/subtree`), 404, 'not_found');
});

test('search by name and by code prefix stays inside the caller\'s scope', async () => {
  const d = await add({ code: '110116', name: '搜索区' });
  const s1 = await add({ parent_id: d.id, name: '和平街道' });
  const s2 = await add({ parent_id: d.id, name: '团结街道' });
  const c1 = await add({ parent_id: s1.id, name: '向阳社区' });
  const c2 = await add({ parent_id: s2.id, name: '向阳社区' }); // the same name in the other street
  const g1 = await add({ parent_id: c1.id, name: '向阳一网格' });
  const st = await makeUser(server, 'ar-search-st', 'street_staff', s1.code);

  // the city sees both
  assert.deepEqual((await search('向阳社区')).map((x) => x.id).sort(), [c1.id, c2.id].sort());
  // the street user only its own, by name …
  assert.deepEqual((await search('向阳', st)).map((x) => x.id), [c1.id, g1.id]);
  assert.deepEqual(await search('团结', st), []);
  // … and by code prefix
  assert.deepEqual((await search('110116', st)).map((x) => x.code), [s1.code, c1.code, g1.code]);
  assert.deepEqual(await search(s2.code, st), []);
  assert.deepEqual(await search(c2.code, st), []);
  // a code is matched from its start only
  assert.deepEqual(await search('116001', city), []);
  // a level filter
  assert.deepEqual((await search('向阳', st, '&level=grid')).map((x) => x.id), [g1.id]);
  // closed areas are not found
  const gone = await add({ parent_id: c1.id, name: '向阳已撤网格' });
  assert.equal((await city('POST', `${A}/${gone.id}/close`, {})).status, 200);
  assert.ok(!(await search('向阳已撤')).some((x) => x.id === gone.id));
  assertError(await city('GET', `${A}?q=`), 400, 'invalid', 'q');
  assertError(await city('GET', `${A}?q=${'x'.repeat(33)}`), 400, 'invalid', 'q');
  assertError(await city('GET', `${A}?q=a&limit=500`), 400, 'invalid', 'limit');
  assertError(await city('GET', `${A}?colour=red`), 400, 'invalid', 'colour');
});

test('search text is literal: "%" and "_" are not wildcards', async () => {
  const d = await add({ code: '110117', name: '通配区' });
  await add({ parent_id: d.id, name: '普通街道' });
  const st = await makeUser(server, 'ar-wild-st', 'district_staff', d.code);
  // no name here contains "%" or "_", and no code starts with them
  assert.deepEqual((await search('%', st)).map((x) => x.name), [], 'q=% matched every area');
  assert.deepEqual((await search('_', st)).map((x) => x.name), [], 'q=_ matched every area');
  assert.deepEqual((await search('1101%1', st)).map((x) => x.code), [], 'a % inside q acted as a wildcard');
});

// --- people in charge --------------------------------------------------------------------------

test('people in charge: masked phone, unmasked only with person.read_pii and audited as pii.unmask', async () => {
  const { street: s, community: c, grid: g } = await tree('110118');
  const other = await add({ parent_id: c.id, name: '另一网格' });
  const r = await city('POST', `${A}/${g.id}/responsible`, { role: 'grid_leader', name: '王网格长', phone: '13812345678' });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  assert.deepEqual(Object.keys(r.body).sort(), ['id', 'name', 'phone', 'role', 'user_id']);
  assert.equal(r.body.phone, '138****5678');
  assert.equal(r.body.user_id, null);
  const rid = r.body.id;
  // linked to a user, and without a phone
  const me = await city('POST', `${A}/${g.id}/responsible`, { role: 'grid_worker', name: '李网格员', user_id: city.id });
  assert.equal(me.status, 201, JSON.stringify(me.body));
  assert.equal(me.body.user_id, city.id);
  assert.equal(me.body.phone, '');

  const detail = await get(g.id);
  assert.deepEqual(detail.responsible.map((x) => [x.role, x.name, x.phone]),
    [['grid_leader', '王网格长', '138****5678'], ['grid_worker', '李网格员', '']]);
  assert.ok(!JSON.stringify(detail).includes('13812345678'), 'the full phone is in GET /areas/{id}');

  // bad input
  const bad = [
    [{ role: 'mayor', name: 'x' }, 'role'],
    [{ role: 'grid_leader', name: '' }, 'name'],
    [{ role: 'grid_leader', name: '长'.repeat(65) }, 'name'],
    [{ role: 'grid_leader', name: 'x', phone: '12345' }, 'phone'],
    [{ role: 'grid_leader', name: 'x', phone: '1381234567x' }, 'phone'],
    [{ role: 'grid_leader', name: 'x', user_id: 987654321 }, 'user_id'],
    [{ name: 'x' }, 'role'],
  ];
  for (const [body, field] of bad) assertError(await city('POST', `${A}/${g.id}/responsible`, body), 400, 'invalid', field);
  assertError(await city('POST', `${A}/987654321/responsible`, { role: 'police', name: 'x' }), 404, 'not_found');
  assert.equal((await get(g.id)).responsible.length, 2, 'a refused add wrote a row');

  // a community worker (person.read_pii) unmasks, and it is audited
  const cw = await makeUser(server, 'ar-resp-cw', 'community_staff', c.code);
  const un = await cw('GET', `${A}/${g.id}/responsible/${rid}/phone`, undefined, { 'x-request-id': 'ar-unmask-1' });
  assert.equal(un.status, 200, JSON.stringify(un.body));
  assert.deepEqual(un.body, { phone: '13812345678' });
  const row = await auditByRequest(server, 'ar-unmask-1', 'pii.unmask');
  assert.ok(row, 'no pii.unmask row');
  assert.equal(row.user, 'ar-resp-cw');
  assert.equal(row.object, `area_responsible:${rid}`);
  assert.equal(row.outcome, 'ok');
  assert.match(row.detail, /phone/);
  // the right person under the wrong area is not found
  assertError(await cw('GET', `${A}/${other.id}/responsible/${rid}/phone`), 404, 'not_found');

  // without person.read_pii: 403 and an access.denied row, and no pii.unmask row
  const st = await makeUser(server, 'ar-resp-st', 'street_staff', s.code);
  const no = await st('GET', `${A}/${g.id}/responsible/${rid}/phone`, undefined, { 'x-request-id': 'ar-unmask-2' });
  assertError(no, 403, 'forbidden');
  assert.ok(!JSON.stringify(no.body).includes('13812345678'));
  assert.ok(await auditByRequest(server, 'ar-unmask-2', 'access.denied'), 'no access.denied row');
  assert.equal(await auditByRequest(server, 'ar-unmask-2', 'pii.unmask'), undefined);
  // with person.read_pii but outside the scope: 403
  const far = await makeUser(server, 'ar-resp-far', 'community_staff', '110118001099');
  assertError(await far('GET', `${A}/${g.id}/responsible/${rid}/phone`), 403, 'forbidden');
  // a grid worker reads but does not name people in charge (no area.manage)
  const gw = await makeUser(server, 'ar-resp-gw', 'grid_worker', c.code);
  assertError(await gw('POST', `${A}/${g.id}/responsible`, { role: 'police', name: '民警' }), 403, 'forbidden');
  assert.equal((await get(g.id, gw)).responsible.length, 2);

  // removal
  const del = await city('DELETE', `${A}/${g.id}/responsible/${rid}`);
  assert.equal(del.status, 200, JSON.stringify(del.body));
  assertError(await city('DELETE', `${A}/${g.id}/responsible/${rid}`), 404, 'not_found');
  assertError(await cw('GET', `${A}/${g.id}/responsible/${rid}/phone`), 404, 'not_found');
  assertError(await city('DELETE', `${A}/${other.id}/responsible/${me.body.id}`), 404, 'not_found');
  assert.deepEqual((await get(g.id)).responsible.map((x) => x.id), [me.body.id]);
  assert.equal((await audit(server, { action: 'area.responsible_remove', object: `area:${g.id}` })).length, 1);
});

test('unknown areas are 404, bad ids 400, and the tree answers nothing to a caller without area.read', async () => {
  assertError(await city('GET', `${A}/987654321`), 404, 'not_found');
  assertError(await city('GET', `${A}/abc`), 400, 'invalid', 'id');
  assertError(await city('GET', `${A}/0`), 400, 'invalid', 'id');
  assertError(await city('GET', `${A}/987654321/history`), 404, 'not_found');
  assertError(await city('POST', `${A}/987654321/close`, {}), 404, 'not_found');
  // the tester (administrators only) holds no area capability
  assertError(await api(server, 'GET', A), 403, 'forbidden');
  assertError(await api(server, 'POST', A, { code: '110199', name: 'x' }), 403, 'forbidden');
  assertError(await api(server, 'GET', `${A}/locate?lng=116&lat=39`), 403, 'forbidden');
  // and nobody anonymous
  assertError(await api(server, 'GET', A, undefined, { authorization: null }), 401, 'unauthorized');
});
