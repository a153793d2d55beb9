// CSV imports and xlsx exports (docs/API.md "Registers" → "Imports and
// exports"), on the area register: templates, dry runs, all-or-nothing
// imports with every bad row listed by line and column, header, encoding
// (UTF-8 with or without BOM, GBK/GB18030 converted, anything else refused),
// size and media-type refusals, capabilities and scope; exports as real
// .xlsx files holding only the caller's part of the tree.
//
// The trees are built through the API by users this suite creates.
// Runs on SQLite, or on PostgreSQL when LINLI_TEST_PG is set.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, api } from '../lib/server.mjs';
import { assertError, raw, hostPort, stopClean } from './helpers.mjs';
import {
  makeUser, upload, download, audit, auditByRequest, assertXlsx, xlsxStrings,
} from './registers-helpers.mjs';

let server;
let city; // district_staff, scope "*"
const A = '/api/v1/areas';
const IMPORT = '/api/v1/imports/areas';
const COLUMNS = ['code', 'name', 'level', 'kind', 'parent_code', 'valid_from', 'lng', 'lat'];

before(async () => {
  server = await startServer();
  city = await makeUser(server, 'im-city', 'district_staff', '*');
});
after(async () => {
  if (server) await stopClean(server);
});

async function add(body, who = city) {
  const res = await who('POST', A, body);
  assert.equal(res.status, 201, `create ${JSON.stringify(body)}: ${JSON.stringify(res.body)}`);
  return res.body;
}

// The area with exactly this code, as the city sees it, or undefined.
async function byCode(code) {
  const res = await city('GET', `${A}?q=${code}&limit=200`);
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return res.body.items.find((x) => x.code === code);
}

const csv = (who, text, query = '', type = 'text/csv', extra = {}) =>
  upload(server, who && { headers: { ...who.headers, ...extra } }, `${IMPORT}${query}`, text, type);

function assertResult(res, want, what = 'import') {
  assert.equal(res.status, 200, `${what}: ${res.status} ${JSON.stringify(res.body).slice(0, 1000)}`);
  const { register, dry_run: dry, rows, imported, error_count: n, errors, converted_from: conv } = res.body;
  assert.deepEqual({ register, dry, rows, imported, n, errors, conv },
    { register: 'areas', dry: want.dry, rows: want.rows, imported: want.dry ? 0 : want.rows, n: 0, errors: [], conv: want.conv ?? null },
    what);
}

// --- templates -----------------------------------------------------------------------------

test('the template is the header the import expects, as UTF-8 CSV with a BOM', async () => {
  const res = await download(server, city, `${IMPORT}/template`);
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('content-type'), 'text/csv; charset=utf-8');
  assert.match(res.headers.get('content-disposition'), /^attachment;.*filename\*=UTF-8''areas-template\.csv/);
  assert.deepEqual([...res.buf.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'no UTF-8 BOM (Excel would read it as GBK)');
  assert.equal(res.buf.subarray(3).toString('utf8'), `${COLUMNS.join(',')}\r\n`);
  // the template imports as an empty file: zero rows, nothing wrong
  const empty = await csv(city, res.buf, '?dry_run=true');
  assertResult(empty, { dry: true, rows: 0 }, 'the template itself');
  assertError(await city('GET', '/api/v1/imports/planets/template'), 400, 'invalid', 'register');
  const gw = await makeUser(server, 'im-tpl-gw', 'grid_worker', '120199');
  assertError(await gw('GET', `${IMPORT}/template`), 403, 'forbidden');
  assertError(await api(server, 'GET', `${IMPORT}/template`), 403, 'forbidden');
});

// --- good files ------------------------------------------------------------------------------

test('a dry run of a good file answers 200 and writes nothing; the real run writes every row', async () => {
  const d = await add({ code: '120101', name: '和平区' });
  // BOM, CRLF, columns in another order, optional ones left out or empty,
  // a quoted name with a comma and a quote, blank lines, parents before children
  const text = '\uFEFFname,code,level,valid_from,kind,lng,lat\r\n' +
    '劝业场街道,120101001,,2026-01-01,,,\r\n' +
    '"新华路社区, 南区",120101001001,community,,,,\r\n' +
    '"第一""网格""",120101001001001,,,dedicated,117.2,39.1\r\n' +
    '\r\n' +
    '  第二网格  ,120101001001002,grid,,,,\r\n' +
    '\r\n';
  const before = (await city('GET', `${A}/${d.id}/children`)).body.items.length;
  const dry = await csv(city, text, '?dry_run=true', 'text/csv', { 'x-request-id': 'im-dry-1' });
  assertResult(dry, { dry: true, rows: 4 }, 'dry run');
  assert.equal((await city('GET', `${A}/${d.id}/children`)).body.items.length, before, 'the dry run wrote a street');
  for (const code of ['120101001', '120101001001', '120101001001001']) assert.equal(await byCode(code), undefined, `${code} written by a dry run`);
  assert.equal((await audit(server, { action: 'register.import' })).length, 0, 'a dry run left a register.import row');

  const real = await csv(city, text, '', 'text/csv', { 'x-request-id': 'im-real-1' });
  assertResult(real, { dry: false, rows: 4 }, 'import');
  const s = await byCode('120101001');
  assert.deepEqual([s.name, s.level, s.parent_id, s.valid_from], ['劝业场街道', 'street', d.id, '2026-01-01']);
  const c = await byCode('120101001001');
  assert.deepEqual([c.name, c.level, c.parent_id], ['新华路社区, 南区', 'community', s.id]);
  const g1 = await byCode('120101001001001');
  assert.deepEqual([g1.name, g1.level, g1.kind, g1.lng, g1.lat], ['第一"网格"', 'grid', 'dedicated', 117.2, 39.1]);
  const g2 = await byCode('120101001001002');
  assert.deepEqual([g2.name, g2.kind], ['第二网格', 'basic'], 'unquoted fields are trimmed; a grid is basic by default');
  const h = (await city('GET', `${A}/${g1.id}/history`)).body.items;
  assert.equal(h[0].action, 'create');
  assert.equal(h[0].user_id, city.id);
  const row = await auditByRequest(server, 'im-real-1', 'register.import');
  assert.ok(row, 'no register.import audit row');
  assert.equal(row.user, 'im-city');
  assert.equal(row.object, 'register:areas');
  assert.match(row.detail, /\b4 rows\b/);
  // a second import of the same file: every row is now a duplicate
  const again = await csv(city, text);
  assert.equal(again.status, 422);
  assert.deepEqual(again.body.errors.map((e) => [e.line, e.column]), [[2, 'code'], [3, 'code'], [4, 'code'], [6, 'code']]);
});

test('text/csv with a charset parameter is accepted; a district row needs a city-wide scope', async () => {
  const res = await csv(city, 'code,name\n120102,河西区\n', '', 'text/csv; charset=utf-8');
  assertResult(res, { dry: false, rows: 1 });
  assert.equal((await byCode('120102')).level, 'district');
  const st = await makeUser(server, 'im-st-102', 'street_staff', '120102001');
  const r2 = await csv(st, 'code,name\n120103,南开区\n');
  assert.equal(r2.status, 422, JSON.stringify(r2.body));
  assert.equal(r2.body.errors.length, 1);
  assert.equal(r2.body.errors[0].line, 2);
  assert.equal(await byCode('120103'), undefined);
});

// --- bad rows ---------------------------------------------------------------------------------

test('a file with several bad rows is 422 listing line, column and reason for each; nothing is written', async () => {
  const d = await add({ code: '120104', name: '河东区' });
  const s = await add({ parent_id: d.id, name: '大王庄街道' });
  const text = [
    'code,name,level,kind,parent_code,valid_from,lng,lat',
    '120104002,好的街道,,,,,,', // 2: good
    '12010,编码太短,,,,,,', // 3: code
    '120104003001,父编码不符,,,120104002,,,', // 4: parent_code
    `${s.code},重复编码,,,,,,`, // 5: code (taken)
    '120104004,未知层级,planet,,,,,', // 6: level
    '120104005,,,,,,,', // 7: name
    '120104006,日期错,,,,2026-13-01,,', // 8: valid_from
    '120104007,经度错,,,,,abc,39', // 9: lng
    '120104009001001,父级不存在,,,,,,', // 10: parent_code (no 120104009001)
    '120104002,同一文件重复,,,,,,', // 11: code (line 2's)
    '120104008,社区不是类型,,basic,,,,', // 12: kind
    '120104010,纬度错,,,,,117,north', // 13: lat
  ].join('\n') + '\n';
  const want = [[3, 'code'], [4, 'parent_code'], [5, 'code'], [6, 'level'], [7, 'name'], [8, 'valid_from'],
    [9, 'lng'], [10, 'parent_code'], [11, 'code'], [12, 'kind'], [13, 'lat']];
  for (const dry of [true, false]) {
    const res = await csv(city, text, dry ? '?dry_run=true' : '');
    assert.equal(res.status, 422, JSON.stringify(res.body).slice(0, 500));
    assert.equal(res.body.error?.code, 'unprocessable');
    assert.equal(res.body.error?.field, 'body');
    assert.match(res.body.error.message, /11 of 12 rows/);
    assert.equal(res.body.register, 'areas');
    assert.equal(res.body.dry_run, dry);
    assert.equal(res.body.rows, 12);
    assert.equal(res.body.error_count, want.length);
    assert.deepEqual(res.body.errors.map((e) => [e.line, e.column]), want, JSON.stringify(res.body.errors, null, 1));
    for (const e of res.body.errors) {
      assert.deepEqual(Object.keys(e).sort(), ['column', 'line', 'reason']);
      assert.ok(typeof e.reason === 'string' && e.reason.length > 0, JSON.stringify(e));
    }
    assert.match(res.body.errors[0].reason, /length/);
    assert.match(res.body.errors[1].reason, /120104002.*120104003|disagrees/);
    assert.match(res.body.errors[2].reason, /taken/);
    assert.match(res.body.errors[7].reason, /120104009001/);
    // all or nothing: not even the good row
    assert.equal(await byCode('120104002'), undefined, `${dry ? 'dry run' : 'import'}: the good row was written`);
  }
  assert.deepEqual((await city('GET', `${A}/${d.id}/children`)).body.items.map((x) => x.id), [s.id]);
});

test('a refused import reports 0 rows imported, since none was written', async () => {
  await add({ code: '120114', name: '蓟州区' });
  const res = await csv(city, 'code,name\n120114001,好的街道\n120114002,好的街道二\n12011,坏的\n');
  assert.equal(res.status, 422, JSON.stringify(res.body));
  assert.equal(await byCode('120114001'), undefined);
  assert.equal(res.body.imported, 0, `the 422 answer says ${res.body.imported} rows were imported; none was`);
});

test('a point out of range in an import names the column at fault', async () => {
  await add({ code: '120115', name: '静海区' });
  const res = await csv(city, 'code,name,lng,lat\n120115001,纬度越界,117,95\n120115002,经度越界,181,39\n');
  assert.equal(res.status, 422, JSON.stringify(res.body));
  assert.deepEqual(res.body.errors.map((e) => [e.line, e.column]), [[2, 'lat'], [3, 'lng']], JSON.stringify(res.body.errors));
});

test('a file that breaks part way (unclosed quote, wrong field count) is 422 naming the line; nothing is written', async () => {
  await add({ code: '120105', name: '红桥区' });
  const cases = [
    ['code,name\n120105001,好\n120105002,"没有结束\n120105003,好\n', 3, /quote/],
    ['code,name\n120105001,好\n120105002,多,一列\n', 3, /expected 2 fields, found 3/],
    ['code,name\n120105001,好\n120105002\n', 3, /expected 2 fields, found 1/],
  ];
  for (const [text, line, re] of cases) {
    const res = await csv(city, text);
    assert.equal(res.status, 422, JSON.stringify(res.body));
    const e = res.body.errors.at(-1);
    assert.equal(e.line, line, JSON.stringify(res.body.errors));
    assert.equal(e.column, null);
    assert.match(e.reason, re);
    assert.equal(await byCode('120105001'), undefined);
  }
});

test('rows outside the caller\'s scope are refused row by row, and the file is not written', async () => {
  const d = await add({ code: '120106', name: '北辰区' });
  const mine = await add({ parent_id: d.id, name: '本街道' });
  const theirs = await add({ parent_id: d.id, name: '他街道' });
  const st = await makeUser(server, 'im-st-106', 'street_staff', mine.code);
  const text = `code,name\n${mine.code}001,本街道社区\n${theirs.code}001,他街道社区\n`;
  const res = await csv(st, text);
  assert.equal(res.status, 422, JSON.stringify(res.body));
  assert.deepEqual(res.body.errors.map((e) => [e.line, e.column]), [[3, 'parent_code']]);
  assert.match(res.body.errors[0].reason, /scope/);
  assert.equal(await byCode(`${mine.code}001`), undefined);
  // its own rows alone go in
  assertResult(await csv(st, `code,name\n${mine.code}001,本街道社区\n`), { dry: false, rows: 1 });
});

// --- bad files ---------------------------------------------------------------------------------

test('a wrong header is 400 naming the column', async () => {
  const cases = [
    ['code,nam\n120107,x\n', /"nam"/],
    ['code,name,colour\n120107,x,red\n', /"colour"/],
    ['code\n120107\n', /missing column "name"/],
    ['name\nx\n', /missing column "code"/],
    ['code,name,code\n1,2,3\n', /"code" appears twice/],
    ['code,,name\n1,2,3\n', /column 2 has no name/],
    ['Code,Name\n120107,x\n', /"Code"/],
  ];
  for (const [text, re] of cases) assertError(await csv(city, text), 400, 'invalid', 'header', re);
  for (const text of ['', '\uFEFF', '\n\n']) {
    const res = await csv(city, text);
    assertError(res, 400, 'invalid', text === '' ? 'body' : undefined);
  }
  assert.equal(await byCode('120107'), undefined);
});

// "社区二网格" in GBK, and the same text as UTF-8, in a file with CRLF line ends
const GBK_NAME = Buffer.from([0xc9, 0xe7, 0xc7, 0xf8, 0xb6, 0xfe, 0xcd, 0xf8, 0xb8, 0xf1]);

test('a GBK file is converted (converted_from "GB18030"); a file in neither encoding is 400', async () => {
  const d = await add({ code: '120108', name: '西青区' });
  const s = await add({ parent_id: d.id, name: '街道' });
  const c = await add({ parent_id: s.id, name: '社区' });
  const file = Buffer.concat([Buffer.from(`code,name\r\n${c.code}001,`), GBK_NAME, Buffer.from('\r\n')]);
  const dry = await csv(city, file, '?dry_run=true');
  assertResult(dry, { dry: true, rows: 1, conv: 'GB18030' }, 'GBK dry run');
  const res = await csv(city, file);
  assertResult(res, { dry: false, rows: 1, conv: 'GB18030' }, 'GBK import');
  assert.equal((await byCode(`${c.code}001`)).name, '社区二网格');
  // a GBK header row with an unknown (Chinese) column is named in UTF-8
  const hdr = await csv(city, Buffer.concat([Buffer.from('code,'), GBK_NAME, Buffer.from('\n1,2\n')]));
  assertError(hdr, 400, 'invalid', 'header', /社区二网格/);
  // UTF-8 says so
  const utf8 = await csv(city, `code,name\n${c.code}002,社区二网格\n`, '?dry_run=true');
  assertResult(utf8, { dry: true, rows: 1 }, 'UTF-8');

  const bad = [
    ['bytes that are neither UTF-8 nor GB18030', Buffer.concat([Buffer.from(`code,name\n${c.code}003,`), Buffer.from([0xff, 0xff, 0xff]), Buffer.from('\n')]), /line 2.*neither UTF-8 nor GB18030/],
    ['UTF-16', Buffer.from('\uFEFFcode,name\n', 'utf16le'), /UTF-16/],
    ['a spreadsheet', Buffer.concat([Buffer.from('PK\x03\x04'), Buffer.alloc(20, 1)]), /spreadsheet/],
    ['a NUL byte', Buffer.from(`code,name\n${c.code}003,a\0b\n`), /NUL/],
    ['UTF-8 damaged after plenty of UTF-8', Buffer.concat([Buffer.from(`code,name\n${c.code}003,社区社区社区`), Buffer.from([0xc0]), Buffer.from('\n')]), /not UTF-8/],
  ];
  for (const [what, buf, re] of bad) {
    const r = await csv(city, buf);
    assert.equal(r.status, 400, `${what}: ${r.status} ${JSON.stringify(r.body)}`);
    assertError(r, 400, 'invalid', undefined, re);
  }
  assert.equal(await byCode(`${c.code}003`), undefined);
});

test('a file over the row limit (1,000,000 rows) is refused as too large', async () => {
  // 1,000,001 short rows: about 4 MB, well under the 64 MiB upload limit
  const body = `code,name\n${'1,x\n'.repeat(1000001)}`;
  const res = await csv(city, body, '?dry_run=true');
  const seen = `${res.status} error=${JSON.stringify(res.body.error)} error_count=${res.body.error_count} ` +
    `errors listed=${res.body.errors?.length} last listed=${JSON.stringify(res.body.errors?.at(-1))}`;
  assert.equal(res.status, 413, seen);
  assert.equal(res.body.error.code, 'too_large', seen);
  assert.match(res.body.error.message, /1000000 rows/, seen);
});

test('a declared body over 64 MiB is 413 without being read; a wrong media type is 415', async () => {
  const { host, port } = hostPort(server);
  const head = (len, type = 'text/csv') => `POST ${IMPORT} HTTP/1.1\r\nHost: ${host}:${port}\r\n` +
    `Authorization: Bearer ${server.key}\r\nContent-Type: ${type}\r\nContent-Length: ${len}\r\nConnection: close\r\n\r\n`;
  const over = await raw(server, `${head(64 * 1024 * 1024 + 1)}code,name\n`, { timeout: 5000 });
  assertError(over, 413, 'too_large', 'body');
  assert.match(JSON.parse(over.body).error.message, /67108864/);
  // the same declared size on a JSON route is refused too (1 MiB there)
  for (const type of ['application/json', 'text/plain', 'application/vnd.ms-excel', 'text/csvx']) {
    assertError(await csv(city, 'code,name\n', '', type), 415, 'unsupported_media_type', 'content-type');
  }
  assertError(await csv(city, 'code,name\n', '', null), 415, 'unsupported_media_type', 'content-type');
  // an empty body
  assertError(await csv(city, ''), 400, 'invalid', 'body');
  // query parameters are checked
  assertError(await csv(city, 'code,name\n', '?dry_run=maybe'), 400, 'invalid', 'dry_run');
  assertError(await csv(city, 'code,name\n', '?force=true'), 400, 'invalid', 'force');
  assertError(await upload(server, city, '/api/v1/imports/planets', 'code,name\n'), 400, 'invalid', 'register');
});

test('an import needs register.import and the register\'s own manage capability; a session needs its CSRF token', async () => {
  const text = 'code,name\n120109,东丽区\n';
  // the tester (administrators) holds neither
  const t = await upload(server, { headers: { authorization: `Bearer ${server.key}`, 'x-request-id': 'im-denied-1' } }, IMPORT, text);
  assertError(t, 403, 'forbidden');
  const row = await auditByRequest(server, 'im-denied-1', 'access.denied');
  assert.ok(row, 'no access.denied row');
  assert.equal(row.detail, 'register.import');
  // a grid worker manages people but imports nothing
  const gw = await makeUser(server, 'im-gw', 'grid_worker', '120109');
  assertError(await csv(gw, text), 403, 'forbidden');
  // a role with register.import but not area.manage
  const role = await api(server, 'POST', '/api/v1/roles', { id: 'importer_only', name: '只会导入', capabilities: ['register.import', 'area.read'] });
  assert.equal(role.status, 201, JSON.stringify(role.body));
  const imp = await makeUser(server, 'im-importer', 'importer_only', '*');
  const r = await csv(imp, text, '', 'text/csv', { 'x-request-id': 'im-denied-2' });
  assertError(r, 403, 'forbidden', undefined, /area\.manage/);
  assert.equal((await auditByRequest(server, 'im-denied-2', 'access.denied'))?.detail, 'area.manage');
  // anonymous: 401
  assertError(await upload(server, { headers: {} }, IMPORT, text), 401, 'unauthorized');
  // a session without its CSRF token
  const noCsrf = await upload(server, { headers: { cookie: city.headers.cookie } }, IMPORT, text);
  assertError(noCsrf, 403, 'forbidden', 'x-csrf-token');
  assert.equal(await byCode('120109'), undefined);
});

// --- exports -----------------------------------------------------------------------------------

test('an export is an .xlsx of the caller\'s part of the tree only', async () => {
  const d = await add({ code: '120110', name: '津南区' });
  const s1 = await add({ parent_id: d.id, name: '咸水沽镇' });
  const s2 = await add({ parent_id: d.id, name: '双港镇' });
  const c1 = await add({ parent_id: s1.id, name: '欣苑社区' });
  const g1 = await add({ parent_id: c1.id, name: '欣苑一网格', kind: 'dedicated', lng: 117.38, lat: 38.98 });
  const c2 = await add({ parent_id: s2.id, name: '双港社区' });
  const closed = await add({ parent_id: c1.id, name: '撤销的网格' });
  assert.equal((await city('POST', `${A}/${closed.id}/close`, { valid_to: '2099-12-31' })).status, 200);
  await add({ code: '120111', name: '别的区' });
  const st = await makeUser(server, 'im-exp-st', 'street_staff', s1.code);

  const res = await download(server, st, '/api/v1/exports/areas');
  const rows = assertXlsx(res, 'street export');
  assert.match(res.headers.get('content-disposition'), /filename\*=UTF-8''%E5%8C%BA%E5%9F%9F%E7%BD%91%E6%A0%BC\.xlsx/, '区域网格.xlsx');
  assert.deepEqual(rows[0], ['编码', '名称', '层级', '类型', '生效日期', '撤销日期', '经度', '纬度']);
  assert.deepEqual(rows.slice(1).map((r) => r[0]), [s1.code, c1.code, g1.code, closed.code]);
  const grid = rows.find((r) => r[0] === g1.code);
  assert.deepEqual(grid.slice(1, 4), ['欣苑一网格', '网格', '专属网格']);
  assert.equal(Number(grid[6]), 117.38);
  assert.equal(rows.find((r) => r[0] === closed.code)[5], '2099-12-31');
  const cells = new Set(xlsxStrings(res.buf));
  for (const outside of [d.code, '津南区', s2.code, '双港镇', c2.code, '双港社区', '120111', '别的区'])
    assert.ok(!cells.has(outside), `the street's export holds ${outside}, outside its scope`);

  // ?area= narrows to a subtree inside the scope
  const sub = assertXlsx(await download(server, st, `/api/v1/exports/areas?area=${c1.id}`), 'community export');
  assert.deepEqual(sub.slice(1).map((r) => r[0]), [c1.code, g1.code, closed.code]);
  // outside the scope: 403 with an audit row; unknown: 400
  const out = await download(server, { headers: { ...st.headers, 'x-request-id': 'im-exp-denied' } }, `/api/v1/exports/areas?area=${s2.id}`);
  assertError({ ...out, body: out.body }, 403, 'forbidden', 'area');
  assert.ok(await auditByRequest(server, 'im-exp-denied', 'access.denied'), 'no access.denied row');
  assertError(await download(server, st, '/api/v1/exports/areas?area=987654321'), 400, 'invalid', 'area');
  assertError(await download(server, st, '/api/v1/exports/areas?area=x'), 400, 'invalid', 'area');
  assertError(await download(server, st, '/api/v1/exports/planets'), 400, 'invalid', 'register');

  // the city sees every district; the export is audited
  const all = assertXlsx(await download(server, { headers: { ...city.headers, 'x-request-id': 'im-exp-city' } }, '/api/v1/exports/areas'), 'city export');
  const codes = all.slice(1).map((r) => r[0]);
  for (const code of [d.code, s2.code, c2.code, '120111']) assert.ok(codes.includes(code), code);
  assert.deepEqual(codes, [...codes].sort(), 'rows in code order');
  const row = await auditByRequest(server, 'im-exp-city', 'register.export');
  assert.ok(row, 'no register.export row');
  assert.equal(row.object, 'register:areas');

  // without area.read: 403 and an audit row; anonymous: 401
  const t = await download(server, { headers: { authorization: `Bearer ${server.key}`, 'x-request-id': 'im-exp-tester' } }, '/api/v1/exports/areas');
  assertError(t, 403, 'forbidden');
  assert.equal((await auditByRequest(server, 'im-exp-tester', 'access.denied'))?.detail, 'area.read');
  assertError(await download(server, { headers: {} }, '/api/v1/exports/areas'), 401, 'unauthorized');
});

test('an export imports back: the same codes and names', async () => {
  const d = await add({ code: '120112', name: '宁河区' });
  const s = await add({ parent_id: d.id, name: '芦台街道' });
  const c = await add({ parent_id: s.id, name: '"引号", 与逗号社区' });
  await add({ parent_id: c.id, name: '网格' });
  const rows = assertXlsx(await download(server, city, `/api/v1/exports/areas?area=${s.id}`));
  const body = ['code,name', ...rows.slice(1).map((r) => `${r[0]},"${r[1].replace(/"/g, '""')}"`)].join('\n');
  const moved = body.replace(/120112/g, '120113');
  await add({ code: '120113', name: '宝坻区' });
  const res = await csv(city, moved);
  assertResult(res, { dry: false, rows: 3 });
  assert.equal((await byCode('120113001001')).name, '"引号", 与逗号社区');
});
