// Browser test of the Open311 attribute definitions in 事项分类: the district
// edits a leaf category's definitions as JSON in the category dialog; text
// that is no JSON list is refused beside the field before sending, a
// definition the server refuses is shown beside the field with the server's
// reason, a good one is saved, the tree tags the category "Open311", and
// GET /open311/v2/services/{code}.json publishes it. Small demo district.
//
//   make && make web && node --test tests/e2e/open311.test.mjs
import test, { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../lib/server.mjs';
import { DESKTOP, launch, openPage as open, byTest, loginAs, shot, FAILED_401 } from './browser.mjs';

let server;
let browser;

before(async () => {
  server = await startServer({ demo: true });
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

test('the district gives 垃圾堆放 Open311 attributes in the category dialog', async () => {
  const page = await open(browser, DESKTOP);
  await loginAs(page, server, 'district', { path: '/requests/categories' });
  await byTest(page, 'categories-q').fill('0101');
  const row = page.locator('[data-testid="categories-table"] .el-table__row', { hasText: '垃圾堆放' });
  await row.waitFor();
  assert.equal(await byTest(page, 'category-open311-0101').count(), 0);
  await byTest(page, 'category-edit-0101').click();
  const dlg = byTest(page, 'category-dialog');
  await dlg.waitFor();
  const field = byTest(dlg, 'category-attributes');
  assert.equal(await field.inputValue(), '');
  // not a JSON list: refused here
  await field.fill('{"code": "size"');
  await byTest(dlg, 'category-save').click();
  await dlg.locator('.el-form-item.is-error', { hasText: '不是有效的 JSON 列表' }).waitFor();
  // a list type without values: refused by the server, its reason beside the field
  await field.fill('[{"code": "size", "datatype": "singlevaluelist"}]');
  await byTest(dlg, 'category-save').click();
  await dlg.locator('.el-form-item.is-error', { hasText: 'values' }).waitFor();
  await field.fill(JSON.stringify([{ code: 'size', datatype: 'singlevaluelist', required: true,
    description: '垃圾量', values: [{ key: 'bag', name: '几袋' }, { key: 'heap', name: '成堆' }] }]));
  await byTest(dlg, 'category-save').click();
  await dlg.waitFor({ state: 'hidden' });
  await byTest(page, 'category-open311-0101').waitFor();
  await shot(page, 'open311-categories');

  const res = await fetch(`${server.url}/open311/v2/services/0101.json`);
  assert.equal(res.status, 200);
  const def = await res.json();
  assert.deepEqual(def.attributes.map((a) => [a.code, a.datatype, a.required, a.values.length]),
    [['size', 'singlevaluelist', true, 2]]);
  // opened again, the dialog shows what is stored
  await byTest(page, 'category-edit-0101').click();
  await dlg.waitFor();
  assert.equal(JSON.parse(await byTest(dlg, 'category-attributes').inputValue())[0].code, 'size');
  await page.finish([FAILED_401, /status of 400/]); // before the login; the refused definition
});
