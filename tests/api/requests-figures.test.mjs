// The figures over HTTP (docs/API.md "Figures", docs/REQUESTS.md "Figures"):
// a few requests driven through the real server's lifecycle (closed and
// rated, reworked three times, invalidated, left registered, sent to a
// department), then GET /figures (counters, DOMAIN.md's rates, the period
// before and the change, flagged, level share), the league table with its
// minimum, the trend by day and week, the figures by category, the map; the
// refusals (bad and reversed dates, a period over 400 days, unknown
// parameters, an area or department outside the scope with its audit row,
// an unknown area or department, a subcategory, a caller without
// figure.read); and `linli rollup-verify` on the server's database: no
// difference, then a tampered counter found and named (exit 1). A fresh
// database with a small tree of its own; SQLite, or PostgreSQL when
// LINLI_TEST_PG is set.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { startServer, linli, api } from '../lib/server.mjs';
import { assertError, stopClean } from './helpers.mjs';
import { makeUser, audit, todayCST } from './registers-helpers.mjs';

let server;
const u = {}; // callers
const ids = {}; // areas, units, categories

async function ok(res, status, what) {
  assert.equal(res.status, status, `${what}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}
const run = async (who, id, action, body = {}) =>
  ok(await who('POST', `/api/v1/requests/${id}/actions/${action}`, body), 200, action);

async function intake(body) {
  return ok(await u.hotline('POST', '/api/v1/requests', {
    source: 'hotline', kind: 'complaint', category_id: ids.env, title: '占道经营', area_id: ids.g1,
    reporter_name: '王先生', reporter_phone: '13812345678', ...body,
  }), 201, `intake ${body.title || ''}`);
}

// intake → accept (to the community by the category) → acknowledge → resolve → verify → rate
async function closed(area, solved, feedback) {
  const r = await intake({ area_id: area });
  await run(u.hotline, r.id, 'accept');
  await run(u.community, r.id, 'acknowledge');
  await run(u.community, r.id, 'resolve', { note: '已处置' });
  await run(u.community, r.id, 'verify');
  const done = await run(u.hotline, r.id, 'rate', { solved, feedback });
  assert.equal(done.state, 'closed');
  return r.id;
}

const dayBefore = (d) => new Date(Date.parse(`${d}T00:00:00Z`) - 86400e3).toISOString().slice(0, 10);
// Yesterday and today (local): the requests of this suite, even across midnight.
const period = () => { const t = todayCST(); return { from: dayBefore(t), to: t }; };
const qs = (o) => new URLSearchParams(Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined))).toString();
const figures = (who, path, query) => who('GET', `/api/v1/figures${path}?${qs({ ...period(), ...query })}`);

function sql(statement) {
  const r = server.db.startsWith('sqlite:')
    ? spawnSync('sqlite3', ['-cmd', '.timeout 10000', server.db.replace(/^sqlite:/, ''), statement], { encoding: 'utf8' })
    : spawnSync('psql', [server.db, '-qAtc', statement], { encoding: 'utf8' });
  assert.equal(r.status, 0, `${statement}: ${r.stderr}`);
  return r.stdout.trim();
}

before(async () => {
  server = await startServer();
  u.admin = await makeUser(server, 'fg-admin', 'district_staff', '*');
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
  ids.water = (await ok(await u.admin('POST', '/api/v1/units',
    { kind: 'department', name: '区水务局', area_id: ids.district }), 201, 'water')).id;
  const cat = async (body) => (await ok(await u.admin('POST', '/api/v1/categories', body), 201, body.name)).id;
  ids.env = await cat({ code: '01', name: '市容环境', default_level: 'community', limit_normal: '5d' });
  ids.envSub = await cat({ code: '0101', name: '占道经营', parent_id: ids.env });
  ids.waterCat = await cat({ code: '03', name: '供水', default_level: 'district', default_department_id: ids.water, limit_normal: '24h' });
  u.hotline = await makeUser(server, 'fg-hotline', 'hotline_operator', '110105');
  u.district = await makeUser(server, 'fg-district', 'district_staff', '110105');
  u.street = await makeUser(server, 'fg-street', 'street_staff', '110105001');
  u.community = await makeUser(server, 'fg-community', 'community_staff', '110105001001');
  u.other = await makeUser(server, 'fg-other', 'community_staff', '110105002001');
  u.grid = await makeUser(server, 'fg-grid', 'grid_worker', ids.g1code);
  u.water = await makeUser(server, 'fg-water', 'dept_handler', `unit:${ids.water}`);
  // a department's own reader of figures: no built-in role has figure.read with a unit:N scope
  await ok(await api(server, 'POST', '/api/v1/roles',
    { id: 'fg_dept_figures', name: '部门考核', capabilities: ['request.read', 'figure.read'] }), 201, 'role');
  u.waterFigures = await makeUser(server, 'fg-water-figures', 'fg_dept_figures', `unit:${ids.water}`);

  // the street's requests: three closed and rated, one invalid, one left registered
  await closed(ids.g1, true, 'satisfied');
  await closed(ids.g1, true, 'basically_satisfied');
  await closed(ids.g2, false, 'satisfied');
  const bad = await intake({ title: '重复来电' });
  await run(u.hotline, bad.id, 'invalidate', { reason: '重复' });
  await intake({ title: '刚登记' });
  // the other street: one the water department handles, failing verification three times
  const w = await intake({ category_id: ids.waterCat, area_id: ids.g3, title: '停水' });
  await run(u.hotline, w.id, 'accept');
  await run(u.water, w.id, 'acknowledge');
  for (let i = 0; i < 3; i++) {
    await run(u.water, w.id, 'resolve', { note: '已恢复' });
    await run(u.other, w.id, 'rework', { note: '仍未恢复' });
  }
});
after(async () => {
  if (server) await stopClean(server);
});

test('GET /figures: counters, DOMAIN.md\'s rates, the period before and the change, level share', async () => {
  const f = await ok(await figures(u.street, '', { area: ids.street }), 200, 'figures');
  assert.deepEqual(f.area, { id: ids.street, code: '110105001', name: '建外街道', level: 'street' });
  assert.equal(f.department, null);
  assert.equal(f.days, 2);
  assert.equal(f.counters.received, 5);
  assert.equal(f.counters.invalid, 1);
  assert.equal(f.counters.rated, 3);
  assert.equal(f.counters.closed, 3);
  assert.equal(Object.keys(f.counters).length, 24);
  // response 3 of 4 valid; solve 2 of 3; satisfaction (2 + 0.9) ÷ 3; composite 0.1/0.5/0.4
  assert.equal(f.rates.response_rate, 0.75);
  assert.equal(f.rates.solve_rate, 0.666667);
  assert.equal(f.rates.satisfaction_rate, 0.966667);
  assert.ok(Math.abs(f.rates.composite - (0.075 + 0.5 * 2 / 3 + 0.4 * 2.9 / 3)) < 1e-6, f.rates.composite);
  assert.equal(f.rates.close_rate, 1);
  assert.equal(f.rework, 0);
  assert.equal(f.flagged, 0);
  assert.equal(typeof f.avg_handle_minutes, 'number');
  assert.deepEqual(f.level_share.map((x) => [x.level, x.count, x.share]),
    [['grid', 0, 0], ['community', 3, 1], ['street', 0, 0], ['district', 0, 0], ['city', 0, 0]]);
  assert.deepEqual(f.weights, { response: 0.1, solve: 0.5, satisfaction: 0.4, basically_satisfied: 0.9 });
  // the two days before: nothing, so no rates (null, not 0)
  assert.equal(f.previous.to, dayBefore(f.from));
  assert.equal(f.previous.counters.received, 0);
  assert.equal(f.previous.rates.solve_rate, null);
  assert.equal(f.previous.avg_handle_minutes, null);
  assert.equal(f.change.received, 5);
  assert.equal(f.change.solve_rate, null);

  // the other street: the department's request, reworked three times, flagged
  const o = await ok(await figures(u.district, '', { area: ids.street2 }), 200, 'street2');
  assert.equal(o.counters.received, 1);
  assert.equal(o.rework, 3);
  assert.equal(o.flagged, 1);
  assert.equal(o.rates.solve_rate, null);
  // the department's own figures, by its handler's scope (no area given) and by the district
  const d = await ok(await figures(u.district, '', { department: ids.water }), 200, 'department');
  assert.equal(d.area, null);
  assert.equal(d.department.id, ids.water);
  assert.equal(d.counters.received, 1);
  assert.equal(d.counters.rework, 3);
  assert.equal(d.flagged, 1);
  const own = await ok(await figures(u.waterFigures, '', {}), 200, 'department by default');
  assert.equal(own.department.id, ids.water);
  assert.equal(own.counters.received, 1);
  // a top-level category only
  const c = await ok(await figures(u.district, '', { area: ids.district, category: ids.waterCat }), 200, 'category');
  assert.equal(c.counters.received, 1);
  assert.equal(c.category_id, ids.waterCat);
  // the caller's one scope when no area is given
  const mine = await ok(await figures(u.community, '', {}), 200, 'default');
  assert.equal(mine.area.id, ids.community);
  assert.equal(mine.counters.received, 5);
});

test('GET /figures/league, /trend, /by-category, /map', async () => {
  // communities of the district by solve rate; min_rated 10: nobody ranked yet
  const l = await ok(await figures(u.district, '/league', { area: ids.district, level: 'community', sort: 'solve_rate' }), 200, 'league');
  assert.equal(l.level, 'community');
  assert.equal(l.sort, 'solve_rate');
  assert.equal(l.order, 'desc');
  assert.equal(l.min_rated, 10);
  assert.equal(l.ranked_count, 0);
  assert.equal(l.not_ranked_count, 2);
  assert.deepEqual(l.items.map((x) => [x.area_id, x.rank, x.ranked, x.rated]),
    [[ids.community, null, false, 3], [ids.community2, null, false, 0]]);
  assert.equal(l.items[0].value, 0.666667);
  assert.equal(l.items[0].counters.received, 5);
  // the default level below a street
  const ls = await ok(await figures(u.street, '/league', { area: ids.street }), 200, 'league street');
  assert.equal(ls.level, 'community');
  assert.equal(ls.sort, 'composite');

  // the trend: both days, zeros included; by week one or two items
  const t = await ok(await figures(u.street, '/trend', { area: ids.street }), 200, 'trend');
  assert.equal(t.by, 'day');
  assert.equal(t.items.length, 2);
  assert.deepEqual(t.items.map((x) => x.day), [period().from, period().to]);
  assert.equal(t.items.reduce((s, x) => s + x.counters.received, 0), 5);
  const tw = await ok(await figures(u.street, '/trend', { area: ids.street, by: 'week' }), 200, 'trend week');
  assert.ok(tw.items.length >= 1 && tw.items.length <= 2);
  assert.equal(tw.items[tw.items.length - 1].to, period().to);
  const td = await ok(await figures(u.waterFigures, '/trend', {}), 200, 'trend department');
  assert.equal(td.department.id, ids.water);
  assert.equal(td.items.reduce((s, x) => s + x.counters.rework, 0), 3);

  // by category: every top-level class, zeros included
  const bc = await ok(await figures(u.district, '/by-category', { area: ids.district }), 200, 'by category');
  assert.deepEqual(bc.items.map((x) => [x.code, x.name, x.counters.received]), [['01', '市容环境', 5], ['03', '供水', 1]]);
  assert.equal(bc.items[0].rates.solve_rate, 0.666667);

  // the map: received per grid of the district
  const m = await ok(await figures(u.district, '/map', { area: ids.district, level: 'grid' }), 200, 'map');
  assert.equal(m.figure, 'received');
  assert.deepEqual(m.items.map((x) => [x.area_id, x.value]), [[ids.g1, 4], [ids.g2, 1], [ids.g3, 1]]);
  assert.equal(m.min, 1);
  assert.equal(m.max, 4);
  const ms = await ok(await figures(u.community, '/map', { area: ids.community, figure: 'satisfaction_rate' }), 200, 'map rate');
  assert.deepEqual(ms.items.map((x) => [x.code, x.value]), [[ids.g1code, 0.95], [ms.items[1].code, 1]]);
});

test('refusals: dates, the period, parameters, scope (audited), unknown nodes, subcategories, the capability', async () => {
  const base = { area: ids.street };
  for (const [query, field] of [
    [{ from: '2031-3-01' }, 'from'], [{ to: '2031-02-30' }, 'to'], [{ from: '2031-03-10', to: '2031-03-01' }, 'from'],
    [{ from: '2030-01-01', to: '2031-02-05' }, 'to'], [{ from: undefined }, 'from'], [{ to: undefined }, 'to'],
    [{ area: 'x' }, 'area'], [{ nonsense: '1' }, 'nonsense'],
  ]) {
    const q = qs({ ...period(), ...base, ...query });
    assertError(await u.street('GET', `/api/v1/figures?${q}`), 400, 'invalid', field);
  }
  // 400 days is the most
  await ok(await figures(u.street, '', { ...base, from: '2030-01-01', to: '2031-02-04' }), 200, '400 days');
  assertError(await figures(u.street, '/trend', { ...base, by: 'year' }), 400, 'invalid', 'by');
  assertError(await figures(u.street, '/league', { ...base, sort: 'popularity' }), 400, 'invalid', 'sort');
  assertError(await figures(u.street, '/map', { ...base, figure: 'popularity' }), 400, 'invalid', 'figure');
  assertError(await figures(u.street, '/league', { ...base, level: 'building' }), 400, 'invalid', 'level');
  assertError(await figures(u.street, '/league', { area: ids.community, level: 'street' }), 422, 'unprocessable', 'level');
  assertError(await figures(u.street, '/league', { ...base, department: ids.water }), 400, 'invalid', 'department');
  assertError(await figures(u.district, '', { area: ids.street, department: ids.water }), 400, 'invalid', 'department');
  assertError(await figures(u.admin, '', {}), 400, 'invalid', 'area'); // scope "*": say which
  // out of the scope: 403 naming the field, with an access.denied row
  for (const path of ['', '/league', '/trend', '/by-category', '/map'])
    assertError(await figures(u.street, path, { area: ids.street2 }), 403, 'forbidden', 'area');
  assertError(await figures(u.community, '', { area: ids.street }), 403, 'forbidden', 'area');
  assertError(await figures(u.community, '', { department: ids.water }), 403, 'forbidden', 'department');
  const rows = await audit(server, { action: 'access.denied' });
  assert.equal(rows.filter((r) => r.object === `area:${ids.street2}` && r.user === 'fg-street').length, 5);
  assert.ok(rows.some((r) => r.object === `unit:${ids.water}` && r.user === 'fg-community'));
  // unknown nodes: 404
  assertError(await figures(u.district, '', { area: 999999 }), 404, 'not_found', 'area');
  assertError(await figures(u.district, '', { department: 999999 }), 404, 'not_found', 'department');
  // the roll-ups keep top-level categories only
  assertError(await figures(u.district, '', { area: ids.street, category: ids.envSub }), 422, 'unprocessable', 'category');
  assertError(await figures(u.district, '', { area: ids.street, category: 999999 }), 404, 'not_found', 'category');
  // no figure.read
  assertError(await figures(u.grid, '', { area: ids.g1 }), 403, 'forbidden');
  assertError(await figures(u.hotline, '/league', { area: ids.district }), 403, 'forbidden');
});

test('linli rollup-verify: no difference on the server\'s rows; a tampered counter is found and named (exit 1)', () => {
  const env = { ...process.env };
  let r = linli(['rollup-verify', '--db', server.db], { env });
  assert.equal(r.status, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /rollup-verify: \d+ days?, \d+ events, \d+ stored rows: no differences/);
  sql(`UPDATE request_rollup SET satisfied = satisfied + 2 WHERE area_id = ${ids.community}`);
  sql(`UPDATE request_unit_rollup SET rework = 1 WHERE unit_id = ${ids.water}`);
  try {
    r = linli(['rollup-verify', '--db', server.db], { env });
    assert.equal(r.status, 1, r.stdout + r.stderr);
    const lines = r.stdout.trim().split('\n');
    assert.equal(lines[0], 'table\tid\tday\tcategory\tcounter\tstored\trecomputed');
    const rows = lines.slice(1, -1).map((l) => l.split('\t'));
    assert.deepEqual(rows.map((x) => [x[0], Number(x[1]), x[3], x[4], x[5], x[6]]).sort(), [
      ['area', ids.community, String(ids.env), 'satisfied', '4', '2'],
      ['unit', ids.water, String(ids.waterCat), 'rework', '1', '3'],
    ].sort());
    assert.match(lines.at(-1), /: 2 counters differ$/);
  } finally {
    sql(`UPDATE request_rollup SET satisfied = satisfied - 2 WHERE area_id = ${ids.community}`);
    sql(`UPDATE request_unit_rollup SET rework = 3 WHERE unit_id = ${ids.water}`);
  }
  r = linli(['rollup-verify', '--db', server.db], { env });
  assert.equal(r.status, 0, r.stdout + r.stderr);
  // a database that is not there: exit 2
  r = linli(['rollup-verify', '--db', `sqlite:${server.dir}/none.db`], { env });
  assert.equal(r.status, 2, r.stdout + r.stderr);
});
