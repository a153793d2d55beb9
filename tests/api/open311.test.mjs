// Open311 GeoReport v2 at /open311/v2 (docs/INTEGRATION.md): discovery,
// services and their attribute definitions, filing with a linli API key
// (form-encoded, attribute[code] and attribute[code][]), GET requests with
// the spec's filters, one request, tokens, and FixMyStreet's
// servicerequestupdates, each in JSON and XML; the JSON answers validated
// against the Open311 community's schemas (../shared/open311-schemas). The
// refusals each assert the status and the spec's error array. The full
// loop: filed through Open311, handled through /api/v1, followed through
// Open311. SQLite, or PostgreSQL when LINLI_TEST_PG is set.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { startServer, api, root } from '../lib/server.mjs';
import { stopClean } from './helpers.mjs';
import { makeUser, square, upload, download, xlsxRows } from './registers-helpers.mjs';

const O = '/open311/v2';
const G1 = [116.45, 39.91]; // inside grid 1
let server;
const u = {}; // callers (sessions)
const keys = {}; // API keys
const ids = {};

// --- the community's schemas -----------------------------------------------------------------

const schemaDir = [join(root, '../shared/open311-schemas'), '/work/shared/open311-schemas']
  .find((d) => existsSync(join(d, 'request.json')));
const ajv = new Ajv({ allErrors: true, strict: false });
addFormats(ajv);
for (const name of ['request', 'requests', 'service', 'services', 'service-definition'])
  ajv.addSchema(JSON.parse(readFileSync(join(schemaDir, `${name}.json`), 'utf8')), `${name}.json`);
function valid(schema, body) {
  const check = ajv.getSchema(`${schema}.json`);
  assert.ok(check(body), `${schema}: ${JSON.stringify(check.errors)} in ${JSON.stringify(body).slice(0, 600)}`);
  return body;
}

// --- calling --------------------------------------------------------------------------------------

const get = (path) => api(server, 'GET', `${O}${path}`, undefined, { authorization: null });
const form = (fields) => {
  const p = new URLSearchParams();
  for (const [k, v] of fields) p.append(k, v);
  return p.toString();
};
// POST requests.{fmt} with fields as [name, value] pairs (names may repeat)
const post = (fields, fmt = 'json') => api(server, 'POST', `${O}/requests.${fmt}`, form(fields),
  { authorization: null, 'content-type': 'application/x-www-form-urlencoded' });

async function ok(res, status, what) {
  assert.equal(res.status, status, `${what}: ${res.status} ${typeof res.body === 'string' ? res.body : JSON.stringify(res.body)}`);
  return res.body;
}

// The spec's error answer: [{"code": status, "description": …}], or <errors><error>.
function assertO311Error(res, status, re, fmt = 'json') {
  assert.equal(res.status, status, `want ${status}: ${res.status} ${JSON.stringify(res.body)}`);
  if (fmt === 'xml') {
    assert.match(res.headers.get('content-type'), /^text\/xml/);
    const m = String(res.body).match(/^<\?xml[^>]*\?>\s*<errors><error><code>(\d+)<\/code><description>([^<]*)<\/description><\/error><\/errors>\s*$/);
    assert.ok(m, `an XML error array: ${res.body}`);
    assert.equal(Number(m[1]), status);
    if (re) assert.match(m[2], re);
    return;
  }
  assert.match(res.headers.get('content-type'), /^application\/json/);
  assert.ok(Array.isArray(res.body) && res.body.length === 1, `an error array: ${JSON.stringify(res.body)}`);
  assert.deepEqual(Object.keys(res.body[0]).sort(), ['code', 'description']);
  assert.equal(res.body[0].code, status);
  assert.equal(typeof res.body[0].description, 'string');
  if (re) assert.match(res.body[0].description, re);
}

const base = () => [['api_key', keys.hotline], ['service_code', '0101'], ['lat', String(G1[1])],
  ['long', String(G1[0])], ['attribute[size]', 'large']];

before(async () => {
  server = await startServer();
  u.admin = await makeUser(server, 'o3-admin', 'district_staff', '*');
  const area = async (body) => ok(await u.admin('POST', '/api/v1/areas', body), 201, body.name);
  ids.district = (await area({ code: '110105', name: '朝阳区' })).id;
  ids.street = (await area({ parent_id: ids.district, code: '110105001', name: '建外街道' })).id;
  ids.street2 = (await area({ parent_id: ids.district, code: '110105002', name: '朝外街道' })).id;
  ids.community = (await area({ parent_id: ids.street, code: '110105001001', name: '永安里社区' })).id;
  const g1 = await area({ parent_id: ids.community, name: '一网格' });
  ids.g1 = g1.id;
  ids.g1code = g1.code;
  await ok(await u.admin('PUT', `/api/v1/areas/${ids.g1}/boundary`, {
    geometry: { type: 'Polygon', coordinates: [square(G1[0] - 0.01, G1[1] - 0.01, G1[0] + 0.01, G1[1] + 0.01)] },
  }), 200, 'boundary');
  const cat = async (body) => (await ok(await u.admin('POST', '/api/v1/categories', body), 201, body.name)).id;
  ids.env = await cat({ code: '01', name: '市容环境', default_level: 'community', limit_normal: '5d' });
  ids.road = await cat({
    code: '0101', name: '道路破损', parent_id: ids.env, intake_standard: '路面坑洼、破损',
    attributes: [
      { code: 'size', datatype: 'singlevaluelist', required: true, description: '破损面积', order: 1,
        values: [{ key: 'small', name: '小于1平方米' }, { key: 'large', name: '1平方米以上' }] },
      { code: 'hazards', datatype: 'multivaluelist', description: '危险',
        values: [{ key: 'cars', name: '影响行车' }, { key: 'people', name: '影响行人' }] },
      { code: 'depth_cm', datatype: 'number', datatype_description: '厘米' },
      { code: 'seen_at', datatype: 'datetime' },
      { code: 'info', datatype: 'text', variable: false, description: '请拍照上传' },
    ],
  });
  ids.garbage = await cat({ code: '0102', name: '垃圾清运', parent_id: ids.env });
  ids.lamp = await cat({ code: '02', name: '路灯', default_level: 'street', limit_normal: '3d' });
  u.hotline = await makeUser(server, 'o3-hotline', 'hotline_operator', '110105');
  u.community = await makeUser(server, 'o3-community', 'community_staff', '110105001001');
  u.grid = await makeUser(server, 'o3-grid', 'grid_worker', ids.g1code);
  u.outside = await makeUser(server, 'o3-outside', 'hotline_operator', '110105002');
  u.resident = await makeUser(server, 'o3-resident', 'resident', '110105001001');
  const key = async (caller, name) => (await ok(await api(server, 'POST', '/api/v1/api-keys',
    { name, user_id: caller.id }), 201, `key ${name}`)).key;
  keys.hotline = await key(u.hotline, '12345 中心');
  keys.outside = await key(u.outside, '朝外 12345');
  keys.resident = await key(u.resident, '居民');
  const revoked = await ok(await api(server, 'POST', '/api/v1/api-keys', { name: '作废', user_id: u.hotline.id }), 201, 'key');
  keys.revoked = revoked.key;
  await ok(await api(server, 'DELETE', `/api/v1/api-keys/${revoked.id}`), 200, 'revoke');
});
after(async () => {
  if (server) await stopClean(server);
});

// --- discovery and services ---------------------------------------------------------------------

test('discovery: the endpoint, its formats and where keys come from, in JSON and XML', async () => {
  const d = await ok(await get('/discovery.json'), 200, 'discovery');
  assert.equal(d.endpoints.length, 1);
  assert.equal(d.endpoints[0].specification, 'http://wiki.open311.org/GeoReport_v2');
  assert.equal(d.endpoints[0].url, `${server.url}/open311/v2`);
  assert.deepEqual(d.endpoints[0].formats, ['application/json', 'text/xml']);
  assert.match(d.changeset, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  const x = await get('/discovery.xml');
  assert.equal(x.status, 200);
  assert.match(x.headers.get('content-type'), /^text\/xml/);
  assert.match(x.body, /^<\?xml version="1.0" encoding="utf-8"\?>\n<discovery>/);
  assert.match(x.body, /<endpoints><endpoint><specification>http:\/\/wiki.open311.org\/GeoReport_v2<\/specification>/);
  assert.match(x.body, /<formats><format>application\/json<\/format><format>text\/xml<\/format><\/formats>/);
});

test('services: the leaf categories, metadata where a category has attributes, group the parent class', async () => {
  const list = valid('services', await ok(await get('/services.json'), 200, 'services'));
  const by = Object.fromEntries(list.map((s) => [s.service_code, s]));
  assert.deepEqual(Object.keys(by).sort(), ['0101', '0102', '02']); // 01 is a class, not a service
  assert.deepEqual(by['0101'], {
    service_code: '0101', service_name: '道路破损', description: '路面坑洼、破损', metadata: true,
    type: 'realtime', keywords: '市容环境,道路破损', group: '市容环境',
  });
  assert.equal(by['0102'].metadata, false);
  assert.equal(by['02'].group, null);
  const x = await get('/services.xml');
  assert.equal(x.status, 200);
  assert.match(x.body, /<services><service><service_code>0101<\/service_code><service_name>道路破损<\/service_name>/);
  assert.match(x.body, /<metadata>true<\/metadata><type>realtime<\/type>/);
  assert.match(x.body, /<group\/>/);
});

test('services/{code}: the attribute definitions; an unknown or non-leaf code is 404', async () => {
  const d = valid('service-definition', await ok(await get('/services/0101.json'), 200, 'definition'));
  assert.equal(d.service_code, '0101');
  assert.deepEqual(d.attributes.map((a) => [a.code, a.datatype, a.required, a.variable, a.order]), [
    ['size', 'singlevaluelist', true, true, 1], ['hazards', 'multivaluelist', false, true, 2],
    ['depth_cm', 'number', false, true, 3], ['seen_at', 'datetime', false, true, 4],
    ['info', 'text', false, false, 5]]);
  assert.deepEqual(d.attributes[0].values, [{ key: 'small', name: '小于1平方米' }, { key: 'large', name: '1平方米以上' }]);
  assert.equal(d.attributes[2].datatype_description, '厘米');
  const none = valid('service-definition', await ok(await get('/services/0102.json'), 200, 'no attributes'));
  assert.deepEqual(none.attributes, []);
  const x = await get('/services/0101.xml');
  assert.equal(x.status, 200);
  assert.match(x.body, /<service_definition><service_code>0101<\/service_code><attributes><attribute><variable>true<\/variable><code>size<\/code>/);
  assert.match(x.body, /<values><value><key>small<\/key><name>小于1平方米<\/name><\/value>/);
  assertO311Error(await get('/services/9999.json'), 404, /service_code/);
  assertO311Error(await get('/services/9999.xml'), 404, /service_code/, 'xml');
  assertO311Error(await get('/services/01.json'), 404); // a class, not a service
});

test('category attributes: definitions are checked where categories are edited', async () => {
  const patch = (attributes) => u.admin('PATCH', `/api/v1/categories/${ids.garbage}`, { attributes });
  const bad = [
    [{ code: 'a', datatype: 'singlevaluelist' }, /values/],
    [{ code: 'a', datatype: 'colour' }, /datatype/],
    [{ code: 'a b', datatype: 'string' }, /code/],
    [{ code: 'a', datatype: 'string', values: [{ key: 'x', name: 'y' }] }, /values/],
    [{ code: 'a', datatype: 'string', extra: 1 }, /unknown member/],
    [{ code: 'a', datatype: 'string', required: 'yes' }, /required/],
  ];
  for (const [def, re] of bad) {
    const res = await patch([def]);
    assert.equal(res.status, 400, JSON.stringify(def));
    assert.equal(res.body.error.field, 'attributes');
    assert.match(res.body.error.message, re);
  }
  const dup = await patch([{ code: 'a', datatype: 'string' }, { code: 'a', datatype: 'number' }]);
  assert.equal(dup.status, 400);
  const set = await ok(await patch([{ code: 'bags', datatype: 'number', required: true }]), 200, 'set');
  assert.deepEqual(set.attributes, [{ variable: true, code: 'bags', datatype: 'number', required: true,
    order: 1, datatype_description: null, description: null }]);
  let svc = (await get('/services.json')).body.find((s) => s.service_code === '0102');
  assert.equal(svc.metadata, true);
  const cleared = await ok(await patch([]), 200, 'clear');
  assert.equal(cleared.attributes, null);
  svc = (await get('/services.json')).body.find((s) => s.service_code === '0102');
  assert.equal(svc.metadata, false);
});

test('category attributes: the CSV import takes them as JSON (checked like the API), the export gives them back', async () => {
  const header = 'code,name,parent_code,kind,intake_standard,default_level,default_department,limit_normal,limit_urgent,limit_critical,closure_standard,attributes\n';
  const attrs = '[{"code":"kind","datatype":"singlevaluelist","required":true,"values":[{"key":"tree","name":"树木"}]}]';
  const bad = `${header}05,园林,,event,,community,,5d,,,,\n0501,树木倒伏,05,,,,,,,,,"[{""code"":""x"",""datatype"":""colour""}]"\n`;
  const refused = await upload(server, u.admin, '/api/v1/imports/categories', bad);
  assert.equal(refused.status, 422, JSON.stringify(refused.body));
  assert.deepEqual(refused.body.errors.map((e) => [e.line, e.column]), [[3, 'attributes']]);
  const good = `${header}05,园林,,event,,community,,5d,,,,\n0501,树木倒伏,05,,,,,,,,,"${attrs.replaceAll('"', '""')}"\n`;
  const res = await upload(server, u.admin, '/api/v1/imports/categories', good);
  assert.equal(res.status, 200, JSON.stringify(res.body));
  const d = valid('service-definition', await ok(await get('/services/0501.json'), 200, 'imported'));
  assert.deepEqual(d.attributes.map((a) => [a.code, a.required, a.values.length]), [['kind', true, 1]]);
  const x = await download(server, u.admin, '/api/v1/exports/categories');
  const rows = xlsxRows(x.buf);
  const col = rows[0].indexOf('Open311 属性');
  assert.ok(col > 0, rows[0].join());
  assert.equal(JSON.parse(rows.find((r) => r[0] === '0501')[col])[0].code, 'kind');
});

// --- filing ---------------------------------------------------------------------------------------

test('POST requests: filed as the key\'s user with source open311, attributes kept, JSON and XML answers', async () => {
  const res = await post([...base(), ['attribute[hazards][]', 'cars'], ['attribute[hazards][]', 'people'],
    ['attribute[depth_cm]', '12.5'], ['attribute[seen_at]', '2026-11-20T08:00:00+08:00'],
    ['description', '人行道上有个大坑，晚上看不见'], ['address_string', '建国门外大街1号'],
    ['first_name', '建国'], ['last_name', '王'], ['phone', '13812345678'], ['email', 'wang@example.com'],
    ['account_id', 'acc-77'], ['device_id', 'dev-1'], ['jurisdiction_id', 'beijing.chaoyang']]);
  const body = await ok(res, 200, 'file');
  assert.equal(body.length, 1);
  assert.deepEqual(Object.keys(body[0]).sort(), ['account_id', 'service_notice', 'service_request_id']);
  assert.match(body[0].service_request_id, /^\d+$/);
  assert.equal(body[0].account_id, 'acc-77');
  assert.match(body[0].service_notice, /查询码 [23456789A-Z]{10}/);
  ids.filed = body[0].service_request_id;
  // the staff see it as any other request, the reporter's phone masked
  const r = await ok(await u.hotline('GET', `/api/v1/requests/${ids.filed}`), 200, 'staff view');
  assert.equal(r.source, 'open311');
  assert.equal(r.state, 'registered');
  assert.equal(r.area_id, ids.g1);
  assert.equal(r.category_id, ids.road);
  assert.equal(r.reporter_name, '王建国');
  assert.equal(r.reporter_phone, '138****5678');
  assert.equal(r.description, '人行道上有个大坑，晚上看不见');
  ids.tracking = r.tracking_code;
  // the attribute values are kept with it (the key's own full view shows them)
  const full = await ok(await get(`/requests/${ids.filed}.json?api_key=${keys.hotline}`), 200, 'full');
  assert.deepEqual(full[0].attributes, [
    { code: 'depth_cm', value: '12.5' }, { code: 'hazards', values: ['cars', 'people'] },
    { code: 'seen_at', value: '2026-11-20T08:00:00+08:00' }, { code: 'size', value: 'large' }]);

  const x = await post([...base(), ['address_id', ids.g1code]], 'xml');
  assert.equal(x.status, 200, x.body);
  assert.match(x.headers.get('content-type'), /^text\/xml/);
  assert.match(x.body, /<service_requests><request><service_request_id>\d+<\/service_request_id><service_notice>[^<]+<\/service_notice><account_id\/><\/request><\/service_requests>/);
  // address_string alone: the key's own area
  await ok(await post([['api_key', keys.hotline], ['service_code', '0102'], ['address_string', '朝阳区某处']]), 200, 'address only');
});

test('POST requests: every bad input is the spec\'s error array with 400 or 403', async () => {
  const without = (name) => base().filter(([k]) => k !== name);
  const cases = [
    ['missing api_key', without('api_key'), 403, /api_key/],
    ['unknown api_key', [...without('api_key'), ['api_key', 'not-a-key']], 403, /api_key/],
    ['revoked api_key', [...without('api_key'), ['api_key', keys.revoked]], 403, /revoked|not a valid/],
    ['key without request.intake', [...without('api_key'), ['api_key', keys.resident]], 403, /request.intake/],
    ['key outside the place', [...without('api_key'), ['api_key', keys.outside]], 403, /scope/],
    ['unknown service_code', [...without('service_code'), ['service_code', '9999']], 400, /service_code/],
    ['a class as service_code', [...without('service_code'), ['service_code', '01']], 400, /service_code/],
    ['no service_code', without('service_code'), 400, /service_code/],
    ['required attribute missing', without('attribute[size]'), 400, /attribute\[size\] is required/],
    ['value not in the list', [...without('attribute[size]'), ['attribute[size]', 'huge']], 400, /attribute\[size\].*listed/],
    ['multivalue not in the list', [...base(), ['attribute[hazards][]', 'dogs']], 400, /attribute\[hazards\]/],
    ['a list for a single value', [...without('attribute[size]'), ['attribute[size][]', 'large']], 400, /attribute\[size\]/],
    ['not a number', [...base(), ['attribute[depth_cm]', 'deep']], 400, /number/],
    ['datetime without zone', [...base(), ['attribute[seen_at]', '2026-11-20T08:00:00']], 400, /zone/],
    ['unknown attribute', [...base(), ['attribute[colour]', 'red']], 400, /attribute\[colour\]/],
    ['a non-variable attribute', [...base(), ['attribute[info]', 'x']], 400, /attribute\[info\]/],
    ['no location', base().filter(([k]) => k !== 'lat' && k !== 'long'), 400, /location/],
    ['lat without long', base().filter(([k]) => k !== 'long'), 400, /long/],
    ['point outside every grid', [...base().filter(([k]) => k !== 'lat' && k !== 'long'), ['lat', '31.2'], ['long', '121.5']], 400, /grid/],
    ['unknown address_id', [...base().filter(([k]) => k !== 'lat' && k !== 'long'), ['address_id', '999999']], 400, /address_id/],
    ['description over 4,000 characters', [...base(), ['description', '坑'.repeat(4001)]], 400, /description/],
    ['bad phone', [...base(), ['phone', '12345']], 400, /phone/],
    ['bad email', [...base(), ['email', 'nobody']], 400, /email/],
    ['unknown field', [...base(), ['colour', 'red']], 400, /colour/],
    ['field given twice', [...base(), ['service_code', '0102']], 400, /twice/],
  ];
  for (const [what, fields, status, re] of cases) {
    const res = await post(fields);
    assert.equal(res.status, status, `${what}: ${res.status} ${JSON.stringify(res.body)}`);
    assertO311Error(res, status, re);
  }
  // the same refusals in XML
  assertO311Error(await post(without('api_key'), 'xml'), 403, /api_key/, 'xml');
  assertO311Error(await post(without('attribute[size]'), 'xml'), 400, /required/, 'xml');
  // not a form
  const json = await api(server, 'POST', `${O}/requests.json`, { service_code: '0101' }, { authorization: null });
  assertO311Error(json, 415);
  // forms that do not parse
  const rawPost = (body) => api(server, 'POST', `${O}/requests.json`, body,
    { authorization: null, 'content-type': 'application/x-www-form-urlencoded' });
  assertO311Error(await rawPost(`api_key=${keys.hotline}&service_code=0101&description=%zz`), 400, /form/);
  assertO311Error(await rawPost(`api_key=${keys.hotline}&service_code=0101&description=a%00b`), 400, /form/);
  assertO311Error(await rawPost(`api_key=${keys.hotline}&service_code=0101&attribute[size=large`), 400, /attribute/);
  assertO311Error(await rawPost(`api_key=${keys.hotline}&service_code=0101&attribute[]=large`), 400, /attribute/);
  assertO311Error(await rawPost(''), 400, /body/);
  assertO311Error(await rawPost(`${'a=1&'.repeat(200)}b=2`), 400, /form fields/);
  // a + is a space, as forms encode it
  const plus = await rawPost(`api_key=${keys.hotline}&service_code=0102&lat=39.91&long=116.45&address_string=%E5%BB%BA%E5%9B%BD%E9%97%A8+1%E5%8F%B7`);
  const pid = (await ok(plus, 200, 'plus'))[0].service_request_id;
  assert.equal((await ok(await get(`/requests/${pid}.json?api_key=${keys.hotline}`), 200, 'plus read'))[0].address, '建国门 1号');
  // nothing was filed by any of them: only the two filed above, the address-only one and the + one
  const mine = await ok(await get(`/requests.json?api_key=${keys.hotline}`), 200, 'list');
  assert.equal(mine.length, 4);
});

// --- reading --------------------------------------------------------------------------------------

test('GET requests: public view without a key, full view within the key\'s scope, filters and their refusals', async () => {
  const pub = valid('requests', await ok(await get('/requests.json'), 200, 'public'));
  assert.equal(pub.length, 4);
  const one = pub.find((r) => r.service_request_id === ids.filed);
  assert.equal(one.status, 'open');
  assert.equal(one.service_code, '0101');
  assert.equal(one.service_name, '道路破损');
  assert.equal(one.description, '道路破损'); // the title, as the public page shows
  assert.equal(one.address, null);
  assert.equal(one.lat, null);
  assert.equal(one.service_notice, '已登记');
  assert.ok(!JSON.stringify(pub).includes('13812345678') && !JSON.stringify(pub).includes('王建国'));
  assert.equal(one.attributes, undefined);
  assert.ok(Date.parse(one.expected_datetime) > Date.now());

  const full = valid('requests', await ok(await get(`/requests.json?api_key=${keys.hotline}`), 200, 'full'));
  const f = full.find((r) => r.service_request_id === ids.filed);
  assert.equal(f.description, '人行道上有个大坑，晚上看不见');
  assert.equal(f.address, '建国门外大街1号');
  assert.equal(f.lat, G1[1]);
  assert.equal(f.long, G1[0]);
  assert.equal(f.address_id, ids.g1code);
  assert.ok(!JSON.stringify(full).includes('13812345678') && !JSON.stringify(full).includes('王建国'));
  // a key outside the place sees the public view
  const other = await ok(await get(`/requests.json?api_key=${keys.outside}`), 200, 'outside');
  assert.equal(other.find((r) => r.service_request_id === ids.filed).address, null);

  // filters
  assert.equal((await get('/requests.json?service_code=0102')).body.length, 2);
  assert.equal((await get('/requests.json?service_code=0101&status=open')).body.length, 2);
  assert.equal((await get('/requests.json?status=closed')).body.length, 0);
  assert.equal((await get('/requests.json?status=open,closed')).body.length, 4);
  assert.equal((await get('/requests.json?service_code=nothing')).body.length, 0);
  const byIds = await ok(await get(`/requests.json?service_request_id=${ids.filed},999999&status=closed`), 200, 'ids');
  assert.deepEqual(byIds.map((r) => r.service_request_id), [ids.filed]); // ids override status
  const past = new Date(Date.now() - 86400e3).toISOString();
  assert.equal((await get(`/requests.json?end_date=${encodeURIComponent(past)}`)).body.length, 0);
  assert.equal((await get(`/requests.json?start_date=${encodeURIComponent(past)}`)).body.length, 4);
  // refusals
  assertO311Error(await get('/requests.json?start_date=2026-11-20T08:00:00'), 400, /start_date.*zone/);
  assertO311Error(await get('/requests.xml?end_date=2026-11-20'), 400, /end_date/, 'xml');
  assertO311Error(await get('/requests.json?start_date=2026-01-01T00:00:00Z&end_date=2026-11-01T00:00:00Z'), 400, /90 days/);
  assertO311Error(await get('/requests.json?status=pending'), 400, /status/);
  assertO311Error(await get('/requests.json?service_request_id=abc'), 400, /service_request_id/);
  assertO311Error(await get('/requests.json?service_request_id=%2B5'), 400, /service_request_id/);
  assertO311Error(await get(`/requests.json?api_key=${keys.revoked}`), 403, /api_key/);
  assertO311Error(await get('/requests.json?page=2'), 400, /page/);

  const x = await get('/requests.xml');
  assert.equal(x.status, 200);
  assert.match(x.body, /^<\?xml[^>]*\?>\n<service_requests><request><service_request_id>\d+<\/service_request_id><status>open<\/status>/);
  assert.match(x.body, /<lat\/><long\/>/);
});

test('GET requests/{id} and tokens/{token}: one request, the token\'s id; unknown ones are 404', async () => {
  const one = valid('requests', await ok(await get(`/requests/${ids.filed}.json`), 200, 'one'));
  assert.equal(one.length, 1);
  assert.equal(one[0].service_request_id, ids.filed);
  const x = await get(`/requests/${ids.filed}.xml`);
  assert.equal(x.status, 200);
  assert.match(x.body, new RegExp(`<service_requests><request><service_request_id>${ids.filed}</service_request_id>`));
  assertO311Error(await get('/requests/999999.json'), 404, /service request/);
  assertO311Error(await get('/requests/abc.xml'), 404, null, 'xml');

  const t = await ok(await get(`/tokens/${ids.tracking}.json`), 200, 'token');
  assert.deepEqual(t, [{ service_request_id: ids.filed, token: ids.tracking }]);
  const tx = await get(`/tokens/${ids.tracking}.xml`);
  assert.match(tx.body, new RegExp(`<service_requests><request><service_request_id>${ids.filed}</service_request_id><token>${ids.tracking}</token></request></service_requests>`));
  assertO311Error(await get('/tokens/ZZZZZZZZZZ.json'), 404, /token/);
});

test('unknown paths and formats under /open311 answer the spec\'s error array', async () => {
  assertO311Error(await get('/nothing.json'), 404);
  assertO311Error(await get('/services.html'), 400, /format/);
  assertO311Error(await get('/services.xml/x'), 404); // no format to read: JSON
  assertO311Error(await get('/tokens/x.xml/'), 404);
  assertO311Error(await api(server, 'DELETE', `${O}/services.json`, undefined, { authorization: null }), 405);
});

// --- the full loop ------------------------------------------------------------------------------------

test('the loop: filed through Open311, handled through /api/v1, followed through GET requests and servicerequestupdates', async () => {
  const start = new Date(Date.now() - 1000).toISOString();
  const filed = await ok(await post([...base(), ['description', '井盖松动']]), 200, 'file');
  const id = filed[0].service_request_id;
  const act = async (who, action, body = {}) =>
    ok(await who('POST', `/api/v1/requests/${id}/actions/${action}`, body), 200, action);
  const status = async () => (await get(`/requests/${id}.json`)).body[0];

  assert.equal((await status()).status, 'open');
  const a = await act(u.hotline, 'accept');
  assert.equal(a.state, 'dispatched');
  let s = await status();
  assert.equal(s.agency_responsible, '永安里社区');
  assert.equal(s.service_notice, '已派单待签收');
  await act(u.community, 'acknowledge');
  await act(u.community, 'comment', { note: '内部备注：找施工队' });
  await act(u.community, 'resolve', { note: '井盖已更换' });
  s = await status();
  assert.equal(s.status, 'open');
  assert.equal(s.status_notes, '井盖已更换');
  await act(u.grid, 'verify');
  await act(u.hotline, 'rate', { solved: true, feedback: 'satisfied', note: '回访满意' });
  s = valid('request', await status());
  assert.equal(s.status, 'closed');
  assert.equal(s.status_notes, '井盖已更换');
  assert.equal(s.expected_datetime, null);
  assert.ok(s.updated_datetime >= s.requested_datetime);
  const closed = await ok(await get('/requests.json?status=closed'), 200, 'closed');
  assert.deepEqual(closed.map((r) => r.service_request_id), [id]);

  // every change of state, in order, without the office's own comments
  const q = `api_key=${keys.hotline}&start_date=${encodeURIComponent(start)}`;
  const ups = await ok(await get(`/servicerequestupdates.json?${q}`), 200, 'updates');
  const mine = ups.filter((x) => x.service_request_id === id);
  assert.deepEqual(mine.map((x) => [x.external_status_code, x.status]), [
    ['registered', 'open'], ['dispatched', 'action_scheduled'], ['handling', 'in_progress'],
    ['handled', 'fixed'], ['waiting_feedback', 'fixed'], ['closed', 'closed']]);
  for (const x of mine) {
    assert.deepEqual(Object.keys(x).sort(), ['description', 'external_status_code', 'media_url',
      'service_request_id', 'status', 'update_id', 'updated_datetime']);
    assert.match(x.updated_datetime, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  }
  assert.equal(new Set(mine.map((x) => x.update_id)).size, mine.length);
  assert.equal(mine[3].description, '井盖已更换');
  assert.equal(mine[1].description, '已派单待签收');
  assert.ok(!JSON.stringify(ups).includes('内部备注'));
  const x = await get(`/servicerequestupdates.xml?${q}`);
  assert.equal(x.status, 200);
  assert.match(x.body, /<service_request_updates><request_update><update_id>\d+-\d+<\/update_id>/);
  assert.match(x.body, new RegExp(`<service_request_id>${id}</service_request_id><status>closed</status>`));
  // a window after it all: nothing
  const later = encodeURIComponent(new Date(Date.now() + 60e3).toISOString());
  assert.deepEqual((await get(`/servicerequestupdates.json?api_key=${keys.hotline}&start_date=${later}&end_date=${later}`)).body, []);
  // a key of another street follows its own scope only
  const theirs = await ok(await get(`/servicerequestupdates.json?api_key=${keys.outside}&${q.replace(/^api_key=[^&]+&/, '')}`), 200, 'outside');
  assert.equal(theirs.length, 0);
  // refusals
  assertO311Error(await get(`/servicerequestupdates.json?start_date=${encodeURIComponent(start)}`), 403, /api_key/);
  assertO311Error(await get(`/servicerequestupdates.xml?api_key=${keys.revoked}`), 403, /api_key/, 'xml');
  assertO311Error(await get(`/servicerequestupdates.json?api_key=${keys.hotline}&start_date=2026-11-20T08:00`), 400, /start_date/);
  assertO311Error(await get(`/servicerequestupdates.json?api_key=${keys.hotline}&start_date=2026-01-01T00:00:00Z&end_date=2026-11-01T00:00:00Z`), 400, /90 days/);
});

test('an anonymous request is hidden from the public view, never from a key in scope', async () => {
  const r = await ok(await u.hotline('POST', '/api/v1/requests', {
    source: 'hotline', kind: 'complaint', category_id: ids.road, title: '匿名反映', area_id: ids.g1,
    anonymous: true,
  }), 201, 'anonymous intake');
  const sid = String(r.id);
  assert.ok(!(await get('/requests.json')).body.some((x) => x.service_request_id === sid));
  assertO311Error(await get(`/requests/${sid}.json`), 404);
  assert.deepEqual((await get(`/requests.json?service_request_id=${sid}`)).body, []);
  const full = await ok(await get(`/requests/${sid}.json?api_key=${keys.hotline}`), 200, 'keyed');
  assert.equal(full[0].description, null); // none given
  assert.equal(full[0].service_code, '0101');
  assert.ok((await get(`/requests.json?api_key=${keys.hotline}`)).body.some((x) => x.service_request_id === sid));
  assertO311Error(await get(`/requests/${sid}.json?api_key=${keys.outside}`), 404);
});

test('a description of the spec\'s whole 4,000 characters is kept', async () => {
  const filed = await ok(await post([...base(), ['description', '坑'.repeat(4000)]]), 200, '4,000 characters');
  const sid = filed[0].service_request_id;
  const full = await ok(await get(`/requests/${sid}.json?api_key=${keys.hotline}`), 200, 'read back');
  assert.equal(full[0].description, '坑'.repeat(4000));
});
