// 系统管理 › Webhook 订阅 in the browser: the administrator subscribes a
// receiver on 127.0.0.1 to the district's events, sees the secret once,
// sends a test ping that the receiver gets signed with it, finds the
// delivery in the log with the receiver's answer, and pauses the
// subscription; the page on a phone. Who sees the menu entry: holders of
// webhook.manage (the administrator, the district staff), not the street.
//
// Screenshots: build/e2e-artifacts/webhooks-*.png.
import test, { before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { createHmac } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, root, bin } from '../lib/server.mjs';
import {
  DESKTOP, PHONE, launch, openPage as open, text, byTest, loginAs, menuTexts, shot, FAILED_401,
} from './browser.mjs';

let server;
let browser;
let receiver;
const posts = [];

before(async () => {
  assert.ok(existsSync(join(root, 'web/dist/index.html')), 'web/dist is missing: run `make web` first');
  assert.ok(existsSync(bin), `${bin} is missing: run \`make\` first`);
  receiver = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      posts.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('收到 e2e');
    });
  });
  await new Promise((ok) => receiver.listen(0, '127.0.0.1', ok));
  server = await startServer({ demo: true });
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await server?.stop();
  receiver?.close();
});

const openPage = (viewport) => open(browser, viewport);
const sleep = (ms) => new Promise((ok) => setTimeout(ok, ms));

test('the district subscribes, sees the secret once, pings and finds the delivery in the log', async () => {
  const page = await openPage(DESKTOP);
  await loginAs(page, server, 'district');
  const aside = page.locator('.linli-aside');
  assert.ok((await menuTexts(aside)).includes('Webhook 订阅'));
  const entry = aside.getByText('Webhook 订阅', { exact: true });
  if (!(await entry.isVisible())) await aside.getByText('系统管理', { exact: true }).click();
  await entry.click();
  await page.waitForURL('**/admin/webhooks');
  assert.equal(await text(page.locator('h1')), 'Webhook 订阅');
  await byTest(page, 'webhooks-table').waitFor();

  await byTest(page, 'webhooks-create').click();
  const dialog = byTest(page, 'webhook-create-dialog');
  // a URL that is not http(s) is refused beside the field, as the server would
  await page.locator('input[data-testid="webhook-url"], [data-testid="webhook-url"] input').first().fill('ftp://example.com/');
  await byTest(dialog, 'webhook-create-submit').click();
  await dialog.locator('.el-form-item__error', { hasText: 'http://' }).waitFor();
  const url = `http://127.0.0.1:${receiver.address().port}/e2e`;
  await page.locator('input[data-testid="webhook-url"], [data-testid="webhook-url"] input').first().fill(url);
  await dialog.locator('.linli-area-select').click();
  const popper = page.locator('.el-popper.linli-area-select-popper:visible');
  await popper.waitFor();
  await popper.locator('.el-tree-node__content', { hasText: '朝阳区' }).first().click();
  await page.locator('input[data-testid="webhook-description"], [data-testid="webhook-description"] input').first().fill('e2e 接收方');
  const created = page.waitForResponse((r) => r.url().endsWith('/api/v1/webhooks') && r.request().method() === 'POST');
  await byTest(dialog, 'webhook-create-submit').click();
  const res = await created;
  assert.equal(res.status(), 201, await res.text());
  const hook = await res.json();
  assert.deepEqual(hook.events, ['request.*']);
  assert.equal(hook.area_code, '110105');
  const shown = byTest(page, 'webhook-secret-dialog');
  const secret = await byTest(shown, 'webhook-secret-value').inputValue();
  assert.match(secret, /^whsec_/);
  await shot(page, 'webhooks-secret');
  await byTest(shown, 'webhook-secret-done').click();
  const row = byTest(page, 'webhooks-table').locator('.el-table__row', { hasText: url });
  await row.waitFor();
  assert.doesNotMatch(await page.locator('body').innerText(), new RegExp(secret), 'the secret is not shown again');

  // the test ping reaches the receiver, signed with the secret shown
  await byTest(page, `webhook-ping-${hook.id}`).click();
  const deadline = Date.now() + 15000;
  while (!posts.some((p) => p.headers['x-linli-event'] === 'ping') && Date.now() < deadline) await sleep(200);
  const ping = posts.find((p) => p.headers['x-linli-event'] === 'ping');
  assert.ok(ping, 'the receiver got the ping');
  const want = createHmac('sha256', secret).update(`${ping.headers['x-linli-timestamp']}.${ping.body}`).digest('hex');
  assert.equal(ping.headers['x-linli-signature'], `sha256=${want}`);

  // the log: the delivery, delivered, with the receiver's answer
  await sleep(1000);
  await byTest(page, `webhook-log-${hook.id}`).click();
  const log = byTest(page, 'webhook-log');
  const item = byTest(log, 'webhook-log-table').locator('.el-table__row', { hasText: '已送达' }).first();
  await item.waitFor();
  await item.locator('.el-table__expand-icon').click();
  await log.getByText('收到 e2e').first().waitFor();
  await log.locator('.el-table', { hasText: '每次尝试' }).or(log.getByText('每次尝试')).first().waitFor();
  await shot(page, 'webhooks-log');
  await page.keyboard.press('Escape');
  await log.waitFor({ state: 'hidden' });

  // pause: the tag says so
  await byTest(page, `webhook-more-${hook.id}`).click();
  await page.locator('.el-dropdown-menu__item:visible', { hasText: '暂停' }).click();
  await byTest(page, `webhook-state-${hook.id}`).filter({ hasText: '已暂停' }).waitFor();
  await page.finish([FAILED_401]);
});

test('on a phone the administrator (no area tree) subscribes by area code; the street office has no entry', async () => {
  const page = await openPage(PHONE);
  await loginAs(page, server, 'admin', { path: '/admin/webhooks' });
  await byTest(page, 'webhooks-table').waitFor();
  await byTest(page, 'webhooks-create').click();
  const dialog = byTest(page, 'webhook-create-dialog');
  await page.locator('input[data-testid="webhook-url"], [data-testid="webhook-url"] input').first().fill('https://hooks.example.org/linli');
  await page.locator('input[data-testid="webhook-area-code"], [data-testid="webhook-area-code"] input').first().fill('110105001');
  const created = page.waitForResponse((r) => r.url().endsWith('/api/v1/webhooks') && r.request().method() === 'POST');
  await byTest(dialog, 'webhook-create-submit').click();
  assert.equal((await created).status(), 201);
  await byTest(byTest(page, 'webhook-secret-dialog'), 'webhook-secret-done').click();
  await byTest(page, 'webhooks-table').locator('.el-table__row', { hasText: 'hooks.example.org' }).waitFor();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 1, `page wider than the phone by ${overflow}px`);
  await shot(page, 'webhooks-phone');
  await page.finish([FAILED_401]);

  const street = await openPage(DESKTOP);
  await loginAs(street, server, 'street');
  assert.ok(!(await menuTexts(street.locator('.linli-aside'))).includes('Webhook 订阅'));
  await street.finish([FAILED_401]);
});
