// Roles × routes: every route of every route table in src/api/*.c (routes.c's
// core_routes, areas.c, imports.c, people.c, units.c, party.c, …), called by
// every demo user (with its session cookie and CSRF token) and by an
// anonymous caller. The expected capability of each route and the
// capabilities of each role come from docs/API.md's tables (the contract),
// and the route list from the route tables themselves, so a route added to
// one and not the other, or without a request here, fails here.
//
//   anonymous on a protected route      → 401 unauthorized
//   a role without the capability       → 403 forbidden, and an access.denied audit row
//   a role with it (or a public route)  → the route's own answer (valid bodies are sent)
//
// A route open to every authenticated caller that checks a capability of
// its own (the exports: the register's read capability) says so with
// `needs`; its refusals are 403 with an access.denied row naming `deniedObject`.
// The register routes work on a small tree the suite finds or makes under the
// demo users' district 110105 (through a district_staff user of its own), so
// they do not depend on the demo's exact contents.
//
// Runs on SQLite, or on PostgreSQL when LINLI_TEST_PG is set.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readdirSync } from 'node:fs';
import { startServer, api, root, DEMO_PASSWORD } from '../lib/server.mjs';
import { stopClean } from './helpers.mjs';
import { idNumber, todayCST } from './registers-helpers.mjs';

// --- the contract, read from docs/API.md --------------------------------------------

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];

// "METHOD /path" → capability, from the route tables and the health/metrics prose.
function docRoutes() {
  const md = readFileSync(join(root, 'docs/API.md'), 'utf8');
  const out = new Map();
  for (const line of md.split('\n')) {
    if (!line.startsWith('|')) continue;
    const cells = line.split(/(?<!\\)\|/).map((c) => c.trim());
    if (!METHODS.includes(cells[1])) continue;
    const path = cells[2].replace(/\?.*$/, '');
    out.set(`${cells[1]} ${path}`, cells[3]);
  }
  for (const m of md.matchAll(/`(GET|POST) (\/[^`\s]+)` \((public)[;)]/g)) out.set(`${m[1]} ${m[2]}`, m[3]);
  return out;
}

// role id → capabilities, from the default-roles table.
function docRoles() {
  const md = readFileSync(join(root, 'docs/API.md'), 'utf8');
  const out = new Map();
  for (const line of md.split('\n')) {
    const cells = line.split('|').map((c) => c.trim());
    const m = /^([a-z_]+) \S/.exec(cells[1] || '');
    if (!m || cells.length < 4) continue;
    const caps = cells[2].startsWith('(') ? [] : cells[2].split(',').map((c) => c.trim());
    out.set(m[1], caps);
  }
  return out;
}

// Every route table defined in src/api/*.c: {name, file, body (the rows)}.
function routeTables() {
  const dir = join(root, 'src/api');
  const out = [];
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.c')).sort()) {
    const src = readFileSync(join(dir, file), 'utf8');
    for (const m of src.matchAll(/const struct route (\w+)\[\] = \{/g)) {
      const start = m.index + m[0].length;
      const end = src.indexOf('ROUTES_END', start);
      assert.ok(end > start, `${file}: ${m[1]}[] has no ROUTES_END`);
      out.push({ name: m[1], file, body: src.slice(start, end) });
    }
  }
  return out;
}

// The tables routes.c hands to the server (its tables[] list).
function servedTables() {
  const src = readFileSync(join(root, 'src/api/routes.c'), 'utf8');
  const m = /tables\[\]\s*=\s*\{([^}]*)\}/.exec(src);
  assert.ok(m, 'routes.c has no tables[] list');
  return m[1].split(',').map((x) => x.trim()).filter((x) => x && x !== 'NULL');
}

// "METHOD /path" → capability, from every route table in src/api/*.c.
function codeRoutes() {
  const out = new Map();
  for (const t of routeTables()) {
    for (const m of t.body.matchAll(/\{HTTP_([A-Z]+),\s*"([^"]+)",\s*\w+,\s*(CAP_PUBLIC|CAP_AUTHENTICATED|"[^"]+")/g)) {
      const cap = m[3] === 'CAP_PUBLIC' ? 'public' : m[3] === 'CAP_AUTHENTICATED' ? 'authenticated' : m[3].slice(1, -1);
      const key = `${m[1]} ${m[2]}`;
      assert.ok(!out.has(key), `${key} is routed twice (again in ${t.file})`);
      out.set(key, cap);
    }
  }
  return out;
}

// The demo users (src/cli_users.c) and their single role.
const DEMO = {
  admin: 'sysadmin', security: 'secadmin', auditor: 'auditor', district: 'district_staff',
  street: 'street_staff', community: 'community_staff', grid: 'grid_worker',
  hotline: 'hotline_operator', dept: 'dept_handler', member: 'party_member', resident: 'resident',
};

// --- the requests: a valid one per route, and the answer it gets when allowed -------------
// ctx: {who (login or 'anonymous'), target (a user id everyone with user.read sees)}.
// DELETE /session comes last: it ends the caller's session.
const DAY = '2031-03-12'; // a Wednesday
const REQUESTS = {
  'GET /api/v1/health': () => ({ path: '/api/v1/health', ok: 200 }),
  'GET /api/v1/openapi.json': () => ({ path: '/api/v1/openapi.json', ok: 200 }),
  'GET /metrics': () => ({ path: '/metrics', ok: 200 }),
  'POST /api/v1/session': (c) => ({
    path: '/api/v1/session', ok: 200,
    body: { login: c.who === 'anonymous' ? 'resident' : c.who, password: DEMO_PASSWORD },
  }),
  'GET /api/v1/session': () => ({ path: '/api/v1/session', ok: 200 }),
  // a valid old password and a new one the policy refuses: the route is
  // reached and the caller's password stays as it is
  'POST /api/v1/session/password': () => ({
    path: '/api/v1/session/password', ok: 400, field: 'new_password',
    body: { old_password: DEMO_PASSWORD, new_password: 'weak' },
  }),
  'GET /api/v1/users': () => ({ path: '/api/v1/users?page_size=200', ok: 200 }),
  'POST /api/v1/users': (c) => ({
    path: '/api/v1/users', ok: 201,
    body: { login: `mx-new-${c.who}`, display_name: '矩阵用户', password: 'Matr1x#Pass' },
  }),
  'GET /api/v1/users/{id}': (c) => ({ path: `/api/v1/users/${c.target}`, ok: 200 }),
  'PATCH /api/v1/users/{id}': (c) => ({
    path: `/api/v1/users/${c.target}`, ok: 200, body: { display_name: `矩阵目标 ${c.who}` },
  }),
  'POST /api/v1/users/{id}/password': (c) => ({
    path: `/api/v1/users/${c.target}/password`, ok: 200, body: { password: 'Reset#Pass1' },
  }),
  'PUT /api/v1/users/{id}/grants': (c) => ({
    path: `/api/v1/users/${c.target}/grants`, ok: 200,
    body: { roles: ['resident'], scopes: ['110105001001'] },
  }),
  'DELETE /api/v1/users/{id}/sessions': (c) => ({ path: `/api/v1/users/${c.target}/sessions`, ok: 200 }),
  'GET /api/v1/users/{id}/phone': (c) => ({ path: `/api/v1/users/${c.target}/phone`, ok: 200 }),
  'GET /api/v1/capabilities': () => ({ path: '/api/v1/capabilities', ok: 200 }),
  'GET /api/v1/roles': () => ({ path: '/api/v1/roles', ok: 200 }),
  'POST /api/v1/roles': (c) => ({
    path: '/api/v1/roles', ok: 201,
    body: { id: `mx_${c.who}`, name: `矩阵角色 ${c.who}`, capabilities: ['calendar.read'] },
  }),
  'PUT /api/v1/roles/{id}': (c) => ({
    path: '/api/v1/roles/mx_shared', ok: 200,
    body: { name: `共用角色 ${c.who}`, capabilities: ['calendar.read', 'user.read'] },
  }),
  'DELETE /api/v1/roles/{id}': (c) => ({ path: `/api/v1/roles/mx_${c.who}`, ok: 200 }),
  'GET /api/v1/api-keys': () => ({ path: '/api/v1/api-keys', ok: 200 }),
  'POST /api/v1/api-keys': (c) => ({
    path: '/api/v1/api-keys', ok: 201, body: { name: `matrix ${c.who}`, user_id: c.target },
    after: (res) => { c.key = res.body.id; },
  }),
  'DELETE /api/v1/api-keys/{id}': (c) => ({ path: `/api/v1/api-keys/${c.key || 999999}`, ok: 200 }),
  'GET /api/v1/audit': () => ({ path: '/api/v1/audit?limit=5', ok: 200 }),
  'GET /api/v1/calendar': () => ({ path: '/api/v1/calendar?from=2031-03-01&to=2031-03-31', ok: 200 }),
  'GET /api/v1/calendar/deadline': () => ({
    path: '/api/v1/calendar/deadline?start=2031-03-12T09%3A00%3A00%2B08%3A00&working_days=3', ok: 200,
  }),
  'PUT /api/v1/calendar/{date}': () => ({
    path: `/api/v1/calendar/${DAY}`, ok: 200, body: { kind: 'holiday', name: '矩阵假日' },
  }),
  'DELETE /api/v1/calendar/{date}': () => ({ path: `/api/v1/calendar/${DAY}`, ok: 200 }),

  // --- areas (fx: the tree made in before(); c.area: the grid this caller created) ---
  'GET /api/v1/areas': () => ({ path: '/api/v1/areas', ok: 200 }),
  'GET /api/v1/areas/locate': () => ({ path: `/api/v1/areas/locate?lng=${MX_POINT[0]}&lat=${MX_POINT[1]}`, ok: 200 }),
  'POST /api/v1/areas': (c) => ({
    path: '/api/v1/areas', ok: 201, body: { parent_id: fx.community, name: `矩阵网格 ${c.who}` },
    after: (res) => { c.area = res.body.id; },
  }),
  'GET /api/v1/areas/{id}': () => ({ path: `/api/v1/areas/${fx.grid}`, ok: 200 }),
  'PATCH /api/v1/areas/{id}': (c) => ({
    path: `/api/v1/areas/${c.area || fx.grid}`, ok: 200, body: { name: `矩阵改名 ${c.who}` },
  }),
  'GET /api/v1/areas/{id}/children': () => ({ path: `/api/v1/areas/${fx.community}/children`, ok: 200 }),
  'GET /api/v1/areas/{id}/subtree': () => ({ path: `/api/v1/areas/${fx.community}/subtree?limit=5`, ok: 200 }),
  'GET /api/v1/areas/{id}/ancestors': () => ({ path: `/api/v1/areas/${fx.grid}/ancestors`, ok: 200 }),
  'GET /api/v1/areas/{id}/history': () => ({ path: `/api/v1/areas/${fx.grid}/history`, ok: 200 }),
  'PUT /api/v1/areas/{id}/boundary': (c) => ({
    path: `/api/v1/areas/${c.area || fx.grid}/boundary`, ok: 200,
    body: { geometry: { type: 'Polygon', coordinates: [square(102.0, 26.0, 102.01, 26.01)] } },
  }),
  'GET /api/v1/areas/{id}/boundary': () => ({ path: `/api/v1/areas/${fx.grid}/boundary`, ok: 200 }),
  'DELETE /api/v1/areas/{id}/boundary': (c) => ({ path: `/api/v1/areas/${c.area || fx.grid}/boundary`, ok: 200 }),
  'GET /api/v1/areas/{id}/boundaries': () => ({ path: `/api/v1/areas/${fx.community}/boundaries`, ok: 200 }),
  'POST /api/v1/areas/{id}/responsible': (c) => ({
    path: `/api/v1/areas/${c.area || fx.grid}/responsible`, ok: 201,
    body: { role: 'grid_worker', name: `矩阵网格员 ${c.who}`, phone: '13900001111' },
    after: (res) => { c.rid = res.body.id; },
  }),
  'GET /api/v1/areas/{id}/responsible/{rid}/phone': () => ({
    path: `/api/v1/areas/${fx.grid}/responsible/${fx.rid}/phone`, ok: 200,
  }),
  'DELETE /api/v1/areas/{id}/responsible/{rid}': (c) => ({
    path: `/api/v1/areas/${c.area || fx.grid}/responsible/${c.rid || 999999}`, ok: 200,
  }),
  'POST /api/v1/areas/{id}/close': (c) => ({ path: `/api/v1/areas/${c.area || fx.grid}/close`, ok: 200, body: {} }),
  'POST /api/v1/areas/{id}/move': (c) => ({
    path: `/api/v1/areas/${fx.moves[c.who] || fx.compound}/move`, ok: 200, body: { parent_id: fx.grid2 },
  }),

  // --- households and people (c.household, c.person: this caller's) ---
  'GET /api/v1/households': () => ({ path: `/api/v1/households?area=${fx.community}&limit=5`, ok: 200 }),
  'POST /api/v1/households': (c) => ({
    path: '/api/v1/households', ok: 201, body: { area_id: fx.building, room: `mx-${c.who}` },
    after: (res) => { c.household = res.body.id; },
  }),
  'GET /api/v1/households/{id}': () => ({ path: `/api/v1/households/${fx.household}`, ok: 200 }),
  'PATCH /api/v1/households/{id}': (c) => ({
    path: `/api/v1/households/${c.household || fx.household}`, ok: 200, body: { room: `mx-${c.who}-改` },
  }),
  'GET /api/v1/people': () => ({ path: `/api/v1/people?area=${fx.community}&limit=5`, ok: 200 }),
  'POST /api/v1/people': (c) => ({
    path: '/api/v1/people', ok: 201,
    body: { household_id: c.household || fx.household, name: `矩阵居民 ${c.who}`, gender: 'female', birth_date: '1980-05-05', residence: 'registered' },
    after: (res) => { c.person = res.body.id; },
  }),
  'GET /api/v1/people/{id}': () => ({ path: `/api/v1/people/${fx.person}`, ok: 200 }),
  'PATCH /api/v1/people/{id}': (c) => ({
    path: `/api/v1/people/${c.person || fx.person}`, ok: 200, body: { relation: 'spouse' },
  }),
  'POST /api/v1/people/{id}/unmask': () => ({
    path: `/api/v1/people/${fx.person}/unmask`, ok: 200, body: { fields: ['id_number', 'phone'] },
  }),

  // --- units, pairings, joint committees (c.unit, c.contact, c.pairing, c.seat) ---
  'GET /api/v1/units': () => ({ path: `/api/v1/units?area=${fx.community}`, ok: 200 }),
  'POST /api/v1/units': (c) => ({
    path: '/api/v1/units', ok: 201, body: { kind: 'enterprise', name: `矩阵单位 ${c.who}`, area_id: fx.community },
    after: (res) => { c.unit = res.body.id; },
  }),
  'GET /api/v1/departments': () => ({ path: '/api/v1/departments', ok: 200 }),
  'GET /api/v1/units/{id}': () => ({ path: `/api/v1/units/${fx.unit}`, ok: 200 }),
  'PATCH /api/v1/units/{id}': (c) => ({
    path: `/api/v1/units/${c.unit || fx.unit}`, ok: 200, body: { address: `矩阵路 ${c.who}` },
  }),
  'POST /api/v1/units/{id}/contacts': (c) => ({
    path: `/api/v1/units/${c.unit || fx.unit}/contacts`, ok: 201, body: { name: '矩阵联系人', phone: '13900003333' },
    after: (res) => { c.contact = res.body.id; },
  }),
  'GET /api/v1/units/{id}/contacts/{cid}/phone': () => ({
    path: `/api/v1/units/${fx.unit}/contacts/${fx.contact}/phone`, ok: 200,
  }),
  'DELETE /api/v1/units/{id}/contacts/{cid}': (c) => ({
    path: `/api/v1/units/${c.unit || fx.unit}/contacts/${c.contact || 999999}`, ok: 200,
  }),
  'PUT /api/v1/units/{id}/areas': () => ({
    path: `/api/v1/units/${fx.dept}/areas`, ok: 200, body: { area_ids: [fx.community] },
  }),
  'GET /api/v1/pairings': () => ({ path: `/api/v1/pairings?community=${fx.community}`, ok: 200 }),
  'POST /api/v1/pairings': (c) => ({
    path: '/api/v1/pairings', ok: 201,
    body: { unit_id: c.unit || fx.unit, community_id: fx.community, starts_on: '2021-01-01', content: '矩阵共建' },
    after: (res) => { c.pairing = res.body.id; },
  }),
  'PATCH /api/v1/pairings/{id}': (c) => ({
    path: `/api/v1/pairings/${c.pairing || fx.pairing}`, ok: 200, body: { content: `矩阵共建 ${c.who}` },
  }),
  'GET /api/v1/areas/{id}/joint-committee': () => ({ path: `/api/v1/areas/${fx.community}/joint-committee`, ok: 200 }),
  'POST /api/v1/areas/{id}/joint-committee': (c) => ({
    path: `/api/v1/areas/${fx.community}/joint-committee`, ok: 201,
    body: { unit_id: fx.unit, name: `矩阵委员 ${c.who}`, post: '兼职委员' },
    after: (res) => { c.seat = res.body.id; },
  }),
  'DELETE /api/v1/areas/{id}/joint-committee/{mid}': (c) => ({
    path: `/api/v1/areas/${fx.community}/joint-committee/${c.seat || 999999}`, ok: 200,
  }),

  // --- party (c.org, c.member, c.report, c.center: this caller's) ---
  'GET /api/v1/party/orgs': () => ({ path: `/api/v1/party/orgs?parent=${fx.org}`, ok: 200 }),
  'POST /api/v1/party/orgs': (c) => ({
    path: '/api/v1/party/orgs', ok: 201,
    body: { parent_id: fx.org, kind: 'branch', name: `矩阵支部 ${c.who}`, area_id: fx.community },
    after: (res) => { c.org = res.body.id; },
  }),
  'GET /api/v1/party/orgs/{id}': () => ({ path: `/api/v1/party/orgs/${fx.org}`, ok: 200 }),
  'PATCH /api/v1/party/orgs/{id}': (c) => ({
    path: `/api/v1/party/orgs/${c.org || fx.org}`, ok: 200, body: { name: `矩阵支部 ${c.who} 改` },
  }),
  'POST /api/v1/party/orgs/{id}/report-in': (c) => ({
    path: `/api/v1/party/orgs/${c.org || fx.org}/report-in`, ok: 201, body: { community_id: fx.community, reported_on: TODAY },
  }),
  'GET /api/v1/party/members': () => ({ path: `/api/v1/party/members?org=${fx.org}`, ok: 200 }),
  'POST /api/v1/party/members': (c) => ({
    path: '/api/v1/party/members', ok: 201,
    body: { name: `矩阵党员 ${c.who}`, gender: 'male', status: 'full', org_id: fx.org, community_id: fx.community },
    after: (res) => { c.member = res.body.id; },
  }),
  'GET /api/v1/party/members/{id}': () => ({ path: `/api/v1/party/members/${fx.member}`, ok: 200 }),
  'PATCH /api/v1/party/members/{id}': (c) => ({
    path: `/api/v1/party/members/${c.member || fx.member}`, ok: 200, body: { joined_on: '2010-07-01' },
  }),
  'GET /api/v1/party/members/{id}/phone': () => ({ path: `/api/v1/party/members/${fx.member}/phone`, ok: 200 }),
  'POST /api/v1/party/members/{id}/report-in': (c) => ({
    path: `/api/v1/party/members/${c.member || fx.member}/report-in`, ok: 201,
    body: { community_id: fx.community, reported_on: TODAY },
    after: (res) => { c.report = res.body.id; },
  }),
  'GET /api/v1/party/members/{id}/six-ones': () => ({ path: `/api/v1/party/members/${fx.member}/six-ones`, ok: 200 }),
  'PUT /api/v1/party/members/{id}/six-ones/{year}/{item}': (c) => ({
    path: `/api/v1/party/members/${c.member || fx.member}/six-ones/${YEAR}/volunteer`, ok: 200, body: { done_on: TODAY },
  }),
  'DELETE /api/v1/party/members/{id}/six-ones/{year}/{item}': (c) => ({
    path: `/api/v1/party/members/${c.member || fx.member}/six-ones/${YEAR}/volunteer`, ok: 200,
  }),
  'GET /api/v1/party/report-ins': () => ({ path: `/api/v1/party/report-ins?community=${fx.community}`, ok: 200 }),
  'POST /api/v1/party/report-ins/{id}/end': (c) => ({
    path: `/api/v1/party/report-ins/${c.report || fx.report}/end`, ok: 200, body: { ended_on: TODAY },
  }),
  'GET /api/v1/party/center-households': () => ({ path: `/api/v1/party/center-households?area=${fx.community}`, ok: 200 }),
  'POST /api/v1/party/center-households': (c) => ({
    path: '/api/v1/party/center-households', ok: 201,
    body: { member_id: fx.member, household_id: fx.homes[c.who] || fx.household, covers: [fx.covers[c.who] || fx.household] },
    after: (res) => { c.center = res.body.id; },
  }),
  'GET /api/v1/party/center-households/{id}': () => ({ path: `/api/v1/party/center-households/${fx.center}`, ok: 200 }),
  'PUT /api/v1/party/center-households/{id}/covers': (c) => ({
    path: `/api/v1/party/center-households/${c.center || fx.center}/covers`, ok: 200, body: { household_ids: [] },
  }),
  'DELETE /api/v1/party/center-households/{id}': (c) => ({
    path: `/api/v1/party/center-households/${c.center || fx.center}`, ok: 200,
  }),

  // --- imports and exports (a dry run: nothing is written) ---
  'GET /api/v1/imports/{register}/template': () => ({ path: '/api/v1/imports/areas/template', ok: 200 }),
  'POST /api/v1/imports/{register}': () => ({
    path: '/api/v1/imports/areas?dry_run=true', ok: 200, headers: { 'content-type': 'text/csv' },
    body: `code,name\n${fx.gridCode}987,矩阵导入小区\n`,
  }),
  'GET /api/v1/exports/{register}': () => ({
    path: `/api/v1/exports/areas?area=${fx.community}`, ok: 200, needs: 'area.read', deniedObject: 'areas',
  }),

  // --- request categories and dispatch rules (c.category, c.rule: this caller's) ---
  'GET /api/v1/categories': () => ({ path: '/api/v1/categories', ok: 200 }),
  'POST /api/v1/categories': (c) => ({
    path: '/api/v1/categories', ok: 201,
    body: { code: `mq${c.who}`, name: `矩阵分类 ${c.who}`, default_level: 'community', limit_normal: '5d' },
    after: (res) => { c.category = res.body.id; },
  }),
  'GET /api/v1/categories/{id}': () => ({ path: `/api/v1/categories/${fx.category}`, ok: 200 }),
  'PATCH /api/v1/categories/{id}': (c) => ({
    path: `/api/v1/categories/${c.category || fx.category}`, ok: 200, body: { intake_standard: `矩阵立案 ${c.who}` },
  }),
  'GET /api/v1/dispatch-rules': () => ({ path: `/api/v1/dispatch-rules?area=${fx.community}`, ok: 200 }),
  'POST /api/v1/dispatch-rules': (c) => ({
    path: '/api/v1/dispatch-rules', ok: 201,
    body: { category_id: fx.category, area_id: fx.community, owner_level: 'grid', priority: CALLERS.indexOf(c.who) },
    after: (res) => { c.rule = res.body.id; },
  }),
  'DELETE /api/v1/dispatch-rules/{id}': (c) => ({ path: `/api/v1/dispatch-rules/${c.rule || 999999}`, ok: 200 }),

  // --- photos (a body that is no image reaches the route and is refused there) ---
  'POST /api/v1/photos': () => ({
    path: '/api/v1/photos', ok: 415, field: 'body', headers: { 'content-type': 'image/png' }, body: 'not an image',
  }),
  'GET /api/v1/photos/{sha256}': () => ({ path: `/api/v1/photos/${fx.photo}`, ok: 200 }),
  'POST /api/v1/public/photos': () => ({
    path: '/api/v1/public/photos', ok: 415, field: 'body', headers: { 'content-type': 'image/jpeg' }, body: 'not an image',
  }),
  'GET /api/v1/public/categories': () => ({ path: '/api/v1/public/categories', ok: 200 }),

  // --- requests (fx.request stays registered: comments do not move it) ---
  'GET /api/v1/requests': () => ({ path: '/api/v1/requests?limit=5', ok: 200 }),
  'POST /api/v1/requests': (c) => ({
    path: '/api/v1/requests', ok: 201,
    body: { source: 'hotline', kind: 'complaint', category_id: fx.category, title: `矩阵诉求 ${c.who}`, area_id: fx.grid },
  }),
  'GET /api/v1/requests/duplicates': () => ({
    path: `/api/v1/requests/duplicates?category=${fx.category}&area=${fx.grid}`, ok: 200,
  }),
  'GET /api/v1/requests/{id}': () => ({
    path: `/api/v1/requests/${fx.request}`, ok: 200, needs: 'request.read', deniedObject: `request:${fx.request}`,
  }),
  'GET /api/v1/requests/{id}/actions': () => ({
    path: `/api/v1/requests/${fx.request}/actions`, ok: 200, needs: 'request.read', deniedObject: `request:${fx.request}`,
  }),
  // a call back needs request.followup or person.read_pii besides request.read
  'GET /api/v1/requests/{id}/reporter-phone': (c) => ({
    path: `/api/v1/requests/${fx.request}/reporter-phone`, ok: ['street', 'dept'].includes(c.who) ? 403 : 200,
  }),
  'POST /api/v1/requests/{id}/actions/{action}': (c) => ({
    path: `/api/v1/requests/${fx.request}/actions/comment`, ok: 200, body: { note: `矩阵备注 ${c.who}` },
    needs: 'request.read', deniedObject: `request:${fx.request}`,
  }),
  'GET /api/v1/exports/requests': () => ({ path: `/api/v1/exports/requests?area=${fx.community}`, ok: 200 }),
  'POST /api/v1/public/requests': (c) => ({
    path: '/api/v1/public/requests', ok: 201,
    body: { category_id: fx.category, title: `矩阵居民诉求 ${c.who}`, area_id: fx.grid, reporter_phone: '13900008888' },
  }),
  'GET /api/v1/public/requests/{tracking_code}': () => ({ path: `/api/v1/public/requests/${fx.tracking}`, ok: 200 }),
  // the right digits, but the request waits for no rating: refused by its state
  'POST /api/v1/public/requests/{tracking_code}/rating': () => ({
    path: `/api/v1/public/requests/${fx.tracking}/rating`, ok: 409, field: 'state',
    body: { phone_last4: '7777', solved: true, feedback: 'satisfied' },
  }),

  // --- the inbox (everyone's own: an unknown id is 404) ---
  'GET /api/v1/notifications': () => ({ path: '/api/v1/notifications?unread=true&limit=5', ok: 200 }),
  'GET /api/v1/notifications/unread-count': () => ({ path: '/api/v1/notifications/unread-count', ok: 200 }),
  'POST /api/v1/notifications/{id}/read': () => ({ path: '/api/v1/notifications/999999/read', ok: 404 }),
  'POST /api/v1/notifications/read-all': () => ({ path: '/api/v1/notifications/read-all', ok: 200 }),

  // --- figures (the matrix's community: inside every figure.read holder's scope) ---
  'GET /api/v1/figures': () => ({ path: `/api/v1/figures?area=${fx.community}&from=${TODAY}&to=${TODAY}`, ok: 200 }),
  'GET /api/v1/figures/league': () => ({
    path: `/api/v1/figures/league?area=${fx.community}&level=grid&from=${TODAY}&to=${TODAY}`, ok: 200,
  }),
  'GET /api/v1/figures/trend': () => ({ path: `/api/v1/figures/trend?area=${fx.community}&from=${TODAY}&to=${TODAY}`, ok: 200 }),
  'GET /api/v1/figures/by-category': () => ({
    path: `/api/v1/figures/by-category?area=${fx.community}&from=${TODAY}&to=${TODAY}`, ok: 200,
  }),
  'GET /api/v1/figures/map': () => ({
    path: `/api/v1/figures/map?area=${fx.community}&level=grid&figure=received&from=${TODAY}&to=${TODAY}`, ok: 200,
  }),
  // Open311 (public routes; the API key, when needed, travels in the query or the form)
  'GET /open311/v2/discovery.{format}': () => ({ path: '/open311/v2/discovery.json', ok: 200 }),
  'GET /open311/v2/services.{format}': () => ({ path: '/open311/v2/services.xml', ok: 200 }),
  'GET /open311/v2/services/{service_code}.{format}': () => ({ path: '/open311/v2/services/nosuch.json', ok: 404 }),
  'POST /open311/v2/requests.{format}': () => ({
    path: '/open311/v2/requests.json', ok: 403, body: 'service_code=0101&lat=39.9&long=116.4',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
  }),
  'GET /open311/v2/requests.{format}': () => ({ path: '/open311/v2/requests.json?status=closed', ok: 200 }),
  'GET /open311/v2/requests/{service_request_id}.{format}': () => ({ path: '/open311/v2/requests/999999999.json', ok: 404 }),
  'GET /open311/v2/tokens/{token}.{format}': () => ({ path: '/open311/v2/tokens/ZZZZZZZZZZ.xml', ok: 404 }),
  'GET /open311/v2/servicerequestupdates.{format}': () => ({ path: '/open311/v2/servicerequestupdates.json', ok: 403 }),

  // --- webhooks (the fixture's subscription of the matrix community, and its ping; a
  // caller's own subscription, to a port nobody listens on, is rotated and deleted) ---
  'GET /api/v1/webhooks': () => ({ path: '/api/v1/webhooks', ok: 200 }),
  'POST /api/v1/webhooks': (c) => ({
    path: '/api/v1/webhooks', ok: 201,
    body: { url: 'http://127.0.0.1:9/mx', events: ['request.created'], area_id: fx.community, active: false },
    after: (res) => { c.webhook = res.body.id; },
  }),
  'GET /api/v1/webhooks/{id}': () => ({ path: `/api/v1/webhooks/${fx.webhook}`, ok: 200 }),
  'PATCH /api/v1/webhooks/{id}': (c) => ({
    path: `/api/v1/webhooks/${c.webhook || fx.webhook}`, ok: 200, body: { description: `矩阵 ${c.who}` },
  }),
  'POST /api/v1/webhooks/{id}/secret': (c) => ({ path: `/api/v1/webhooks/${c.webhook || fx.webhook}/secret`, ok: 200 }),
  'GET /api/v1/webhooks/{id}/deliveries': () => ({ path: `/api/v1/webhooks/${fx.webhook}/deliveries?status=pending`, ok: 200 }),
  'GET /api/v1/webhooks/{id}/deliveries/{did}': () => ({
    path: `/api/v1/webhooks/${fx.webhook}/deliveries/${fx.delivery}`, ok: 200,
  }),
  // the fixture's delivery waits (its subscription is paused): only a parked one is redelivered
  'POST /api/v1/webhooks/{id}/deliveries/{did}/redeliver': () => ({
    path: `/api/v1/webhooks/${fx.webhook}/deliveries/${fx.delivery}/redeliver`, ok: 409, field: 'status',
  }),
  'POST /api/v1/webhooks/{id}/ping': (c) => ({ path: `/api/v1/webhooks/${c.webhook || fx.webhook}/ping`, ok: 202 }),
  'DELETE /api/v1/webhooks/{id}': (c) => ({ path: `/api/v1/webhooks/${c.webhook || 999999}`, ok: 200 }),

  'DELETE /api/v1/session': () => ({ path: '/api/v1/session', ok: 200 }),
};
const ORDER = Object.keys(REQUESTS);

let server;
let target; // the user the /users/{id} routes act on
const denied = []; // {who, route, cap, rid, object}: every 403 of the matrix

// The register fixture: ids of the demo district's street 110105001 and
// community 110105001001 (found, or made), two grids of the matrix's own
// under that community (the first with a boundary around MX_POINT and a
// person in charge with a phone), and a compound for each caller that may
// move one (moved from the first grid to the second).
const MX_POINT = [101.005, 25.005];
const fx = { moves: {}, homes: {}, covers: {} };
const TODAY = todayCST();
const YEAR = Number(TODAY.slice(0, 4));
const WRITERS = ['district', 'street', 'community']; // the demo users holding party.manage
const square = (x0, y0, x1, y1) => [[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]];

async function registerFixture() {
  const r = await api(server, 'POST', '/api/v1/users', {
    login: 'mx-city', display_name: '矩阵区级', password: 'Matr1x#City', roles: ['district_staff'], scopes: ['*'],
  });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  const l = await api(server, 'POST', '/api/v1/session', { login: 'mx-city', password: 'Matr1x#City' }, { authorization: null });
  assert.equal(l.status, 200, JSON.stringify(l.body));
  const h = { authorization: null, cookie: l.headers.get('set-cookie').split(';')[0], 'x-csrf-token': l.body.csrf_token };
  const call = async (method, path, body, want) => {
    const res = await api(server, method, path, body, h);
    assert.equal(res.status, want, `${method} ${path}: ${JSON.stringify(res.body)}`);
    return res.body;
  };
  const ensure = async (code, name, parentId) => {
    const found = (await call('GET', `/api/v1/areas?q=${code}&limit=200`, undefined, 200)).items.find((x) => x.code === code);
    if (found) return found;
    return call('POST', '/api/v1/areas', parentId ? { parent_id: parentId, code, name } : { code, name }, 201);
  };
  const d = await ensure('110105', '朝阳区');
  const st = await ensure('110105001', '矩阵街道', d.id);
  const cm = await ensure('110105001001', '矩阵社区', st.id);
  fx.community = cm.id;
  const g = await call('POST', '/api/v1/areas', { parent_id: cm.id, name: '矩阵网格甲' }, 201);
  const g2 = await call('POST', '/api/v1/areas', { parent_id: cm.id, name: '矩阵网格乙' }, 201);
  fx.grid = g.id;
  fx.gridCode = g.code;
  fx.grid2 = g2.id;
  await call('PUT', `/api/v1/areas/${g.id}/boundary`,
    { geometry: { type: 'Polygon', coordinates: [square(MX_POINT[0] - 0.005, MX_POINT[1] - 0.005, MX_POINT[0] + 0.005, MX_POINT[1] + 0.005)] } }, 200);
  fx.rid = (await call('POST', `/api/v1/areas/${g.id}/responsible`, { role: 'grid_leader', name: '矩阵网格长', phone: '13911112222' }, 201)).id;
  fx.compound = (await call('POST', '/api/v1/areas', { parent_id: g.id, name: '矩阵小区' }, 201)).id;
  for (const who of ['district', 'street', 'community'])
    fx.moves[who] = (await call('POST', '/api/v1/areas', { parent_id: g.id, name: `矩阵搬迁小区 ${who}` }, 201)).id;

  // people: a building with a household and a person (ID number and phone)
  fx.building = (await call('POST', '/api/v1/areas', { parent_id: fx.compound, name: '矩阵楼' }, 201)).id;
  fx.household = (await call('POST', '/api/v1/households', { area_id: fx.building, room: 'mx-0' }, 201)).id;
  fx.person = (await call('POST', '/api/v1/people', {
    household_id: fx.household, name: '矩阵户主', id_number: idNumber('110105', '1960-01-01', 991), phone: '13900004444', residence: 'registered',
  }, 201)).id;
  // units: an enterprise with a contact, paired with the community; a department in it
  fx.unit = (await call('POST', '/api/v1/units', { kind: 'enterprise', name: '矩阵共建企业', area_id: cm.id }, 201)).id;
  fx.contact = (await call('POST', `/api/v1/units/${fx.unit}/contacts`, { name: '矩阵联系人', phone: '13900005555' }, 201)).id;
  fx.dept = (await call('POST', '/api/v1/units', { kind: 'department', name: '矩阵职能部门', area_id: cm.id }, 201)).id;
  fx.pairing = (await call('POST', '/api/v1/pairings', { unit_id: fx.unit, community_id: cm.id, starts_on: '2020-01-01', content: '矩阵共建' }, 201)).id;
  // party: an organisation, a member (with a phone) reported in today, a centre household
  fx.org = (await call('POST', '/api/v1/party/orgs', { kind: 'committee', name: '矩阵社区党委', area_id: cm.id }, 201)).id;
  fx.member = (await call('POST', '/api/v1/party/members', {
    name: '矩阵党员', gender: 'female', phone: '13900006666', status: 'full', org_id: fx.org, community_id: cm.id,
  }, 201)).id;
  fx.report = (await call('POST', `/api/v1/party/members/${fx.member}/report-in`, { community_id: cm.id, reported_on: TODAY }, 201)).id;
  const room = async (r) => (await call('POST', '/api/v1/households', { area_id: fx.building, room: r }, 201)).id;
  fx.center = (await call('POST', '/api/v1/party/center-households',
    { member_id: fx.member, household_id: await room('mx-center'), covers: [await room('mx-covered')] }, 201)).id;
  for (const who of WRITERS) {
    fx.homes[who] = await room(`h-${who}`);
    fx.covers[who] = await room(`c-${who}`);
  }
  // requests: a category of the matrix's own, and a photo
  fx.category = (await call('POST', '/api/v1/categories',
    { code: 'mx', name: '矩阵分类', default_level: 'community', limit_normal: '5d' }, 201)).id;
  const photo = await fetch(`${server.url}/api/v1/photos`, {
    method: 'POST', body: Buffer.from([0xFF, 0xD8, 0xFF, 0xD9]),
    headers: { cookie: h.cookie, 'x-csrf-token': h['x-csrf-token'], 'content-type': 'image/jpeg' },
  });
  assert.equal(photo.status, 201, await photo.clone().text());
  fx.photo = (await photo.json()).sha256;
  const rq = await call('POST', '/api/v1/requests', {
    source: 'hotline', kind: 'complaint', category_id: fx.category, title: '矩阵诉求', area_id: fx.grid,
    reporter_phone: '13900007777', photos: [fx.photo],
  }, 201);
  fx.request = rq.id;
  fx.tracking = rq.tracking_code;
  // webhooks: a paused subscription, so its ping stays pending
  fx.webhook = (await call('POST', '/api/v1/webhooks',
    { url: 'http://127.0.0.1:9/mx', events: ['request.*'], area_id: cm.id, active: false }, 201)).id;
  fx.delivery = (await call('POST', `/api/v1/webhooks/${fx.webhook}/ping`, undefined, 202)).id;
}

before(async () => {
  server = await startServer({ demo: true });
  const t = await api(server, 'POST', '/api/v1/users', {
    login: 'mx-target', display_name: '矩阵目标', password: 'Target#Pass1', phone: '13912345678',
    roles: ['resident'], scopes: ['110105001001'],
  });
  assert.equal(t.status, 201, JSON.stringify(t.body));
  target = t.body.id;
  const r = await api(server, 'POST', '/api/v1/roles',
    { id: 'mx_shared', name: '共用角色', capabilities: ['calendar.read'] });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  await registerFixture();
});
after(async () => {
  if (server) await stopClean(server); // exit 0, no sanitizer report
});

test('every route table in src/api/*.c is served, and every route in them is in docs/API.md with the same capability, and the other way round', () => {
  const tables = routeTables();
  const served = servedTables();
  assert.ok(tables.length >= 3, `route tables found: ${tables.map((t) => t.name)}`);
  for (const t of tables) assert.ok(served.includes(t.name), `${t.file}: ${t.name}[] is not in routes.c's tables[]`);
  for (const name of served) assert.ok(tables.some((t) => t.name === name), `routes.c serves ${name}, defined nowhere in src/api/*.c`);
  const code = codeRoutes();
  const doc = docRoutes();
  assert.ok(code.size >= 48, `only ${code.size} routes parsed from src/api/*.c`);
  const problems = [];
  for (const [route, cap] of code) {
    if (!doc.has(route)) problems.push(`${route} (${cap}) is not in docs/API.md`);
    else if (doc.get(route) !== cap) problems.push(`${route}: routes.c says ${cap}, API.md says ${doc.get(route)}`);
  }
  for (const route of doc.keys()) if (!code.has(route)) problems.push(`${route} is in docs/API.md but not routed`);
  assert.deepEqual(problems, []);
  // and this suite has a request for each
  assert.deepEqual([...code.keys()].sort(), [...ORDER].sort());
});

test('every demo user holds exactly the capabilities docs/API.md gives its role', async () => {
  const roles = docRoles();
  assert.equal(roles.size, 12, `roles parsed from API.md: ${[...roles.keys()]}`);
  const problems = [];
  for (const [who, role] of Object.entries(DEMO)) {
    const res = await api(server, 'POST', '/api/v1/session', { login: who, password: DEMO_PASSWORD },
      { authorization: null });
    assert.equal(res.status, 200, `${who}: ${JSON.stringify(res.body)}`);
    const got = [...res.body.capabilities].sort();
    const want = [...roles.get(role)].sort();
    if (JSON.stringify(got) !== JSON.stringify(want)) problems.push(`${who} (${role}): has ${got}, API.md says ${want}`);
  }
  // and the roles endpoint agrees
  const list = await api(server, 'GET', '/api/v1/roles');
  for (const r of list.body.items.filter((x) => x.builtin)) {
    const want = roles.get(r.id);
    if (!want) problems.push(`built-in role ${r.id} is not in API.md`);
    else if (JSON.stringify([...r.capabilities].sort()) !== JSON.stringify([...want].sort()))
      problems.push(`GET /roles ${r.id}: ${r.capabilities}, API.md says ${want}`);
  }
  assert.deepEqual(problems, []);
});

// One test per caller: every route in order; all mismatches reported at once.
const CALLERS = ['anonymous', ...Object.keys(DEMO)];
for (const who of CALLERS) {
  test(`matrix: ${who} on every route`, async () => {
    // API.md's capability; the route table's where API.md lacks the route
    // (the first test reports that)
    const doc = new Map([...codeRoutes(), ...docRoutes()]);
    const roles = docRoles();
    const caps = who === 'anonymous' ? null : roles.get(DEMO[who]);
    let headers = { authorization: null };
    if (who !== 'anonymous') {
      const res = await api(server, 'POST', '/api/v1/session', { login: who, password: DEMO_PASSWORD },
        { authorization: null });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      headers = { authorization: null, cookie: res.headers.get('set-cookie').split(';')[0],
        'x-csrf-token': res.body.csrf_token };
    }
    const ctx = { who, target };
    const problems = [];
    let n = 0;
    for (const route of ORDER) {
      const cap = doc.get(route);
      const req = REQUESTS[route](ctx);
      const method = route.split(' ')[0];
      const rid = `mx-${who}-${++n}`;
      const res = await api(server, method, req.path, req.body, { ...headers, ...(req.headers || {}), 'x-request-id': rid });
      const got = `${res.status} ${typeof res.body === 'string' ? res.body.slice(0, 80) : JSON.stringify(res.body)}`;
      if (res.headers.get('x-request-id') !== rid) problems.push(`${route}: X-Request-Id not echoed`);
      let allowed;
      if (cap === 'public') allowed = true;
      else if (who === 'anonymous') allowed = false;
      else if (cap === 'authenticated' && req.needs) allowed = caps.includes(req.needs);
      else allowed = cap === 'authenticated' || caps.includes(cap);
      if (allowed) {
        if (res.status !== req.ok || (req.field && res.body?.error?.field !== req.field))
          problems.push(`${route} [${cap}]: expected ${req.ok}${req.field ? ` (${req.field})` : ''}, got ${got}`);
        else if (req.after) req.after(res);
      } else if (who === 'anonymous') {
        if (res.status !== 401 || res.body?.error?.code !== 'unauthorized')
          problems.push(`${route} [${cap}]: expected 401 unauthorized, got ${got}`);
      } else if (res.status !== 403 || res.body?.error?.code !== 'forbidden') {
        problems.push(`${route} [${cap}]: expected 403 forbidden, got ${got}`);
      } else {
        const path = route.split(' ')[1];
        denied.push({ who, route, cap: req.needs || cap, rid, object: req.deniedObject || path });
      }
    }
    assert.deepEqual(problems, [], `${who}:\n${problems.join('\n')}`);
  });
}

test('every 403 of the matrix left an access.denied audit row (user, route, capability, request id)', async () => {
  assert.ok(denied.length > 100, `only ${denied.length} denials recorded: did the matrix run?`);
  const rows = new Map();
  let before = '';
  for (;;) {
    const res = await api(server, 'GET', `/api/v1/audit?action=access.denied&limit=200${before}`);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    for (const r of res.body.items) rows.set(r.request_id, r);
    if (res.body.next_before_id === null) break;
    before = `&before_id=${res.body.next_before_id}`;
  }
  const problems = [];
  for (const d of denied) {
    const r = rows.get(d.rid);
    if (!r) { problems.push(`${d.who} ${d.route}: no access.denied row with request id ${d.rid}`); continue; }
    if (r.user !== d.who || r.outcome !== 'denied' || r.object !== d.object || r.detail !== d.cap)
      problems.push(`${d.who} ${d.route}: row ${JSON.stringify(r)}`);
  }
  assert.deepEqual(problems, []);
  // anonymous 401s are not denials
  assert.ok(![...rows.keys()].some((rid) => rid.startsWith('mx-anonymous-')), 'a 401 wrote an access.denied row');
});
