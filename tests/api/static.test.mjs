// Static files from --web: MIME types, caching, the console's history-mode
// fallback to index.html, and that nothing outside the web directory is ever
// served (traversal, encodings, NUL, symlinks).
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync, symlinkSync, rmSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { startServer, api } from '../lib/server.mjs';
import { rawGet, assertSecurityHeaders, assertError, stopClean } from './helpers.mjs';

const SECRET = `TOPSECRET-${randomBytes(8).toString('hex')}`;
const INDEX = '<!doctype html><html><head><title>linli static test</title></head><body>INDEX-MARKER</body></html>\n';
const JS = 'console.log("app-3f2a1b9c");\n';
const CSS = 'body { color: #c00; } /* css-marker */\n';
const JSON_FILE = '{"marker":"manifest"}\n';

let top; let web; let server;
before(async () => {
  top = mkdtempSync(join(tmpdir(), 'linli-static-'));
  web = join(top, 'web');
  mkdirSync(join(web, 'assets'), { recursive: true });
  writeFileSync(join(top, 'secret.txt'), `${SECRET}\n`);
  mkdirSync(join(top, 'outside'));
  writeFileSync(join(top, 'outside', 'secret.js'), `/* ${SECRET} */\n`);
  writeFileSync(join(web, 'index.html'), INDEX);
  writeFileSync(join(web, 'assets', 'app-3f2a1b9c.js'), JS);
  writeFileSync(join(web, 'assets', 'index-9d8e7f6a.css'), CSS);
  writeFileSync(join(web, 'manifest.json'), JSON_FILE);
  // symlinks inside the web dir that point outside it
  symlinkSync(join(top, 'secret.txt'), join(web, 'leak.txt'));
  symlinkSync('../../secret.txt', join(web, 'assets', 'leak-00000000.js'));
  symlinkSync(join(top, 'outside'), join(web, 'assets', 'out'));
  symlinkSync('/etc/passwd', join(web, 'passwd.txt'));
  server = await startServer({ web });
});
after(async () => {
  if (server) await server.stop();
  if (top) rmSync(top, { recursive: true, force: true });
});

const assertNoLeak = (r, what) => {
  assert.ok(!r.body.includes(SECRET), `${what}: served the secret (status ${r.status})`);
  assert.ok(!/root:.*:0:0:/.test(r.body), `${what}: served /etc/passwd (status ${r.status})`);
  if (r.status === 200) assert.equal(r.body, INDEX, `${what}: a 200 may only be the console's index.html`);
};

describe('files and MIME types', () => {
  test('/ serves index.html, no-cache', async () => {
    const r = await api(server, 'GET', '/');
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('content-type'), 'text/html; charset=utf-8');
    assert.equal(r.headers.get('cache-control'), 'no-cache');
    assert.equal(r.body, INDEX);
    assertSecurityHeaders(r.headers, '/');
  });

  test('/index.html serves index.html, no-cache', async () => {
    const r = await api(server, 'GET', '/index.html');
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('content-type'), 'text/html; charset=utf-8');
    assert.equal(r.headers.get('cache-control'), 'no-cache');
    assert.equal(r.body, INDEX);
  });

  test('hashed JS under /assets/ is text/javascript and immutable', async () => {
    const r = await api(server, 'GET', '/assets/app-3f2a1b9c.js');
    assert.equal(r.status, 200);
    assert.match(r.headers.get('content-type') || '', /^text\/javascript(; ?charset=utf-8)?$/i);
    assert.equal(r.headers.get('cache-control'), 'public, max-age=31536000, immutable');
    assert.equal(r.body, JS);
    assert.equal(Number(r.headers.get('content-length')), Buffer.byteLength(JS));
    assertSecurityHeaders(r.headers, 'asset');
  });

  test('CSS under /assets/ is text/css and immutable', async () => {
    const r = await api(server, 'GET', '/assets/index-9d8e7f6a.css');
    assert.equal(r.status, 200);
    assert.match(r.headers.get('content-type') || '', /^text\/css(; ?charset=utf-8)?$/i);
    assert.equal(r.headers.get('cache-control'), 'public, max-age=31536000, immutable');
    assert.equal(r.body, CSS);
  });

  test('a JSON file outside /assets/ is application/json and not immutable', async () => {
    const r = await api(server, 'GET', '/manifest.json');
    assert.equal(r.status, 200);
    assert.match(r.headers.get('content-type') || '', /^application\/json\b/);
    assert.notEqual(r.headers.get('cache-control'), 'public, max-age=31536000, immutable');
    assert.deepEqual(r.body, { marker: 'manifest' });
  });

  test('HEAD of an asset has the headers and no body', async () => {
    const res = await fetch(`${server.url}/assets/app-3f2a1b9c.js`, { method: 'HEAD' });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') || '', /^text\/javascript/);
    assert.equal(await res.text(), '');
  });
});

describe('console routes', () => {
  for (const path of ['/requests/123', '/requests', '/dashboard/street/42', '/login?next=%2Frequests']) {
    test(`${path} falls back to index.html`, async () => {
      const r = await api(server, 'GET', path);
      assert.equal(r.status, 200);
      assert.equal(r.headers.get('content-type'), 'text/html; charset=utf-8');
      assert.equal(r.headers.get('cache-control'), 'no-cache');
      assert.equal(r.body, INDEX);
    });
  }

  test('a missing file with an extension is 404', async () => {
    for (const path of ['/nope.js', '/assets/missing-12345678.js', '/favicon.ico', '/requests/123.css']) {
      const r = await api(server, 'GET', path);
      assertError(r, 404, 'not_found');
      assert.ok(!JSON.stringify(r.body).includes('INDEX-MARKER'));
      assertSecurityHeaders(r.headers, path);
    }
  });

  test('unsafe methods on static paths are refused', async () => {
    for (const method of ['POST', 'PUT', 'DELETE']) {
      const r = await api(server, method, '/assets/app-3f2a1b9c.js', method === 'DELETE' ? undefined : {});
      assert.ok([404, 405].includes(r.status), `${method}: ${r.status}`);
    }
    // the file is still there
    assert.equal((await api(server, 'GET', '/assets/app-3f2a1b9c.js')).body, JS);
  });
});

describe('nothing outside the web directory', () => {
  const attacks = [
    '/../secret.txt',
    '/../../../../../../etc/passwd',
    '/../etc/passwd',
    '/assets/../../secret.txt',
    '/%2e%2e/secret.txt',
    '/%2e%2e/%2e%2e/etc/passwd',
    '/%2E%2E/%2E%2E/%2E%2E/%2E%2E/etc/passwd',
    '/assets/..%2f..%2fsecret.txt',
    '/assets/..%2f..%2f..%2fetc/passwd',
    '/assets/%2e%2e%2f%2e%2e%2fsecret.txt',
    '/..%2fsecret.txt',
    '/..%5csecret.txt',
    '/..%5c..%5cetc/passwd',
    '/..\\..\\secret.txt',
    '/%252e%252e/secret.txt',
    '/..%c0%afsecret.txt',
    '/%c0%ae%c0%ae/secret.txt',
    '/index.html%00.js',
    '/secret.txt%00',
    '/%00/../secret.txt',
    '/assets/app-3f2a1b9c.js%00/../../../secret.txt',
    '//etc/passwd',
    `/${'../'.repeat(30)}etc/passwd`,
    '/.%2e/secret.txt',
    '/%2e./secret.txt',
    '/assets/./../../secret.txt',
    'http://127.0.0.1/../secret.txt',
    '/etc/passwd',
    '/proc/self/environ',
  ];
  for (const path of attacks) {
    test(`GET ${path}`, async () => {
      const r = await rawGet(server, path);
      assertNoLeak(r, path);
    });
  }

  test('symlinks inside the web dir pointing outside are not followed', async () => {
    for (const path of ['/leak.txt', '/assets/leak-00000000.js', '/assets/out/secret.js', '/passwd.txt']) {
      const r = await rawGet(server, path);
      assertNoLeak(r, path);
      assert.notEqual(r.status, 200, `${path} status`);
      assert.ok(r.status >= 400 && r.status < 500, `${path}: status ${r.status}`);
    }
  });

  test('the secret file really exists next to the web dir (the checks above are meaningful)', async () => {
    assert.ok(readFileSync(join(top, 'secret.txt'), 'utf8').includes(SECRET));
    assert.ok(readFileSync(join(web, 'leak.txt'), 'utf8').includes(SECRET));
  });

  test('the server is still healthy after the attacks', async () => {
    const r = await api(server, 'GET', '/api/v1/health');
    assert.equal(r.status, 200);
    assert.equal(r.body.status, 'ok');
  });
});

test('the server shuts down cleanly (exit 0, no sanitizer report)', async () => {
  await stopClean(server);
});
