// What only makes sense with PostgreSQL under test (LINLI_TEST_PG set by
// tests/run.sh): the two schemas cannot drift, several processes on one
// database behave as one system, and migrate-data copies a deployment.
import test, { describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, api, linli, backend } from '../lib/server.mjs';

const skip = backend !== 'postgres' && 'needs PostgreSQL (LINLI_TEST_PG)';
const base = (process.env.LINLI_TEST_PG || '').replace(/\/+$/, '');

function run(cmd, args) {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

function createDb() {
  const name = `m_${Math.random().toString(16).slice(2, 10)}`;
  run('psql', [`${base}/postgres`, '-qAtc', `CREATE DATABASE ${name}`]);
  return `${base}/${name}`;
}

// Type classes both dialects agree on.
function typeClass(t) {
  t = t.toLowerCase();
  if (/int|serial/.test(t)) return 'integer';
  if (/char|text|clob/.test(t)) return 'text';
  if (/real|floa|doub|numeric|decimal/.test(t)) return 'real';
  if (/blob|bytea/.test(t)) return 'blob';
  if (/bool/.test(t)) return 'boolean';
  return t;
}

function sqliteSchema(path) {
  const q = (sql) => JSON.parse(run('sqlite3', ['-json', path, sql]) || '[]');
  const schema = {};
  // plain tables: an FTS5 table and its shadow tables have no PostgreSQL twin
  // (there a trigram index on the indexed table does their work)
  for (const { name } of q("SELECT m.name FROM sqlite_master m JOIN pragma_table_list t ON t.name = m.name"
    + " AND t.schema = 'main' WHERE m.type = 'table' AND t.type = 'table' AND m.name NOT LIKE 'sqlite_%'")) {
    const cols = q(`PRAGMA table_info(${name})`).map((c) => ({
      name: c.name, type: typeClass(c.type), notnull: !!(c.notnull || c.pk), pk: c.pk > 0,
    }));
    const indexes = q(`PRAGMA index_list(${name})`)
      .filter((i) => i.origin !== 'pk')
      .map((i) => ({ unique: !!i.unique,
        cols: q(`PRAGMA index_info(${i.name})`).map((c) => c.name).join(',') }));
    const fks = q(`PRAGMA foreign_key_list(${name})`).map((f) => `${f.from}->${f.table}.${f.to}`);
    const sql = q(`SELECT sql FROM sqlite_master WHERE name='${name}'`)[0].sql;
    const checks = (sql.match(/\bCHECK\s*\(/gi) || []).length;
    schema[name] = { cols, indexes, fks, checks };
  }
  return normalise(schema);
}

function pgSchema(url) {
  const q = (sql) => run('psql', [url, '-qAt', '-F', '\t', '-c', sql]).split('\n').filter(Boolean)
    .map((l) => l.split('\t'));
  const schema = {};
  for (const [name] of q("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")) {
    const pk = new Set(q(`SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid
      AND a.attnum = ANY(i.indkey) WHERE i.indrelid = '${name}'::regclass AND i.indisprimary`).map((r) => r[0]));
    const cols = q(`SELECT column_name, data_type, is_nullable FROM information_schema.columns
      WHERE table_schema = current_schema() AND table_name = '${name}' ORDER BY ordinal_position`)
      .map(([c, t, nullable]) => ({ name: c, type: typeClass(t), notnull: nullable === 'NO', pk: pk.has(c) }));
    const indexes = q(`SELECT ix.indisunique, string_agg(a.attname, ',' ORDER BY k.ord)
      FROM pg_index ix JOIN LATERAL unnest(ix.indkey) WITH ORDINALITY k(attnum, ord) ON true
      JOIN pg_attribute a ON a.attrelid = ix.indrelid AND a.attnum = k.attnum
      WHERE ix.indrelid = '${name}'::regclass AND NOT ix.indisprimary GROUP BY ix.indexrelid, ix.indisunique`)
      .map(([u, c]) => ({ unique: u === 't', cols: c }));
    const fks = q(`SELECT kcu.column_name || '->' || ccu.table_name || '.' || ccu.column_name
      FROM information_schema.table_constraints tc
      JOIN information_schema.key_column_usage kcu ON kcu.constraint_name = tc.constraint_name
      JOIN information_schema.constraint_column_usage ccu ON ccu.constraint_name = tc.constraint_name
      WHERE tc.constraint_type = 'FOREIGN KEY' AND tc.table_name = '${name}'`).map((r) => r[0]);
    const checks = Number(q(`SELECT count(*) FROM pg_constraint WHERE conrelid = '${name}'::regclass
      AND contype = 'c'`)[0][0]);
    schema[name] = { cols, indexes, fks, checks };
  }
  return normalise(schema);
}

function normalise(schema) {
  const out = {};
  for (const t of Object.keys(schema).sort()) {
    const s = schema[t];
    out[t] = {
      cols: s.cols,
      indexes: s.indexes.map((i) => `${i.unique ? 'unique ' : ''}(${i.cols})`).sort(),
      fks: s.fks.sort(),
      checks: s.checks,
    };
  }
  return out;
}

describe('PostgreSQL', { skip }, () => {
  test('the SQLite and PostgreSQL schemas match: tables, columns, type classes, indexes, constraints', () => {
    const dir = mkdtempSync(join(tmpdir(), 'linli-schema-'));
    try {
      const sqlitePath = join(dir, 's.db');
      const env = { ...process.env, LINLI_KEY_FILE: join(dir, 'linli.key') };
      assert.equal(linli(['init', '--db', `sqlite:${sqlitePath}`], { env }).status, 0);
      const pgUrl = createDb();
      assert.equal(linli(['init', '--db', pgUrl], { env }).status, 0);
      const a = sqliteSchema(sqlitePath);
      const b = pgSchema(pgUrl);
      assert.ok(Object.keys(a).includes('calendar_day'), 'introspection found the tables');
      assert.ok(a.calendar_day.checks >= 1, 'introspection sees CHECK constraints');
      assert.deepEqual(b, a);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  describe('two server processes on one database', () => {
    let one, two;
    before(async () => {
      one = await startServer({});
      two = await startServer({ db: one.db, dir: one.dir });
    });
    after(async () => { await two?.stop(); await one?.stop(); });

    test('a change made through one is visible through the other at once', async () => {
      for (let i = 0; i < 20; i++) {
        const date = `2031-03-${String(i + 1).padStart(2, '0')}`;
        const name = `两进程-${i}`;
        const put = await api(i % 2 ? one : two, 'PUT', `/api/v1/calendar/${date}`,
          { kind: 'holiday', name });
        assert.equal(put.status, 200);
        const got = await api(i % 2 ? two : one, 'GET', `/api/v1/calendar?from=${date}&to=${date}`);
        assert.equal(got.status, 200);
        assert.equal(got.body.days[0].name, name);
        assert.equal(got.body.days[0].kind, 'holiday');
      }
    });

    test('deadlines computed on either process agree after a change on one', async () => {
      const q = '/api/v1/calendar/deadline?start=2031-04-01T16:00:00%2B08:00&working_hours=2';
      const before1 = await api(two, 'GET', q);
      assert.equal(before1.body.deadline, '2031-04-02T09:00:00+08:00');
      assert.equal((await api(one, 'PUT', '/api/v1/calendar/2031-04-02', { kind: 'holiday', name: 'x' })).status, 200);
      const after2 = await api(two, 'GET', q);
      assert.equal(after2.body.deadline, '2031-04-03T09:00:00+08:00');
    });

    test('concurrent writes through both processes all land', async () => {
      const writes = [];
      for (let i = 0; i < 60; i++) {
        const d = new Date(Date.UTC(2032, 0, 1 + i)).toISOString().slice(0, 10);
        writes.push(api(i % 2 ? one : two, 'PUT', `/api/v1/calendar/${d}`, { kind: 'holiday', name: `c${i}` }));
      }
      const res = await Promise.all(writes);
      assert.deepEqual(res.map((r) => r.status), Array(60).fill(200));
      const got = await api(one, 'GET', '/api/v1/calendar?from=2032-01-01&to=2032-02-29');
      assert.equal(got.body.days.filter((d) => d.kind === 'holiday').length, 60);
    });
  });

  test('migrate-data copies a SQLite deployment to PostgreSQL, verifies it, and refuses a non-empty target', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'linli-mig-'));
    try {
      const src = `sqlite:${join(dir, 'src.db')}`;
      // The key file that encrypts personal data moves with the data.
      // The small demo: the copy's every table, in seconds (the full one, with
      // its request history, outgrew linli()'s 120 s).
      const env = { ...process.env, LINLI_KEY_FILE: join(dir, 'linli.key'), LINLI_DEMO_SCALE: 'small' };
      assert.equal(linli(['init', '--demo', '--db', src], { env }).status, 0);
      const dst = createDb();
      const r = linli(['migrate-data', '--from', src, '--to', dst], { env });
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stdout, /calendar_day\s+52 rows/);
      assert.match(r.stdout, /row counts verified/);
      const again = linli(['migrate-data', '--from', src, '--to', dst], { env });
      assert.equal(again.status, 1);
      assert.match(again.stderr, /already holds rows in calendar_day/);
      const key = linli(['apikey', 'add', 'after-move', '--user', 'admin', '--db', dst], { env });
      assert.equal(key.status, 0, key.stderr);
      writeFileSync(join(dir, 'tester.apikey'), key.stdout.trim());
      const srv = await startServer({ db: dst, dir });
      try {
        const got = await api(srv, 'GET', '/api/v1/calendar?from=2026-10-01&to=2026-10-10');
        assert.equal(got.body.days[0].name, '国庆节');
        assert.equal(got.body.days[9].kind, 'adjusted_workday');
        assert.equal((await api(srv, 'GET', '/api/v1/health')).body.backend, 'postgres');
      } finally {
        await srv.stop();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('several processes migrating one database at once take turns, and all succeed', async () => {
    const url = createDb();
    const { bin } = await import('../lib/server.mjs');
    const runs = await Promise.all([0, 1, 2, 3].map(() => new Promise((ok) => {
      const p = spawn(bin, ['migrate', '--db', url], { stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, LINLI_KEY_FILE: '/tmp/linli-migrate-race.key' } });
      let out = '';
      p.stdout.on('data', (d) => { out += d; });
      p.stderr.on('data', (d) => { out += d; });
      p.on('exit', (code) => ok({ code, out }));
    })));
    assert.deepEqual(runs.map((r) => r.code), [0, 0, 0, 0], runs.map((r) => r.out).join('\n'));
    const applied = runs.map((r) => Number(r.out.match(/\((\d+) migrations? applied\)/)[1]));
    assert.equal(applied.reduce((a, b) => a + b, 0), applied.length ? Math.max(...applied) : 0);
    assert.equal(applied.filter((n) => n > 0).length, 1, 'exactly one process applied the migrations');
  });

  test('a lost database connection is a 503 and the server reconnects', async () => {
    const srv = await startServer({});
    try {
      assert.equal((await api(srv, 'GET', '/api/v1/health')).status, 200);
      const name = srv.db.split('/').pop();
      run('psql', [`${base}/postgres`, '-qAtc',
        `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '${name}'`]);
      const first = await api(srv, 'GET', '/api/v1/calendar?from=2026-01-01&to=2026-01-02');
      assert.ok([200, 503].includes(first.status), `status ${first.status}`);
      if (first.status === 503) assert.equal(first.body.error.code, 'unavailable');
      let ok = false;
      for (let i = 0; i < 40 && !ok; i++) {
        ok = (await api(srv, 'GET', '/api/v1/calendar?from=2026-01-01&to=2026-01-02')).status === 200;
      }
      assert.ok(ok, 'the server came back after reconnecting');
    } finally {
      await srv.stop();
    }
  });
});
