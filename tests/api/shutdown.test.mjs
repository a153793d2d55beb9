// Graceful shutdown: SIGTERM lets an in-flight request finish (and its write
// land), then the process exits 0.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { rmSync } from 'node:fs';
import { startServer, api } from '../lib/server.mjs';
import { hostPort, parseResponse, sleep, assertNoSanitizerReport } from './helpers.mjs';

const dirs = [];
const servers = [];
after(async () => {
  for (const s of servers) {
    if (s.proc.exitCode === null && s.proc.signalCode === null) await s.kill();
  }
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

async function start(opts = {}) {
  const s = await startServer({ keep: true, ...opts });
  servers.push(s);
  if (!opts.dir) dirs.push(s.dir);
  return s;
}

const withTimeout = (p, ms, what) => Promise.race([
  p, sleep(ms).then(() => { throw new Error(`${what}: not within ${ms} ms`); }),
]);

// Opens a connection and sends the request head and the first part of the
// body. Returns {sock, response: Promise<parsed response>}.
function openPartial(server, head, firstPart) {
  const { host, port } = hostPort(server);
  const sock = net.connect({ host, port });
  const chunks = [];
  const response = new Promise((ok, fail) => {
    sock.on('data', (c) => {
      chunks.push(c);
      const p = parseResponse(Buffer.concat(chunks));
      if (p && p.complete) ok(p);
    });
    sock.on('close', () => {
      const p = parseResponse(Buffer.concat(chunks));
      if (p) ok(p); else fail(new Error(`connection closed without a response: ${Buffer.concat(chunks).toString()}`));
    });
    sock.on('error', (e) => fail(e));
  });
  const connected = new Promise((ok) => sock.on('connect', ok));
  return connected.then(() => new Promise((ok) => sock.write(head + firstPart, ok))).then(() => ({ sock, response }));
}

test('SIGTERM while a request is in flight: the request completes, exit 0', { timeout: 60000 }, async () => {
  const server = await start();
  const { host, port } = hostPort(server);
  const body = JSON.stringify({ kind: 'holiday', name: '停机测试' });
  const len = Buffer.byteLength(body);
  const head = `PUT /api/v1/calendar/2030-03-05 HTTP/1.1\r\nHost: ${host}:${port}\r\nAuthorization: Bearer ${server.key}\r\nContent-Type: application/json\r\nContent-Length: ${len}\r\nConnection: close\r\n\r\n`;
  const half = 10;
  const { sock, response } = await openPartial(server, head, body.slice(0, half));
  await sleep(300); // the server has the head and part of the body
  server.proc.kill('SIGTERM');
  await sleep(700); // the server is shutting down, the request still in flight
  assert.equal(server.proc.exitCode, null, 'the server must not exit while a request is in flight');
  sock.write(Buffer.from(body).subarray(Buffer.byteLength(body.slice(0, half))));
  const r = await withTimeout(response, 15000, 'response to the in-flight request');
  assert.equal(r.status, 200, r.raw);
  assert.deepEqual(JSON.parse(r.body), { date: '2030-03-05', kind: 'holiday', name: '停机测试', working: false, weekday: 2 });
  const ex = await withTimeout(server.exited, 15000, 'exit after SIGTERM');
  assertNoSanitizerReport(server);
  assert.deepEqual(ex, { code: 0, sig: null });

  // the acknowledged write survived the shutdown
  const again = await start({ dir: server.dir });
  const cal = await api(again, 'GET', '/api/v1/calendar?from=2030-03-05&to=2030-03-05');
  assert.equal(cal.status, 200);
  assert.equal(cal.body.days[0].kind, 'holiday');
  assert.equal(cal.body.days[0].name, '停机测试');
  const ex2 = await again.stop();
  assertNoSanitizerReport(again);
  assert.deepEqual(ex2, { code: 0, sig: null });
});

test('SIGTERM while several requests are in flight: all complete', { timeout: 60000 }, async () => {
  const server = await start();
  const { host, port } = hostPort(server);
  const pending = [];
  for (let i = 0; i < 5; i++) {
    const date = `2030-04-0${i + 1}`;
    const body = JSON.stringify({ kind: 'holiday', name: `n${i}` });
    const head = `PUT /api/v1/calendar/${date} HTTP/1.1\r\nHost: ${host}:${port}\r\nAuthorization: Bearer ${server.key}\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n`;
    pending.push({ date, body, ...(await openPartial(server, head, body.slice(0, 5))) });
  }
  await sleep(300);
  server.proc.kill('SIGTERM');
  await sleep(500);
  for (const p of pending) p.sock.write(p.body.slice(5));
  const results = await withTimeout(Promise.all(pending.map((p) => p.response)), 15000, 'responses');
  results.forEach((r, i) => {
    assert.equal(r.status, 200, r.raw);
    assert.equal(JSON.parse(r.body).name, `n${i}`);
  });
  assert.deepEqual(await withTimeout(server.exited, 15000, 'exit'), { code: 0, sig: null });
  assertNoSanitizerReport(server);
});

test('SIGTERM on an idle server exits 0 promptly', { timeout: 30000 }, async () => {
  const server = await start();
  assert.equal((await api(server, 'GET', '/api/v1/health')).status, 200);
  const t0 = Date.now();
  server.proc.kill('SIGTERM');
  const ex = await withTimeout(server.exited, 5000, 'exit');
  assertNoSanitizerReport(server);
  assert.deepEqual(ex, { code: 0, sig: null });
  assert.ok(Date.now() - t0 < 5000);
});

test('SIGTERM with an idle keep-alive connection open still exits 0 within the shutdown limit', { timeout: 30000 }, async () => {
  const server = await start();
  const { host, port } = hostPort(server);
  const sock = net.connect({ host, port });
  await new Promise((ok) => sock.on('connect', ok));
  const first = new Promise((ok) => {
    let buf = Buffer.alloc(0);
    sock.on('data', (c) => {
      buf = Buffer.concat([buf, c]);
      const p = parseResponse(buf);
      if (p && p.complete) ok(p);
    });
  });
  sock.on('error', () => {});
  sock.write(`GET /api/v1/health HTTP/1.1\r\nHost: ${host}:${port}\r\n\r\n`);
  assert.equal((await first).status, 200);
  server.proc.kill('SIGTERM');
  // LIMIT_SHUTDOWN_S is 10 s; an idle connection must not hold the process
  // for the 30 s keep-alive timeout.
  const ex = await withTimeout(server.exited, 12000, 'exit with an idle keep-alive connection');
  sock.destroy();
  assert.deepEqual(ex, { code: 0, sig: null });
});

test('after SIGTERM no new connections are served', { timeout: 30000 }, async () => {
  const server = await start();
  const { host, port } = hostPort(server);
  const body = '{"kind":"holiday"}';
  const head = `PUT /api/v1/calendar/2030-05-06 HTTP/1.1\r\nHost: ${host}:${port}\r\nAuthorization: Bearer ${server.key}\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n`;
  const held = await openPartial(server, head, '{');
  await sleep(200);
  server.proc.kill('SIGTERM');
  await sleep(500);
  // a new request now is refused at connect or answered 503, never 200
  let status = 0;
  try {
    const res = await fetch(`${server.url}/api/v1/health`, { signal: AbortSignal.timeout(3000) });
    status = res.status;
    await res.text();
  } catch { status = 0; }
  assert.ok(status === 0 || status === 503, `new request after SIGTERM got ${status}`);
  held.sock.write(body.slice(1));
  const r = await withTimeout(held.response, 15000, 'held response');
  assert.equal(r.status, 200, r.raw);
  assert.deepEqual(await withTimeout(server.exited, 15000, 'exit'), { code: 0, sig: null });
});
