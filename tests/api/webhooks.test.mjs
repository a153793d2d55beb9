// Webhooks over HTTP (docs/INTEGRATION.md "Webhooks"): receivers on
// 127.0.0.1 in this process check every signature and timestamp and count
// deliveries per X-Linli-Delivery; one fails on purpose (a 500, a time-out,
// then a spell of 503s across a server restart) and recovers, and every event
// of a request driven through its lifecycle arrives exactly once after
// de-duplication; the event and area filters; pause and resume; a receiver
// that always fails ends parked and is redelivered by hand; a rotated secret
// signs the next delivery; the refusals (a URL that is not http(s), an
// unknown event, an area outside the scope, no webhook.manage). The server
// retries after 1 s (webhook_retry_base) and parks after 4 attempts.
// SQLite, or PostgreSQL when LINLI_TEST_PG is set.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { startServer, api } from '../lib/server.mjs';
import { assertError, stopClean } from './helpers.mjs';
import { makeUser, login, PASSWORD } from './registers-helpers.mjs';

const ENV = {
  LINLI_WEBHOOK_RETRY_BASE: '1', LINLI_WEBHOOK_TIMEOUT: '2', LINLI_WEBHOOK_CONNECT_TIMEOUT: '1',
  LINLI_WEBHOOK_MAX_ATTEMPTS: '4',
};
let server;
let dir;
const u = {};
const logins = {
  admin: 'wh-admin', hotline: 'wh-hotline', community: 'wh-community', grid: 'wh-grid',
  narrow: 'wh-narrow', nocap: 'wh-nocap',
};
const ids = {};
const receivers = [];

const sleep = (ms) => new Promise((ok) => setTimeout(ok, ms));
async function ok(res, status, what) {
  assert.equal(res.status, status, `${what}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}
async function until(what, fn, ms = 30000) {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(200);
  }
}

// A receiver: checks the signature of every POST with its current secret(s)
// and keeps what came; answer(delivery) decides {status, delay} (default 200).
async function receiver(name) {
  const r = {
    name, secrets: [], posts: [], bad: [], answer: () => ({ status: 200 }),
    byId() {
      const m = new Map();
      for (const p of this.posts) m.set(p.id, [...(m.get(p.id) || []), p]);
      return m;
    },
    // unique deliveries (the first post of each delivery id)
    unique() { return [...this.byId().values()].map((list) => list[0]); },
  };
  r.server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', async () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const ts = req.headers['x-linli-timestamp'];
      const sig = req.headers['x-linli-signature'] || '';
      const id = req.headers['x-linli-delivery'];
      const event = req.headers['x-linli-event'];
      const good = r.secrets.some((s) => {
        const want = Buffer.from(`sha256=${createHmac('sha256', s).update(`${ts}.${body}`).digest('hex')}`);
        return want.length === sig.length && timingSafeEqual(want, Buffer.from(sig));
      });
      const fresh = /^\d+$/.test(ts || '') && Math.abs(Date.now() / 1000 - Number(ts)) < 300;
      let json = null;
      try { json = JSON.parse(body); } catch { /* counted as bad below */ }
      const post = { id, event, ts, body: json, at: Date.now(), ctype: req.headers['content-type'] };
      if (!good || !fresh || !json || json.event !== event || req.method !== 'POST' || !id) r.bad.push(post);
      r.posts.push(post);
      const a = r.answer(post, r.byId().get(id).length);
      if (a.delay) await sleep(a.delay);
      if (res.destroyed) return;
      res.writeHead(a.status, { 'content-type': 'text/plain' });
      res.end(a.body ?? `ok ${name}`);
    });
  });
  await new Promise((done) => r.server.listen(0, '127.0.0.1', done));
  r.url = `http://127.0.0.1:${r.server.address().port}/hook/${name}`;
  receivers.push(r);
  return r;
}

const act = (who, id, action, body = {}) => who('POST', `/api/v1/requests/${id}/actions/${action}`, body);
const run = async (who, id, action, body = {}) => ok(await act(who, id, action, body), 200, action);
async function intake(area, title) {
  return ok(await u.hotline('POST', '/api/v1/requests', {
    source: 'hotline', kind: 'complaint', category_id: ids.cat, title, area_id: area,
    reporter_name: '王先生', reporter_phone: '13812345678',
  }), 201, `intake ${title}`);
}
const admin = (method, path, body) => u.admin(method, path, body);
async function deliveries(hook, query = '') {
  return ok(await admin('GET', `/api/v1/webhooks/${hook}/deliveries?page_size=200${query}`), 200, 'deliveries');
}

before(async () => {
  server = await startServer({ env: ENV, keep: true });
  dir = server.dir;
  u.admin = await makeUser(server, 'wh-admin', 'district_staff', '*');
  const area = async (body) => ok(await u.admin('POST', '/api/v1/areas', body), 201, body.name);
  ids.district = (await area({ code: '110105', name: '朝阳区' })).id;
  ids.street = (await area({ parent_id: ids.district, code: '110105001', name: '建外街道' })).id;
  ids.street2 = (await area({ parent_id: ids.district, code: '110105002', name: '朝外街道' })).id;
  ids.community = (await area({ parent_id: ids.street, code: '110105001001', name: '永安里社区' })).id;
  ids.community2 = (await area({ parent_id: ids.street2, code: '110105002001', name: '吉祥里社区' })).id;
  const g1 = await area({ parent_id: ids.community, name: '一网格' });
  ids.g1 = g1.id;
  ids.g3 = (await area({ parent_id: ids.community2, name: '吉祥一网格' })).id;
  ids.cat = (await ok(await u.admin('POST', '/api/v1/categories',
    { code: '01', name: '市容环境', default_level: 'community', limit_normal: '5d' }), 201, 'category')).id;
  u.hotline = await makeUser(server, 'wh-hotline', 'hotline_operator', '110105');
  u.community = await makeUser(server, 'wh-community', 'community_staff', '110105001001');
  u.grid = await makeUser(server, 'wh-grid', 'grid_worker', g1.code);
  u.narrow = await makeUser(server, 'wh-narrow', 'district_staff', '110105001');
  u.nocap = await makeUser(server, 'wh-nocap', 'community_staff', '110105001001');
});
after(async () => {
  for (const r of receivers) r.server.close();
  if (server) await stopClean(server);
});

test('the event list, and a subscription shows its secret once', async () => {
  const list = await ok(await admin('GET', '/api/v1/webhooks'), 200, 'list');
  for (const e of ['request.created', 'request.dispatched', 'request.resolved', 'request.closed',
    'request.overdue', 'request.*']) assert.ok(list.events.includes(e), e);
  const r = await receiver('once');
  const w = await ok(await admin('POST', '/api/v1/webhooks', {
    url: r.url, events: ['request.created'], area_id: ids.street, description: '一次性',
  }), 201, 'create');
  assert.match(w.secret, /^whsec_[A-Za-z0-9_-]{43}$/);
  assert.deepEqual(w.events, ['request.created']);
  assert.equal(w.area_code, '110105001');
  assert.equal(w.active, true);
  const got = await ok(await admin('GET', `/api/v1/webhooks/${w.id}`), 200, 'get');
  assert.equal(got.secret, undefined);
  assert.equal(got.url, r.url);
  const again = await ok(await admin('GET', '/api/v1/webhooks'), 200, 'list');
  assert.ok(again.items.some((x) => x.id === w.id && x.secret === undefined));
  await ok(await admin('DELETE', `/api/v1/webhooks/${w.id}`), 200, 'delete');
  await assertError(await admin('GET', `/api/v1/webhooks/${w.id}`), 404, 'not_found');
});

test('every event of a request arrives exactly once, signed, through a 500, a time-out and a server restart', async () => {
  const a = await receiver('main');
  const c = await receiver('district');
  // the first attempt of the accepted event gets a 500, of the acknowledged
  // event a reply after the 2 s time-out; while down, every answer is a 503
  let down = false;
  a.answer = (p, n) => {
    if (down) return { status: 503, body: 'maintenance' };
    if (p.event === 'request.accepted' && n === 1) return { status: 500, body: 'boom' };
    if (p.event === 'request.acknowledged' && n === 1) return { status: 200, delay: 3000 };
    return { status: 200 };
  };
  const wa = await ok(await admin('POST', '/api/v1/webhooks', {
    url: a.url, events: ['request.*'], area_id: ids.community, secret: 'given-secret-for-main-0001',
  }), 201, 'subscribe main');
  assert.equal(wa.secret, 'given-secret-for-main-0001');
  a.secrets = [wa.secret];
  const wc = await ok(await admin('POST', '/api/v1/webhooks', {
    url: c.url, events: ['request.created', 'request.rated', 'request.created'], area_id: ids.district,
  }), 201, 'subscribe district');
  assert.deepEqual(wc.events, ['request.created', 'request.rated']);
  c.secrets = [wc.secret];

  const r1 = await intake(ids.g1, '楼下占道经营');
  const r2 = await intake(ids.g3, '吉祥里垃圾满溢'); // outside main's community
  await run(u.hotline, r1.id, 'accept');
  await run(u.community, r1.id, 'acknowledge');
  await run(u.community, r1.id, 'comment', { note: '已联系城管' });
  // the failed attempts are retried
  await until('the accepted and acknowledged events', () =>
    a.unique().filter((p) => ['request.accepted', 'request.acknowledged'].includes(p.event)).length === 2
    && a.byId().get(a.unique().find((p) => p.event === 'request.accepted').id).length >= 2);

  // a spell of 503s, and the server stops with deliveries pending
  down = true;
  await run(u.community, r1.id, 'resolve', { note: '已劝离摊贩' });
  await run(u.grid, r1.id, 'verify');
  await until('a failed attempt while down', () => a.posts.some((p) => p.event === 'request.verified'));
  const pending = await deliveries(wa.id, '&status=pending');
  assert.ok(pending.total >= 1, JSON.stringify(pending));
  await stopClean(server);
  down = false;
  server = await startServer({ dir, env: ENV, keep: true });
  // the port changed: every caller logs in again
  for (const [k, who] of Object.entries(logins)) u[k] = await login(server, who, PASSWORD);
  await run(u.hotline, r1.id, 'rate', { solved: true, feedback: 'satisfied', note: '回访满意' });

  const want = ['request.created', 'request.accepted', 'request.acknowledged', 'request.commented',
    'request.resolved', 'request.verified', 'request.rated'];
  await until('every event at the main receiver', () => a.unique().length === want.length, 40000);
  await sleep(1500); // nothing more may come
  const got = a.unique();
  assert.deepEqual(got.map((p) => p.body.seq).sort((x, y) => x - y), [1, 2, 3, 4, 5, 6, 7]);
  assert.deepEqual([...got].sort((x, y) => x.body.seq - y.body.seq).map((p) => p.event), want);
  assert.deepEqual(a.bad, [], 'every signature and timestamp checks');
  assert.ok(got.every((p) => p.body.request_id === r1.id && p.body.tracking_code === r1.tracking_code));
  assert.ok(got.every((p) => p.ctype === 'application/json'));
  // one delivery id per event: retries reuse it, nothing else repeats
  const perEvent = new Map();
  for (const p of a.posts) perEvent.set(p.body.seq, new Set([...(perEvent.get(p.body.seq) || []), p.id]));
  for (const [seq, set] of perEvent) assert.equal(set.size, 1, `seq ${seq}: ${[...set]}`);
  assert.ok(a.posts.length > got.length, 'the failures were retried');
  // the payload: the event, no reporter
  const rated = got.find((p) => p.event === 'request.rated').body;
  assert.equal(rated.from_state, 'waiting_feedback');
  assert.equal(rated.to_state, 'closed');
  assert.equal(rated.state, 'closed');
  assert.equal(rated.area_id, ids.g1);
  assert.equal(rated.category_id, ids.cat);
  assert.equal(rated.note, '回访满意');
  assert.match(rated.at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  const text = JSON.stringify(a.posts.map((p) => p.body));
  assert.ok(!text.includes('13812345678') && !text.includes('王先生') && !text.includes('5678'), text);
  // the district's receiver: its two events of r1, and r2's creation
  await until('the district receiver', () => c.unique().length === 3);
  await sleep(500);
  assert.deepEqual(c.unique().map((p) => `${p.body.request_id}:${p.event}`).sort(),
    [`${r1.id}:request.created`, `${r1.id}:request.rated`, `${r2.id}:request.created`].sort());
  assert.ok(!a.posts.some((p) => p.body.request_id === r2.id));
  assert.deepEqual(c.bad, []);

  // the log: all delivered, with the failed attempts and the responses
  const log = await deliveries(wa.id);
  assert.equal(log.total, want.length);
  assert.ok(log.items.every((d) => d.status === 'delivered' && d.last_status === 200), JSON.stringify(log.items));
  const acc = log.items.find((d) => d.event === 'request.accepted');
  assert.ok(acc.attempts >= 2);
  const detail = await ok(await admin('GET', `/api/v1/webhooks/${wa.id}/deliveries/${acc.id}`), 200, 'delivery');
  assert.equal(detail.attempt_log[0].status, 500);
  assert.equal(detail.attempt_log[0].response, 'boom');
  assert.equal(detail.attempt_log.at(-1).status, 200);
  assert.equal(detail.payload.event, 'request.accepted');
  const ack = log.items.find((d) => d.event === 'request.acknowledged');
  const ackDetail = await ok(await admin('GET', `/api/v1/webhooks/${wa.id}/deliveries/${ack.id}`), 200, 'delivery');
  assert.equal(ackDetail.attempt_log[0].status, null);
  assert.match(ackDetail.attempt_log[0].error, /time/i);
  const list = await ok(await admin('GET', '/api/v1/webhooks'), 200, 'list');
  const row = list.items.find((x) => x.id === wa.id);
  assert.deepEqual(row.deliveries, { pending: 0, delivered: want.length, parked: 0 });
  assert.equal((await deliveries(wa.id, '&status=parked')).total, 0);

  // paused: deliveries wait in the log; resumed: they go
  await ok(await admin('PATCH', `/api/v1/webhooks/${wa.id}`, { active: false }), 200, 'pause');
  const r3 = await intake(ids.g1, '路灯不亮');
  await sleep(2500);
  assert.ok(!a.posts.some((p) => p.body.request_id === r3.id));
  assert.equal((await deliveries(wa.id, '&status=pending')).total, 1);
  const resumed = await ok(await admin('PATCH', `/api/v1/webhooks/${wa.id}`, { active: true }), 200, 'resume');
  assert.equal(resumed.active, true);
  await until('the paused event', () => a.posts.some((p) => p.body.request_id === r3.id));

  // a new secret signs what follows
  const rot = await ok(await admin('POST', `/api/v1/webhooks/${wa.id}/secret`), 200, 'rotate');
  assert.match(rot.secret, /^whsec_/);
  a.secrets = [rot.secret];
  const ping = await ok(await admin('POST', `/api/v1/webhooks/${wa.id}/ping`), 202, 'ping');
  assert.equal(ping.event, 'ping');
  assert.equal(ping.status, 'pending');
  await until('the ping', () => a.posts.some((p) => p.id === ping.delivery_id));
  assert.deepEqual(a.bad, []);
  assert.equal(a.posts.find((p) => p.id === ping.delivery_id).body.webhook_id, wa.id);
});

test('a receiver that always fails ends parked; redelivered by hand it arrives', async () => {
  const p = await receiver('parked');
  let failing = true;
  p.answer = () => (failing ? { status: 500, body: 'x'.repeat(5000) } : { status: 204, body: '' });
  const w = await ok(await admin('POST', '/api/v1/webhooks', {
    url: p.url, events: ['request.created'], area_id: ids.street,
  }), 201, 'subscribe');
  p.secrets = [w.secret];
  const ping = await ok(await admin('POST', `/api/v1/webhooks/${w.id}/ping`), 202, 'ping');
  const parked = await until('parked', async () => {
    const l = await deliveries(w.id, '&status=parked');
    return l.total === 1 && l.items[0];
  }, 40000);
  assert.equal(parked.delivery_id, ping.delivery_id);
  assert.equal(parked.attempts, 4);
  assert.equal(parked.last_status, 500);
  assert.equal(parked.last_response.length, 1024);
  assert.equal(p.byId().get(ping.delivery_id).length, 4);
  // gaps grow: about 1 s, 3 s, 6 s (±20 %, plus the one-second poll)
  const at = p.byId().get(ping.delivery_id).map((x) => x.at);
  assert.ok(at[2] - at[1] > at[1] - at[0], `${at}`);
  failing = false;
  const again = await ok(await admin('POST', `/api/v1/webhooks/${w.id}/deliveries/${parked.id}/redeliver`), 202, 'redeliver');
  assert.equal(again.status, 'pending');
  assert.equal(again.attempts, 0);
  await until('delivered', async () => (await deliveries(w.id, '&status=delivered')).total === 1);
  assert.equal(p.byId().get(ping.delivery_id).length, 5);
  assert.deepEqual(p.bad, []);
  // only a parked delivery is redelivered
  await assertError(await admin('POST', `/api/v1/webhooks/${w.id}/deliveries/${parked.id}/redeliver`),
    409, 'conflict', 'status');
  const detail = await ok(await admin('GET', `/api/v1/webhooks/${w.id}/deliveries/${parked.id}`), 200, 'detail');
  assert.deepEqual(detail.attempt_log.map((x) => x.status), [500, 500, 500, 500, 204]);
});

test('refusals: not http(s), unknown event, outside the scope, no webhook.manage', async () => {
  const base = { url: 'http://127.0.0.1:9/x', events: ['request.created'], area_id: ids.street };
  for (const url of ['ftp://example.com/x', 'javascript:alert(1)', 'file:///etc/passwd', 'http://',
    'https://exa mple.com/', 'http://host:99999/', 'gopher://h/']) {
    await assertError(await admin('POST', '/api/v1/webhooks', { ...base, url }), 400, 'invalid', 'url');
  }
  await assertError(await admin('POST', '/api/v1/webhooks', { ...base, url: `http://h/${'a'.repeat(2100)}` }),
    400, 'invalid', 'url');
  await assertError(await admin('POST', '/api/v1/webhooks', { ...base, events: ['request.nope'] }), 400, 'invalid', 'events');
  await assertError(await admin('POST', '/api/v1/webhooks', { ...base, events: [] }), 400, 'invalid', 'events');
  await assertError(await admin('POST', '/api/v1/webhooks', { ...base, events: ['ping'] }), 400, 'invalid', 'events');
  await assertError(await admin('POST', '/api/v1/webhooks', { ...base, secret: 'short' }), 400, 'invalid', 'secret');
  await assertError(await admin('POST', '/api/v1/webhooks', { ...base, colour: 'red' }), 400, 'invalid', 'colour');
  await assertError(await admin('POST', '/api/v1/webhooks', { ...base, area_id: 999999 }), 400, 'invalid', 'area_id');
  // the area by its code instead (the console's way for an administrator without area.read)
  const noArea = { url: base.url, events: base.events };
  await assertError(await admin('POST', '/api/v1/webhooks', noArea), 400, 'invalid', 'area_id');
  await assertError(await admin('POST', '/api/v1/webhooks', { ...noArea, area_code: '999999' }), 400, 'invalid', 'area_code');
  const byCode = await ok(await api(server, 'POST', '/api/v1/webhooks', { ...noArea, area_code: '110105001' }), 201, 'by code');
  assert.equal(byCode.area_id, ids.street);
  await ok(await admin('DELETE', `/api/v1/webhooks/${byCode.id}`), 200, 'delete');
  // the narrow administrator covers street 1 only
  await assertError(await u.narrow('POST', '/api/v1/webhooks', { ...base, area_id: ids.community2 }),
    403, 'forbidden', 'area_id');
  await assertError(await u.narrow('POST', '/api/v1/webhooks', { ...base, area_id: ids.district }),
    403, 'forbidden', 'area_id');
  await assertError(await u.narrow('POST', '/api/v1/webhooks', { ...noArea, area_code: '110105002001' }),
    403, 'forbidden', 'area_code');
  const mine = await ok(await u.narrow('POST', '/api/v1/webhooks', { ...base, area_id: ids.community }), 201, 'narrow');
  const wide = await ok(await admin('POST', '/api/v1/webhooks', { ...base, area_id: ids.district }), 201, 'wide');
  const seen = await ok(await u.narrow('GET', '/api/v1/webhooks'), 200, 'narrow list');
  assert.ok(seen.items.some((x) => x.id === mine.id));
  assert.ok(!seen.items.some((x) => x.id === wide.id));
  await assertError(await u.narrow('GET', `/api/v1/webhooks/${wide.id}`), 403, 'forbidden');
  await assertError(await u.narrow('PATCH', `/api/v1/webhooks/${wide.id}`, { active: false }), 403, 'forbidden');
  await assertError(await u.narrow('DELETE', `/api/v1/webhooks/${wide.id}`), 403, 'forbidden');
  await assertError(await u.narrow('GET', `/api/v1/webhooks/${wide.id}/deliveries`), 403, 'forbidden');
  await assertError(await u.narrow('POST', `/api/v1/webhooks/${wide.id}/ping`), 403, 'forbidden');
  await assertError(await u.narrow('POST', `/api/v1/webhooks/${wide.id}/secret`), 403, 'forbidden');
  await assertError(await u.narrow('PATCH', `/api/v1/webhooks/${mine.id}`, { area_id: ids.street2 }),
    403, 'forbidden', 'area_id');
  // without the capability
  await assertError(await u.nocap('GET', '/api/v1/webhooks'), 403, 'forbidden');
  await assertError(await u.nocap('POST', '/api/v1/webhooks', { ...base, area_id: ids.community }), 403, 'forbidden');
  await assertError(await u.nocap('GET', `/api/v1/webhooks/${mine.id}`), 403, 'forbidden');
  const audit = await ok(await api(server, 'GET', '/api/v1/audit?action=access.denied&limit=50'), 200, 'audit');
  assert.ok(audit.items.some((x) => x.object === `webhook:${wide.id}`), JSON.stringify(audit.items.slice(0, 5)));
  for (const id of [mine.id, wide.id]) await ok(await admin('DELETE', `/api/v1/webhooks/${id}`), 200, 'delete');
});
