// Starts the real linli binary for API and browser tests: a fresh database in
// a temporary directory, a free loopback port chosen by the server itself
// (--listen 127.0.0.1:0), and a wait until it says where it listens.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, readFileSync, existsSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const bin = process.env.LINLI_BIN || join(root, 'build/linli');

// Runs `linli ARGS` to completion and returns {status, stdout, stderr}.
// opts.input goes to standard input (e.g. a password for --password-stdin).
export function linli(args, opts = {}) {
  const r = spawnSync(bin, args, { encoding: 'utf8', timeout: 120000, ...opts });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

// The password of the test accounts the harness and `init --demo` create.
export const DEMO_PASSWORD = 'Linli@2026';
export const TESTER_PASSWORD = 'Harness#2026';

// The backend under test: SQLite by default; with LINLI_TEST_PG set to a
// cluster URL (postgres://linli@127.0.0.1:PORT, from tests/lib/pg.sh) every
// server gets a fresh PostgreSQL database of its own.
export const backend = process.env.LINLI_TEST_PG ? 'postgres' : 'sqlite';

function freshDatabase(dir) {
  if (!process.env.LINLI_TEST_PG) return `sqlite:${join(dir, 'linli.db')}`;
  const base = process.env.LINLI_TEST_PG.replace(/\/+$/, '');
  const name = `t_${randomBytes(6).toString('hex')}`;
  const r = spawnSync('psql', [`${base}/postgres`, '-qAtc', `CREATE DATABASE ${name}`],
    { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`cannot create database ${name}: ${r.stderr}`);
  return `${base}/${name}`;
}

// Starts a server. opts: {demo, demoScale ('small', the default, or 'full': the
// district of ~300,000 people `make run` shows), dir (reuse a database directory), args, env}.
// Every fresh database gets a user "tester" holding the three administrator
// roles with scope "*", and an API key for it: server.key. api() sends that
// key unless told otherwise, so suites about other things need not log in.
// Returns {url, dir, db, proc, logs(), stop(), kill(), restart()}.
export async function startServer(opts = {}) {
  const dir = opts.dir || mkdtempSync(join(tmpdir(), 'linli-test-'));
  // The database a directory belongs to is remembered in it, so a restart
  // with {dir} finds the same database on either backend.
  const urlFile = join(dir, 'db.url');
  const db = opts.db || (existsSync(urlFile) ? readFileSync(urlFile, 'utf8') : freshDatabase(dir));
  writeFileSync(urlFile, db);
  // The master key for personal data lives beside the database, and so do
  // the photos (SQLite's default is the database's path + .photos; a
  // PostgreSQL server needs photo_dir set).
  const env = { ...process.env, LINLI_KEY_FILE: join(dir, 'linli.key'),
    ...(process.env.LINLI_TEST_PG ? { LINLI_PHOTO_DIR: join(dir, 'photos') } : {}),
    ...(opts.demoScale === 'full' ? {} : { LINLI_DEMO_SCALE: 'small' }), ...(opts.env || {}) };
  const keyFile = join(dir, 'tester.apikey');
  if (!opts.dir) {
    const init = linli(['init', '--db', db, ...(opts.demo ? ['--demo'] : [])], { env });
    if (init.status !== 0) throw new Error(`linli init failed: ${init.stderr}`);
    const add = linli(['user', 'add', 'tester', '--name', '测试管理员', '--role', 'sysadmin',
      '--role', 'secadmin', '--role', 'auditor', '--scope', '*', '--password-stdin', '--db', db],
    { env, input: `${TESTER_PASSWORD}\n` });
    if (add.status !== 0) throw new Error(`linli user add failed: ${add.stderr}`);
    const key = linli(['apikey', 'add', 'tests', '--user', 'tester', '--db', db], { env });
    if (key.status !== 0) throw new Error(`linli apikey add failed: ${key.stderr}`);
    writeFileSync(keyFile, key.stdout.trim());
  }
  const apiKey = existsSync(keyFile) ? readFileSync(keyFile, 'utf8') : '';
  const args = ['serve', '--db', db, '--listen', '127.0.0.1:0',
    '--web', opts.web || join(root, 'web/dist'), ...(opts.args || [])];
  const proc = spawn(bin, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  const url = await new Promise((ok, fail) => {
    const timer = setTimeout(() => fail(new Error(`server did not start:\n${log}`)), 15000);
    proc.stderr.setEncoding('utf8');
    proc.stderr.on('data', (chunk) => {
      log += chunk;
      const m = log.match(/"msg":"listening"[^\n]*"listen":"([^"]+)"/);
      if (m) { clearTimeout(timer); ok(`http://${m[1]}`); }
    });
    proc.on('exit', (code) => { clearTimeout(timer); fail(new Error(`server exited ${code}:\n${log}`)); });
  });
  proc.removeAllListeners('exit');
  const exited = new Promise((ok) => proc.on('exit', (code, sig) => ok({ code, sig })));
  const server = {
    url, dir, db, proc, exited, key: apiKey, env,
    logs: () => log,
    async stop() {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGTERM');
      const r = await exited;
      if (!opts.keep && !opts.dir) rmSync(dir, { recursive: true, force: true });
      return r;
    },
    async kill() {
      proc.kill('SIGKILL');
      return exited;
    },
  };
  return server;
}

// fetch against a server, returning {status, headers, body (parsed JSON or text)}.
// Sends the tester's API key unless headers.authorization is given (null: none).
export async function api(server, method, path, body, headers = {}) {
  const h = { ...headers };
  if (!('authorization' in h) && server.key) h.authorization = `Bearer ${server.key}`;
  if (h.authorization === null) delete h.authorization;
  const init = { method, headers: h };
  if (body !== undefined) {
    init.body = typeof body === 'string' ? body : JSON.stringify(body);
    if (!('content-type' in init.headers)) init.headers['content-type'] = 'application/json';
  }
  const res = await fetch(server.url + path, init);
  const text = await res.text();
  let parsed = text;
  if ((res.headers.get('content-type') || '').includes('json')) parsed = JSON.parse(text);
  return { status: res.status, headers: res.headers, body: parsed };
}
