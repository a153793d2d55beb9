// Durability: a write acknowledged with 200 survives SIGKILL. Sixteen
// concurrent writers each put holidays on their own run of weekdays (years
// 2030–2090); the server is killed mid-load, restarted on the same database,
// and every acknowledged write must be there with its name.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { startServer, api } from '../lib/server.mjs';
import { addDays, isoWeekday, sleep, assertNoSanitizerReport } from './helpers.mjs';

const WRITERS = 16;
const SPAN_DAYS = 1400;       // each writer owns ~3.8 years: 2030-01-01 + i*1400 days
const LOAD_MS = Number(process.env.LINLI_DURABILITY_MS || 1500);
const BASE = '2030-01-01';

let dir;
const servers = [];
after(async () => {
  for (const s of servers) {
    if (s.proc.exitCode === null && s.proc.signalCode === null) await s.kill();
  }
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function writer(server, i, acked, stopFlag) {
  let date = addDays(BASE, i * SPAN_DAYS);
  const end = addDays(BASE, (i + 1) * SPAN_DAYS);
  let n = 0;
  let errors = 0;
  while (!stopFlag.stop && date < end) {
    if (isoWeekday(date) <= 5) {
      const name = `w${i}-${n}-${date}`;
      try {
        const r = await api(server, 'PUT', `/api/v1/calendar/${date}`, { kind: 'holiday', name });
        if (r.status === 200) {
          // only a correct acknowledgement counts as one
          assert.equal(r.body.date, date);
          assert.equal(r.body.name, name);
          acked.push({ date, name });
        } else if (r.status !== 503) {
          throw new Error(`unexpected ${r.status} for ${date}: ${JSON.stringify(r.body)}`);
        }
      } catch (e) {
        if (e instanceof assert.AssertionError || /unexpected/.test(e.message)) throw e;
        // connection refused or reset: the server is gone
        errors++;
        if (errors > 3) return;
        await sleep(20);
      }
      n++;
    }
    date = addDays(date, 1);
  }
}

test('every acknowledged write survives SIGKILL', { timeout: 180000 }, async () => {
  const server = await startServer({ keep: true });
  servers.push(server);
  dir = server.dir;
  const acked = [];
  const stopFlag = { stop: false };
  // collect each writer's failure instead of leaving a rejection unhandled
  const writers = Array.from({ length: WRITERS },
    (_, i) => writer(server, i, acked, stopFlag).then(() => null, (e) => e));
  await sleep(LOAD_MS);
  const ackedBeforeKill = acked.length;
  const ex = await server.kill();
  assert.equal(ex.sig, 'SIGKILL', `the server was killed, not exited on its own: ${server.logs().slice(-2000)}`);
  assertNoSanitizerReport(server);
  stopFlag.stop = true;
  const failures = (await Promise.all(writers)).filter(Boolean);
  if (failures.length) throw failures[0];
  // a write acknowledged between our reading and the kill landing also counts
  assert.ok(acked.length >= ackedBeforeKill);
  assert.ok(acked.length > 50, `only ${acked.length} writes were acknowledged: the test proves nothing`);

  const again = await startServer({ dir });
  servers.push(again);
  const byDate = new Map();
  for (let i = 0; i < WRITERS; i++) {
    let from = addDays(BASE, i * SPAN_DAYS);
    const end = addDays(BASE, (i + 1) * SPAN_DAYS - 1);
    while (from <= end) {
      let to = addDays(from, 399);
      if (to > end) to = end;
      const r = await api(again, 'GET', `/api/v1/calendar?from=${from}&to=${to}`);
      assert.equal(r.status, 200, JSON.stringify(r.body));
      for (const d of r.body.days) byDate.set(d.date, d);
      from = addDays(to, 1);
    }
  }
  const missing = acked.filter(({ date, name }) => {
    const d = byDate.get(date);
    return !d || d.kind !== 'holiday' || d.name !== name;
  });
  assert.deepEqual(missing.slice(0, 20).map(({ date, name }) => ({ date, name, got: byDate.get(date) })), [],
    `${missing.length} of ${acked.length} acknowledged writes were lost`);
  // nothing that was never written appears
  for (const [date, d] of byDate) {
    if (d.kind === 'holiday') assert.match(d.name, /^w\d+-\d+-\d{4}-\d{2}-\d{2}$/, date);
  }
  const ex2 = await again.stop();
  assertNoSanitizerReport(again);
  assert.deepEqual(ex2, { code: 0, sig: null });
  console.log(`# durability: ${acked.length} acknowledged writes, all present after SIGKILL`);
});
