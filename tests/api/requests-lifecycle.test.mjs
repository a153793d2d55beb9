// The request lifecycle over HTTP (docs/REQUESTS.md): the full loop from each
// source (hotline, web, grid_report, one_tap, walk_in) to rated and closed;
// escalation, the whistle, extensions with their cap, the review of a
// return, rework, dissatisfied → reopen, supervision with notifications; and
// the refusals: an unknown category, a point outside every grid, an action
// the state does not allow (409 naming the state), callers outside the scope
// or the department (403 with an audit row), a rating by someone else, a
// second rating, two concurrent actions (one wins, one 409), an extension
// past the cap; the resident pages (no staff names, the proof of the phone,
// the rate limit); lists, queues, the export. A fresh database with a small
// tree of its own; SQLite, or PostgreSQL when LINLI_TEST_PG is set.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, api } from '../lib/server.mjs';
import { assertError, stopClean } from './helpers.mjs';
import { makeUser, download, audit, square } from './registers-helpers.mjs';

const PUBLIC_LIMIT = 8; // public_requests_per_hour of this suite's server
let server;
const u = {}; // callers
const ids = {}; // areas, units, categories
const G1 = [116.45, 39.91]; // a point inside grid 1

async function ok(res, status, what) {
  assert.equal(res.status, status, `${what}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}
const act = (who, id, action, body = {}) => who('POST', `/api/v1/requests/${id}/actions/${action}`, body);
const run = async (who, id, action, body = {}) => ok(await act(who, id, action, body), 200, action);
const pub = (method, path, body) => api(server, method, `/api/v1/public${path}`, body, { authorization: null });

async function intake(who, body, status = 201) {
  return ok(await who('POST', '/api/v1/requests', {
    source: 'hotline', kind: 'complaint', category_id: ids.env, title: '占道经营', area_id: ids.g1,
    reporter_name: '王先生', reporter_phone: '13812345678', ...body,
  }), status, `intake ${body.title || ''}`);
}

// accept → acknowledge → resolve → verify: waiting for the rating.
async function handled(id, owner = u.community, verifier = u.grid) {
  await run(u.hotline, id, 'accept');
  await run(owner, id, 'acknowledge');
  await run(owner, id, 'resolve', { note: '已处置完毕' });
  const v = await run(verifier, id, 'verify');
  assert.equal(v.state, 'waiting_feedback');
  return v;
}

before(async () => {
  server = await startServer({ env: { LINLI_PUBLIC_REQUESTS_PER_HOUR: String(PUBLIC_LIMIT) } });
  u.admin = await makeUser(server, 'rl-admin', 'district_staff', '*');
  const area = async (body) => ok(await u.admin('POST', '/api/v1/areas', body), 201, body.name);
  ids.district = (await area({ code: '110105', name: '朝阳区' })).id;
  ids.street = (await area({ parent_id: ids.district, code: '110105001', name: '建外街道' })).id;
  ids.street2 = (await area({ parent_id: ids.district, code: '110105002', name: '朝外街道' })).id;
  ids.community = (await area({ parent_id: ids.street, code: '110105001001', name: '永安里社区' })).id;
  ids.community2 = (await area({ parent_id: ids.street2, code: '110105002001', name: '吉祥里社区' })).id;
  const g1 = await area({ parent_id: ids.community, name: '一网格' });
  ids.g1 = g1.id;
  ids.g1code = g1.code;
  ids.g2 = (await area({ parent_id: ids.community, name: '二网格' })).id;
  ids.g3 = (await area({ parent_id: ids.community2, name: '吉祥一网格' })).id;
  await ok(await u.admin('PUT', `/api/v1/areas/${ids.g1}/boundary`, {
    geometry: { type: 'Polygon', coordinates: [square(G1[0] - 0.01, G1[1] - 0.01, G1[0] + 0.01, G1[1] + 0.01)] },
  }), 200, 'boundary');
  const unit = async (name) => (await ok(await u.admin('POST', '/api/v1/units',
    { kind: 'department', name, area_id: ids.district }), 201, name)).id;
  ids.water = await unit('区水务局');
  ids.cityadmin = await unit('区城管委');
  const cat = async (body) => (await ok(await u.admin('POST', '/api/v1/categories', body), 201, body.name)).id;
  ids.env = await cat({ code: '01', name: '市容环境', default_level: 'community', limit_normal: '5d' });
  ids.waterCat = await cat({ code: '03', name: '供水', default_level: 'district', default_department_id: ids.water, limit_normal: '24h' });
  u.hotline = await makeUser(server, 'rl-hotline', 'hotline_operator', '110105');
  u.district = await makeUser(server, 'rl-district', 'district_staff', '110105');
  u.street = await makeUser(server, 'rl-street', 'street_staff', '110105001');
  u.community = await makeUser(server, 'rl-community', 'community_staff', '110105001001');
  u.community2 = await makeUser(server, 'rl-community-b', 'community_staff', '110105001001');
  u.other = await makeUser(server, 'rl-other', 'community_staff', '110105002001');
  u.grid = await makeUser(server, 'rl-grid', 'grid_worker', ids.g1code);
  u.water = await makeUser(server, 'rl-water', 'dept_handler', `unit:${ids.water}`);
  u.cityadmin = await makeUser(server, 'rl-cityadmin', 'dept_handler', `unit:${ids.cityadmin}`);
  u.resident = await makeUser(server, 'rl-resident', 'resident', '110105001001');
  u.resident2 = await makeUser(server, 'rl-resident-b', 'resident', '110105001001');
});
after(async () => {
  if (server) await stopClean(server);
});

// --- the loop from each source ---------------------------------------------------------------

test('hotline: registered, accepted (dispatched by the category to the community), acknowledged, resolved, verified, rated, closed, archived', async () => {
  const r = await intake(u.hotline, { title: '楼下占道经营' });
  assert.equal(r.state, 'registered');
  assert.equal(r.state_class, 'open');
  assert.match(r.tracking_code, /^[23456789ABCDEFGHJKMNPQRSTUVWXYZ]{10}$/);
  assert.equal(r.reporter_phone, '138****5678');
  assert.equal(r.version, 1);
  assert.ok(Array.isArray(r.duplicates));
  assert.match(r.due_at, /\+08:00$/);
  // the buttons: what the hotline may do now, with the body each takes
  const acts = await ok(await u.hotline('GET', `/api/v1/requests/${r.id}/actions`), 200, 'actions');
  const names = acts.items.map((a) => a.action);
  assert.deepEqual(names, ['accept', 'answer', 'invalidate', 'comment']);
  const answer = acts.items.find((a) => a.action === 'answer');
  assert.equal(answer.label, '直接办结');
  assert.equal(answer.to, 'closed');
  assert.deepEqual(answer.fields.map((f) => [f.name, f.required]), [['note', true]]);
  assert.equal(acts.items.find((a) => a.action === 'accept').to, 'decided');

  const a = await run(u.hotline, r.id, 'accept', { version: 1 });
  assert.equal(a.state, 'dispatched');
  assert.equal(a.owner_area_id, ids.community);
  assert.equal(a.owner_level, 'community');
  assert.equal(a.owner_name, '永安里社区');
  assert.deepEqual(a.actions, ['comment']); /* the hotline's part is done */
  const c = await run(u.community, r.id, 'acknowledge');
  assert.equal(c.state, 'handling');
  assert.ok(c.actions.includes('resolve') && c.actions.includes('return') && c.actions.includes('escalate'));
  assert.ok(Date.parse(c.handle_due_at) > Date.now() + 4 * 86400e3, c.handle_due_at);
  await run(u.community, r.id, 'resolve', { note: '已劝离摊贩' });
  await run(u.grid, r.id, 'verify', { note: '现场已恢复' });
  const done = await run(u.hotline, r.id, 'rate', { solved: true, feedback: 'satisfied', note: '回访满意' });
  assert.equal(done.state, 'closed');
  assert.equal(done.state_class, 'done');
  assert.equal(done.solved, true);
  assert.equal(done.feedback, 'satisfied');
  assert.equal(done.handling_level, 'community');
  assert.equal(done.due_at, null);
  const arch = await run(u.district, r.id, 'archive');
  assert.equal(arch.state, 'archived');
  assert.deepEqual(arch.events.map((e) => e.action),
    ['create', 'accept', 'acknowledge', 'resolve', 'verify', 'rate', 'archive']);
  assert.deepEqual(arch.events.map((e) => e.seq), [1, 2, 3, 4, 5, 6, 7]);
  assert.equal(arch.events[3].note, '已劝离摊贩');
  assert.equal(arch.events[3].actor_name, '登记 rl-community');
  assert.deepEqual(arch.events[0].data.counts, { received: 1 });
  assert.equal(arch.version, 7);
  // an action the state does not allow: 409 naming the state
  const again = await act(u.hotline, r.id, 'accept');
  const err = assertError(again, 409, 'conflict', 'state');
  assert.equal(err.state, 'archived');
});

test('web: a resident reports from the public page by a point on the map; the grid is found; the resident follows and rates with the phone\'s last 4 digits', async () => {
  const res = await ok(await pub('POST', '/requests', {
    category_id: ids.env, title: '路灯不亮', description: '小区北门路灯坏了三天', lng: G1[0], lat: G1[1],
    reporter_name: '李女士', reporter_phone: '13900001111',
  }), 201, 'public');
  assert.equal(res.state, 'registered');
  const code = res.tracking_code;
  const list = await ok(await u.hotline('GET', `/api/v1/requests?source=web&q=${encodeURIComponent('路灯')}`), 200, 'list');
  const r = list.items.find((x) => x.tracking_code === code);
  assert.ok(r, 'the staff list shows it');
  assert.equal(r.area_id, ids.g1);
  assert.equal(r.source, 'web');
  assert.equal(r.reporter_phone, '139****1111');
  await handled(r.id);
  let view = await ok(await pub('GET', `/requests/${code}`), 200, 'view');
  assert.equal(view.state, 'waiting_feedback');
  assert.equal(view.can_rate, true);
  assert.deepEqual(view.timeline.map((t) => t.action), ['create', 'accept', 'acknowledge', 'resolve', 'verify']);
  assert.equal(view.timeline[3].note, '已处置完毕');
  const text = JSON.stringify(view);
  for (const secret of ['李女士', '1111', '登记', 'rl-', '永安里社区', 'actor'])
    assert.ok(!text.includes(secret), `the public view shows ${secret}: ${text}`);
  // someone without the digits cannot rate it
  assertError(await pub('POST', `/requests/${code}/rating`, { phone_last4: '2222', solved: true, feedback: 'satisfied' }),
    403, 'forbidden', 'phone_last4');
  assertError(await pub('POST', `/requests/${code}/rating`, { phone_last4: '11a1', solved: true, feedback: 'satisfied' }),
    400, 'invalid', 'phone_last4');
  const rated = await ok(await pub('POST', `/requests/${code}/rating`,
    { phone_last4: '1111', solved: true, feedback: 'basically_satisfied', note: '修好了' }), 200, 'rate');
  assert.deepEqual(rated, { tracking_code: code, state: 'closed', rated: true });
  // once only: it is closed now
  const second = assertError(await pub('POST', `/requests/${code}/rating`, { phone_last4: '1111', solved: true, feedback: 'satisfied' }),
    409, 'conflict', 'state');
  assert.equal(second.state, 'closed');
  view = await ok(await pub('GET', `/requests/${code}`), 200, 'view');
  assert.equal(view.state, 'closed');
  assert.equal(view.rated, true);
  assert.equal(view.can_rate, false);
  assertError(await pub('GET', '/requests/ABCDEFGHJK'), 404, 'not_found');
  assertError(await pub('GET', '/requests/short'), 400, 'invalid', 'tracking_code');
});

test('grid_report, one_tap and walk_in: each from intake to rated and closed', async () => {
  // a grid worker reports what they see in their grid
  const g = await intake(u.grid, { source: 'grid_report', kind: 'report', title: '井盖缺失', area_id: ids.g1 });
  await handled(g.id);
  assert.equal((await run(u.hotline, g.id, 'rate', { solved: true, feedback: 'satisfied' })).state, 'closed');
  // a one-tap call from an elderly resident: the address alone, the community's own area
  const o = await intake(u.community, { source: 'one_tap', kind: 'help', title: '老人需要帮助', area_id: undefined, address: '永安里 3 号楼 2 单元' });
  assert.equal(o.area_id, ids.community);
  await handled(o.id, u.community, u.community);
  assert.equal((await run(u.hotline, o.id, 'rate', { solved: true, feedback: 'satisfied' })).state, 'closed');
  // someone walks into the street office
  const w = await intake(u.street, { source: 'walk_in', kind: 'suggestion', title: '建议增设座椅', area_id: ids.g2 });
  await handled(w.id, u.community, u.community);
  const closed = await run(u.hotline, w.id, 'rate', { solved: false, feedback: 'basically_satisfied' });
  assert.equal(closed.state, 'closed');
  assert.equal(closed.solved, false);
  // answered on the call: closed at once
  const q = await intake(u.hotline, { kind: 'consultation', title: '咨询社区开放时间' });
  assertError(await act(u.hotline, q.id, 'answer', {}), 400, 'invalid', 'note');
  const ans = await run(u.hotline, q.id, 'answer', { note: '工作日 8:30–17:30' });
  assert.equal(ans.state, 'closed');
});

// --- the harder paths ----------------------------------------------------------------------------------

test('escalation one level up, a whistle summoning departments who report in and finish their parts, then resolve', async () => {
  const r = await intake(u.hotline, { title: '违建与管网', area_id: ids.g1 });
  await run(u.hotline, r.id, 'accept');
  assertError(await act(u.community, r.id, 'escalate', {}), 400, 'invalid', 'reason');
  const up = await run(u.community, r.id, 'escalate', { reason: '涉及多部门' });
  assert.equal(up.state, 'dispatched');
  assert.equal(up.owner_area_id, ids.street);
  assert.equal(up.owner_level, 'street');
  // the community no longer owns it
  assertError(await act(u.community, r.id, 'acknowledge'), 403, 'forbidden', 'relation');
  await run(u.street, r.id, 'acknowledge');
  // the whistle: a body the action does not take is refused by name
  assertError(await act(u.street, r.id, 'whistle', { lead_unit_id: ids.water, days: 3 }), 400, 'invalid', 'days');
  const w = await run(u.street, r.id, 'whistle', {
    lead_unit_id: ids.water, lead_part: '管网抢修', co_unit_ids: [ids.cityadmin], co_parts: ['拆除违建'],
  });
  assert.deepEqual(w.parties.map((p) => [p.unit_name, p.role, p.state]),
    [['区水务局', 'lead', 'summoned'], ['区城管委', 'co', 'summoned']]);
  // the departments were told; they see the request through their party
  const inbox = await ok(await u.water('GET', '/api/v1/notifications'), 200, 'inbox');
  assert.ok(inbox.items.some((n) => n.kind === 'whistled' && n.request_id === r.id), JSON.stringify(inbox.items));
  const seen = await ok(await u.water('GET', `/api/v1/requests/${r.id}`), 200, 'party reads');
  assert.deepEqual(seen.actions, ['report_in', 'comment']);
  const blocked = await act(u.street, r.id, 'resolve', { note: '办结' });
  assertError(blocked, 422, 'unprocessable', 'parties');
  await run(u.water, r.id, 'report_in', { note: '已到场' });
  await run(u.water, r.id, 'part_done', { note: '管网已修复' });
  await run(u.cityadmin, r.id, 'report_in');
  await run(u.cityadmin, r.id, 'part_done', { note: '违建已拆除' });
  const done = await run(u.street, r.id, 'resolve', { note: '联合处置完成' });
  assert.equal(done.state, 'handled');
  assert.equal(done.handling_level, 'street');
  assert.ok(done.parties.every((p) => p.state === 'done'));
});

test('extensions: asked before the deadline, approved by the office above, 10 working days in all', async () => {
  const r = await intake(u.hotline, { title: '需要延期' });
  await run(u.hotline, r.id, 'accept');
  const h = await run(u.community, r.id, 'acknowledge');
  const asked = await run(u.community, r.id, 'request_extension', { days: 6, reason: '需协调产权单位' });
  assert.equal(asked.state, 'extension_requested');
  assert.equal(asked.extension_asked, 6);
  // the owner does not approve its own; the street above does
  assertError(await act(u.community, r.id, 'approve_extension'), 403, 'forbidden', 'relation');
  const ok6 = await run(u.street, r.id, 'approve_extension');
  assert.equal(ok6.state, 'handling');
  assert.equal(ok6.extension_days, 6);
  assert.ok(Date.parse(ok6.handle_due_at) > Date.parse(h.handle_due_at) + 6 * 86400e3, `${h.handle_due_at} → ${ok6.handle_due_at}`);
  // 5 more would pass the cap of 10; 11 is no extension at all
  assertError(await act(u.community, r.id, 'request_extension', { days: 5, reason: '再延' }), 422, 'unprocessable', 'days');
  assertError(await act(u.community, r.id, 'request_extension', { days: 11, reason: '再延' }), 400, 'invalid', 'days');
  await run(u.community, r.id, 'request_extension', { days: 4, reason: '最后一次' });
  assertError(await act(u.street, r.id, 'refuse_extension'), 400, 'invalid', 'note');
  await run(u.street, r.id, 'approve_extension');
  const full = await ok(await u.community('GET', `/api/v1/requests/${r.id}`), 200, 'get');
  assert.equal(full.extension_days, 10);
  assert.ok(!full.actions.includes('request_extension'));
  assertError(await act(u.community, r.id, 'request_extension', { days: 1, reason: '再延一天' }),
    422, 'unprocessable', 'extension_days');
});

test('a return is reviewed: refused (the owner must take it), then approved and dispatched again', async () => {
  const r = await intake(u.hotline, { category_id: ids.waterCat, title: '小区停水' });
  const a = await run(u.hotline, r.id, 'accept');
  assert.equal(a.owner_unit_id, ids.water);
  assert.equal(a.owner_level, 'city');
  assertError(await act(u.water, r.id, 'return', { reason: 'not_ours', note: 'x' }), 400, 'invalid', 'reason');
  assertError(await act(u.water, r.id, 'return', { reason: 'not_our_area' }), 400, 'invalid', 'note');
  await run(u.water, r.id, 'return', { reason: 'not_our_area', note: '属自来水公司产权' });
  // the district reviews a department's return; a community may not
  assertError(await act(u.community, r.id, 'refuse_return', { note: '请承办' }), 403, 'forbidden', 'relation');
  const refused = await run(u.district, r.id, 'refuse_return', { note: '终审:请承办' });
  assert.equal(refused.state, 'dispatched');
  await run(u.water, r.id, 'return', { reason: 'unclear_ownership', note: '仍有争议' });
  const back = await run(u.district, r.id, 'approve_return');
  assert.equal(back.state, 'waiting_dispatch');
  assert.equal(back.owner_unit_id, null);
  // dispatched to an office outside the dispatcher's scope: 403 naming the field
  assertError(await act(u.community, r.id, 'dispatch', { owner_area_id: ids.g3 }), 403, 'forbidden', 'owner_area_id');
  assertError(await act(u.community, r.id, 'dispatch', {}), 400, 'invalid', 'owner_area_id');
  const d = await run(u.community, r.id, 'dispatch', { owner_area_id: ids.g1 });
  assert.equal(d.owner_level, 'grid');
  assert.equal((await run(u.grid, r.id, 'acknowledge')).state, 'handling');
});

test('rework after a failed verification; dissatisfied → reopen; the rating stays once given; supervision tells the owner', async () => {
  const r = await intake(u.hotline, { title: '垃圾清运不及时' });
  await run(u.hotline, r.id, 'accept');
  await run(u.community, r.id, 'acknowledge');
  await run(u.community, r.id, 'resolve', { note: '已清运' });
  const rw = await run(u.grid, r.id, 'rework', { note: '现场仍有垃圾' });
  assert.equal(rw.state, 'handling');
  assert.equal(rw.rework_count, 1);
  // supervision from above: the owner is told
  assertError(await act(u.community, r.id, 'supervise', { note: '督办' }), 403, 'forbidden', 'relation');
  const sup = await run(u.street, r.id, 'supervise', { note: '请加快办理' });
  assert.equal(sup.supervision, 1);
  const inbox = await ok(await u.community('GET', '/api/v1/notifications'), 200, 'inbox');
  assert.ok(inbox.items.some((n) => n.kind === 'supervised' && n.request_id === r.id));
  await run(u.community, r.id, 'resolve', { note: '已彻底清运' });
  await run(u.grid, r.id, 'verify');
  const bad = await run(u.hotline, r.id, 'rate', { solved: false, feedback: 'dissatisfied', note: '还是有味道' });
  assert.equal(bad.state, 'dissatisfied');
  assert.equal(bad.state_class, 'refused');
  const inbox2 = await ok(await u.community('GET', '/api/v1/notifications'), 200, 'inbox');
  assert.ok(inbox2.items.some((n) => n.kind === 'rated_badly' && n.request_id === r.id));
  assertError(await act(u.community, r.id, 'reopen'), 400, 'invalid', 'note');
  const re = await run(u.community, r.id, 'reopen', { note: '重办' });
  assert.equal(re.state, 'handling');
  await run(u.community, r.id, 'resolve', { note: '除臭完成' });
  await run(u.grid, r.id, 'verify');
  // a second rating: refused whoever gives it
  assertError(await act(u.hotline, r.id, 'rate', { solved: true, feedback: 'satisfied' }), 409, 'conflict', 'rating');
  const closed = await run(u.community, r.id, 'close', { note: '以首次评价结案' });
  assert.equal(closed.state, 'closed');
  assert.equal(closed.feedback, 'dissatisfied');
});

// --- the refusals -----------------------------------------------------------------------------------------

test('bad intakes: unknown category, a point outside every grid, an area outside the scope, lng without lat, a photo never uploaded', async () => {
  assertError(await u.hotline('POST', '/api/v1/requests', { source: 'hotline', kind: 'complaint', category_id: 999999, title: 'x', area_id: ids.g1 }),
    400, 'invalid', 'category_id');
  assertError(await u.hotline('POST', '/api/v1/requests', { source: 'hotline', kind: 'complaint', category_id: ids.env, title: 'x', lng: 10, lat: 10 }),
    422, 'unprocessable', 'lng');
  assertError(await u.other('POST', '/api/v1/requests', { source: 'hotline', kind: 'complaint', category_id: ids.env, title: 'x', area_id: ids.g1 }),
    403, 'forbidden', 'area_id');
  assertError(await u.hotline('POST', '/api/v1/requests', { source: 'hotline', kind: 'complaint', category_id: ids.env, title: 'x', lng: G1[0] }),
    400, 'invalid', 'lat');
  assertError(await u.hotline('POST', '/api/v1/requests', { source: 'hotline', kind: 'complaint', category_id: ids.env, title: 'x', area_id: ids.g1, photos: ['a'.repeat(64)] }),
    400, 'invalid', 'photos');
  assertError(await u.hotline('POST', '/api/v1/requests', { source: 'fax', kind: 'complaint', category_id: ids.env, title: 'x', area_id: ids.g1 }),
    400, 'invalid', 'source');
  assertError(await u.hotline('POST', '/api/v1/requests', { source: 'hotline', kind: 'complaint', category_id: ids.env, title: 'x' }),
    400, 'invalid', 'area_id');
  assertError(await u.hotline('POST', '/api/v1/requests', { source: 'hotline', kind: 'complaint', category_id: ids.env, title: 'x', area_id: ids.g1, reporter_phone: '12345' }),
    400, 'invalid', 'reporter_phone');
  // and a point inside the grid lands in it
  const r = await intake(u.hotline, { area_id: undefined, lng: G1[0], lat: G1[1], title: '定位' });
  assert.equal(r.area_id, ids.g1);
});

test('callers outside the scope, outside the department, or without the capability: 403 with an audit row', async () => {
  const r = await intake(u.hotline, { title: '范围外' });
  await run(u.hotline, r.id, 'accept');
  const rid = `rl-denied-${Date.now()}`;
  const res = await u.other('GET', `/api/v1/requests/${r.id}`, undefined, { 'x-request-id': rid });
  assertError(res, 403, 'forbidden', 'relation');
  const row = (await audit(server, { action: 'access.denied' })).find((a) => a.request_id === rid);
  assert.ok(row, 'an access.denied row');
  assert.equal(row.object, `request:${r.id}`);
  assertError(await act(u.other, r.id, 'acknowledge'), 403, 'forbidden');
  // a department acting on a request that is not theirs
  assertError(await act(u.water, r.id, 'comment', { note: '看看' }), 403, 'forbidden');
  // a resident without request.read: refused for the capability (and audited by name)
  const rid2 = `rl-denied-cap-${Date.now()}`;
  assertError(await u.resident('GET', `/api/v1/requests/${r.id}`, undefined, { 'x-request-id': rid2 }), 403, 'forbidden', 'capability');
  const row2 = (await audit(server, { action: 'access.denied' })).find((a) => a.request_id === rid2);
  assert.equal(row2.detail, 'request.read');
  // the hotline may read but not handle
  assertError(await act(u.hotline, r.id, 'acknowledge'), 403, 'forbidden', 'capability');
  // the list route itself needs request.read
  assertError(await u.resident('GET', '/api/v1/requests'), 403, 'forbidden');
  // an unknown action, an unknown request
  assertError(await act(u.community, r.id, 'teleport'), 400, 'invalid', 'action');
  assertError(await u.community('GET', '/api/v1/requests/999999'), 404, 'not_found');
});

test('a rating by someone else is refused; the reporter\'s own account rates (once) and may withdraw a new request', async () => {
  const csrfOf = (who) => who.headers;
  // the resident reports with their account on the public page
  const mine = await ok(await api(server, 'POST', '/api/v1/public/requests',
    { category_id: ids.env, title: '楼道灯坏', area_id: ids.g1, reporter_phone: '13700002222' }, csrfOf(u.resident)), 201, 'mine');
  const list = await ok(await u.community('GET', `/api/v1/requests?q=${encodeURIComponent('楼道灯坏')}`), 200, 'find');
  const r = list.items[0];
  assert.equal(r.tracking_code, mine.tracking_code);
  assert.ok(r.reporter_user_id > 0);
  await handled(r.id);
  // another resident, and a grid worker without request.followup, may not rate it
  assertError(await act(u.resident2, r.id, 'rate', { solved: true, feedback: 'satisfied' }), 403, 'forbidden');
  assertError(await act(u.grid, r.id, 'rate', { solved: true, feedback: 'satisfied' }), 403, 'forbidden');
  // the reporter sees their own request and may rate it
  const own = await ok(await u.resident('GET', `/api/v1/requests/${r.id}`), 200, 'own');
  assert.deepEqual(own.actions, ['rate']);
  const rated = await run(u.resident, r.id, 'rate', { solved: true, feedback: 'satisfied' });
  assert.equal(rated.state, 'closed');
  assertError(await act(u.resident, r.id, 'rate', { solved: true, feedback: 'satisfied' }), 409, 'conflict', 'state');
  // and withdraws a new one before it is handled
  await ok(await api(server, 'POST', '/api/v1/public/requests',
    { category_id: ids.env, title: '噪音已停', area_id: ids.g1, reporter_phone: '13700002222' }, csrfOf(u.resident)), 201, 'second');
  const two = (await ok(await u.community('GET', `/api/v1/requests?q=${encodeURIComponent('噪音已停')}`), 200, 'find')).items[0];
  assertError(await act(u.resident2, two.id, 'cancel'), 403, 'forbidden');
  assert.equal((await run(u.resident, two.id, 'cancel')).state, 'cancelled');
});

test('two concurrent actions on one request: exactly one succeeds, the other is 409', async () => {
  const r = await intake(u.hotline, { title: '并发签收' });
  await run(u.hotline, r.id, 'accept');
  const [a, b] = await Promise.all([act(u.community, r.id, 'acknowledge'), act(u.community2, r.id, 'acknowledge')]);
  const statuses = [a.status, b.status].sort();
  assert.deepEqual(statuses, [200, 409], `${a.status} ${JSON.stringify(a.body)} / ${b.status} ${JSON.stringify(b.body)}`);
  const lost = a.status === 409 ? a : b;
  assert.ok(['state', 'version'].includes(lost.body.error.field), JSON.stringify(lost.body));
  assert.equal(lost.body.error.state, 'handling');
  // a stale version is refused even when the state would allow the action
  const got = await ok(await u.community('GET', `/api/v1/requests/${r.id}`), 200, 'get');
  await run(u.community, r.id, 'comment', { note: '先记一笔', version: got.version });
  const stale = assertError(await act(u.community, r.id, 'comment', { note: '旧页面', version: got.version }),
    409, 'conflict', 'version');
  assert.equal(stale.state, 'handling');
  const full = await ok(await u.community('GET', `/api/v1/requests/${r.id}`), 200, 'get');
  assert.equal(full.events.filter((e) => e.action === 'acknowledge').length, 1);
});

// --- lists, export, the public page's limit ------------------------------------------------------------

test('lists: queues, filters, keyset pages, duplicates while typing, and the export', async () => {
  const a = await intake(u.hotline, { title: '共享单车乱停放', area_id: ids.g2 });
  const dups = await ok(await u.hotline('GET', `/api/v1/requests/duplicates?category=${ids.env}&area=${ids.g2}&text=${encodeURIComponent('单车乱停')}`), 200, 'dups');
  assert.ok(dups.items.some((x) => x.id === a.id));
  const b = await intake(u.hotline, { title: '共享单车又乱停放', area_id: ids.g2 });
  assert.ok(b.duplicates.some((x) => x.id === a.id), JSON.stringify(b.duplicates.map((x) => x.title)));
  const toDispatch = await ok(await u.community('GET', '/api/v1/requests?queue=to_dispatch&limit=200'), 200, 'queue');
  assert.ok(toDispatch.items.some((x) => x.id === a.id));
  assert.ok(toDispatch.items.every((x) => ['registered', 'waiting_dispatch', 'return_requested'].includes(x.state)));
  const mine = await ok(await u.community('GET', '/api/v1/requests?queue=mine&limit=200'), 200, 'mine');
  assert.ok(mine.items.every((x) => x.owner_area_id === ids.community), JSON.stringify(mine.items.map((x) => x.owner_area_id)));
  const p1 = await ok(await u.district('GET', '/api/v1/requests?limit=2'), 200, 'page 1');
  assert.equal(p1.items.length, 2);
  assert.ok(p1.items[0].id > p1.items[1].id);
  const p2 = await ok(await u.district('GET', `/api/v1/requests?limit=2&after=${p1.next_after}`), 200, 'page 2');
  assert.ok(p2.items[0].id < p1.items[1].id);
  // the other community sees none of these; an area outside the scope is refused
  const other = await ok(await u.other('GET', '/api/v1/requests?limit=200'), 200, 'other');
  assert.equal(other.items.length, 0);
  assertError(await u.other('GET', `/api/v1/requests?area=${ids.g1}`), 403, 'forbidden', 'area');
  assertError(await u.other('GET', '/api/v1/requests?queue=everything'), 400, 'invalid', 'queue');
  const today = new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10);
  const byDay = await ok(await u.district('GET', `/api/v1/requests?from=${today}&to=${today}&limit=200&q=${encodeURIComponent('单车')}`), 200, 'dates');
  assert.deepEqual(byDay.items.map((x) => x.id).sort(), [a.id, b.id].sort());
  const x = await download(server, u.district, `/api/v1/exports/requests?area=${ids.g2}`);
  assert.equal(x.status, 200);
  assert.match(x.headers.get('content-type'), /spreadsheetml/);
  assert.equal(x.buf.subarray(0, 2).toString(), 'PK');
});

test('the public page is rate-limited per address', async () => {
  let n = 0;
  let last;
  for (let i = 0; i < PUBLIC_LIMIT + 2; i++) {
    last = await pub('POST', '/requests', { category_id: ids.env, title: `限流 ${i}`, area_id: ids.g1, reporter_phone: '13600001234' });
    if (last.status !== 201) break;
    n++;
  }
  assertError(last, 429, 'rate_limited');
  assert.ok(n < PUBLIC_LIMIT, `${n} accepted before the limit of ${PUBLIC_LIMIT} (earlier tests used some)`);
  // the staff's own intake is not limited by it
  await intake(u.hotline, { title: '限流之后' });
});

test('the reporter\'s phone is unmasked for a call back, audited, and only with request.followup or person.read_pii', async () => {
  const r = await intake(u.hotline, { title: '回访号码', reporter_phone: '13812349876' });
  const got = await ok(await u.hotline('GET', `/api/v1/requests/${r.id}/reporter-phone`), 200, 'hotline');
  assert.deepEqual(got, { phone: '13812349876' });
  assert.deepEqual(await ok(await u.community('GET', `/api/v1/requests/${r.id}/reporter-phone`), 200, 'community'),
    { phone: '13812349876' });
  assertError(await u.street('GET', `/api/v1/requests/${r.id}/reporter-phone`), 403, 'forbidden', 'capability');
  assertError(await u.other('GET', `/api/v1/requests/${r.id}/reporter-phone`), 403, 'forbidden', 'relation');
  const rows = await audit(server, { action: 'pii.unmask' });
  assert.ok(rows.filter((a) => a.object === `request:${r.id}`).length >= 2, JSON.stringify(rows.slice(0, 3)));
  const none = await intake(u.hotline, { title: '无号码', reporter_phone: undefined });
  assert.deepEqual(await ok(await u.hotline('GET', `/api/v1/requests/${none.id}/reporter-phone`), 200, 'none'), { phone: '' });
});
