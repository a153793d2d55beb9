// Browser tests of the web console: the real linli server (tests/lib/server.mjs)
// serving web/dist, driven by Debian's chromium through playwright-core.
//
//   make web && cd /work/main && node --test tests/e2e/
//
// Every console page needs a session: each test logs in as a demo user of
// `linli init --demo` first (the accounts themselves: accounts.test.mjs).
//
// Screenshots of the last run: build/e2e-artifacts/console-*.png.
import test, { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, api, root, bin } from '../lib/server.mjs';
import zhCN from '../../web/src/i18n/zh-CN.js';
import en from '../../web/src/i18n/en.js';
import {
  DESKTOP, PHONE, launch, openPage as open, text, byTest, keys, loginAs, fillLogin, shot, FAILED_401,
} from './browser.mjs';

let server;
let browser;

before(async () => {
  assert.ok(existsSync(join(root, 'web/dist/index.html')), 'web/dist is missing: run `make web` first');
  assert.ok(existsSync(bin), `${bin} is missing: run \`make\` first`);
  server = await startServer({ demo: true });
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

const openPage = (viewport) => open(browser, viewport);

test('zh-CN and en message files have the same keys', () => {
  assert.deepEqual(keys(en).sort(), keys(zhCN).sort());
});

test('the console loads at / in zh-CN with the health summary', async () => {
  const page = await openPage(DESKTOP);
  const res = await page.goto(server.url + '/');
  assert.equal(res.status(), 200);
  const csp = res.headers()['content-security-policy'] || '';
  assert.match(csp, /script-src 'self'/, 'the console is served with its Content-Security-Policy');
  // Not logged in: the login page (no redirect query for the workbench).
  await page.waitForURL(server.url + '/login');
  await fillLogin(page, 'admin');
  await page.waitForURL(server.url + '/');

  const summary = byTest(page, 'health-summary');
  await byTest(summary, 'health-backend').waitFor();
  assert.equal(await text(byTest(summary, 'health-backend')), 'sqlite');
  assert.equal(await text(byTest(summary, 'health-status')), '正常');
  assert.equal(await text(byTest(summary, 'health-store')), '正常');
  assert.match(await text(byTest(summary, 'health-version')), /^\d+\.\d+\.\d+/);

  assert.equal(await text(page.locator('.linli-brand-name')), '邻里');
  assert.equal(await page.getAttribute('html', 'lang'), 'zh-CN');
  assert.equal(await page.title(), '工作台 · 邻里');
  assert.equal(await text(page.locator('h1')), '工作台');
  // The side menu (the administrator's): 工作台 and 系统管理 › 系统状态,
  // sections without pages hidden.
  const menu = page.locator('.linli-aside');
  assert.ok(await menu.isVisible());
  assert.ok(await menu.getByText('工作台', { exact: true }).isVisible());
  assert.ok(await menu.getByText('系统管理', { exact: true }).isVisible());
  assert.ok(await menu.getByText('系统状态', { exact: true }).isVisible());
  assert.equal(await menu.getByText('诉求办理').count(), 0);
  // The accent colour is 党建红.
  const primary = await page.evaluate(() =>
    getComputedStyle(document.documentElement).getPropertyValue('--el-color-primary').trim().toLowerCase());
  assert.equal(primary, '#c8102e');

  await shot(page, 'console-desktop');

  // The summary's link leads to the status page without a reload.
  await summary.getByText('查看详情').click();
  await page.waitForURL('**/system/health');
  await byTest(page, 'health-page').waitFor();
  await page.finish([FAILED_401]);
});

test('a deep link to /system/health shows the status page after login', async () => {
  const { body: health } = await api(server, 'GET', '/api/v1/health');
  const page = await openPage(DESKTOP);
  const res = await page.goto(server.url + '/system/health');
  assert.equal(res.status(), 200);
  assert.match(res.headers()['content-type'] || '', /text\/html/);
  await page.waitForURL((u) => u.pathname === '/login' && u.searchParams.get('redirect') === '/system/health');
  await fillLogin(page, 'admin');
  await page.waitForURL('**/system/health');

  await byTest(page, 'health-version').waitFor();
  assert.equal(await text(byTest(page, 'health-version')), health.version);
  assert.equal(await text(byTest(page, 'health-backend')), health.backend);
  assert.match(await text(byTest(page, 'health-time')), /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}/);
  assert.equal(await text(page.locator('h1')), '系统状态');
  assert.equal(await page.title(), '系统状态 · 邻里');
  const crumbs = await page.locator('.linli-breadcrumb').innerText();
  assert.match(crumbs.replace(/\s+/g, ''), /工作台\/系统管理\/系统状态/);
  assert.ok(await page.locator('.linli-aside .el-menu-item.is-active').getByText('系统状态').isVisible());

  // Refresh asks again and shows a new check time.
  const before = await text(byTest(page, 'health-checked-at'));
  await page.waitForTimeout(1100);
  const answered = page.waitForResponse((r) => r.url().endsWith('/api/v1/health'));
  await byTest(page, 'health-refresh').click();
  await answered;
  await page.waitForFunction((b) =>
    document.querySelector('[data-testid="health-checked-at"]')?.textContent.trim() !== b, before);
  await page.finish([FAILED_401]);
});

test('switching to English changes the labels and is remembered', async () => {
  const page = await openPage(DESKTOP);
  await loginAs(page, server, 'admin');
  await byTest(page, 'health-backend').waitFor();
  await page.locator('.linli-locale-button').click();
  await page.getByRole('menuitem', { name: 'English' }).click();
  await page.locator('h1', { hasText: 'Workbench' }).waitFor();
  assert.equal(await page.getAttribute('html', 'lang'), 'en');
  const menu = page.locator('.linli-aside');
  assert.ok(await menu.getByText('Administration', { exact: true }).isVisible());
  assert.ok(await menu.getByText('System status', { exact: true }).isVisible());
  assert.equal(await text(byTest(page, 'health-status')), 'OK');
  assert.equal(await page.title(), 'Workbench · Linli 邻里');

  await page.reload();
  await page.locator('h1', { hasText: 'Workbench' }).waitFor();
  assert.equal(await page.evaluate(() => localStorage.getItem('linli.locale')), 'en');

  await page.locator('.linli-locale-button').click();
  await page.getByRole('menuitem', { name: '简体中文' }).click();
  await page.locator('h1', { hasText: '工作台' }).waitFor();
  await page.finish([FAILED_401]);
});

test('at phone width the menu is a drawer opened by a button', async () => {
  const page = await openPage(PHONE);
  await loginAs(page, server, 'admin');
  await byTest(page, 'health-backend').waitFor();
  assert.equal(await page.locator('.linli-aside').count(), 0, 'no side bar on a phone');
  assert.equal(await page.locator('.linli-drawer').isVisible(), false);
  // Nothing wider than the screen.
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `page is ${overflow}px wider than the phone`);
  await shot(page, 'console-phone');

  await page.getByRole('button', { name: '打开菜单' }).click();
  const drawer = page.locator('.linli-drawer');
  await drawer.waitFor({ state: 'visible' });
  await drawer.getByText('系统状态', { exact: true }).click();
  await page.waitForURL('**/system/health');
  await drawer.waitFor({ state: 'hidden' });
  await byTest(page, 'health-version').waitFor();
  await shot(page, 'console-phone-health');
  await page.finish([FAILED_401]);
});

test('a failure shows a friendly message and the request id, and retry recovers', async () => {
  const page = await openPage(DESKTOP);
  let fail = true;
  await page.route('**/api/v1/health', (route) => (fail
    ? route.fulfill({
      status: 500,
      headers: { 'content-type': 'application/json', 'x-request-id': 'req-test-0042' },
      body: JSON.stringify({ error: { code: 'internal', message: 'sqlite3_step: disk I/O error' } }),
    })
    : route.continue()));
  await loginAs(page, server, 'admin', { path: '/system/health' });
  await byTest(page, 'error-message').waitFor();
  assert.equal(await text(byTest(page, 'error-message')), zhCN.errors.server);
  assert.equal(await text(byTest(page, 'error-request-id')), 'req-test-0042');
  assert.doesNotMatch(await page.locator('body').innerText(), /sqlite3_step|disk I\/O/);

  fail = false;
  await page.getByRole('button', { name: '重试' }).click();
  await byTest(page, 'health-version').waitFor();
  assert.equal(await byTest(page, 'error-message').count(), 0);
  await page.finish([FAILED_401, /Failed to load resource: the server responded with a status of 500/]);
});

test('a degraded store (503) shows as degraded, not as an error', async () => {
  const page = await openPage(DESKTOP);
  await page.route('**/api/v1/health', (route) => route.fulfill({
    status: 503,
    headers: { 'content-type': 'application/json', 'x-request-id': 'req-test-0503' },
    body: JSON.stringify({ status: 'degraded', version: '0.1.0', backend: 'sqlite', store: 'error',
      time: '2026-11-23T08:00:00+08:00' }),
  }));
  await loginAs(page, server, 'admin', { path: '/system/health' });
  await byTest(page, 'health-status').waitFor();
  assert.equal(await text(byTest(page, 'health-status')), '降级');
  assert.equal(await text(byTest(page, 'health-store')), '异常');
  assert.equal(await text(byTest(page, 'health-time')), '2026-11-23 08:00:00 (UTC+08:00)');
  assert.ok(await page.getByText(zhCN.health.degradedHint).isVisible());
  await page.finish([FAILED_401, /Failed to load resource: the server responded with a status of 503/]);
});

test('an unknown console path shows the not-found page inside the console', async () => {
  const page = await openPage(DESKTOP);
  // The server may answer an unknown path with index.html as 200 or as 404;
  // either way the console shows its own not-found page.
  await loginAs(page, server, 'admin', { path: '/no/such/page' });
  await page.locator('.el-result__title', { hasText: '页面不存在' }).waitFor();
  await page.getByRole('link', { name: '返回工作台' }).click();
  await page.waitForURL(server.url + '/');
  await byTest(page, 'health-backend').waitFor();
  await page.finish([FAILED_401, /Failed to load resource: the server responded with a status of 404/]);
});
