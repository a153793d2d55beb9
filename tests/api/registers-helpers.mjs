// Shared helpers for the register suites (registers-*.test.mjs): users with
// a role and a scope made through the API, sessions, raw uploads and
// downloads, the audit log, a GCJ-02 reference formula, and an .xlsx reader
// (a zip walk with zlib) so exports can be checked cell by cell.
// Not a test file itself: node --test only picks up *.test.mjs here.
import assert from 'node:assert/strict';
import { inflateRawSync } from 'node:zlib';
import { api, DEMO_PASSWORD } from '../lib/server.mjs';

export const PASSWORD = 'Regist3r#Pass';

// Logs `login` in and returns a caller: call(method, path, body, headers)
// with the session cookie and CSRF token, plus {id, login, user,
// capabilities, headers} (headers: the ones that authenticate).
export async function login(server, who, password = DEMO_PASSWORD) {
  const res = await api(server, 'POST', '/api/v1/session', { login: who, password }, { authorization: null });
  assert.equal(res.status, 200, `login ${who}: ${res.status} ${JSON.stringify(res.body)}`);
  const headers = {
    authorization: null, cookie: res.headers.get('set-cookie').split(';')[0], 'x-csrf-token': res.body.csrf_token,
  };
  const call = (method, path, body, extra = {}) => api(server, method, path, body, { ...headers, ...extra });
  return Object.assign(call, {
    id: res.body.user.id, login: who, user: res.body.user, capabilities: res.body.capabilities, headers,
  });
}

// Creates a user holding `roles` (a role id or a list) with `scopes` through
// the tester's key (POST /api/v1/users with roles and scopes) and logs in.
export async function makeUser(server, who, roles, scopes, extra = {}) {
  const body = {
    login: who, display_name: `登记 ${who}`, password: PASSWORD,
    roles: [].concat(roles), scopes: [].concat(scopes), ...extra,
  };
  const res = await api(server, 'POST', '/api/v1/users', body);
  assert.equal(res.status, 201, `create ${who}: ${JSON.stringify(res.body)}`);
  return login(server, who, PASSWORD);
}

// POST/PUT a raw body (a string or a Buffer) with the caller's credentials.
export async function upload(server, caller, path, data, contentType = 'text/csv', method = 'POST') {
  const headers = {};
  for (const [k, v] of Object.entries(caller ? caller.headers : { authorization: `Bearer ${server.key}` }))
    if (v !== null) headers[k] = v;
  if (contentType !== null) headers['content-type'] = contentType;
  const res = await fetch(server.url + path, { method, headers, body: data });
  const buf = Buffer.from(await res.arrayBuffer());
  let body = buf.toString('utf8');
  if ((res.headers.get('content-type') || '').includes('json')) body = JSON.parse(body);
  return { status: res.status, headers: res.headers, body };
}

// GET returning the raw bytes: {status, headers, buf, body (parsed JSON when JSON)}.
export async function download(server, caller, path) {
  const headers = {};
  for (const [k, v] of Object.entries(caller ? caller.headers : { authorization: `Bearer ${server.key}` }))
    if (v !== null) headers[k] = v;
  const res = await fetch(server.url + path, { headers });
  const buf = Buffer.from(await res.arrayBuffer());
  const json = (res.headers.get('content-type') || '').includes('json');
  return { status: res.status, headers: res.headers, buf, body: json ? JSON.parse(buf.toString('utf8')) : null };
}

// Audit rows (newest first) matching the filters, read with the tester's key (auditor).
export async function audit(server, filters = {}) {
  const q = new URLSearchParams({ limit: '200', ...filters }).toString();
  const res = await api(server, 'GET', `/api/v1/audit?${q}`);
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return res.body.items;
}

// The audit row written for request id rid (with an optional action), or undefined.
export async function auditByRequest(server, rid, action) {
  const rows = await audit(server, action ? { action } : {});
  return rows.find((r) => r.request_id === rid);
}

// A closed square ring, counter-clockwise.
export const square = (x0, y0, x1, y1) => [[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]];

// The public WGS-84 → GCJ-02 formula (Krasovsky 1940), written here
// independently of the server's, to check its conversions.
export function wgs84ToGcj02(lng, lat) {
  const a = 6378245.0;
  const ee = 0.00669342162296594323;
  const PI = Math.PI;
  const x = lng - 105.0;
  const y = lat - 35.0;
  let dLat = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * Math.sqrt(Math.abs(x));
  dLat += ((20.0 * Math.sin(6.0 * x * PI) + 20.0 * Math.sin(2.0 * x * PI)) * 2.0) / 3.0;
  dLat += ((20.0 * Math.sin(y * PI) + 40.0 * Math.sin((y / 3.0) * PI)) * 2.0) / 3.0;
  dLat += ((160.0 * Math.sin((y / 12.0) * PI) + 320 * Math.sin((y * PI) / 30.0)) * 2.0) / 3.0;
  let dLng = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * Math.sqrt(Math.abs(x));
  dLng += ((20.0 * Math.sin(6.0 * x * PI) + 20.0 * Math.sin(2.0 * x * PI)) * 2.0) / 3.0;
  dLng += ((20.0 * Math.sin(x * PI) + 40.0 * Math.sin((x / 3.0) * PI)) * 2.0) / 3.0;
  dLng += ((150.0 * Math.sin((x / 12.0) * PI) + 300.0 * Math.sin((x / 30.0) * PI)) * 2.0) / 3.0;
  const radLat = (lat / 180.0) * PI;
  let magic = Math.sin(radLat);
  magic = 1 - ee * magic * magic;
  const sqrtMagic = Math.sqrt(magic);
  dLat = (dLat * 180.0) / (((a * (1 - ee)) / (magic * sqrtMagic)) * PI);
  dLng = (dLng * 180.0) / ((a / sqrtMagic) * Math.cos(radLat) * PI);
  return [lng + dLng, lat + dLat];
}

// --- .xlsx -------------------------------------------------------------------------------

// The entries of a zip archive: name → Buffer (stored or deflated).
export function unzip(buf) {
  const out = new Map();
  let eocd = -1;
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 65557); i--)
    if (buf.readUInt32LE(i) === 0x06054b50) { eocd = i; break; }
  assert.ok(eocd >= 0, 'zip: no end of central directory');
  const n = buf.readUInt16LE(eocd + 10);
  let p = buf.readUInt32LE(eocd + 16);
  for (let k = 0; k < n; k++) {
    assert.equal(buf.readUInt32LE(p), 0x02014b50, 'zip: bad central directory entry');
    const method = buf.readUInt16LE(p + 10);
    const csize = buf.readUInt32LE(p + 20);
    const nameLen = buf.readUInt16LE(p + 28);
    const extraLen = buf.readUInt16LE(p + 30);
    const commentLen = buf.readUInt16LE(p + 32);
    const local = buf.readUInt32LE(p + 42);
    const name = buf.subarray(p + 46, p + 46 + nameLen).toString('utf8');
    const lName = buf.readUInt16LE(local + 26);
    const lExtra = buf.readUInt16LE(local + 28);
    const data = buf.subarray(local + 30 + lName + lExtra, local + 30 + lName + lExtra + csize);
    out.set(name, method === 0 ? Buffer.from(data) : inflateRawSync(data));
    p += 46 + nameLen + extraLen + commentLen;
  }
  return out;
}

const unescapeXml = (s) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"')
  .replace(/&apos;/g, "'").replace(/&#(\d+);/g, (_, d) => String.fromCodePoint(Number(d)))
  .replace(/&#x([0-9a-fA-F]+);/g, (_, h) => String.fromCodePoint(parseInt(h, 16))).replace(/&amp;/g, '&');

// Every string of the workbook: the shared strings table and the sheets'
// inline strings (libxlsxwriter's constant-memory mode writes inline ones).
export function xlsxStrings(buf) {
  const files = unzip(buf);
  const out = [];
  for (const [name, data] of files) {
    if (!/^xl\/(sharedStrings\.xml|worksheets\/sheet\d+\.xml)$/.test(name)) continue;
    for (const m of data.toString('utf8').matchAll(/<t(?:\s[^>]*)?>([^<]*)<\/t>/g)) out.push(unescapeXml(m[1]));
  }
  return out;
}

// The first sheet as rows of cell texts (header row first).
export function xlsxRows(buf) {
  const files = unzip(buf);
  const shared = [];
  const sst = files.get('xl/sharedStrings.xml');
  if (sst) {
    for (const si of sst.toString('utf8').matchAll(/<si>([\s\S]*?)<\/si>/g))
      shared.push([...si[1].matchAll(/<t(?:\s[^>]*)?>([^<]*)<\/t>/g)].map((m) => unescapeXml(m[1])).join(''));
  }
  const sheet = files.get('xl/worksheets/sheet1.xml');
  assert.ok(sheet, `no sheet1 in ${[...files.keys()]}`);
  const rows = [];
  for (const row of sheet.toString('utf8').matchAll(/<row\b[^>]*>([\s\S]*?)<\/row>/g)) {
    const cells = [];
    for (const c of row[1].matchAll(/<c\b([^>]*?)(?:\/>|>([\s\S]*?)<\/c>)/g)) {
      const ref = /\br="([A-Z]+)\d+"/.exec(c[1]);
      let col = 0;
      if (ref) for (const ch of ref[1]) col = col * 26 + (ch.charCodeAt(0) - 64);
      const type = (/\bt="([^"]+)"/.exec(c[1]) || [])[1];
      const inner = c[2] || '';
      let text = '';
      if (type === 's') text = shared[Number((/<v>([^<]*)<\/v>/.exec(inner) || [])[1])] ?? '';
      else if (type === 'inlineStr') text = [...inner.matchAll(/<t(?:\s[^>]*)?>([^<]*)<\/t>/g)].map((m) => unescapeXml(m[1])).join('');
      else text = unescapeXml((/<v>([^<]*)<\/v>/.exec(inner) || [])[1] ?? '');
      cells[(col || cells.length + 1) - 1] = text;
    }
    rows.push(Array.from(cells, (x) => x ?? ''));
  }
  return rows;
}

// Asserts an xlsx download: 200, the spreadsheet type, an attachment, bytes
// that start with PK. Returns the rows.
export function assertXlsx(res, what = 'export') {
  assert.equal(res.status, 200, `${what}: ${res.status} ${res.buf.toString('utf8').slice(0, 300)}`);
  assert.equal(res.headers.get('content-type'), 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', what);
  assert.match(res.headers.get('content-disposition') || '', /^attachment;/, `${what}: Content-Disposition`);
  assert.equal(res.buf.subarray(0, 2).toString('latin1'), 'PK', `${what}: not a zip`);
  return xlsxRows(res.buf);
}

// A valid GB 11643 ID number: area (6 digits), birth date, a 3-digit
// sequence (odd: male, even: female), and its check character.
export function idNumber(area6, birth, seq) {
  const body = `${area6}${birth.replace(/-/g, '')}${String(seq).padStart(3, '0')}`;
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(body[i]) * w[i];
  return body + '10X98765432'[sum % 11];
}

// A valid GB 32100 unified social credit code from its first 17 characters.
export function creditCode(first17) {
  const chars = '0123456789ABCDEFGHJKLMNPQRTUWXY';
  const w = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += chars.indexOf(first17[i]) * w[i];
  return first17 + chars[(31 - (sum % 31)) % 31];
}

// Today in the office's zone (+08:00), as the server counts dates.
export function todayCST() {
  return new Date(Date.now() + 8 * 3600 * 1000).toISOString().slice(0, 10);
}
