// The per-address request limit (rate_limit, requests per second with a
// burst of twice that): past it the API answers 429 with Retry-After, the
// console's static files are not counted, and the limit refills.
import test from 'node:test';
import assert from 'node:assert/strict';
import { startServer, api } from '../lib/server.mjs';

test('past rate_limit the API answers 429 rate_limited with Retry-After, and refills', async () => {
  const server = await startServer({ args: ['--rate-limit', '5'] });
  try {
    const statuses = [];
    let limited;
    for (let i = 0; i < 30; i++) {
      const r = await api(server, 'GET', '/api/v1/health', undefined, { authorization: null });
      statuses.push(r.status);
      if (r.status === 429) limited = r;
    }
    assert.ok(statuses.filter((s) => s === 200).length >= 10, `the burst of 10 passes: ${statuses}`);
    assert.ok(statuses.filter((s) => s === 429).length >= 10, `the rest is refused: ${statuses}`);
    assert.equal(limited.body.error.code, 'rate_limited');
    assert.equal(limited.headers.get('retry-after'), '1');
    const page = await fetch(`${server.url}/`);
    assert.notEqual(page.status, 429, 'static files are not limited');
    await new Promise((ok) => setTimeout(ok, 1200));
    assert.equal((await api(server, 'GET', '/api/v1/health', undefined, { authorization: null })).status, 200,
      'the bucket refills');
  } finally {
    await server.stop();
  }
});

test('without rate_limit nothing is refused', async () => {
  const server = await startServer({});
  try {
    const res = await Promise.all(Array.from({ length: 50 },
      () => api(server, 'GET', '/api/v1/health', undefined, { authorization: null })));
    assert.deepEqual([...new Set(res.map((r) => r.status))], [200]);
  } finally {
    await server.stop();
  }
});
