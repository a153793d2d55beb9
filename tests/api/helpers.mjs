// Shared helpers for the API suites: raw HTTP over node:net (for requests
// fetch would normalise or refuse), error and header assertions, dates.
// Not a test file itself: node --test only picks up *.test.mjs here.
import net from 'node:net';
import assert from 'node:assert/strict';

// Sends `data` (string or Buffer, or an array of chunks with optional
// {delay} numbers between them) on a fresh TCP connection and reads one
// response. Resolves {status, headers (lower-case names), body (string),
// bodyBuf, raw, closed}. Ends when the response is complete per
// Content-Length / chunked framing, when the peer closes, or on timeout.
export function raw(server, data, opts = {}) {
  const { host, port } = hostPort(server);
  const timeout = opts.timeout ?? 10000;
  return new Promise((resolveP, rejectP) => {
    const sock = net.connect({ host, port });
    const chunks = [];
    let done = false;
    const finish = (why) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      sock.destroy();
      const buf = Buffer.concat(chunks);
      if (buf.length === 0) {
        if (why === 'timeout') return rejectP(new Error('raw: no response before timeout'));
        return resolveP({ status: 0, headers: {}, body: '', bodyBuf: buf, raw: '', closed: true });
      }
      const parsed = parseResponse(buf);
      if (!parsed) return rejectP(new Error(`raw: unparsable response (${why}): ${buf.toString('latin1').slice(0, 500)}`));
      resolveP({ ...parsed, closed: why !== 'complete' });
    };
    const timer = setTimeout(() => finish('timeout'), timeout);
    sock.on('data', (c) => {
      chunks.push(c);
      const p = parseResponse(Buffer.concat(chunks));
      if (p && p.complete) finish('complete');
    });
    sock.on('end', () => finish('end'));
    sock.on('close', () => finish('close'));
    sock.on('error', () => finish('error'));
    sock.on('connect', async () => {
      const parts = Array.isArray(data) ? data : [data];
      for (const part of parts) {
        if (done) return;
        if (typeof part === 'number') { await sleep(part); continue; }
        if (typeof part === 'function') { await part(); continue; }
        await new Promise((ok) => sock.write(part, () => ok()));
      }
    });
  });
}

// Parses an HTTP/1.x response in buf. Returns null if the head is not
// complete yet; otherwise {status, headers, body, bodyBuf, raw, complete}.
export function parseResponse(buf) {
  const headEnd = buf.indexOf('\r\n\r\n');
  if (headEnd < 0) return null;
  const head = buf.subarray(0, headEnd).toString('latin1');
  const lines = head.split('\r\n');
  const m = lines[0].match(/^HTTP\/1\.[01] (\d{3})/);
  if (!m) return null;
  const headers = {};
  for (const line of lines.slice(1)) {
    const i = line.indexOf(':');
    if (i < 0) continue;
    const k = line.slice(0, i).trim().toLowerCase();
    const v = line.slice(i + 1).trim();
    headers[k] = k in headers ? `${headers[k]}, ${v}` : v;
  }
  let rest = buf.subarray(headEnd + 4);
  let complete = false;
  let bodyBuf = rest;
  const status = Number(m[1]);
  if ('content-length' in headers) {
    const n = Number(headers['content-length']);
    complete = rest.length >= n;
    bodyBuf = rest.subarray(0, n);
  } else if (/chunked/i.test(headers['transfer-encoding'] || '')) {
    const out = [];
    let off = 0;
    for (;;) {
      const eol = rest.indexOf('\r\n', off);
      if (eol < 0) break;
      const size = parseInt(rest.subarray(off, eol).toString('latin1'), 16);
      if (Number.isNaN(size)) break;
      if (size === 0) { complete = true; break; }
      if (rest.length < eol + 2 + size + 2) break;
      out.push(rest.subarray(eol + 2, eol + 2 + size));
      off = eol + 2 + size + 2;
    }
    bodyBuf = Buffer.concat(out);
  } else if (status === 204 || status === 304 || (status >= 100 && status < 200)) {
    complete = true;
    bodyBuf = Buffer.alloc(0);
  }
  return { status, headers, bodyBuf, body: bodyBuf.toString('utf8'), raw: buf.toString('latin1'), complete };
}

export function hostPort(server) {
  const u = new URL(server.url);
  return { host: u.hostname, port: Number(u.port) };
}

// A GET request line with the path sent exactly as given.
export function rawGet(server, path, extraHeaders = '') {
  const { host, port } = hostPort(server);
  return raw(server, `GET ${path} HTTP/1.1\r\nHost: ${host}:${port}\r\n${extraHeaders}Connection: close\r\n\r\n`);
}

export const sleep = (ms) => new Promise((ok) => setTimeout(ok, ms));

// headers: a fetch Headers or a plain object of lower-case names.
export function header(headers, name) {
  if (typeof headers.get === 'function') return headers.get(name);
  const v = headers[name.toLowerCase()];
  return v === undefined ? null : v;
}

export function assertSecurityHeaders(headers, what = '') {
  const h = (n) => header(headers, n);
  assert.equal(h('x-content-type-options'), 'nosniff', `${what} X-Content-Type-Options`);
  assert.equal(h('x-frame-options'), 'DENY', `${what} X-Frame-Options`);
  assert.equal(h('referrer-policy'), 'no-referrer', `${what} Referrer-Policy`);
  const csp = h('content-security-policy');
  assert.ok(csp, `${what} Content-Security-Policy missing`);
  assert.match(csp, /default-src 'self'/, `${what} CSP default-src`);
  assert.match(csp, /frame-ancestors 'none'/, `${what} CSP frame-ancestors`);
  const rid = h('x-request-id');
  assert.ok(rid, `${what} X-Request-Id missing`);
  assert.match(rid, /^[A-Za-z0-9._-]{1,64}$/, `${what} X-Request-Id shape`);
}

// Asserts the JSON error shape. field: a string to require that value,
// null to require that no field is present, undefined to not check.
export function assertError(res, status, code, field, messageRe) {
  const ctx = `response ${res.status} ${typeof res.body === 'string' ? res.body.slice(0, 300) : JSON.stringify(res.body)}`;
  assert.equal(res.status, status, `status; ${ctx}`);
  const ct = header(res.headers, 'content-type') || '';
  assert.match(ct, /^application\/json\b/, `content-type of an error; ${ctx}`);
  const body = typeof res.body === 'string' ? JSON.parse(res.body) : res.body;
  assert.equal(typeof body, 'object', ctx);
  assert.ok(body && body.error && typeof body.error === 'object', `error object; ${ctx}`);
  assert.equal(body.error.code, code, `error code; ${ctx}`);
  assert.equal(typeof body.error.message, 'string', `error message type; ${ctx}`);
  assert.ok(body.error.message.length > 0, `error message empty; ${ctx}`);
  if (field === null) assert.ok(!('field' in body.error), `no field expected; ${ctx}`);
  else if (field !== undefined) assert.equal(body.error.field, field, `error field; ${ctx}`);
  if (messageRe) assert.match(body.error.message, messageRe, `error message; ${ctx}`);
  return body.error;
}

// Query string from an object, percent-encoding every value (so "+08:00"
// travels as %2B08%3A00, not as a space).
export function qs(params) {
  return Object.entries(params)
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`).join('&');
}

// Civil dates as "YYYY-MM-DD" strings, computed in UTC.
export function addDays(date, n) {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}
// ISO weekday 1 = Monday … 7 = Sunday.
export function isoWeekday(date) {
  const w = new Date(`${date}T00:00:00Z`).getUTCDay();
  return w === 0 ? 7 : w;
}
export function daysBetween(from, to) {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86400000);
}

// Stops a server with SIGTERM and asserts a clean exit: status 0 and no
// AddressSanitizer, LeakSanitizer or UBSan report in its stderr (the reports
// only show there, so the sanitizer pass needs this check to see leaks).
export async function stopClean(server) {
  const ex = await server.stop();
  assertNoSanitizerReport(server);
  assert.deepEqual(ex, { code: 0, sig: null }, `exit status; log tail:\n${server.logs().slice(-3000)}`);
}

export function assertNoSanitizerReport(server) {
  const log = server.logs();
  const m = log.match(/==\d+==\s*ERROR: \w+Sanitizer[\s\S]{0,4000}|^.*runtime error:.*$/m);
  assert.equal(m, null, `sanitizer report in the server's stderr:\n${m && m[0]}`);
}

// district_staff's capabilities (src/auth/caps.c), sorted: one list for every suite that checks them.
export const DISTRICT_CAPS = ['area.manage', 'area.read', 'calendar.manage', 'calendar.read', 'category.manage',
  'figure.read', 'party.manage', 'party.read', 'person.manage', 'person.read', 'register.import',
  'request.approve', 'request.dispatch', 'request.followup', 'request.handle', 'request.intake',
  'request.read', 'request.supervise', 'request.verify', 'unit.manage', 'unit.read', 'user.read',
  'webhook.manage'];
