// GET /api/v1/departments: the departments an office may dispatch, escalate
// or whistle to, without unit.read — the district's, its street's and its
// community's own, those inside its scope, and those serving an area inside
// it; never another district's. Runs on SQLite, or on PostgreSQL when
// LINLI_TEST_PG is set.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../lib/server.mjs';
import { assertError, stopClean } from './helpers.mjs';
import { makeUser } from './registers-helpers.mjs';

let server;
const u = {};
const ids = {};

async function ok(res, status, what) {
  assert.equal(res.status, status, `${what}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}
const names = async (who) => (await ok(await who('GET', '/api/v1/departments'), 200, 'departments'))
  .items.map((d) => d.name).sort();

before(async () => {
  server = await startServer();
  u.admin = await makeUser(server, 'dp-admin', 'district_staff', '*');
  const area = async (body) => (await ok(await u.admin('POST', '/api/v1/areas', body), 201, body.name)).id;
  ids.district = await area({ code: '110105', name: '朝阳区' });
  ids.other = await area({ code: '110106', name: '丰台区' });
  ids.street = await area({ parent_id: ids.district, code: '110105001', name: '建外街道' });
  ids.street2 = await area({ parent_id: ids.district, code: '110105002', name: '朝外街道' });
  ids.community = await area({ parent_id: ids.street, code: '110105001001', name: '永安里社区' });
  ids.community2 = await area({ parent_id: ids.street2, code: '110105002001', name: '吉祥里社区' });
  const unit = async (name, area_id, kind = 'department') =>
    (await ok(await u.admin('POST', '/api/v1/units', { kind, name, area_id }), 201, name)).id;
  ids.water = await unit('区水务局', ids.district);
  ids.team = await unit('建外综合执法队', ids.street);
  ids.team2 = await unit('朝外综合执法队', ids.street2);
  ids.foreign = await unit('丰台区水务局', ids.other);
  ids.firm = await unit('永安物业公司', ids.community, 'property_company');
  // a department of another street that serves our community
  ids.serving = await unit('朝外供热所', ids.street2);
  await ok(await u.admin('PUT', `/api/v1/units/${ids.serving}/areas`, { area_ids: [ids.community] }), 200, 'served');
  u.community = await makeUser(server, 'dp-community', 'community_staff', '110105001001');
  u.street2 = await makeUser(server, 'dp-street2', 'street_staff', '110105002');
  u.water = await makeUser(server, 'dp-water', 'dept_handler', `unit:${ids.water}`);
  u.hotline = await makeUser(server, 'dp-hotline', 'hotline_operator', '110105');
});

after(async () => {
  await stopClean(server);
});

test('a community office sees its district\'s and street\'s departments and those serving it, nothing else', async () => {
  assert.deepEqual(await names(u.community), ['区水务局', '建外综合执法队', '朝外供热所']);
});

test('a street office sees the district\'s, its own, and nothing of another street or district', async () => {
  assert.deepEqual(await names(u.street2), ['区水务局', '朝外供热所', '朝外综合执法队']);
});

test('a department handler sees its own department; "*" sees every department and no other kind', async () => {
  assert.deepEqual(await names(u.water), ['区水务局']);
  const all = await names(u.admin);
  assert.deepEqual(all, ['丰台区水务局', '区水务局', '建外综合执法队', '朝外供热所', '朝外综合执法队']);
});

test('without request.handle the list is refused (403)', async () => {
  assertError(await u.hotline('GET', '/api/v1/departments'), 403, 'forbidden');
});
