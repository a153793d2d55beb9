// The HTTP layer's contract: request ids, security headers, the error shape,
// routing errors, body and header limits, validation at the edge, health and
// metrics.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, api, backend } from '../lib/server.mjs';
import {
  raw, hostPort, assertSecurityHeaders, assertError, stopClean,
} from './helpers.mjs';

let server;
before(async () => { server = await startServer(); });
after(async () => { if (server) await server.stop(); });

// A weekday far from the calendar suite's dates; each body test writes its own day.
const PUT_PATH = '/api/v1/calendar/2030-01-07';
const MiB = 1024 * 1024;

describe('request id', () => {
  test('a valid X-Request-Id is echoed', async () => {
    for (const id of ['abc', 'req-1.2_3', 'A'.repeat(64), 'x']) {
      const r = await api(server, 'GET', '/api/v1/health', undefined, { 'x-request-id': id });
      assert.equal(r.status, 200);
      assert.equal(r.headers.get('x-request-id'), id);
    }
  });

  test('an invalid X-Request-Id is replaced by a fresh one', async () => {
    for (const id of ['A'.repeat(65), 'has space', 'slash/bad', 'semi;colon', 'ü-umlaut'.normalize('NFC')]) {
      // fetch refuses non-latin1 header values, so send this one raw
      const { host, port } = hostPort(server);
      const r = await raw(server, Buffer.concat([
        Buffer.from(`GET /api/v1/health HTTP/1.1\r\nHost: ${host}:${port}\r\nX-Request-Id: `),
        Buffer.from(id, 'utf8'),
        Buffer.from('\r\nConnection: close\r\n\r\n'),
      ]));
      assert.equal(r.status, 200, `id ${JSON.stringify(id)}`);
      const got = r.headers['x-request-id'];
      assert.ok(got, 'X-Request-Id present');
      assert.notEqual(got, id);
      assert.match(got, /^[A-Za-z0-9._-]{1,64}$/);
    }
  });

  test('the id is echoed on error responses too', async () => {
    const r404 = await api(server, 'GET', '/api/v1/nope', undefined, { 'x-request-id': 'err-404' });
    assert.equal(r404.status, 404);
    assert.equal(r404.headers.get('x-request-id'), 'err-404');
    const r405 = await api(server, 'DELETE', '/api/v1/health', undefined, { 'x-request-id': 'err-405' });
    assert.equal(r405.status, 405);
    assert.equal(r405.headers.get('x-request-id'), 'err-405');
    const r400 = await api(server, 'PUT', PUT_PATH, '{', { 'x-request-id': 'err-400' });
    assert.equal(r400.status, 400);
    assert.equal(r400.headers.get('x-request-id'), 'err-400');
  });

  test('an empty X-Request-Id is replaced', async () => {
    const { host, port } = hostPort(server);
    const r = await raw(server, `GET /api/v1/health HTTP/1.1\r\nHost: ${host}:${port}\r\nX-Request-Id: \r\nConnection: close\r\n\r\n`);
    assert.equal(r.status, 200);
    assert.match(r.headers['x-request-id'] || '', /^[A-Za-z0-9._-]{1,64}$/);
  });

  test('generated ids differ between requests', async () => {
    const ids = new Set();
    for (let i = 0; i < 5; i++) {
      const r = await api(server, 'GET', '/api/v1/health');
      ids.add(r.headers.get('x-request-id'));
    }
    assert.equal(ids.size, 5, `ids: ${[...ids].join(' ')}`);
  });
});

describe('security headers on every response', () => {
  const cases = [
    ['GET', '/api/v1/health', undefined, {}, 200],
    ['GET', '/metrics', undefined, {}, 200],
    ['GET', '/api/v1/nope', undefined, {}, 404],
    ['DELETE', '/api/v1/health', undefined, {}, 405],
    ['GET', '/api/v1/health?bogus=1', undefined, {}, 400],
    ['PUT', PUT_PATH, 'kind=holiday', { 'content-type': 'text/plain' }, 415],
    ['GET', '/api/v1/calendar?from=2026-01-01&to=2026-01-03', undefined, {}, 200],
  ];
  for (const [method, path, body, headers, status] of cases) {
    test(`${method} ${path} → ${status}`, async () => {
      const r = await api(server, method, path, body, headers);
      assert.equal(r.status, status);
      assertSecurityHeaders(r.headers, `${method} ${path}`);
    });
  }
});

describe('routing errors', () => {
  test('unknown /api/ paths are 404 not_found with no field', async () => {
    for (const path of ['/api/v1/nope', '/api/v1/', '/api/v2/health', '/api/v1/health/extra', '/api/nope']) {
      const r = await api(server, 'GET', path);
      assertError(r, 404, 'not_found', null);
      assertSecurityHeaders(r.headers, path);
    }
  });

  test('unknown /api/ path with a file extension is JSON 404, not a static file', async () => {
    const r = await api(server, 'GET', '/api/v1/nope.json');
    assertError(r, 404, 'not_found');
  });

  test('DELETE /api/v1/health is 405 with Allow: GET', async () => {
    const r = await api(server, 'DELETE', '/api/v1/health');
    assertError(r, 405, 'method_not_allowed');
    const allow = r.headers.get('allow');
    assert.ok(allow, 'Allow header present');
    const methods = allow.split(',').map((s) => s.trim());
    assert.ok(methods.includes('GET'), `Allow: ${allow}`);
    assert.ok(!methods.includes('DELETE'), `Allow: ${allow}`);
    assert.ok(!methods.includes('PUT'), `Allow: ${allow}`);
  });

  test('POST /api/v1/health is 405 with Allow', async () => {
    const r = await api(server, 'POST', '/api/v1/health', {});
    assertError(r, 405, 'method_not_allowed');
    assert.match(r.headers.get('allow') || '', /\bGET\b/);
  });

  test('POST /api/v1/calendar/{date} is 405 listing PUT and DELETE', async () => {
    const r = await api(server, 'POST', PUT_PATH, { kind: 'holiday' });
    assertError(r, 405, 'method_not_allowed');
    const methods = (r.headers.get('allow') || '').split(',').map((s) => s.trim());
    assert.ok(methods.includes('PUT'), `Allow: ${methods}`);
    assert.ok(methods.includes('DELETE'), `Allow: ${methods}`);
    assert.ok(!methods.includes('POST'), `Allow: ${methods}`);
  });

  test('PUT /api/v1/calendar (the collection) is 405 with Allow: GET', async () => {
    const r = await api(server, 'PUT', '/api/v1/calendar', { kind: 'holiday' });
    assertError(r, 405, 'method_not_allowed');
    const methods = (r.headers.get('allow') || '').split(',').map((s) => s.trim());
    assert.ok(methods.includes('GET'), `Allow: ${methods}`);
    assert.ok(!methods.includes('PUT'), `Allow: ${methods}`);
  });
});

describe('request bodies', () => {
  test('control: a good body with charset parameter is accepted', async () => {
    const r = await api(server, 'PUT', PUT_PATH, { kind: 'holiday', name: 'ok' },
      { 'content-type': 'application/json; charset=utf-8' });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.kind, 'holiday');
    assert.equal(r.body.name, 'ok');
  });

  test('wrong content type is 415', async () => {
    for (const ct of ['text/plain', 'application/x-www-form-urlencoded', 'application/jsonx', 'multipart/form-data; boundary=x']) {
      const r = await api(server, 'PUT', PUT_PATH, JSON.stringify({ kind: 'holiday' }), { 'content-type': ct });
      const e = assertError(r, 415, 'unsupported_media_type');
      if ('field' in e) assert.equal(e.field, 'content-type');
    }
  });

  test('missing content type is 415', async () => {
    const { host, port } = hostPort(server);
    const body = JSON.stringify({ kind: 'holiday' });
    const r = await raw(server, `PUT ${PUT_PATH} HTTP/1.1\r\nHost: ${host}:${port}\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`);
    assertError(r, 415, 'unsupported_media_type');
  });

  test('a body of exactly 1 MiB is accepted, one byte more is 413', async () => {
    const head = '{"kind":"holiday","name":"big"';
    const pad = (total) => head + ' '.repeat(total - head.length - 1) + '}';
    const exact = pad(MiB);
    assert.equal(Buffer.byteLength(exact), MiB);
    const ok = await api(server, 'PUT', '/api/v1/calendar/2030-01-08', exact);
    assert.equal(ok.status, 200, JSON.stringify(ok.body).slice(0, 300));
    assert.equal(ok.body.name, 'big');
    const over = await api(server, 'PUT', '/api/v1/calendar/2030-01-09', pad(MiB + 1));
    assertError(over, 413, 'too_large');
    assertSecurityHeaders(over.headers, '413');
  });

  test('a 3 MiB body sent in full gets its 413 (not a connection reset)', async () => {
    // What any client does: send the whole body, then read the answer. A
    // server that answers early and closes with the body unread makes the
    // peer's kernel send RST, which destroys the 413 before the client reads it.
    const { host, port } = hostPort(server);
    const body = JSON.stringify({ kind: 'holiday', name: 'x'.repeat(3 * MiB) });
    for (let i = 0; i < 5; i++) {
      const r = await raw(server, [`PUT /api/v1/calendar/2030-01-10 HTTP/1.1\r\nHost: ${host}:${port}\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n`, body]);
      assert.notEqual(r.status, 0, `attempt ${i + 1}: the connection was closed without any response`);
      assertError(r, 413, 'too_large');
    }
  });

  test('a chunked body over 1 MiB is 413 too_large', async () => {
    const { host, port } = hostPort(server);
    const chunk = 'x'.repeat(64 * 1024);
    const parts = [`PUT /api/v1/calendar/2030-01-11 HTTP/1.1\r\nHost: ${host}:${port}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n`];
    parts.push(`1a\r\n{"kind":"holiday","name":"\r\n`);
    for (let i = 0; i < 20; i++) parts.push(`${chunk.length.toString(16)}\r\n${chunk}\r\n`);
    parts.push('2\r\n"}\r\n0\r\n\r\n');
    const r = await raw(server, parts);
    assertError(r, 413, 'too_large');
  });

  test('a declared Content-Length over 1 MiB is refused without reading it', async () => {
    const { host, port } = hostPort(server);
    const r = await raw(server, `PUT /api/v1/calendar/2030-01-14 HTTP/1.1\r\nHost: ${host}:${port}\r\nContent-Type: application/json\r\nContent-Length: ${100 * MiB}\r\nConnection: close\r\n\r\n{"kind":`, { timeout: 5000 });
    assertError(r, 413, 'too_large');
  });

  test('malformed JSON is 400 invalid naming the problem', async () => {
    for (const body of ['{"kind":', '{kind:"holiday"}', '{"kind":"holiday",}', "{'kind':'holiday'}", '{"kind":"holiday"} trailing']) {
      const r = await api(server, 'PUT', PUT_PATH, body);
      assertError(r, 400, 'invalid', undefined, /json|line|column|position/i);
    }
  });

  test('an empty body is 400', async () => {
    const r = await api(server, 'PUT', PUT_PATH, '');
    assertError(r, 400, 'invalid');
  });

  test('invalid UTF-8 in a JSON string is 400', async () => {
    const body = Buffer.concat([Buffer.from('{"kind":"holiday","name":"'), Buffer.from([0xff, 0xfe]), Buffer.from('"}')]);
    const r = await api(server, 'PUT', PUT_PATH, body, { 'content-type': 'application/json' });
    assertError(r, 400, 'invalid');
  });

  test('a body that is not an object is 400', async () => {
    for (const body of ['[]', '[{"kind":"holiday"}]', '"holiday"', '42', 'null', 'true']) {
      const r = await api(server, 'PUT', PUT_PATH, body);
      assertError(r, 400, 'invalid');
    }
  });

  test('JSON nested 16 levels parses (then fails on the unknown field), 17 levels is refused for depth', async () => {
    const nest = (levels) => `{"kind":"holiday","extra":${'['.repeat(levels - 1)}${']'.repeat(levels - 1)}}`;
    const r16 = await api(server, 'PUT', PUT_PATH, nest(16));
    const e16 = assertError(r16, 400, 'invalid', 'extra');
    assert.doesNotMatch(e16.message, /depth|deep|nest/i);
    const r17 = await api(server, 'PUT', PUT_PATH, nest(17));
    assert.ok([400, 413].includes(r17.status), `status ${r17.status}`);
    assertError(r17, r17.status, r17.status === 400 ? 'invalid' : 'too_large', undefined, /depth|deep|nest/i);
  });

  test('very deep nesting (100000 levels) is refused and the server survives', async () => {
    const body = '{"a":' + '['.repeat(100000) + ']'.repeat(100000) + '}';
    const r = await api(server, 'PUT', PUT_PATH, body);
    assert.ok([400, 413].includes(r.status), `status ${r.status}`);
    assertError(r, r.status, r.status === 400 ? 'invalid' : 'too_large', undefined, /depth|deep|nest/i);
    const h = await api(server, 'GET', '/api/v1/health');
    assert.equal(h.status, 200);
  });

  test('an unknown body field is 400 naming it', async () => {
    const r = await api(server, 'PUT', PUT_PATH, { kind: 'holiday', colour: 'red' });
    assertError(r, 400, 'invalid', 'colour');
  });

  test('a wrong type is 400 naming the field', async () => {
    assertError(await api(server, 'PUT', PUT_PATH, { kind: 5 }), 400, 'invalid', 'kind');
    assertError(await api(server, 'PUT', PUT_PATH, { kind: ['holiday'] }), 400, 'invalid', 'kind');
    assertError(await api(server, 'PUT', PUT_PATH, { kind: 'holiday', name: 7 }), 400, 'invalid', 'name');
    assertError(await api(server, 'PUT', PUT_PATH, { kind: 'holiday', name: { a: 1 } }), 400, 'invalid', 'name');
  });

  test('a string over its max length is 400 naming the field', async () => {
    const r = await api(server, 'PUT', PUT_PATH, { kind: 'holiday', name: 'n'.repeat(65) });
    assertError(r, 400, 'invalid', 'name');
  });

  test('a refused write changes nothing', async () => {
    const before = await api(server, 'GET', '/api/v1/calendar?from=2030-01-07&to=2030-01-07');
    assert.equal(before.status, 200);
    assert.equal(before.body.days[0].name, 'ok');
    await api(server, 'PUT', PUT_PATH, { kind: 'holiday', name: 'n'.repeat(65) });
    await api(server, 'PUT', PUT_PATH, { kind: 'holiday', name: 'changed', colour: 'red' });
    const afterR = await api(server, 'GET', '/api/v1/calendar?from=2030-01-07&to=2030-01-07');
    assert.equal(afterR.body.days[0].name, 'ok');
    assert.equal(afterR.body.days[0].kind, 'holiday');
  });
});

describe('query parameters', () => {
  test('an unknown query parameter is 400 naming it', async () => {
    assertError(await api(server, 'GET', '/api/v1/health?foo=1'), 400, 'invalid', 'foo');
    assertError(await api(server, 'GET', '/api/v1/calendar?from=2026-01-01&to=2026-01-02&bar=x'), 400, 'invalid', 'bar');
    assertError(await api(server, 'GET', '/api/v1/calendar/deadline?start=2026-11-18T10%3A00%3A00%2B08%3A00&working_hours=1&zzz='),
      400, 'invalid', 'zzz');
  });
});

describe('header limits', () => {
  test('headers under 16 KiB in total are fine', async () => {
    const { host, port } = hostPort(server);
    let extra = '';
    for (let i = 0; i < 10; i++) extra += `X-Pad-${i}: ${'p'.repeat(1000)}\r\n`;
    const r = await raw(server, `GET /api/v1/health HTTP/1.1\r\nHost: ${host}:${port}\r\n${extra}Connection: close\r\n\r\n`);
    assert.equal(r.status, 200);
  });

  test('headers over 16 KiB in total are 431', async () => {
    const { host, port } = hostPort(server);
    let extra = '';
    for (let i = 0; i < 20; i++) extra += `X-Pad-${i}: ${'p'.repeat(1000)}\r\n`;
    const r = await raw(server, `GET /api/v1/health HTTP/1.1\r\nHost: ${host}:${port}\r\n${extra}Connection: close\r\n\r\n`);
    assertError(r, 431, 'headers_too_large');
    assertSecurityHeaders(r.headers, '431');
  });

  test('one header of 17 KiB is 431', async () => {
    const { host, port } = hostPort(server);
    const r = await raw(server, `GET /api/v1/health HTTP/1.1\r\nHost: ${host}:${port}\r\nX-Big: ${'b'.repeat(17 * 1024)}\r\nConnection: close\r\n\r\n`);
    assertError(r, 431, 'headers_too_large');
  });

  test('headers of 200 KiB are refused (never 200) and the server survives', async () => {
    const { host, port } = hostPort(server);
    let extra = '';
    for (let i = 0; i < 200; i++) extra += `X-Pad-${i}: ${'p'.repeat(1000)}\r\n`;
    const r = await raw(server, `GET /api/v1/health HTTP/1.1\r\nHost: ${host}:${port}\r\n${extra}Connection: close\r\n\r\n`);
    assert.notEqual(r.status, 200);
    assert.ok(r.status === 0 || r.status === 431 || r.status === 413 || r.status === 400, `status ${r.status}`);
    const h = await api(server, 'GET', '/api/v1/health');
    assert.equal(h.status, 200);
  });
});

describe('health', () => {
  test('GET /api/v1/health reports status, version, backend, store, time', async () => {
    const t0 = Date.now();
    const r = await api(server, 'GET', '/api/v1/health');
    assert.equal(r.status, 200);
    assert.match(r.headers.get('content-type') || '', /^application\/json\b/);
    assert.equal(r.body.status, 'ok');
    assert.match(r.body.version, /^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/);
    // "sqlite" by default; "postgres" in the PostgreSQL pass (LINLI_TEST_PG)
    assert.equal(r.body.backend, backend);
    assert.equal(r.body.store, 'ok');
    assert.match(r.body.time, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?\+08:00$/);
    assert.ok(Math.abs(Date.parse(r.body.time) - t0) < 60000, `time ${r.body.time} vs now ${new Date(t0).toISOString()}`);
    assertSecurityHeaders(r.headers, 'health');
  });

  test('health answers over raw HTTP/1.0 too', async () => {
    const r = await raw(server, 'GET /api/v1/health HTTP/1.0\r\n\r\n');
    assert.equal(r.status, 200);
    assert.equal(JSON.parse(r.body).status, 'ok');
  });
});

describe('metrics', () => {
  const counter = (text, route, method, status) => {
    const re = new RegExp(`^linli_http_requests_total\\{([^}]*)\\} (\\d+(?:\\.\\d+)?(?:e\\+?\\d+)?)$`, 'mg');
    let m;
    while ((m = re.exec(text))) {
      const labels = Object.fromEntries([...m[1].matchAll(/(\w+)="([^"]*)"/g)].map((x) => [x[1], x[2]]));
      if (labels.route === route && labels.method === method && labels.status === status) return Number(m[2]);
    }
    return undefined;
  };

  test('GET /metrics is Prometheus text 0.0.4', async () => {
    const r = await api(server, 'GET', '/metrics');
    assert.equal(r.status, 200);
    assert.match(r.headers.get('content-type') || '', /^text\/plain; ?version=0\.0\.4\b/);
    assert.equal(typeof r.body, 'string');
    assert.match(r.body, /^# TYPE linli_http_requests_total counter$/m);
    assert.match(r.body, /^linli_http_request_duration_seconds_bucket\{[^}]*le="\+Inf"[^}]*\} \d+/m);
    assert.match(r.body, /^linli_http_request_duration_seconds_bucket\{[^}]*le="0\.\d+"[^}]*\} \d+/m);
    assert.match(r.body, /^linli_store_write_queue_depth(\{[^}]*\})? \d+(\.\d+)?$/m);
    assert.match(r.body, /^linli_store_commit_batch_size_bucket\{[^}]*le="[^"]+"[^}]*\} \d+/m);
  });

  test('the request counter grows with requests', async () => {
    await api(server, 'GET', '/api/v1/health');
    const a = counter((await api(server, 'GET', '/metrics')).body, '/api/v1/health', 'GET', '200');
    assert.ok(Number.isFinite(a) && a >= 1, `first reading ${a}`);
    for (let i = 0; i < 3; i++) assert.equal((await api(server, 'GET', '/api/v1/health')).status, 200);
    const b = counter((await api(server, 'GET', '/metrics')).body, '/api/v1/health', 'GET', '200');
    assert.ok(b >= a + 3, `counter went from ${a} to ${b}`);
  });

  test('405s are counted under status="405"', async () => {
    const sum405 = (text) => [...text.matchAll(/^linli_http_requests_total\{[^}]*status="405"[^}]*\} (\d+)$/mg)]
      .reduce((a, m) => a + Number(m[1]), 0);
    const a = sum405((await api(server, 'GET', '/metrics')).body);
    assert.equal((await api(server, 'DELETE', '/api/v1/health')).status, 405);
    assert.equal((await api(server, 'PATCH', '/api/v1/health')).status, 405);
    const b = sum405((await api(server, 'GET', '/metrics')).body);
    assert.equal(b, a + 2);
  });

  test('route labels are templates, not raw paths', async () => {
    await api(server, 'PUT', '/api/v1/calendar/2030-02-04', { kind: 'holiday', name: 'm' });
    const text = (await api(server, 'GET', '/metrics')).body;
    assert.doesNotMatch(text, /route="\/api\/v1\/calendar\/2030-02-04"/);
  });
});

test('the server shuts down cleanly (exit 0, no sanitizer report)', async () => {
  await stopClean(server);
});
