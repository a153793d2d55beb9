// 系统管理 › 接口文档 in the browser: the page lists GET /api/v1/openapi.json's
// operations by tag, the search box narrows them, an operation expands to
// its capability, parameters and body fields with their bounds, the JSON
// downloads, and the page fits a phone. Who sees the menu entry: the holders
// of apikey.manage or system.read.
//
// Screenshots: build/e2e-artifacts/apidocs-*.png.
import test, { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, api, root, bin } from '../lib/server.mjs';
import {
  DESKTOP, PHONE, launch, openPage as open, text, byTest, loginAs, menuTexts, shot, FAILED_401,
} from './browser.mjs';

let server;
let browser;
let doc;

before(async () => {
  assert.ok(existsSync(join(root, 'web/dist/index.html')), 'web/dist is missing: run `make web` first');
  assert.ok(existsSync(bin), `${bin} is missing: run \`make\` first`);
  server = await startServer({ demo: true });
  browser = await launch();
  doc = (await api(server, 'GET', '/api/v1/openapi.json')).body;
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

const openPage = (viewport) => open(browser, viewport);
// Element Plus hands the input's data-testid to the <input> itself.
const search = (page) => page.locator('input[data-testid="apidocs-search"], [data-testid="apidocs-search"] input');
const operationCount = () => Object.values(doc.paths).reduce((n, item) => n + Object.keys(item).length, 0);

test('the administrator opens 接口文档 from the menu, searches, expands an operation and sees its fields', async () => {
  const page = await openPage(DESKTOP);
  await loginAs(page, server, 'admin');
  const aside = page.locator('.linli-aside');
  assert.ok((await menuTexts(aside)).includes('接口文档'));
  const entry = aside.getByText('接口文档', { exact: true });
  if (!(await entry.isVisible())) await aside.getByText('系统管理', { exact: true }).click();
  await entry.click();
  await page.waitForURL('**/admin/api');
  assert.equal(await text(page.locator('h1')), '接口文档');

  // every operation of the document, grouped by tag
  await byTest(page, 'apidocs-version').waitFor();
  assert.match(await text(byTest(page, 'apidocs-version')), new RegExp(`共 ${operationCount()} 个接口`));
  assert.equal(await byTest(page, 'apidocs-op').count(), operationCount());
  assert.equal(await byTest(page, 'apidocs-group').count(), doc.tags.length);
  assert.ok(await page.locator('[data-testid="apidocs-group"][data-tag="calendar"]').getByText('工作日历').isVisible());

  // the search narrows to the matching operations, several words all matching
  await search(page).fill('calendar put');
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="apidocs-op"]').length === 1);
  const op = page.locator('[data-testid="apidocs-op"][data-op="putCalendarByDate"]');
  assert.ok(await op.isVisible());
  await search(page).fill('no-such-operation-anywhere');
  await byTest(page, 'apidocs-empty').waitFor();
  await search(page).fill('calendar.manage');
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="apidocs-op"]').length === 2);

  // expanding shows the capability, the path parameter and the body fields with their bounds
  await op.locator('.el-collapse-item__header').click();
  const detail = byTest(op, 'apidocs-op-detail');
  await detail.waitFor();
  assert.match(await text(byTest(detail, 'apidocs-capability')), /calendar\.manage/);
  assert.match(await text(detail), /X-CSRF-Token/);
  const params = await byTest(detail, 'apidocs-param').allInnerTexts();
  assert.equal(params.length, 1);
  assert.match(params[0], /date[\s\S]*路径[\s\S]*日期[\s\S]*必填/);
  const fields = await byTest(detail, 'apidocs-field').allInnerTexts();
  assert.equal(fields.length, 2);
  assert.match(fields[0], /kind[\s\S]*必填[\s\S]*可选值[\s\S]*workday[\s\S]*adjusted_workday/);
  assert.match(fields[1], /name[\s\S]*最多 64 个字符/);
  assert.ok(!/必填/.test(fields[1]), 'name is optional');
  await shot(page, 'apidocs-desktop');

  // a raw CSV body shows its media type and limit
  await search(page).fill('postImportsByRegister');
  const imp = page.locator('[data-testid="apidocs-op"][data-op="postImportsByRegister"]');
  await imp.locator('.el-collapse-item__header').click();
  assert.match(await text(byTest(imp, 'apidocs-raw')), /text\/csv[\s\S]*64 MiB/);

  // the download link is the document itself
  const link = byTest(page, 'apidocs-download');
  assert.equal(await link.getAttribute('href'), '/api/v1/openapi.json');
  const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
  assert.equal(download.suggestedFilename(), 'linli-openapi.json');
  await page.finish([FAILED_401]);
});

test('at phone width the page fits the screen and an operation still expands', async () => {
  const page = await openPage(PHONE);
  await loginAs(page, server, 'admin', { path: '/admin/api' });
  await page.waitForURL('**/admin/api');
  await search(page).fill('users grants');
  const op = page.locator('[data-testid="apidocs-op"][data-op="putUsersByIdGrants"]');
  await op.locator('.el-collapse-item__header').click();
  await byTest(op, 'apidocs-field').first().waitFor();
  assert.match((await byTest(op, 'apidocs-field').allInnerTexts()).join('\n'), /roles[\s\S]*最多 \d+ 项/);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `page is ${overflow}px wider than the phone`);
  await shot(page, 'apidocs-phone');
  await page.finish([FAILED_401]);
});

test('a user without apikey.manage or system.read has no 接口文档 entry', async () => {
  const page = await openPage(DESKTOP);
  await loginAs(page, server, 'grid');
  assert.ok(!(await menuTexts(page.locator('.linli-aside'))).includes('接口文档'));
  await page.finish([FAILED_401]);
});
