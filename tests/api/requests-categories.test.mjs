// The requests' reference data over HTTP: the category tree (create, read,
// edit, inherited limits, inactive ones), its CSV import (errors by line and
// column, nothing half-written) and export, dispatch rules within the
// caller's scope, content-addressed photos (JPEG, PNG and WebP by their
// bytes, forged ones refused, 413 past 10 MiB, the same bytes one photo),
// and the notification inbox (each user's own, keyset paging, read marks).
// On a fresh database with a small tree of its own; SQLite, or PostgreSQL
// when LINLI_TEST_PG is set.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, api, backend } from '../lib/server.mjs';
import { assertError, hostPort, raw, stopClean } from './helpers.mjs';
import { makeUser, upload, download, audit, xlsxRows } from './registers-helpers.mjs';

let server;
let district; // district_staff, scope *
let street; // street_staff of 110105001
let grid; // grid_worker of 110105001001
let resident; // no request capability
const ids = {};

async function ok(res, status, what) {
  assert.equal(res.status, status, `${what}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

before(async () => {
  server = await startServer();
  district = await makeUser(server, 'rc-district', 'district_staff', '*');
  const area = async (body) => (await ok(await district('POST', '/api/v1/areas', body), 201, body.name)).id;
  ids.district = await area({ code: '110105', name: '朝阳区' });
  ids.street = await area({ parent_id: ids.district, code: '110105001', name: '建外街道' });
  ids.street2 = await area({ parent_id: ids.district, code: '110105002', name: '朝外街道' });
  ids.community = await area({ parent_id: ids.street, code: '110105001001', name: '永安里社区' });
  ids.grid = await area({ parent_id: ids.community, name: '一网格' });
  const unit = async (kind, name, areaId) =>
    (await ok(await district('POST', '/api/v1/units', { kind, name, area_id: areaId }), 201, name)).id;
  ids.water = await unit('department', '区水务局', ids.district);
  ids.shop = await unit('enterprise', '永安商店', ids.community);
  street = await makeUser(server, 'rc-street', 'street_staff', '110105001');
  grid = await makeUser(server, 'rc-grid', 'grid_worker', '110105001001');
  resident = await makeUser(server, 'rc-resident', 'resident', '110105001001');
});
after(async () => {
  if (server) await stopClean(server);
});

// --- categories ----------------------------------------------------------------------

test('categories: create a class and subclasses, read the tree with what they inherit, edit, switch off', async () => {
  const top = await ok(await district('POST', '/api/v1/categories', {
    code: '01', name: '环境卫生', kind: 'event', intake_standard: '垃圾暴露、堆放', closure_standard: '清理完毕',
    default_level: 'community', limit_normal: '5d', limit_urgent: '4wh', limit_critical: '2h',
  }), 201, 'top');
  assert.equal(top.code, '01');
  assert.equal(top.parent_id, null);
  assert.equal(top.active, true);
  ids.env = top.id;
  const sub = await ok(await district('POST', '/api/v1/categories',
    { code: '0101', name: '垃圾堆放', parent_id: top.id }), 201, 'sub');
  assert.equal(sub.parent_code, '01');
  assert.equal(sub.kind, 'event');
  assert.equal(sub.limit_normal, null);
  const leaf = await ok(await district('POST', '/api/v1/categories',
    { code: '010101', name: '楼道堆物', parent_id: sub.id, limit_normal: '2d', default_department_id: ids.water }), 201, 'leaf');
  assert.equal(leaf.default_department_name, '区水务局');

  // the tree, a level of it, one with what it inherits: any holder of request.read
  const tree = await ok(await grid('GET', '/api/v1/categories'), 200, 'tree');
  assert.deepEqual(tree.items.map((c) => c.code), ['01', '0101', '010101']);
  assert.equal(tree.items[0].children, 1);
  const tops = await ok(await grid('GET', '/api/v1/categories?parent=0'), 200, 'tops');
  assert.deepEqual(tops.items.map((c) => c.code), ['01']);
  const kids = await ok(await grid('GET', `/api/v1/categories?parent=${sub.id}`), 200, 'kids');
  assert.deepEqual(kids.items.map((c) => c.code), ['010101']);
  const one = await ok(await grid('GET', `/api/v1/categories/${sub.id}`), 200, 'one');
  assert.deepEqual(one.effective, {
    limit_normal: '5d', limit_urgent: '4wh', limit_critical: '2h', default_level: 'community',
    default_department_id: null, default_department_name: null,
  });
  const leafOne = await ok(await grid('GET', `/api/v1/categories/${leaf.id}`), 200, 'leaf');
  assert.equal(leafOne.effective.limit_normal, '2d');
  assert.equal(leafOne.effective.limit_urgent, '4wh');
  assert.equal(leafOne.effective.default_department_id, ids.water);
  assertError(await grid('GET', '/api/v1/categories/999999'), 404, 'not_found');
  assertError(await grid('GET', '/api/v1/categories?parent=999999'), 400, 'invalid', 'parent');

  // edit: a class's limit reaches its subclasses; "" gives a subclass its parent's again
  const edited = await ok(await district('PATCH', `/api/v1/categories/${top.id}`,
    { limit_normal: '3d', name: '环境卫生类' }), 200, 'patch');
  assert.equal(edited.limit_normal, '3d');
  assert.equal((await grid('GET', `/api/v1/categories/${sub.id}`)).body.effective.limit_normal, '3d');
  await ok(await district('PATCH', `/api/v1/categories/${leaf.id}`, { limit_normal: '', default_department_id: 0 }), 200, 'clear');
  const cleared = (await grid('GET', `/api/v1/categories/${leaf.id}`)).body;
  assert.equal(cleared.limit_normal, null);
  assert.equal(cleared.effective.limit_normal, '3d');
  assert.equal(cleared.effective.default_level, 'community');
  assertError(await district('PATCH', `/api/v1/categories/${top.id}`, { default_level: '' }), 400, 'invalid', 'default_level');
  assertError(await district('PATCH', `/api/v1/categories/${top.id}`, { kind: 'component' }), 409, 'conflict', 'kind');

  // switched off: out of the list unless asked for
  await ok(await district('PATCH', `/api/v1/categories/${leaf.id}`, { active: false }), 200, 'off');
  assert.deepEqual((await grid('GET', '/api/v1/categories')).body.items.map((c) => c.code), ['01', '0101']);
  const all = (await grid('GET', '/api/v1/categories?include_inactive=true')).body.items;
  assert.deepEqual(all.map((c) => [c.code, c.active]), [['01', true], ['0101', true], ['010101', false]]);

  const rows = await audit(server, { action: 'category.update' });
  assert.ok(rows.length >= 3, 'category.update rows');
  assert.ok((await audit(server, { action: 'category.create', object: `category:${top.id}` })).length === 1);
});

test('categories: bad input is 400 naming the field; a code in use is 409; only category.manage writes', async () => {
  const post = (body) => district('POST', '/api/v1/categories', body);
  const base = { name: '测试', default_level: 'street', limit_normal: '5d' };
  assertError(await post({ ...base, code: '02', limit_normal: '5x' }), 400, 'invalid', 'limit_normal');
  assertError(await post({ ...base, code: '02', limit_urgent: '0d' }), 400, 'invalid', 'limit_urgent');
  assertError(await post({ ...base, code: '02', limit_critical: '2001h' }), 400, 'invalid', 'limit_critical');
  assertError(await post({ ...base, code: '0-2' }), 400, 'invalid', 'code');
  assertError(await post({ ...base, code: '01' }), 409, 'conflict', 'code');
  assertError(await post({ ...base, code: '011' }), 400, 'invalid', 'code'); // looks like a child of 01
  assertError(await post({ ...base, code: '0301', parent_id: ids.env }), 400, 'invalid', 'code'); // not under 01
  assertError(await post({ ...base, code: '0102', parent_id: 999999 }), 400, 'invalid', 'parent_id');
  assertError(await post({ code: '02', name: '无层级', limit_normal: '5d' }), 400, 'invalid', 'default_level');
  assertError(await post({ code: '02', name: '无时限', default_level: 'street' }), 400, 'invalid', 'limit_normal');
  assertError(await post({ ...base, code: '02', default_level: 'compound' }), 400, 'invalid', 'default_level');
  assertError(await post({ ...base, code: '02', default_department_id: ids.shop }), 400, 'invalid', 'default_department_id');
  assertError(await post({ ...base, code: '02', kind: 'thing' }), 400, 'invalid', 'kind');
  assertError(await post({ ...base, code: '0102', parent_id: ids.env, kind: 'component' }), 400, 'invalid', 'kind');
  assertError(await post({ ...base, code: '02', name: '' }), 400, 'invalid', 'name');
  assertError(await post({ ...base, code: '02', shade: 'blue' }), 400, 'invalid', 'shade');
  // street staff may read the tree, not change it
  assertError(await street('POST', '/api/v1/categories', { ...base, code: '02' }), 403, 'forbidden');
  assertError(await street('PATCH', `/api/v1/categories/${ids.env}`, { name: 'x' }), 403, 'forbidden');
  assertError(await resident('GET', '/api/v1/categories'), 403, 'forbidden');
  assert.equal((await grid('GET', '/api/v1/categories?parent=0')).body.items.length, 1, 'nothing was added');
});

test('categories: the CSV import (template, dry run, errors by line and column, all or nothing) and the export', async () => {
  const tpl = await download(server, district, '/api/v1/imports/categories/template');
  assert.equal(tpl.status, 200);
  assert.equal(tpl.buf.toString('utf8').replace(/^\uFEFF/, '').trim(),
    'code,name,parent_code,kind,intake_standard,default_level,default_department,limit_normal,limit_urgent,limit_critical,closure_standard,attributes');
  const header = 'code,name,parent_code,kind,intake_standard,default_level,default_department,limit_normal,limit_urgent,limit_critical,closure_standard\n';
  const good = `${header}`
    + '02,供水供电供气供暖,,事件,停水停电停气停暖,区,区水务局,24h,4wh,2h,恢复供应\n'
    + '0201,停水,02,,"小区或楼栋停水,需说明范围",,,,,,\n'
    + '03,违法建设,,event,,街道,,15d,,,"拆除完毕, 复核"\n';
  const dry = await upload(server, district, '/api/v1/imports/categories?dry_run=true', good);
  assert.equal(dry.status, 200, JSON.stringify(dry.body));
  assert.equal(dry.body.rows, 3);
  assert.equal((await grid('GET', '/api/v1/categories?parent=0')).body.items.length, 1, 'a dry run writes nothing');

  const bad = `${header}`
    + '04,市容秩序,,event,,community,,5d,,,\n'        // 2: good
    + '0401,占道经营,04,,,,,,,,\n'                     // 3: good
    + '0401,重复,04,,,,,,,,\n'                         // 4: code taken
    + '0501,无上级,05,,,,,,,,\n'                       // 5: unknown parent
    + '06,坏时限,,event,,street,,5 d,,,\n'              // 6: limit
    + '07,坏部门,,event,,street,永安商店,5d,,,\n'      // 7: not a department
    + '08,坏层级,,event,,楼栋,,5d,,,\n';               // 8: level
  const res = await upload(server, district, '/api/v1/imports/categories', bad);
  assert.equal(res.status, 422, JSON.stringify(res.body));
  assert.equal(res.body.imported, 0);
  assert.deepEqual(res.body.errors.map((e) => [e.line, e.column]), [
    [4, 'code'], [5, 'parent_code'], [6, 'limit_normal'], [7, 'default_department'], [8, 'default_level'],
  ]);
  assert.equal(res.body.error.field, 'body');
  assert.equal((await grid('GET', '/api/v1/categories?parent=0')).body.items.length, 1, 'nothing half-written');
  // a header naming an unknown column
  assertError(await upload(server, district, '/api/v1/imports/categories', 'code,name,colour\n09,x,red\n'), 400, 'invalid', 'header');
  // street staff hold register.import but not category.manage
  assertError(await upload(server, street, '/api/v1/imports/categories', good), 403, 'forbidden');

  const real = await upload(server, district, '/api/v1/imports/categories', good);
  assert.equal(real.status, 200, JSON.stringify(real.body));
  assert.equal(real.body.imported, 3);
  const tree = (await grid('GET', '/api/v1/categories')).body.items;
  const water = tree.find((c) => c.code === '02');
  assert.equal(water.default_level, 'district');
  assert.equal(water.default_department_id, ids.water);
  assert.equal(water.limit_normal, '24h');
  assert.equal(tree.find((c) => c.code === '0201').intake_standard, '小区或楼栋停水,需说明范围');
  assert.equal(tree.find((c) => c.code === '03').closure_standard, '拆除完毕, 复核');
  ids.waterCat = water.id;
  ids.build = tree.find((c) => c.code === '03').id;

  // the export: the whole tree, inactive ones too, for anyone holding request.read
  const x = await download(server, grid, '/api/v1/exports/categories');
  assert.equal(x.status, 200);
  const rows = xlsxRows(x.buf);
  assert.deepEqual(rows[0].slice(0, 3), ['分类代码', '分类名称', '上级代码']);
  const codes = rows.slice(1).map((r) => r[0]);
  assert.ok(['01', '0101', '010101', '02', '0201', '03'].every((c) => codes.includes(c)), codes.join());
  const w = rows.find((r) => r[0] === '02');
  assert.equal(w[5], '区');
  assert.equal(w[6], '区水务局');
  assertError(await download(server, resident, '/api/v1/exports/categories'), 403, 'forbidden');
});

// --- dispatch rules ----------------------------------------------------------------------

test('dispatch rules: made and removed inside the caller\'s scope only, listed by scope', async () => {
  const cat = ids.env;
  const mine = await ok(await street('POST', '/api/v1/dispatch-rules',
    { category_id: cat, area_id: ids.community, owner_level: 'grid' }), 201, 'street rule');
  assert.equal(mine.area_code, '110105001001');
  assert.equal(mine.owner_level, 'grid');
  assert.equal(mine.owner_unit_id, null);
  assert.equal(mine.priority, 0);
  assertError(await street('POST', '/api/v1/dispatch-rules',
    { category_id: cat, area_id: ids.street2, owner_level: 'community' }), 403, 'forbidden', 'area_id');
  assertError(await street('POST', '/api/v1/dispatch-rules',
    { category_id: cat, area_id: ids.district, owner_level: 'street' }), 403, 'forbidden', 'area_id');
  const theirs = await ok(await district('POST', '/api/v1/dispatch-rules',
    { category_id: ids.build, area_id: ids.district, owner_level: 'street' }), 201, 'district rule');
  const dept = await ok(await district('POST', '/api/v1/dispatch-rules',
    { category_id: ids.waterCat, area_id: ids.street2, owner_unit_id: ids.water, priority: 5 }), 201, 'department rule');
  assert.equal(dept.owner_unit_name, '区水务局');
  assert.equal(dept.owner_level, null);

  // bad rules
  const post = (body) => district('POST', '/api/v1/dispatch-rules', body);
  assertError(await post({ category_id: cat, area_id: ids.community, owner_level: 'grid' }), 409, 'conflict', 'priority');
  assertError(await post({ category_id: cat, area_id: ids.community, owner_level: 'compound' }), 400, 'invalid', 'owner_level');
  assertError(await post({ category_id: cat, area_id: ids.community, owner_level: 'street', priority: 1 }), 400, 'invalid', 'owner_level');
  assertError(await post({ category_id: cat, area_id: ids.community, owner_level: 'grid', owner_unit_id: ids.water, priority: 2 }), 400, 'invalid', 'owner_level');
  assertError(await post({ category_id: cat, area_id: ids.community, priority: 3 }), 400, 'invalid', 'owner_level');
  assertError(await post({ category_id: cat, area_id: ids.community, owner_unit_id: ids.shop, priority: 4 }), 400, 'invalid', 'owner_unit_id');
  assertError(await post({ category_id: 999999, area_id: ids.community, owner_level: 'grid', priority: 5 }), 400, 'invalid', 'category_id');
  assertError(await post({ category_id: cat, area_id: 999999, owner_level: 'grid', priority: 6 }), 400, 'invalid', 'area_id');
  assertError(await grid('POST', '/api/v1/dispatch-rules', { category_id: cat, area_id: ids.grid, owner_level: 'grid' }), 403, 'forbidden');

  // lists follow the scope
  const streetList = (await street('GET', '/api/v1/dispatch-rules')).body.items.map((r) => r.id);
  assert.deepEqual(streetList, [mine.id]);
  const all = (await district('GET', '/api/v1/dispatch-rules')).body.items.map((r) => r.id);
  assert.deepEqual(all.sort(), [mine.id, theirs.id, dept.id].sort());
  const byCat = (await district('GET', `/api/v1/dispatch-rules?category=${ids.build}`)).body.items.map((r) => r.id);
  assert.deepEqual(byCat, [theirs.id]);
  assertError(await street('GET', `/api/v1/dispatch-rules?area=${ids.street2}`), 403, 'forbidden', 'area');
  assert.deepEqual((await grid('GET', '/api/v1/dispatch-rules')).body.items.map((r) => r.id), [mine.id]);

  // removing: inside the scope only
  assertError(await street('DELETE', `/api/v1/dispatch-rules/${theirs.id}`), 403, 'forbidden');
  await ok(await street('DELETE', `/api/v1/dispatch-rules/${mine.id}`), 200, 'delete');
  assertError(await street('DELETE', `/api/v1/dispatch-rules/${mine.id}`), 404, 'not_found');
  const denied = await audit(server, { action: 'access.denied' });
  assert.ok(denied.some((r) => r.object === `dispatch_rule:${theirs.id}`), 'the refused removal is audited');
  assert.equal((await audit(server, { action: 'dispatch_rule.delete' })).length, 1);
});

// --- photos ----------------------------------------------------------------------------

// Minimal images whose headers say their type and size.
const JPEG = Buffer.from([0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, 0x4A, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x00,
  0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0xFF, 0xC0, 0x00, 0x11, 0x08, 0x01, 0xE0, 0x02, 0x80, 0x03, 0x01,
  0x22, 0x00, 0x02, 0x11, 0x01, 0x03, 0x11, 0x01, 0xFF, 0xD9]);
const PNG = Buffer.from([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48,
  0x44, 0x52, 0x00, 0x00, 0x00, 0x20, 0x00, 0x00, 0x00, 0x10, 0x08, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00,
  0x00, 0x00]);
const WEBP = Buffer.concat([Buffer.from('RIFF'), Buffer.from([0x16, 0, 0, 0]), Buffer.from('WEBPVP8X'),
  Buffer.from([0x0A, 0, 0, 0, 0, 0, 0, 0, 0x63, 0, 0, 0x31, 0, 0])]);
const sha = (buf) => createHash('sha256').update(buf).digest('hex');
const photoDir = () => (backend === 'postgres' ? join(server.dir, 'photos') : `${server.db.replace(/^sqlite:/, '')}.photos`);

test('photos: JPEG, PNG and WebP by their bytes; stored under their SHA-256; the same bytes are one photo; read back', async () => {
  for (const [buf, mime, w, h, declared] of [[JPEG, 'image/jpeg', 640, 480, 'image/jpeg'],
    [PNG, 'image/png', 32, 16, 'image/jpeg'], // the declared subtype does not matter: the bytes do
    [WEBP, 'image/webp', 100, 50, 'image/webp']]) {
    const res = await upload(server, grid, '/api/v1/photos', buf, declared);
    assert.equal(res.status, 201, JSON.stringify(res.body));
    assert.equal(res.body.sha256, sha(buf));
    assert.equal(res.body.url, `/api/v1/photos/${sha(buf)}`);
    assert.equal(res.body.mime, mime);
    assert.equal(res.body.bytes, buf.length);
    assert.equal(res.body.width, w);
    assert.equal(res.body.height, h);
    assert.equal(res.body.created, true);
    const file = join(photoDir(), sha(buf).slice(0, 2), sha(buf));
    assert.ok(existsSync(file), `${file} missing`);
    assert.deepEqual(readFileSync(file), buf);
    // read back by anyone holding request.read
    const got = await download(server, street, res.body.url);
    assert.equal(got.status, 200);
    assert.equal(got.headers.get('content-type'), mime);
    assert.equal(got.headers.get('x-content-type-options'), 'nosniff');
    assert.deepEqual(got.buf, buf);
  }
  // again: the same photo, 200 not 201
  const again = await upload(server, street, '/api/v1/photos', JPEG, 'image/jpeg');
  assert.equal(again.status, 200, JSON.stringify(again.body));
  assert.equal(again.body.created, false);
  assert.equal(again.body.sha256, sha(JPEG));
  assert.equal((await audit(server, { action: 'photo.upload' })).length, 3, 'one audit row per new photo');
});

test('photos: forged or foreign bytes are 415 naming the body, a wrong media type 415, past 10 MiB 413, and reading needs request.read', async () => {
  const forged = [Buffer.from('GIF89a\x01\x00\x01\x00\x00\x00\x00;'), Buffer.from('<?php system($_GET[1]); ?>'),
    Buffer.from('%PDF-1.7\n'), Buffer.concat([Buffer.from('RIFF'), Buffer.from([4, 0, 0, 0]), Buffer.from('WAVEfmt ')]),
    PNG.subarray(1)];
  for (const buf of forged)
    assertError(await upload(server, grid, '/api/v1/photos', buf, 'image/png'), 415, 'unsupported_media_type', 'body');
  assertError(await upload(server, grid, '/api/v1/photos', JPEG, 'text/plain'), 415, 'unsupported_media_type', 'content-type');
  assertError(await upload(server, grid, '/api/v1/photos', JPEG, 'application/json'), 415, 'unsupported_media_type', 'content-type');
  assertError(await upload(server, grid, '/api/v1/photos', JPEG, 'image/'), 415, 'unsupported_media_type', 'content-type');
  assertError(await upload(server, grid, '/api/v1/photos', Buffer.alloc(0), 'image/jpeg'), 400, 'invalid', 'body');
  // 10 MiB exactly is taken; one byte more is 413
  const big = Buffer.alloc(10 * 1024 * 1024, 0x20);
  JPEG.copy(big);
  const exact = await upload(server, grid, '/api/v1/photos', big, 'image/jpeg');
  assert.equal(exact.status, 201, JSON.stringify(exact.body));
  // past it: refused from Content-Length, before the body is read
  const { host, port } = hostPort(server);
  const over = await raw(server, `POST /api/v1/photos HTTP/1.1\r\nHost: ${host}:${port}\r\n`
    + `Authorization: Bearer ${server.key}\r\nContent-Type: image/jpeg\r\n`
    + `Content-Length: ${10 * 1024 * 1024 + 1}\r\nConnection: close\r\n\r\n\xff\xd8\xff`, { timeout: 5000 });
  assertError(over, 413, 'too_large', 'body');
  assert.match(JSON.parse(over.body).error.message, /10485760/);
  // reading
  assertError(await download(server, grid, '/api/v1/photos/0000000000000000000000000000000000000000000000000000000000000000'), 404, 'not_found');
  assertError(await download(server, grid, '/api/v1/photos/not-a-hash'), 400, 'invalid', 'sha256');
  assertError(await download(server, grid, `/api/v1/photos/${sha(JPEG).toUpperCase()}`), 400, 'invalid', 'sha256');
  assertError(await download(server, resident, `/api/v1/photos/${sha(JPEG)}`), 403, 'forbidden');
  assertError(await upload(server, resident, '/api/v1/photos', JPEG, 'image/jpeg'), 403, 'forbidden');
  const anon = await fetch(`${server.url}/api/v1/photos/${sha(JPEG)}`);
  assert.equal(anon.status, 401);
});

test('the public report page: the usable categories and a photo upload without login, rate-limited per address', async () => {
  const pub = await fetch(`${server.url}/api/v1/public/categories`);
  assert.equal(pub.status, 200);
  const items = (await pub.json()).items;
  // 010101 was switched off above; every listed one is active and under no inactive class
  const codes = items.map((c) => c.code);
  assert.ok(codes.includes('01') && codes.includes('0101') && codes.includes('02'), codes.join());
  assert.ok(!codes.includes('010101'), 'an inactive category is not offered');
  assert.deepEqual(Object.keys(items[0]).sort(), ['code', 'id', 'name', 'parent_id']);
  // switch a class off: its subclasses go too
  await ok(await district('PATCH', `/api/v1/categories/${ids.waterCat}`, { active: false }), 200, 'off');
  const after = (await (await fetch(`${server.url}/api/v1/public/categories`)).json()).items.map((c) => c.code);
  assert.ok(!after.includes('02') && !after.includes('0201'), after.join());
  await ok(await district('PATCH', `/api/v1/categories/${ids.waterCat}`, { active: true }), 200, 'on');

  const up = (buf, type = 'image/png') => fetch(`${server.url}/api/v1/public/photos`,
    { method: 'POST', body: buf, headers: { 'content-type': type } });
  const first = await up(Buffer.concat([PNG, Buffer.from('public')]));
  assert.equal(first.status, 201);
  const body = await first.json();
  assert.equal(body.mime, 'image/png');
  assert.equal(body.sha256, sha(Buffer.concat([PNG, Buffer.from('public')])));
  const forged = await up(Buffer.from('<svg onload=alert(1)>'), 'image/svg+xml');
  assert.equal(forged.status, 415);
  // 40 an hour per address (two used above)
  let last;
  for (let i = 0; i < 39; i++) last = await up(Buffer.concat([JPEG, Buffer.from(`n${i}`)]), 'image/jpeg');
  assert.equal(last.status, 429);
  assert.equal((await last.json()).error.code, 'rate_limited');
  // staff uploads are not counted against it
  assert.equal((await upload(server, grid, '/api/v1/photos', Buffer.concat([JPEG, Buffer.from('staff')]), 'image/jpeg')).status, 201);
});

// --- notifications -------------------------------------------------------------------------

// Rows as the request lifecycle writes them (it has no route of its own here).
function addNotifications(userId, n, kind = 'dispatched') {
  const values = Array.from({ length: n }, (_, i) =>
    `(${userId}, '${kind}', ${100 + i}, '诉求 ${i} 已派至本单位', '2026-11-2${i % 10}T08:00:00.000Z')`).join(', ');
  const sql = `INSERT INTO notification (user_id, kind, request_id, text, created_at) VALUES ${values}`;
  const r = backend === 'postgres'
    ? spawnSync('psql', [server.db, '-qAtc', sql], { encoding: 'utf8' })
    : spawnSync('sqlite3', [server.db.replace(/^sqlite:/, ''), sql], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
}

test('notifications: each user sees their own, newest first, paged; unread count; read one, read all', async () => {
  assert.deepEqual((await grid('GET', '/api/v1/notifications')).body, { items: [], next: null });
  assert.deepEqual((await grid('GET', '/api/v1/notifications/unread-count')).body, { unread: 0 });
  addNotifications(grid.id, 25);
  addNotifications(street.id, 2, 'overdue');
  assert.equal((await grid('GET', '/api/v1/notifications/unread-count')).body.unread, 25);
  assert.equal((await street('GET', '/api/v1/notifications/unread-count')).body.unread, 2);
  // pages of 10, newest first
  const seen = [];
  let after = '';
  for (let page = 0; page < 5; page++) {
    const page10 = await ok(await grid('GET', `/api/v1/notifications?limit=10${after}`), 200, 'page');
    seen.push(...page10.items.map((x) => x.id));
    if (page10.next === null) break;
    after = `&after=${page10.next}`;
  }
  assert.equal(seen.length, 25);
  assert.deepEqual([...seen].sort((a, b) => b - a), seen, 'newest first');
  assert.equal(new Set(seen).size, 25);
  const first = (await grid('GET', '/api/v1/notifications?limit=1')).body.items[0];
  assert.equal(first.kind, 'dispatched');
  assert.equal(first.read, false);
  assert.equal(first.read_at, null);
  assert.equal(typeof first.request_id, 'number');
  // another user's is not found
  const streetOne = (await street('GET', '/api/v1/notifications')).body.items[0];
  assertError(await grid('POST', `/api/v1/notifications/${streetOne.id}/read`), 404, 'not_found');
  // read one
  assert.deepEqual((await grid('POST', `/api/v1/notifications/${first.id}/read`)).body, { read: true });
  assert.deepEqual((await grid('POST', `/api/v1/notifications/${first.id}/read`)).body, { read: true });
  assert.equal((await grid('GET', '/api/v1/notifications/unread-count')).body.unread, 24);
  const unread = (await grid('GET', '/api/v1/notifications?unread=true&limit=200')).body.items;
  assert.equal(unread.length, 24);
  assert.ok(!unread.some((x) => x.id === first.id));
  const readOne = (await grid('GET', '/api/v1/notifications?limit=1')).body.items[0];
  assert.equal(readOne.read, true);
  assert.match(readOne.read_at, /^\d{4}-\d\d-\d\dT/);
  // read all: the caller's only
  assert.deepEqual((await grid('POST', '/api/v1/notifications/read-all')).body, { marked: 24 });
  assert.equal((await grid('GET', '/api/v1/notifications/unread-count')).body.unread, 0);
  assert.equal((await street('GET', '/api/v1/notifications/unread-count')).body.unread, 2);
  // bad input
  assertError(await grid('GET', '/api/v1/notifications?limit=0'), 400, 'invalid', 'limit');
  assertError(await grid('GET', '/api/v1/notifications?unread=maybe'), 400, 'invalid', 'unread');
  assertError(await grid('POST', '/api/v1/notifications/abc/read'), 400, 'invalid', 'id');
  const anon = await fetch(`${server.url}/api/v1/notifications/unread-count`);
  assert.equal(anon.status, 401);
});
