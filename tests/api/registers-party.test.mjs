// Units and pairings (共驻共建, 大党委) and the party registers (党组织, 党员,
// 双报到, 六个一, 党员中心户) — docs/API.md "Registers" → "Units and pairings"
// and "Party": every route with its main error cases, masked phones unmasked
// only with person.read_pii (audited), scope refusals with their audit rows,
// and the units / party_orgs / party_members CSV imports and xlsx exports.
//
// The tree is built through the API by users this suite creates.
// Runs on SQLite, or on PostgreSQL when LINLI_TEST_PG is set.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, api } from '../lib/server.mjs';
import { assertError, stopClean } from './helpers.mjs';
import {
  makeUser, upload, download, audit, auditByRequest, assertXlsx, xlsxStrings, creditCode, todayCST,
} from './registers-helpers.mjs';

let server;
let city; // district_staff "*"
let cs1; // community_staff of C1: unit/party manage, person.read_pii
let st; // street_staff of S: unit/party manage, no PII
const t = {};
const A = '/api/v1/areas';
const U = '/api/v1/units';
const PR = '/api/v1/pairings';
const O = '/api/v1/party/orgs';
const M = '/api/v1/party/members';
const R = '/api/v1/party/report-ins';
const CH = '/api/v1/party/center-households';
const TODAY = todayCST();
const YEAR = Number(TODAY.slice(0, 4));
const CREDIT = creditCode('91110105MA01ABCDE');

async function add(body, who = city) {
  const res = await who('POST', A, body);
  assert.equal(res.status, 201, `create area ${JSON.stringify(body)}: ${JSON.stringify(res.body)}`);
  return res.body;
}

async function post(who, path, body, want = 201) {
  const res = await who('POST', path, body);
  assert.equal(res.status, want, `POST ${path} ${JSON.stringify(body)}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

// district 140101 → street S (C1 with a grid, a building and households; C2)
// and street S2 (C3)
before(async () => {
  server = await startServer();
  city = await makeUser(server, 'pt-city', 'district_staff', '*');
  t.d = await add({ code: '140101', name: '党建区' });
  t.s = await add({ parent_id: t.d.id, name: '党建街道' });
  t.s2 = await add({ parent_id: t.d.id, name: '别的街道' });
  t.c1 = await add({ parent_id: t.s.id, name: '一社区' });
  t.c2 = await add({ parent_id: t.s.id, name: '二社区' });
  t.c3 = await add({ parent_id: t.s2.id, name: '三社区' });
  t.g1 = await add({ parent_id: t.c1.id, name: '一网格' });
  t.b1 = await add({ parent_id: (await add({ parent_id: t.g1.id, name: '小区' })).id, name: '1号楼' });
  t.g3 = await add({ parent_id: t.c3.id, name: '三网格' });
  t.b3 = await add({ parent_id: (await add({ parent_id: t.g3.id, name: '小区' })).id, name: '3号楼' });
  t.h = [];
  for (let i = 0; i < 5; i++) t.h.push(await post(city, '/api/v1/households', { area_id: t.b1.id, room: `10${i}` }));
  t.h3 = await post(city, '/api/v1/households', { area_id: t.b3.id, room: '301' });
  cs1 = await makeUser(server, 'pt-cs1', 'community_staff', t.c1.code);
  st = await makeUser(server, 'pt-st', 'street_staff', t.s.code);
});
after(async () => {
  if (server) await stopClean(server);
});

// --- units ---------------------------------------------------------------------------------

test('units: created in an area of the scope with a checked credit code; names unique per area', async () => {
  const u = await post(st, U, { kind: 'enterprise', name: '建外物流公司', credit_code: CREDIT.toLowerCase(), area_id: t.c1.id, address: '建国路1号' });
  assert.deepEqual(Object.keys(u).sort(), ['address', 'area_code', 'area_id', 'area_name', 'created_at', 'credit_code', 'id', 'kind', 'name', 'updated_at']);
  assert.deepEqual([u.kind, u.credit_code, u.area_code, u.area_name], ['enterprise', CREDIT, t.c1.code, '一社区'], 'the credit code is kept upper-case');
  assert.equal((await audit(server, { action: 'unit.create', object: `unit:${u.id}` })).length, 1);
  const bad = [
    [{ kind: 'bank', name: 'x', area_id: t.c1.id }, 400, 'kind'],
    [{ name: 'x', area_id: t.c1.id }, 400, 'kind'],
    [{ kind: 'agency', area_id: t.c1.id }, 400, 'name'],
    [{ kind: 'agency', name: '', area_id: t.c1.id }, 400, 'name'],
    [{ kind: 'agency', name: '名'.repeat(65), area_id: t.c1.id }, 400, 'name'],
    [{ kind: 'agency', name: 'x', area_id: t.c1.id, credit_code: `${CREDIT.slice(0, 17)}${CREDIT[17] === '0' ? '1' : '0'}` }, 400, 'credit_code'],
    [{ kind: 'agency', name: 'x', area_id: t.c1.id, credit_code: '91110105MA01ABCDI0' }, 400, 'credit_code'],
    [{ kind: 'agency', name: 'x', area_id: t.c1.id, credit_code: '123' }, 400, 'credit_code'],
    [{ kind: 'agency', name: 'x', area_id: t.c1.id, address: '址'.repeat(129) }, 400, 'address'],
    [{ kind: 'agency', name: 'x', area_id: 987654321 }, 400, 'area_id'],
    [{ kind: 'agency', name: 'x' }, 400, 'area_id'],
    [{ kind: 'enterprise', name: '建外物流公司', area_id: t.c1.id }, 409, 'name'],
  ];
  const problems = [];
  for (const [body, status, field] of bad) {
    const res = await st('POST', U, body);
    if (res.status !== status || res.body?.error?.field !== field) problems.push(`${JSON.stringify(body)}: ${res.status} ${JSON.stringify(res.body)}`);
  }
  assert.deepEqual(problems, []);
  // the same name elsewhere is fine; outside the scope is 403 with an audit row
  await post(st, U, { kind: 'enterprise', name: '建外物流公司', area_id: t.c2.id });
  const r = await st('POST', U, { kind: 'agency', name: '越界单位', area_id: t.c3.id }, { 'x-request-id': 'pt-unit-denied' });
  assertError(r, 403, 'forbidden', 'area_id');
  assert.ok(await auditByRequest(server, 'pt-unit-denied', 'access.denied'));
  // a closed area takes no units
  const gone = await add({ parent_id: t.c2.id, name: '撤销网格' });
  assert.equal((await city('POST', `${A}/${gone.id}/close`, {})).status, 200);
  assertError(await st('POST', U, { kind: 'agency', name: 'x', area_id: gone.id }), 409, 'conflict', 'area_id');
});

test('units: list with total, kind, literal name search and scope; get, patch', async () => {
  const a1 = await post(city, U, { kind: 'agency', name: '列表机关_甲', area_id: t.c2.id });
  await post(city, U, { kind: 'social_org', name: '列表协会', area_id: t.c2.id });
  await post(city, U, { kind: 'agency', name: '列表外街机关', area_id: t.c3.id });
  const all = await st('GET', `${U}?area=${t.c2.id}&q=${encodeURIComponent('列表')}&page_size=1`);
  assert.equal(all.status, 200, JSON.stringify(all.body));
  assert.deepEqual([all.body.total, all.body.items.length, all.body.page, all.body.page_size], [2, 1, 1, 1]);
  const p2 = await st('GET', `${U}?area=${t.c2.id}&q=${encodeURIComponent('列表')}&page_size=1&page=2`);
  assert.notEqual(p2.body.items[0].id, all.body.items[0].id);
  assert.deepEqual((await st('GET', `${U}?kind=agency&q=${encodeURIComponent('列表')}`)).body.items.map((x) => x.id), [a1.id], 'the other street\'s unit is outside the scope');
  assert.deepEqual((await st('GET', `${U}?q=%25`)).body.items, [], 'q=% is literal');
  assert.deepEqual((await st('GET', `${U}?q=_`)).body.items.map((x) => x.id), [a1.id], 'q=_ is literal');
  assertError(await st('GET', `${U}?area=${t.c3.id}`), 403, 'forbidden');
  assertError(await st('GET', `${U}?kind=bank`), 400, 'invalid', 'kind');
  assertError(await st('GET', `${U}?page_size=201`), 400, 'invalid', 'page_size');

  const one = await st('GET', `${U}/${a1.id}`);
  assert.equal(one.status, 200);
  assert.deepEqual([one.body.contacts, one.body.areas, one.body.pairings], [[], [], []]);
  assertError(await st('GET', `${U}/987654321`), 404, 'not_found');
  const out = await post(city, U, { kind: 'agency', name: '外街单位', area_id: t.c3.id });
  assertError(await st('GET', `${U}/${out.id}`, undefined, { 'x-request-id': 'pt-unit-get-denied' }), 403, 'forbidden');
  assert.ok(await auditByRequest(server, 'pt-unit-get-denied', 'access.denied'));

  const p = await st('PATCH', `${U}/${a1.id}`, { name: '改名机关', credit_code: CREDIT, area_id: t.c1.id });
  assert.equal(p.status, 200, JSON.stringify(p.body));
  assert.deepEqual([p.body.name, p.body.credit_code, p.body.area_id], ['改名机关', CREDIT, t.c1.id]);
  const cleared = await st('PATCH', `${U}/${a1.id}`, { credit_code: '' });
  assert.equal(cleared.body.credit_code, '');
  assertError(await st('PATCH', `${U}/${a1.id}`, { area_id: t.c3.id }), 403, 'forbidden', 'area_id');
  assertError(await st('PATCH', `${U}/${a1.id}`, { kind: 'bank' }), 400, 'invalid', 'kind');
  assertError(await st('PATCH', `${U}/${out.id}`, { name: 'x' }), 403, 'forbidden');
  assertError(await st('PATCH', `${U}/987654321`, { name: 'x' }), 404, 'not_found');
});

test('unit contacts: masked phones, unmasked with person.read_pii and audited; removal', async () => {
  const u = await post(cs1, U, { kind: 'property_company', name: '物业公司', area_id: t.c1.id });
  const k = await post(cs1, `${U}/${u.id}/contacts`, { name: '王经理', title: '项目经理', phone: '13811223344' });
  assert.deepEqual(k, { id: k.id, name: '王经理', title: '项目经理', phone: '138****3344' });
  const detail = (await cs1('GET', `${U}/${u.id}`)).body;
  assert.deepEqual(detail.contacts.map((x) => x.phone), ['138****3344']);
  assert.ok(!JSON.stringify(detail).includes('13811223344'));
  for (const [body, field] of [[{ name: '' }, 'name'], [{ name: 'x', phone: '123' }, 'phone'], [{ name: 'x', title: '职'.repeat(33) }, 'title'], [{}, 'name']])
    assertError(await cs1('POST', `${U}/${u.id}/contacts`, body), 400, 'invalid', field);
  const un = await cs1('GET', `${U}/${u.id}/contacts/${k.id}/phone`, undefined, { 'x-request-id': 'pt-contact-unmask' });
  assert.deepEqual(un.body, { phone: '13811223344' });
  const row = await auditByRequest(server, 'pt-contact-unmask', 'pii.unmask');
  assert.ok(row, 'no pii.unmask row');
  assert.equal(row.object, `unit_contact:${k.id}`);
  // without person.read_pii
  assertError(await st('GET', `${U}/${u.id}/contacts/${k.id}/phone`, undefined, { 'x-request-id': 'pt-contact-denied' }), 403, 'forbidden');
  assert.ok(await auditByRequest(server, 'pt-contact-denied', 'access.denied'));
  assert.equal(await auditByRequest(server, 'pt-contact-denied', 'pii.unmask'), undefined);
  // another unit's contact id is not found
  const other = await post(cs1, U, { kind: 'agency', name: '另一单位', area_id: t.c1.id });
  assertError(await cs1('GET', `${U}/${other.id}/contacts/${k.id}/phone`), 404, 'not_found');
  assertError(await cs1('DELETE', `${U}/${other.id}/contacts/${k.id}`), 404, 'not_found');
  const del = await cs1('DELETE', `${U}/${u.id}/contacts/${k.id}`);
  assert.deepEqual([del.status, del.body], [200, { removed: true }]);
  assertError(await cs1('DELETE', `${U}/${u.id}/contacts/${k.id}`), 404, 'not_found');
  assert.deepEqual((await cs1('GET', `${U}/${u.id}`)).body.contacts, []);
});

test('departments serve areas; a replacement only touches the caller\'s scope', async () => {
  const dept = await post(city, U, { kind: 'department', name: '城管执法局', area_id: t.d.id });
  const set = await city('PUT', `${U}/${dept.id}/areas`, { area_ids: [t.c1.id, t.c3.id] });
  assert.equal(set.status, 200, JSON.stringify(set.body));
  assert.deepEqual(set.body.items.map((x) => x.id).sort(), [t.c1.id, t.c3.id].sort());
  // a street worker's department serves only areas inside its street
  const stDept = await post(st, U, { kind: 'department', name: '街道服务中心', area_id: t.s.id });
  assertError(await st('PUT', `${U}/${stDept.id}/areas`, { area_ids: [t.c3.id] }), 403, 'forbidden', 'area_ids');
  const ok = await st('PUT', `${U}/${stDept.id}/areas`, { area_ids: [t.c1.id, t.c2.id] });
  assert.deepEqual(ok.body.items.map((x) => x.id).sort(), [t.c1.id, t.c2.id].sort());
  assertError(await st('PUT', `${U}/${stDept.id}/areas`, { area_ids: [987654321] }), 400, 'invalid', 'area_ids');
  const enterprise = await post(st, U, { kind: 'enterprise', name: '不是部门', area_id: t.s.id });
  assertError(await st('PUT', `${U}/${enterprise.id}/areas`, { area_ids: [t.c1.id] }), 422, 'unprocessable', 'area_ids');
  // a replacement drops what is not listed
  const narrowed = await city('PUT', `${U}/${dept.id}/areas`, { area_ids: [t.c1.id] });
  assert.deepEqual(narrowed.body.items.map((x) => x.id), [t.c1.id]);
  // a department serving areas does not stop being one
  assertError(await city('PATCH', `${U}/${dept.id}`, { kind: 'agency' }), 409, 'conflict', 'kind');
  const clear = await city('PUT', `${U}/${dept.id}/areas`, { area_ids: [] });
  assert.equal(clear.status, 200, JSON.stringify(clear.body));
  assert.equal((await city('PATCH', `${U}/${dept.id}`, { kind: 'agency' })).status, 200);
  // an area listed twice is served once
  const twice = await st('PUT', `${U}/${stDept.id}/areas`, { area_ids: [t.c1.id, t.c1.id] });
  assert.equal(twice.status, 200, JSON.stringify(twice.body));
  assert.deepEqual(twice.body.items.map((x) => x.id), [t.c1.id]);
  assert.equal((await audit(server, { action: 'unit.set_areas', object: `unit:${stDept.id}` })).length, 2);
});

test('pairings: one unit and one community per period; ending them; listing by activity', async () => {
  const u = await post(city, U, { kind: 'agency', name: '区财政局', area_id: t.d.id });
  // a unit from outside the scope pairs with a community inside it
  const p = await post(cs1, PR, { unit_id: u.id, community_id: t.c1.id, starts_on: '2024-01-01', content: '共建协议：\n每月一次志愿服务' });
  assert.deepEqual([p.unit_id, p.community_id, p.starts_on, p.ends_on, p.active, p.unit_name, p.community_code], [u.id, t.c1.id, '2024-01-01', null, true, '区财政局', t.c1.code]);
  const bad = [
    [{ unit_id: u.id, community_id: t.c1.id, starts_on: '2025-06-01', content: 'x' }, 409, 'starts_on'],
    [{ unit_id: u.id, community_id: t.g1.id, starts_on: '2025-06-01', content: 'x' }, 400, 'community_id'],
    [{ unit_id: u.id, community_id: t.c3.id, starts_on: '2025-06-01', content: 'x' }, 403, 'community_id'],
    [{ unit_id: 987654321, community_id: t.c1.id, starts_on: '2025-06-01', content: 'x' }, 400, 'unit_id'],
    [{ unit_id: u.id, community_id: t.c1.id, starts_on: '2025-06-01', ends_on: '2025-05-01', content: 'x' }, 400, 'ends_on'],
    [{ unit_id: u.id, community_id: t.c1.id, starts_on: '2025-13-01', content: 'x' }, 400, 'starts_on'],
    [{ unit_id: u.id, community_id: t.c1.id, starts_on: '2025-06-01' }, 400, 'content'],
    [{ unit_id: u.id, community_id: t.c1.id, starts_on: '2025-06-01', content: '' }, 400, 'content'],
  ];
  const problems = [];
  for (const [body, status, field] of bad) {
    const res = await cs1('POST', PR, body);
    if (res.status !== status || res.body?.error?.field !== field) problems.push(`${JSON.stringify(body)}: ${res.status} ${JSON.stringify(res.body)}`);
  }
  assert.deepEqual(problems, []);
  // ended: no longer active; another period may follow
  const end = await cs1('PATCH', `${PR}/${p.id}`, { ends_on: '2024-12-31' });
  assert.equal(end.status, 200, JSON.stringify(end.body));
  assert.deepEqual([end.body.ends_on, end.body.active], ['2024-12-31', false]);
  const p2 = await post(cs1, PR, { unit_id: u.id, community_id: t.c1.id, starts_on: '2025-01-01', content: '续签' });
  assertError(await cs1('PATCH', `${PR}/${p.id}`, { ends_on: '2025-02-01' }), 409, 'conflict', 'ends_on');
  assertError(await cs1('PATCH', `${PR}/${p2.id}`, { ends_on: '2024-01-01' }), 400, 'invalid', 'ends_on');
  assertError(await cs1('PATCH', `${PR}/987654321`, { content: 'x' }), 404, 'not_found');
  const list = await cs1('GET', `${PR}?unit=${u.id}`);
  assert.equal(list.body.total, 2);
  assert.deepEqual((await cs1('GET', `${PR}?unit=${u.id}&active=true`)).body.items.map((x) => x.id), [p2.id]);
  assert.deepEqual((await cs1('GET', `${PR}?unit=${u.id}&active=false`)).body.items.map((x) => x.id), [p.id]);
  assertError(await cs1('GET', `${PR}?community=${t.c3.id}`), 403, 'forbidden', 'community');
  assertError(await cs1('GET', `${PR}?unit=987654321`), 400, 'invalid', 'unit');
  // the unit's own view lists them (the city sees the unit)
  assert.equal((await city('GET', `${U}/${u.id}`)).body.pairings.length, 2);
  // a pairing in another street's community is not the community worker's to change
  const p3 = await post(city, PR, { unit_id: u.id, community_id: t.c3.id, starts_on: '2025-01-01', content: '外街' });
  assertError(await cs1('PATCH', `${PR}/${p3.id}`, { content: '改' }, { 'x-request-id': 'pt-pairing-denied' }), 403, 'forbidden');
  assert.ok(await auditByRequest(server, 'pt-pairing-denied', 'access.denied'));
});

test('joint committee seats only units paired today', async () => {
  const paired = await post(city, U, { kind: 'enterprise', name: '共建企业', area_id: t.c1.id });
  const unpaired = await post(city, U, { kind: 'enterprise', name: '未结对企业', area_id: t.c1.id });
  const expired = await post(city, U, { kind: 'enterprise', name: '已到期企业', area_id: t.c1.id });
  await post(cs1, PR, { unit_id: paired.id, community_id: t.c1.id, starts_on: '2020-01-01', content: '共建' });
  await post(cs1, PR, { unit_id: expired.id, community_id: t.c1.id, starts_on: '2020-01-01', ends_on: '2021-01-01', content: '过期' });
  const m = await post(cs1, `${A}/${t.c1.id}/joint-committee`, { unit_id: paired.id, name: '刘书记', post: '兼职委员' });
  assert.deepEqual([m.community_id, m.unit_id, m.unit_name, m.name, m.post], [t.c1.id, paired.id, '共建企业', '刘书记', '兼职委员']);
  assertError(await cs1('POST', `${A}/${t.c1.id}/joint-committee`, { unit_id: unpaired.id, name: 'x', post: '委员' }), 422, 'unprocessable', 'unit_id');
  assertError(await cs1('POST', `${A}/${t.c1.id}/joint-committee`, { unit_id: expired.id, name: 'x', post: '委员' }), 422, 'unprocessable', 'unit_id');
  assertError(await cs1('POST', `${A}/${t.c1.id}/joint-committee`, { unit_id: paired.id, name: '刘书记', post: '委员' }), 409, 'conflict', 'name');
  assertError(await cs1('POST', `${A}/${t.c1.id}/joint-committee`, { unit_id: 987654321, name: 'x', post: '委员' }), 400, 'invalid', 'unit_id');
  assertError(await cs1('POST', `${A}/${t.c1.id}/joint-committee`, { unit_id: paired.id, name: '', post: '委员' }), 400, 'invalid', 'name');
  assertError(await cs1('POST', `${A}/${t.c1.id}/joint-committee`, { unit_id: paired.id, name: 'x' }), 400, 'invalid', 'post');
  assertError(await city('POST', `${A}/${t.g1.id}/joint-committee`, { unit_id: paired.id, name: 'x', post: '委员' }), 400, 'invalid');
  assertError(await cs1('POST', `${A}/${t.c3.id}/joint-committee`, { unit_id: paired.id, name: 'x', post: '委员' }), 403, 'forbidden');
  const list = await cs1('GET', `${A}/${t.c1.id}/joint-committee`);
  assert.deepEqual(list.body.items.map((x) => x.id), [m.id]);
  assertError(await cs1('GET', `${A}/${t.c3.id}/joint-committee`), 403, 'forbidden');
  const del = await cs1('DELETE', `${A}/${t.c1.id}/joint-committee/${m.id}`);
  assert.deepEqual([del.status, del.body], [200, { removed: true }]);
  assertError(await cs1('DELETE', `${A}/${t.c1.id}/joint-committee/${m.id}`), 404, 'not_found');
  assert.equal((await audit(server, { action: 'joint_committee.add', object: `area:${t.c1.id}` })).length, 1);
});

// --- party organisations -----------------------------------------------------------------------

test('organisations: kinds rank down the tree, inside the parent\'s area, unique among siblings', async () => {
  const wc = await post(city, O, { kind: 'working_committee', name: '党建区街道党工委', area_id: t.s.id });
  assert.deepEqual([wc.parent_id, wc.kind, wc.area_id, wc.children, wc.parent_name, wc.unit_id], [null, 'working_committee', t.s.id, 0, null, null]);
  const cm = await post(st, O, { parent_id: wc.id, kind: 'committee', name: '一社区党委', area_id: t.c1.id });
  assert.equal(cm.parent_name, '党建区街道党工委');
  const br = await post(cs1, O, { parent_id: cm.id, kind: 'branch', name: '第一党支部', area_id: t.g1.id });
  const bad = [
    [{ parent_id: cm.id, kind: 'committee', name: 'x', area_id: t.c1.id }, 422, 'kind'],
    [{ parent_id: cm.id, kind: 'working_committee', name: 'x', area_id: t.c1.id }, 422, 'kind'],
    [{ parent_id: cm.id, kind: 'branch', name: 'x', area_id: t.c2.id }, 422, 'area_id'],
    [{ parent_id: cm.id, kind: 'branch', name: '第一党支部', area_id: t.c1.id }, 409, 'name'],
    [{ parent_id: 987654321, kind: 'branch', name: 'x', area_id: t.c1.id }, 400, 'parent_id'],
    [{ parent_id: cm.id, kind: 'cell', name: 'x', area_id: t.c1.id }, 400, 'kind'],
    [{ parent_id: cm.id, kind: 'branch', name: '', area_id: t.c1.id }, 400, 'name'],
    [{ parent_id: cm.id, kind: 'branch', name: 'x', area_id: 987654321 }, 400, 'area_id'],
    [{ parent_id: cm.id, kind: 'branch', name: 'x', area_id: t.c1.id, unit_id: 987654321 }, 400, 'unit_id'],
    [{ parent_id: cm.id, kind: 'branch', name: 'x' }, 400, 'area_id'],
  ];
  const problems = [];
  for (const [body, status, field] of bad) {
    const res = await st('POST', O, body);
    if (res.status !== status || res.body?.error?.field !== field) problems.push(`${JSON.stringify(body)}: ${res.status} ${JSON.stringify(res.body)}`);
  }
  assert.deepEqual(problems, []);
  assertError(await cs1('POST', O, { parent_id: cm.id, kind: 'branch', name: 'x', area_id: t.c3.id }), 403, 'forbidden', 'area_id');
  // lists: the scope's roots, and children
  const roots = await st('GET', O);
  assert.deepEqual(roots.body.items.map((x) => x.id), [wc.id]);
  assert.deepEqual((await cs1('GET', O)).body.items.map((x) => x.id), [cm.id], 'a community worker\'s root is its own community\'s organisation');
  assert.deepEqual((await st('GET', `${O}?parent=${cm.id}`)).body.items.map((x) => x.id), [br.id]);
  assertError(await st('GET', `${O}?parent=987654321`), 400, 'invalid', 'parent');
  // one, with counts
  const one = await st('GET', `${O}/${cm.id}`);
  assert.equal(one.status, 200);
  assert.deepEqual(one.body.counts, { children: 1, members: 0, subtree_members: 0, reported_in: 0 });
  assert.deepEqual(one.body.report_ins, []);
  assertError(await st('GET', `${O}/987654321`), 404, 'not_found');
  // renames and kind changes keep the ranks
  assert.equal((await st('PATCH', `${O}/${br.id}`, { name: '第一党支部（改）' })).body.name, '第一党支部（改）');
  assertError(await st('PATCH', `${O}/${cm.id}`, { kind: 'branch' }), 422, 'unprocessable', 'kind');
  assertError(await st('PATCH', `${O}/${br.id}`, { kind: 'committee' }), 422, 'unprocessable', 'kind');
  assert.equal((await st('PATCH', `${O}/${br.id}`, { kind: 'general_branch' })).body.kind, 'general_branch');
  assertError(await st('PATCH', `${O}/987654321`, { name: 'x' }), 404, 'not_found');
  const outside = await post(city, O, { kind: 'committee', name: '外街党委', area_id: t.c3.id });
  assertError(await st('PATCH', `${O}/${outside.id}`, { name: 'x' }, { 'x-request-id': 'pt-org-denied' }), 403, 'forbidden');
  assert.ok(await auditByRequest(server, 'pt-org-denied', 'access.denied'));
  assertError(await st('GET', `${O}/${outside.id}`), 403, 'forbidden');
  t.org = cm;
  t.branch = br;
  t.outsideOrg = outside;
});

// --- members, report-ins, six-ones --------------------------------------------------------------

test('members: masked phone, unmasked with person.read_pii and audited; checks; filters', async () => {
  const org = t.org || await post(city, O, { kind: 'committee', name: '备用党委', area_id: t.c1.id });
  const m = await post(cs1, M, { name: '陈党员', gender: 'female', phone: '13922334455', status: 'full', org_id: org.id, community_id: t.c1.id, joined_on: '1999-07-01' });
  assert.deepEqual([m.phone, m.status, m.org_id, m.community_id, m.area_code, m.joined_on, m.report_in, m.six_ones_done], ['139****4455', 'full', org.id, t.c1.id, t.c1.code, '1999-07-01', null, 0]);
  assert.ok(!JSON.stringify((await cs1('GET', `${M}/${m.id}`)).body).includes('13922334455'));
  assert.ok(!JSON.stringify((await cs1('GET', `${M}?q=${encodeURIComponent('陈党员')}`)).body).includes('13922334455'));
  const un = await cs1('GET', `${M}/${m.id}/phone`, undefined, { 'x-request-id': 'pt-member-unmask' });
  assert.deepEqual(un.body, { phone: '13922334455' });
  const row = await auditByRequest(server, 'pt-member-unmask', 'pii.unmask');
  assert.ok(row);
  assert.equal(row.object, `party_member:${m.id}`);
  assertError(await st('GET', `${M}/${m.id}/phone`, undefined, { 'x-request-id': 'pt-member-denied' }), 403, 'forbidden');
  assert.equal(await auditByRequest(server, 'pt-member-denied', 'pii.unmask'), undefined);
  assert.ok(await auditByRequest(server, 'pt-member-denied', 'access.denied'));

  const base = { name: '某党员', gender: 'male', status: 'probationary', org_id: org.id };
  const future = `${YEAR + 1}-01-01`;
  const bad = [
    [{ ...base, gender: 'x' }, 400, 'gender'],
    [{ ...base, status: 'candidate' }, 400, 'status'],
    [{ ...base, org_id: 987654321 }, 400, 'org_id'],
    [{ ...base, community_id: t.g1.id }, 400, 'community_id'],
    [{ ...base, community_id: 987654321 }, 400, 'community_id'],
    [{ ...base, joined_on: future }, 400, 'joined_on'],
    [{ ...base, phone: '12345' }, 400, 'phone'],
    [{ ...base, name: '' }, 400, 'name'],
    [{ ...base, work_unit_id: 987654321 }, 400, 'work_unit_id'],
    [{ ...base, person_id: 987654321 }, 400, 'person_id'],
    [{ name: '陈党员', gender: 'female', phone: '13922334455', status: 'full', org_id: org.id }, 409, 'name'],
    [{ ...base, community_id: t.c3.id }, 403, 'community_id'],
  ];
  const problems = [];
  for (const [body, status, field] of bad) {
    const res = await cs1('POST', M, body);
    if (res.status !== status || res.body?.error?.field !== field) problems.push(`${JSON.stringify(body)}: ${res.status} ${JSON.stringify(res.body)}`);
  }
  assert.deepEqual(problems, []);
  // the same name with another phone is another member
  const twin = await post(cs1, M, { name: '陈党员', gender: 'male', phone: '13922334466', status: 'probationary', org_id: org.id, community_id: t.c1.id });
  // filters
  const names = async (q) => (await cs1('GET', `${M}?${q}`)).body.items.map((x) => x.id).sort();
  assert.deepEqual(await names(`q=${encodeURIComponent('陈党')}`), [m.id, twin.id].sort());
  assert.deepEqual(await names(`q=${encodeURIComponent('陈党')}&status=probationary`), [twin.id]);
  assert.deepEqual(await names(`q=${encodeURIComponent('陈党')}&org=${org.id}&community=${t.c1.id}`), [m.id, twin.id].sort());
  assertError(await cs1('GET', `${M}?status=x`), 400, 'invalid', 'status');
  assertError(await cs1('GET', `${M}?community=${t.c3.id}`), 403, 'forbidden');
  // changes
  const p = await cs1('PATCH', `${M}/${twin.id}`, { phone: '', status: 'full' });
  assert.equal(p.status, 200, JSON.stringify(p.body));
  assert.deepEqual([p.body.phone, p.body.status], ['', 'full']);
  assertError(await cs1('PATCH', `${M}/${twin.id}`, { community_id: t.c3.id }), 403, 'forbidden', 'community_id');
  assertError(await cs1('PATCH', `${M}/987654321`, { name: 'x' }), 404, 'not_found');
  // a member of another street's community is not visible
  const far = await post(city, M, { ...base, name: '外街党员', community_id: t.c3.id });
  assertError(await cs1('GET', `${M}/${far.id}`), 403, 'forbidden');
  assert.ok(!(await cs1('GET', `${M}?page_size=200`)).body.items.some((x) => x.id === far.id));
  t.member = m;
});

test('report-ins: one active per member; organisations too; ending; listing', async () => {
  const org = t.org;
  const m = await post(cs1, M, { name: '报到党员', gender: 'male', status: 'full', org_id: org.id, community_id: t.c1.id });
  const r1 = await post(cs1, `${M}/${m.id}/report-in`, { community_id: t.c1.id, reported_on: TODAY });
  assert.deepEqual([r1.kind, r1.member_id, r1.community_id, r1.reported_on, r1.ended_on, r1.active], ['member', m.id, t.c1.id, TODAY, null, true]);
  assertError(await cs1('POST', `${M}/${m.id}/report-in`, { community_id: t.c1.id, reported_on: TODAY }), 409, 'conflict', 'community_id');
  assertError(await cs1('POST', `${M}/${m.id}/report-in`, { community_id: t.c3.id, reported_on: TODAY }), 403, 'forbidden', 'community_id');
  const m2 = await post(cs1, M, { name: '未来报到', gender: 'male', status: 'full', org_id: org.id, community_id: t.c1.id });
  assertError(await cs1('POST', `${M}/${m2.id}/report-in`, { community_id: t.c1.id, reported_on: `${YEAR + 1}-01-01` }), 400, 'invalid', 'reported_on');
  assertError(await cs1('POST', `${M}/${m2.id}/report-in`, { community_id: t.g1.id, reported_on: TODAY }), 400, 'invalid', 'community_id');
  assertError(await cs1('POST', `${M}/987654321/report-in`, { community_id: t.c1.id, reported_on: TODAY }), 404, 'not_found');
  const shown = (await cs1('GET', `${M}/${m.id}`)).body;
  assert.equal(shown.report_in?.id, r1.id);
  assert.deepEqual(shown.report_ins.map((x) => x.id), [r1.id]);
  assert.deepEqual((await cs1('GET', `${M}?reported=true&q=${encodeURIComponent('报到党员')}`)).body.items.map((x) => x.id), [m.id]);
  assert.deepEqual((await cs1('GET', `${M}?reported=false&q=${encodeURIComponent('报到党员')}`)).body.items, []);
  // an organisation reports in (it may lie outside the scope)
  const ro = await post(cs1, `${O}/${t.outsideOrg.id}/report-in`, { community_id: t.c1.id, reported_on: TODAY });
  assert.deepEqual([ro.kind, ro.org_id, ro.community_id], ['org', t.outsideOrg.id, t.c1.id]);
  assertError(await cs1('POST', `${O}/${t.outsideOrg.id}/report-in`, { community_id: t.c1.id, reported_on: TODAY }), 409, 'conflict', 'community_id');
  assert.deepEqual((await city('GET', `${O}/${t.outsideOrg.id}`)).body.report_ins.map((x) => x.id), [ro.id]);
  // the list
  const all = await cs1('GET', `${R}?community=${t.c1.id}`);
  assert.ok(all.body.items.some((x) => x.id === r1.id) && all.body.items.some((x) => x.id === ro.id));
  assert.ok((await cs1('GET', `${R}?kind=org`)).body.items.every((x) => x.kind === 'org'));
  assertError(await cs1('GET', `${R}?kind=x`), 400, 'invalid', 'kind');
  assertError(await cs1('GET', `${R}?community=${t.c3.id}`), 403, 'forbidden', 'community');
  // ending
  assertError(await cs1('POST', `${R}/${r1.id}/end`, { ended_on: '2000-01-01' }), 400, 'invalid', 'ended_on');
  assertError(await cs1('POST', `${R}/${r1.id}/end`, { ended_on: `${YEAR + 1}-01-01` }), 400, 'invalid', 'ended_on');
  const end = await cs1('POST', `${R}/${r1.id}/end`, { ended_on: TODAY });
  assert.equal(end.status, 200, JSON.stringify(end.body));
  assert.deepEqual([end.body.ended_on, end.body.active], [TODAY, false]);
  assertError(await cs1('POST', `${R}/${r1.id}/end`, { ended_on: TODAY }), 409, 'conflict');
  assertError(await cs1('POST', `${R}/987654321/end`, { ended_on: TODAY }), 404, 'not_found');
  assert.ok((await cs1('GET', `${R}?active=false`)).body.items.some((x) => x.id === r1.id));
  // and reports in again
  await post(cs1, `${M}/${m.id}/report-in`, { community_id: t.c2.id, reported_on: TODAY }, 403);
  const again = await post(st, `${M}/${m.id}/report-in`, { community_id: t.c2.id, reported_on: TODAY });
  assert.equal(again.community_id, t.c2.id);
  t.reported = m;
  t.unreported = m2;
});

test('six-ones: only for a member reported in that year; inside the year, not in the future', async () => {
  const m = t.reported;
  const put = await cs1('PUT', `${M}/${m.id}/six-ones/${YEAR}/meeting`, { done_on: TODAY, note: '参加支部主题党日' });
  assert.equal(put.status, 200, JSON.stringify(put.body));
  assert.deepEqual([put.body.year, put.body.done, put.body.of, put.body.reported_in], [YEAR, 1, 6, true]);
  assert.deepEqual(put.body.items.map((x) => x.item), ['meeting', 'discussion', 'survey', 'wish', 'volunteer', 'pairing']);
  assert.equal(put.body.items[0].done_on, TODAY);
  assertError(await cs1('PUT', `${M}/${t.unreported.id}/six-ones/${YEAR}/meeting`, { done_on: TODAY }), 422, 'unprocessable', 'year');
  assertError(await cs1('PUT', `${M}/${m.id}/six-ones/${YEAR}/survey`, { done_on: `${YEAR - 1}-12-31` }), 400, 'invalid', 'done_on');
  assertError(await cs1('PUT', `${M}/${m.id}/six-ones/${YEAR + 1}/survey`, { done_on: `${YEAR + 1}-01-01` }), 400, 'invalid', 'done_on');
  assertError(await cs1('PUT', `${M}/${m.id}/six-ones/${YEAR}/party`, { done_on: TODAY }), 400, 'invalid', 'item');
  assertError(await cs1('PUT', `${M}/${m.id}/six-ones/1999/survey`, { done_on: '1999-01-01' }), 400, 'invalid', 'year');
  assertError(await cs1('PUT', `${M}/${m.id}/six-ones/${YEAR}/survey`, {}), 400, 'invalid', 'done_on');
  const get = await cs1('GET', `${M}/${m.id}/six-ones?year=${YEAR}`);
  assert.equal(get.body.done, 1);
  assert.equal((await cs1('GET', `${M}?q=${encodeURIComponent(m.name)}`)).body.items[0].six_ones_done, 1);
  const del = await cs1('DELETE', `${M}/${m.id}/six-ones/${YEAR}/meeting`);
  assert.equal(del.status, 200, JSON.stringify(del.body));
  assert.equal(del.body.done, 0);
  assertError(await cs1('DELETE', `${M}/${m.id}/six-ones/${YEAR}/meeting`), 404, 'not_found');
  assertError(await cs1('GET', `${M}/987654321/six-ones`), 404, 'not_found');
  const member = await makeUser(server, 'pt-member', 'party_member', t.c1.code);
  assertError(await member('PUT', `${M}/${m.id}/six-ones/${YEAR}/wish`, { done_on: TODAY }), 403, 'forbidden');
  assert.equal((await member('GET', `${M}/${m.id}/six-ones`)).status, 200);
});

test('centre households: a member\'s household covering others, each covered once', async () => {
  const m = t.member;
  const [home, a, b, c] = t.h;
  const ch = await post(cs1, CH, { member_id: m.id, household_id: home.id, covers: [a.id, b.id] });
  assert.deepEqual([ch.member_id, ch.household_id, ch.covers], [m.id, home.id, 2]);
  assert.deepEqual(ch.households.map((x) => x.id).sort(), [a.id, b.id].sort());
  const m2 = await post(cs1, M, { name: '第二中心户', gender: 'male', status: 'full', org_id: t.org.id, community_id: t.c1.id });
  const bad = [
    [{ member_id: m2.id, household_id: home.id, covers: [c.id] }, 409, 'household_id'],
    [{ member_id: m2.id, household_id: c.id, covers: [a.id] }, 409, 'covers'],
    [{ member_id: m2.id, household_id: c.id, covers: [t.h[4].id, t.h[4].id] }, 400, 'covers'],
    [{ member_id: m2.id, household_id: c.id, covers: [987654321] }, 400, 'covers'],
    [{ member_id: m2.id, household_id: 987654321, covers: [] }, 400, 'household_id'],
    [{ member_id: 987654321, household_id: c.id, covers: [] }, 400, 'member_id'],
    [{ member_id: m2.id, household_id: c.id, covers: [t.h3.id] }, 403, 'covers'],
  ];
  const problems = [];
  for (const [body, status, field] of bad) {
    const res = await cs1('POST', CH, body);
    if (res.status !== status || res.body?.error?.field !== field) problems.push(`${JSON.stringify(body)}: ${res.status} ${JSON.stringify(res.body)}`);
  }
  assert.deepEqual(problems, []);
  assert.equal((await cs1('GET', `${CH}?area=${t.c1.id}`)).body.total, 1, 'a refused create left a centre');
  const one = await cs1('GET', `${CH}/${ch.id}`);
  assert.equal(one.status, 200);
  assert.equal(one.body.households.length, 2);
  const cov = await cs1('PUT', `${CH}/${ch.id}/covers`, { household_ids: [c.id, t.h[4].id] });
  assert.equal(cov.status, 200, JSON.stringify(cov.body));
  assert.deepEqual(cov.body.households.map((x) => x.id).sort(), [c.id, t.h[4].id].sort());
  // a is free again
  const ch2 = await post(cs1, CH, { member_id: m2.id, household_id: a.id, covers: [b.id] });
  assertError(await cs1('PUT', `${CH}/${ch.id}/covers`, { household_ids: [b.id] }), 409, 'conflict', 'covers');
  assertError(await cs1('GET', `${CH}/987654321`), 404, 'not_found');
  const far = await makeUser(server, 'pt-ch-far', 'community_staff', t.c3.code);
  assertError(await far('GET', `${CH}/${ch.id}`, undefined, { 'x-request-id': 'pt-ch-denied' }), 403, 'forbidden');
  assert.ok(await auditByRequest(server, 'pt-ch-denied', 'access.denied'));
  assert.deepEqual((await far('GET', CH)).body.items, []);
  const del = await cs1('DELETE', `${CH}/${ch2.id}`);
  assert.deepEqual([del.status, del.body], [200, { removed: true }]);
  assertError(await cs1('DELETE', `${CH}/${ch2.id}`), 404, 'not_found');
  assert.equal((await audit(server, { action: 'center_household.create' })).length, 2);
});

test('moving a community carries its units, pairings, organisations, members, report-ins and centres', async () => {
  const sA = await add({ parent_id: t.d.id, name: '搬出街道' });
  const sB = await add({ parent_id: t.d.id, name: '搬入街道' });
  const c = await add({ parent_id: sA.id, name: '搬迁社区' });
  const g = await add({ parent_id: c.id, name: '搬迁网格' });
  const b = await add({ parent_id: (await add({ parent_id: g.id, name: '小区' })).id, name: '楼' });
  const [h1, h2] = [await post(city, '/api/v1/households', { area_id: b.id, room: '1' }), await post(city, '/api/v1/households', { area_id: b.id, room: '2' })];
  const u = await post(city, U, { kind: 'enterprise', name: '随迁企业', area_id: g.id });
  const pr = await post(city, PR, { unit_id: u.id, community_id: c.id, starts_on: '2020-01-01', content: '共建' });
  const org = await post(city, O, { kind: 'branch', name: '随迁支部', area_id: c.id });
  const m = await post(city, M, { name: '随迁党员', gender: 'male', status: 'full', org_id: org.id, community_id: c.id });
  const lone = await post(city, M, { name: '无家党员', gender: 'male', status: 'full', org_id: org.id });
  const ri = await post(city, `${M}/${m.id}/report-in`, { community_id: c.id, reported_on: TODAY });
  const ch = await post(city, CH, { member_id: m.id, household_id: h1.id, covers: [h2.id] });
  const cw = await makeUser(server, 'pt-move-cw', 'community_staff', c.code);
  const mv = await city('POST', `${A}/${c.id}/move`, { parent_id: sB.id });
  assert.equal(mv.status, 200, JSON.stringify(mv.body));
  const code = mv.body.code;
  assert.notEqual(code, c.code);
  const starts = (x, what) => assert.ok(x.startsWith(code), `${what}: ${x} does not start with the new code ${code}`);
  starts((await cw('GET', `${U}/${u.id}`)).body.area_code, 'unit');
  starts((await cw('GET', `${PR}?unit=${u.id}`)).body.items[0].community_code, 'pairing');
  starts((await cw('GET', `${O}/${org.id}`)).body.area_code, 'organisation');
  starts((await cw('GET', `${M}/${m.id}`)).body.area_code, 'member');
  starts((await cw('GET', `${M}/${lone.id}`)).body.area_code, 'member without a home');
  starts((await cw('GET', `${R}?community=${c.id}`)).body.items.find((x) => x.id === ri.id).community_code, 'report-in');
  starts((await cw('GET', `${CH}/${ch.id}`)).body.area_code, 'centre household');
  // and the old street sees none of it any more
  const oldSt = await makeUser(server, 'pt-move-old', 'street_staff', sA.code);
  assert.deepEqual((await oldSt('GET', U)).body.items, []);
  assert.deepEqual((await oldSt('GET', M)).body.items, []);
  assert.deepEqual((await oldSt('GET', CH)).body.items, []);
  assert.deepEqual((await oldSt('GET', O)).body.items, []);
});

// --- import and export ---------------------------------------------------------------------------

test('units, party_orgs and party_members import from CSV and export with phones masked', async () => {
  const tpl = async (reg) => (await download(server, st, `/api/v1/imports/${reg}/template`)).buf.subarray(3).toString('utf8');
  assert.equal(await tpl('units'), 'kind,name,credit_code,area_code,address,contact_name,contact_phone\r\n');
  assert.equal(await tpl('party_orgs'), 'name,kind,parent_name,area_code\r\n');
  assert.equal(await tpl('party_members'), 'name,gender,phone,status,org_name,org_area_code,community_code,work_unit_name,joined_on,reported_on\r\n');

  const units = [
    'kind,name,credit_code,area_code,address,contact_name,contact_phone',
    `企业,导入企业甲,${CREDIT},${t.c2.code},朝阳路2号,赵联系,13700001111`,
    `agency,导入机关乙,,${t.c2.code},,,`,
  ].join('\n') + '\n';
  const ur = await upload(server, st, '/api/v1/imports/units', units);
  assert.equal(ur.status, 200, JSON.stringify(ur.body));
  assert.equal(ur.body.imported, 2);
  const badUnits = [
    'kind,name,area_code,contact_phone,contact_name',
    `bank,坏类型,${t.c2.code},,`,
    `企业,越界,${t.c3.code},,`,
    `企业,坏电话,${t.c2.code},123,某人`,
    `企业,无名电话,${t.c2.code},13700002222,`,
    `企业,导入企业甲,${t.c2.code},,`,
  ].join('\n') + '\n';
  const ub = await upload(server, st, '/api/v1/imports/units', badUnits);
  assert.equal(ub.status, 422, JSON.stringify(ub.body));
  assert.deepEqual(ub.body.errors.map((e) => [e.line, e.column]), [[2, 'kind'], [3, 'area_code'], [4, 'contact_phone'], [5, 'contact_name'], [6, 'name']], JSON.stringify(ub.body.errors));

  const orgs = [
    'name,kind,parent_name,area_code',
    `二社区党委,党委,,${t.c2.code}`,
    `二社区第一支部,branch,二社区党委,${t.c2.code}`,
  ].join('\n') + '\n';
  const or = await upload(server, st, '/api/v1/imports/party_orgs', orgs);
  assert.equal(or.status, 200, JSON.stringify(or.body));
  const badOrgs = [
    'name,kind,parent_name,area_code',
    `坏类型,cell,,${t.c2.code}`,
    `无此上级,branch,不存在的党委,${t.c2.code}`,
    `级别不对,党委,二社区党委,${t.c2.code}`,
  ].join('\n') + '\n';
  const ob = await upload(server, st, '/api/v1/imports/party_orgs', badOrgs);
  assert.equal(ob.status, 422, JSON.stringify(ob.body));
  assert.deepEqual(ob.body.errors.map((e) => [e.line, e.column]), [[2, 'kind'], [3, 'parent_name'], [4, 'kind']]);

  const members = [
    'name,gender,phone,status,org_name,org_area_code,community_code,work_unit_name,joined_on,reported_on',
    `导入党员一,女,13700003333,正式党员,二社区第一支部,${t.c2.code},${t.c2.code},导入企业甲,2001-07-01,${TODAY}`,
    `导入党员二,male,,probationary,二社区党委,${t.c2.code},,,,`,
  ].join('\n') + '\n';
  const mr = await upload(server, st, '/api/v1/imports/party_members', members);
  assert.equal(mr.status, 200, JSON.stringify(mr.body));
  const got = (await st('GET', `${M}?q=${encodeURIComponent('导入党员一')}`)).body.items[0];
  assert.deepEqual([got.gender, got.status, got.phone, got.work_unit_name, got.community_id, got.report_in?.community_id], ['female', 'full', '137****3333', '导入企业甲', t.c2.id, t.c2.id]);
  const badMembers = [
    'name,gender,status,org_name,org_area_code,reported_on,community_code',
    `坏性别,x,full,二社区党委,${t.c2.code},,`,
    `无此组织,male,full,没有这个,${t.c2.code},,`,
    `报到无社区,male,full,二社区党委,${t.c2.code},${TODAY},`,
  ].join('\n') + '\n';
  const mb = await upload(server, st, '/api/v1/imports/party_members', badMembers);
  assert.equal(mb.status, 422, JSON.stringify(mb.body));
  assert.deepEqual(mb.body.errors.map((e) => [e.line, e.column]), [[2, 'gender'], [3, 'org_name'], [4, 'reported_on']]);

  // exports: masked phones, inside the scope
  const ux = await download(server, st, `/api/v1/exports/units?area=${t.c2.id}`);
  const urows = assertXlsx(ux, 'units export');
  assert.deepEqual(urows[0], ['单位类型', '单位名称', '统一社会信用代码', '区域代码', '所在区域', '地址', '联系人', '联系电话']);
  const ua = urows.find((r) => r[1] === '导入企业甲');
  assert.deepEqual([ua[0], ua[2], ua[6], ua[7]], ['企业', CREDIT, '赵联系', '137****1111']);
  assert.ok(!xlsxStrings(ux.buf).some((s) => s.includes('13700001111')), 'the units export holds a full phone');
  const mx = await download(server, st, `/api/v1/exports/party_members?area=${t.c2.id}`);
  const mrows = assertXlsx(mx, 'members export');
  const m1 = mrows.find((r) => r[0] === '导入党员一');
  assert.deepEqual([m1[1], m1[2], m1[3], m1[4]], ['女', '137****3333', '正式党员', '二社区第一支部']);
  assert.ok(!xlsxStrings(mx.buf).some((s) => s.includes('13700003333')), 'the members export holds a full phone');
  assertXlsx(await download(server, st, `/api/v1/exports/party_orgs?area=${t.c2.id}`), 'orgs export');
  // another street's worker exports nothing of this street
  const s2 = await makeUser(server, 'pt-s2', 'street_staff', t.s2.code);
  const other = assertXlsx(await download(server, s2, '/api/v1/exports/units'), 'other street');
  assert.ok(!other.some((r) => r[1] === '导入企业甲'));
  // without the read capability
  const res = await makeUser(server, 'pt-hot', 'hotline_operator', t.c2.code);
  assertError(await download(server, res, '/api/v1/exports/party_members'), 403, 'forbidden');
  assertError(await download(server, res, '/api/v1/exports/units'), 403, 'forbidden');
});

test('the unit and party routes answer nothing without their capabilities', async () => {
  const dept = await makeUser(server, 'pt-dept', 'dept_handler', t.s.code); // unit.read only
  assert.equal((await dept('GET', U)).status, 200);
  assertError(await dept('POST', U, { kind: 'agency', name: 'x', area_id: t.c1.id }), 403, 'forbidden');
  assertError(await dept('GET', M), 403, 'forbidden');
  const member = await makeUser(server, 'pt-member2', 'party_member', t.c1.code); // party.read only
  assert.equal((await member('GET', M)).status, 200);
  assertError(await member('POST', O, { kind: 'branch', name: 'x', area_id: t.c1.id }), 403, 'forbidden');
  assertError(await member('GET', U), 403, 'forbidden');
  assertError(await member('GET', `${M}/${t.member.id}/phone`), 403, 'forbidden');
  assertError(await api(server, 'GET', O), 403, 'forbidden');
  assertError(await api(server, 'GET', PR, undefined, { authorization: null }), 401, 'unauthorized');
});
