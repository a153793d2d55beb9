// Browser tests of 诉求办理 (requests), the workbench queues and inbox, 数据驾驶舱
// and the residents' H5 pages, against the real server on the small demo
// district (`LINLI_DEMO_SCALE=small`: streets 110105001 and 110105002, community
// 110105001001 with grid 110105001001001). Demo users (password Linli@2026):
// hotline (hotline_operator, 110105: intake and follow-up), community
// (community_staff, 110105001001), street (street_staff, 110105001), grid
// (grid_worker, 110105001001), district (district_staff, 110105: categories,
// dashboard).
//
// One request goes the whole way through the pages, each step by the login
// whose work it is: registered at the hotline desk with the keyboard (and
// accepted: the category's default sends it to the community office) →
// returned by the community (not theirs) → the return approved by the street
// → dispatched by the street to the grid → acknowledged and resolved by the
// grid worker → verified by the community → rated by the hotline operator's
// call back → closed. A second request is rated by its reporter on the H5
// follow page at phone size.
//
//   make && make web && node --test tests/e2e/requests.test.mjs
//
// Screenshots: build/e2e-artifacts/requests-*.png.
import test, { before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, root, bin, DEMO_PASSWORD } from '../lib/server.mjs';
import {
  DESKTOP, PHONE, launch, openPage as open, text, byTest, loginAs, menuTexts, shot, FAILED_401,
} from './browser.mjs';

const STREET = '110105001';
const COMMUNITY = '110105001001';
const GRID = '110105001001001';
const EXPECTED = [FAILED_401];
// A 1×1 PNG: a photo the server takes (its type is read from its bytes).
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');

let server;
let browser;
const openPage = (viewport) => open(browser, viewport);
// What the tests share: the categories made in before(), the request that goes the whole way.
const fx = {};

// Logs in over HTTP as a demo user: {get, post, patch} bound to that session
// (cookie and CSRF token), each answering {status, body}.
async function session(login) {
  const res = await fetch(`${server.url}/api/v1/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ login, password: DEMO_PASSWORD }),
  });
  assert.equal(res.status, 200, `login as ${login}`);
  const { csrf_token: csrf } = await res.json();
  const cookie = res.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  const call = async (method, path, body) => {
    const r = await fetch(`${server.url}/api/v1${path}`, {
      method,
      headers: { cookie, 'x-csrf-token': csrf, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      body: body !== undefined ? JSON.stringify(body) : undefined,
    });
    const type = r.headers.get('content-type') || '';
    return { status: r.status, body: type.includes('json') ? await r.json() : await r.text() };
  };
  return {
    get: (p) => call('GET', p),
    post: (p, b = {}) => call('POST', p, b),
    patch: (p, b) => call('PATCH', p, b),
  };
}

async function areaByCode(api, code) {
  const { status, body } = await api.get(`/areas?q=${code}&limit=50`);
  assert.equal(status, 200);
  const a = body.items.find((x) => x.code === code);
  assert.ok(a, `area ${code} exists in the demo data`);
  return a;
}

// Runs an action over HTTP (to bring a request to a state a page test starts from).
async function act(api, id, action, body = {}) {
  const r = await api.post(`/requests/${id}/actions/${action}`, body);
  assert.equal(r.status, 200, `${action}: ${JSON.stringify(r.body)}`);
  return r.body;
}

before(async () => {
  assert.ok(existsSync(join(root, 'web/dist/index.html')), 'web/dist is missing: run `make web` first');
  assert.ok(existsSync(bin), `${bin} is missing: run \`make\` first`);
  server = await startServer({ demo: true });
  browser = await launch();
  // The category tree the pages pick from: a class and a subclass whose
  // requests go to the community office by default.
  const district = await session('district');
  const top = await district.post('/categories', {
    code: 'T1', name: '街巷环境', kind: 'event', default_level: 'community', limit_normal: '5d', limit_urgent: '2d', limit_critical: '4wh',
  });
  assert.equal(top.status, 201, JSON.stringify(top.body));
  const sub = await district.post('/categories', { code: 'T101', name: '门前堆物', parent_id: top.body.id });
  assert.equal(sub.status, 201, JSON.stringify(sub.body));
  fx.top = top.body;
  fx.sub = sub.body;
  fx.grid = await areaByCode(district, GRID);
  fx.community = await areaByCode(district, COMMUNITY);
  fx.street = await areaByCode(district, STREET);
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

// The request page's action buttons once GET …/actions has answered.
async function actions(page) {
  const bar = byTest(page, 'request-actions');
  await page.waitForFunction(() => document.querySelector('[data-testid="request-actions"]')?.dataset.loaded === 'true');
  return (await bar.getAttribute('data-actions')).split(' ').filter(Boolean);
}
// Opens an action's dialog, lets `fill` fill it, submits, and waits until the
// page shows the state the action leads to.
async function runAction(page, action, fill, expectState) {
  await byTest(page, `action-${action}`).click();
  const dlg = page.locator(`[data-testid="action-dialog"][data-action="${action}"]`);
  await dlg.waitFor();
  if (fill) await fill(dlg);
  await byTest(dlg, 'action-submit').click();
  await dlg.waitFor({ state: 'hidden' });
  if (expectState) {
    await page.locator(`[data-testid="request-page"] [data-testid="request-state"][data-state="${expectState}"]`).waitFor();
  }
}
// Picks a node of an open tree-select's popper by its visible text.
async function pickInTree(page, popperClass, label) {
  const node = page.locator(`.el-popper.${popperClass}:visible .el-tree-node__content`, { hasText: label }).first();
  await node.waitFor();
  await node.click();
}
// Opens the lazy area tree-select's nodes down to `names` (each a label) and picks the last.
async function pickArea(page, select, names) {
  await select.click();
  const popper = page.locator('.el-popper.linli-area-select-popper:visible');
  await popper.waitFor();
  for (const [i, name] of names.entries()) {
    const node = popper.locator('.el-tree-node', { has: page.locator(`> .el-tree-node__content .linli-area-option > span:first-child`, { hasText: name }) }).first();
    await node.waitFor();
    if (i < names.length - 1) {
      if ((await node.getAttribute('aria-expanded')) !== 'true') await node.locator('> .el-tree-node__content .el-tree-node__expand-icon').click();
      await node.locator('> .el-tree-node__children .el-tree-node').first().waitFor();
    } else {
      await node.locator('> .el-tree-node__content').click();
    }
  }
}

describe('事项分类 and 派单规则', () => {
  test('the district edits the category tree and adds a dispatch rule', async () => {
    const page = await openPage(DESKTOP);
    await loginAs(page, server, 'district', { path: '/requests/categories' });
    assert.equal(await text(page.locator('h1')), '事项分类');
    const menu = await menuTexts(page.locator('.linli-aside'));
    for (const label of ['诉求办理', '热线受理', '待派单', '我的待办', '全部诉求', '督办', '派单规则', '事项分类', '数据驾驶舱']) {
      assert.ok(menu.includes(label), `${label} in ${menu.join(',')}`);
    }
    const rows = page.locator('[data-testid="categories-table"] .el-table__row');
    await rows.filter({ hasText: '街巷环境' }).waitFor();
    // A new class, then a subclass that inherits its limits (shown as placeholders).
    await byTest(page, 'categories-create').click();
    let dlg = byTest(page, 'category-dialog');
    await dlg.waitFor();
    await byTest(dlg, 'category-code').fill('T2');
    await byTest(dlg, 'category-name').fill('文明养犬');
    await byTest(dlg, 'category-save').click();
    await rows.filter({ hasText: '文明养犬' }).waitFor();
    await rows.filter({ hasText: '文明养犬' }).getByRole('button', { name: '新建下级' }).click();
    dlg = byTest(page, 'category-dialog');
    await dlg.waitFor();
    assert.equal(await byTest(dlg, 'category-code').inputValue(), 'T2');
    assert.match(await byTest(dlg, 'category-limit-normal').getAttribute('placeholder'), /5d/);
    // A code that does not extend the parent's is refused beside the field.
    await byTest(dlg, 'category-code').fill('X9');
    await byTest(dlg, 'category-name').fill('遛狗不牵绳');
    await byTest(dlg, 'category-save').click();
    await dlg.locator('.el-form-item.is-error', { hasText: '下级代码须以 T2 开头' }).waitFor();
    await byTest(dlg, 'category-code').fill('T201');
    await byTest(dlg, 'category-save').click();
    await dlg.waitFor({ state: 'hidden' });
    await page.locator('[data-testid="categories-table"] .el-table__row', { hasText: '遛狗不牵绳' }).waitFor();
    await shot(page, 'requests-categories');

    // 派单规则: T2 in the whole district goes to the street office.
    await page.goto(`${server.url}/requests/dispatch-rules`);
    await byTest(page, 'rules-create').click();
    dlg = byTest(page, 'rule-dialog');
    await dlg.waitFor();
    await dlg.locator('.linli-category-select').click();
    await pickInTree(page, 'linli-category-popper', '文明养犬');
    await pickArea(page, dlg.locator('.linli-area-select'), ['朝阳区']);
    await dlg.locator('.el-select', { hasText: '社区' }).click();
    await page.locator('.el-select-dropdown__item:visible', { hasText: '街道' }).click();
    await byTest(dlg, 'rule-save').click();
    await dlg.waitFor({ state: 'hidden' });
    const rule = page.locator('[data-testid="rules-table"] .el-table__row', { hasText: '文明养犬' });
    await rule.waitFor();
    assert.match(await text(rule), /街道/);
    await shot(page, 'requests-dispatch-rules');

    // 导入 goes to the import wizard with 事项分类 chosen: check, then import.
    await page.goto(`${server.url}/requests/categories`);
    await byTest(page, 'categories-import').click();
    await page.waitForURL(/\/registers\/import\?register=categories/);
    assert.ok(await byTest(page, 'import-register-categories').locator('input').isChecked());
    const csv = [
      'code,name,parent_code,kind,intake_standard,default_level,default_department,limit_normal,limit_urgent,limit_critical,closure_standard',
      'T3,楼道照明,,component,楼道灯不亮,community,,3d,1d,4wh,灯已修复',
      'T301,声控灯,T3,,,,,,,,',
    ].join('\n');
    await byTest(page, 'import-file').setInputFiles({ name: 'categories.csv', mimeType: 'text/csv', buffer: Buffer.from(csv, 'utf8') });
    await byTest(page, 'import-dry-run').click();
    await byTest(page, 'import-ok').waitFor();
    assert.equal(await text(byTest(page, 'import-rows')), '2');
    await byTest(page, 'import-run').click();
    await page.locator('.el-message-box__btns .el-button--primary').click();
    await byTest(page, 'import-done').waitFor();
    await page.goto(`${server.url}/requests/categories`);
    await byTest(page, 'categories-q').fill('声控');
    await page.locator('[data-testid="categories-table"] .el-table__row', { hasText: '声控灯' }).waitFor();
    await page.finish(EXPECTED);
  });
});

describe('a request through the pages', () => {
  test('热线受理: the operator registers a call with the keyboard; the draft survives leaving the page', async () => {
    const page = await openPage(DESKTOP);
    await loginAs(page, server, 'hotline', { path: '/requests/intake' });
    assert.equal(await text(page.locator('h1')), '热线受理');
    await byTest(page, 'intake-shortcuts').waitFor();
    // Category by mouse (a tree), the rest by keyboard.
    await page.keyboard.press('Alt+C');
    await page.locator('[data-field="category_id"] .linli-category-select').click();
    await pickInTree(page, 'linli-category-popper', '门前堆物');
    await page.keyboard.press('Alt+M');
    await page.keyboard.type('朝阳门外大街 10 号门前长期堆放杂物，行人只能走机动车道。');
    await page.keyboard.press('Alt+R');
    await page.keyboard.type('王先生');
    await page.keyboard.press('Alt+P');
    await page.keyboard.type('13800138000');
    // Where: the grid's label point, typed, then 定位 finds the grid.
    await byTest(page, 'intake-lng').locator('input').fill(String(fx.grid.lng));
    await byTest(page, 'intake-lat').locator('input').fill(String(fx.grid.lat));
    await byTest(page, 'intake-locate').click();
    await byTest(page, 'intake-locate-msg').filter({ hasText: GRID }).waitFor();
    // A photo goes up as soon as it is picked (POST /photos) and shows as a thumbnail.
    await byTest(page, 'intake-photo-input').setInputFiles({ name: 'scene.png', mimeType: 'image/png', buffer: PNG });
    await page.locator('[data-testid="intake-photo-upload"] .linli-photo img').waitFor();
    // The draft is kept when the page is left, and comes back.
    await byTest(page, 'intake-draft-saved').waitFor();
    await page.goto(`${server.url}/`);
    await page.goto(`${server.url}/requests/intake`);
    await byTest(page, 'intake-draft').waitFor();
    assert.match(await byTest(page, 'intake-description').inputValue(), /门前堆物|堆放杂物/);
    assert.equal(await byTest(page, 'intake-reporter-phone').inputValue(), '13800138000');
    await shot(page, 'requests-intake-draft');
    // Enter in a field registers it (and accepts it at once).
    await byTest(page, 'intake-reporter-name').focus();
    await page.keyboard.press('Enter');
    const done = byTest(page, 'intake-done');
    await done.waitFor({ timeout: 15000 });
    const code = await text(byTest(page, 'intake-done-code'));
    assert.match(code, /^[0-9A-Z]{10}$/);
    // Accepted: the category's default level sends it to the community office.
    await done.locator('[data-testid="request-state"][data-state="dispatched"]').waitFor();
    assert.equal(await byTest(page, 'intake-description').inputValue(), '', 'the form is cleared');
    await page.locator('[data-testid="intake-today-table"] .el-table__row', { hasText: code }).waitFor();
    await shot(page, 'requests-intake-done');
    const api = await session('hotline');
    const list = await api.get('/requests?limit=50');
    fx.req = list.body.items.find((r) => r.tracking_code === code);
    assert.ok(fx.req, 'the request is listed');
    assert.equal(fx.req.owner_area_id, fx.community.id);
    assert.equal(fx.req.area_id, fx.grid.id);
    await page.finish(EXPECTED);
  });

  test('a dispatcher takes the same matter again: a click on the map picks the grid, the hint offers 合并到此', async () => {
    assert.ok(fx.req, 'needs the request registered above');
    const page = await openPage(DESKTOP);
    await loginAs(page, server, 'district', { path: '/requests/intake' });
    await page.locator('[data-field="category_id"] .linli-category-select').click();
    await pickInTree(page, 'linli-category-popper', '门前堆物');
    await byTest(page, 'intake-description').fill('朝阳门外大街 10 号门前又堆满了杂物');
    const map = byTest(page, 'intake-map');
    await page.waitForFunction(() => Number(document.querySelector('[data-testid="intake-map"]')?.dataset.regions) > 0);
    // The demo's own requests of this category fill the duplicates card while
    // the map is measured, which may move the map under the click: measure
    // and click again until the grid is picked.
    for (let i = 0; ; i++) {
      await map.scrollIntoViewIfNeeded();
      const px = await map.evaluate((el, p) => el.linliChart.convertToPixel({ geoIndex: 0 }, p), [fx.grid.lng, fx.grid.lat]);
      const box = await map.boundingBox();
      await page.mouse.click(box.x + px[0], box.y + px[1]);
      try {
        await page.locator('[data-field="area_id"]', { hasText: fx.grid.name }).waitFor({ timeout: 4000 });
        break;
      } catch (e) {
        if (i >= 3) throw e;
      }
    }
    assert.ok(Math.abs(Number(await byTest(page, 'intake-lng').locator('input').inputValue()) - fx.grid.lng) < 0.001);
    // The open request in the same grid and category is offered.
    const dup = page.locator('[data-testid="intake-duplicate"]', { hasText: fx.req.tracking_code });
    await dup.waitFor();
    await dup.locator('[data-testid="intake-merge"]').click();
    await byTest(page, 'intake-merge-target').filter({ hasText: fx.req.tracking_code }).waitFor();
    await shot(page, 'requests-intake-duplicate');
    await byTest(page, 'intake-submit').click();
    await byTest(page, 'intake-done').locator('[data-testid="request-state"][data-state="merged"]').waitFor();
    await page.finish(EXPECTED);
  });

  test('the community sees it in 我的待办 with a notification, and returns it (not theirs)', async () => {
    assert.ok(fx.req, 'needs the request registered above');
    const page = await openPage(DESKTOP);
    await loginAs(page, server, 'community');
    await byTest(page, 'workbench-queues').waitFor();
    const row = page.locator('[data-testid="queue-mine"] .el-table__row', { hasText: fx.req.tracking_code });
    await row.waitFor();
    // The office was told: the badge counts it.
    await page.waitForFunction(() => Number(document.querySelector('[data-testid="notification-badge"] sup')?.textContent) > 0);
    await byTest(page, 'inbox-item').first().waitFor();
    await shot(page, 'requests-workbench-community');
    await row.click();
    await page.waitForURL(new RegExp(`/requests/${fx.req.id}$`));
    assert.equal(await text(byTest(page, 'request-code')), fx.req.tracking_code);
    const can = await actions(page);
    assert.ok(can.includes('acknowledge') && can.includes('return'), can.join(','));
    assert.ok(!can.includes('dispatch'), 'only what the server offers');
    await byTest(page, 'request-countdown').waitFor();
    await runAction(page, 'return', async (dlg) => {
      // The reason is required: refused before sending.
      await byTest(dlg, 'action-submit').click();
      await dlg.locator('.el-form-item.is-error').first().waitFor();
      await dlg.getByText('属地不符').click();
      await byTest(dlg, 'action-note').fill('该路段属于相邻社区，请改派。');
    }, 'return_requested');
    await page.getByRole('tab', { name: /办理过程/ }).click();
    await page.locator('[data-testid="request-event"][data-action="return"]', { hasText: '属地不符' }).waitFor();
    // The intake's photo is on the photos tab.
    await page.getByRole('tab', { name: /照片/ }).click();
    await byTest(page, 'request-photos').locator('img').first().waitFor();
    await shot(page, 'requests-returned');
    await page.finish(EXPECTED);
  });

  test('the street approves the return and dispatches it to the grid', async () => {
    assert.ok(fx.req, 'needs the request registered above');
    const page = await openPage(DESKTOP);
    await loginAs(page, server, 'street', { path: `/requests/${fx.req.id}` });
    await runAction(page, 'approve_return', null, 'waiting_dispatch');
    const can = await actions(page);
    assert.ok(can.includes('dispatch'), can.join(','));
    await runAction(page, 'dispatch', async (dlg) => {
      await pickArea(page, byTest(dlg, 'action-owner-area'), [fx.street.name, fx.community.name, fx.grid.name]);
    }, 'dispatched');
    await page.getByRole('tab', { name: '基本信息' }).click();
    await byTest(page, 'request-details').filter({ hasText: fx.grid.name }).waitFor();
    await shot(page, 'requests-dispatched');
    await page.finish(EXPECTED);
  });

  test('the grid worker acknowledges and resolves it with a note', async () => {
    assert.ok(fx.req, 'needs the request registered above');
    const page = await openPage(PHONE);
    await loginAs(page, server, 'grid', { path: `/requests/${fx.req.id}` });
    await runAction(page, 'acknowledge', null, 'handling');
    await runAction(page, 'resolve', async (dlg) => {
      await byTest(dlg, 'action-note').fill('已清理杂物，恢复人行道通行。');
    }, 'handled');
    await shot(page, 'requests-resolved-phone');
    await page.finish(EXPECTED);
  });

  test('the community verifies it on site', async () => {
    assert.ok(fx.req, 'needs the request registered above');
    const page = await openPage(DESKTOP);
    await loginAs(page, server, 'community', { path: `/requests/${fx.req.id}` });
    await runAction(page, 'verify', async (dlg) => {
      await byTest(dlg, 'action-note').fill('现场核实：人行道已畅通。');
    }, 'waiting_feedback');
    await page.finish(EXPECTED);
  });

  test('the hotline calls back and records the rating: closed', async () => {
    assert.ok(fx.req, 'needs the request registered above');
    const page = await openPage(DESKTOP);
    await loginAs(page, server, 'hotline', { path: `/requests/${fx.req.id}` });
    // The number to call: masked, shown in full for a while on request (audited).
    assert.equal(await text(byTest(page, 'reporter-phone')), '138****8000');
    await byTest(page, 'reporter-phone-reveal').click();
    await byTest(page, 'reporter-phone').filter({ hasText: '13800138000' }).waitFor();
    await runAction(page, 'rate', async (dlg) => {
      await byTest(dlg, 'action-submit').click();
      await dlg.locator('.el-form-item.is-error').first().waitFor();
      await byTest(dlg, 'action-solved').getByText('已解决').click();
      await byTest(dlg, 'action-feedback').getByText('满意', { exact: true }).click();
    }, 'closed');
    // The whole way in the timeline, newest first.
    await page.getByRole('tab', { name: /办理过程/ }).click();
    const seen = await page.locator('[data-testid="request-event"]').evaluateAll((els) => els.map((e) => e.dataset.action));
    for (const a of ['create', 'accept', 'return', 'approve_return', 'dispatch', 'acknowledge', 'resolve', 'verify', 'rate']) {
      assert.ok(seen.includes(a), `${a} in ${seen.join(',')}`);
    }
    assert.equal(seen[0], 'rate');
    await shot(page, 'requests-closed-timeline');
    // The list finds it by its text, closed, and exports what it shows.
    await page.goto(`${server.url}/requests?q=${encodeURIComponent('堆放')}&state=closed`);
    const row = page.locator('[data-testid="requests-table"] .el-table__row', { hasText: fx.req.tracking_code });
    await row.waitFor();
    await row.locator('[data-testid="request-state"][data-state="closed"]').waitFor();
    const [download] = await Promise.all([page.waitForEvent('download'), byTest(page, 'requests-export').click()]);
    assert.match(download.suggestedFilename(), /\.xlsx$/);
    await shot(page, 'requests-list');
    await page.finish(EXPECTED);
  });
});

describe('社区吹哨、部门报到', () => {
  test('the community whistles: a district department leads, the street team co-handles, each with a part', async () => {
    // A community's matter (垃圾堆放: its class's default is the community office), registered and accepted over HTTP.
    const hotline = await session('hotline');
    const cats = (await hotline.get('/categories')).body.items;
    const litter = cats.find((c) => c.name === '垃圾堆放');
    assert.ok(litter, 'the demo taxonomy has 垃圾堆放');
    const created = await hotline.post('/requests', {
      source: 'hotline', kind: 'complaint', category_id: litter.id, title: '小区东门外建筑垃圾堆积', area_id: fx.grid.id,
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const r = await act(hotline, created.body.id, 'accept');
    assert.equal(r.owner_area_id, fx.community.id, JSON.stringify(r));

    const page = await openPage(DESKTOP);
    await loginAs(page, server, 'community', { path: `/requests/${r.id}` });
    await runAction(page, 'acknowledge', null, 'handling');
    assert.ok((await actions(page)).includes('whistle'));
    await runAction(page, 'whistle', async (dlg) => {
      const rows = byTest(dlg, 'action-parties').locator('.linli-party');
      const pickUnit = async (row, name) => {
        await row.locator('.el-select').first().click();
        const option = page.locator('.el-select__popper:visible .el-select-dropdown__item', { hasText: name }).first();
        await option.waitFor();
        await page.waitForTimeout(300); // the popper settles after the dialog grew
        await option.click();
        await page.locator('.el-select__popper:visible').waitFor({ state: 'hidden' });
      };
      await pickUnit(rows.nth(0), '城市管理委员会');
      await rows.nth(0).locator('.linli-party-part input').fill('调派清运车辆');
      await byTest(dlg, 'action-parties').getByRole('button', { name: '添加部门' }).click();
      await pickUnit(rows.nth(1), '建外街道综合行政执法队');
      await rows.nth(1).locator('.linli-party-part input').fill('查处倾倒人');
    }, 'handling');
    await page.getByRole('tab', { name: /吹哨报到/ }).click();
    const parties = byTest(page, 'request-parties').locator('.el-table__body .el-table__row');
    await parties.nth(1).waitFor();
    const texts = await parties.allInnerTexts();
    assert.ok(texts.some((x) => /城市管理委员会/.test(x) && /主办/.test(x) && /调派清运车辆/.test(x)), texts.join(' / '));
    assert.ok(texts.some((x) => /综合行政执法队/.test(x) && /协办/.test(x) && /查处倾倒人/.test(x)), texts.join(' / '));
    await shot(page, 'requests-whistle');
    await page.finish(EXPECTED);
  });
});

describe('two people at once', () => {
  test('an action on a request someone changed meanwhile is refused (409) and goes through once the page has caught up', async () => {
    const hotline = await session('hotline');
    const litter = (await hotline.get('/categories')).body.items.find((c) => c.name === '垃圾堆放');
    const created = await hotline.post('/requests', { source: 'walk_in', kind: 'help', category_id: litter.id, title: '楼下垃圾桶满溢', area_id: fx.grid.id });
    assert.equal(created.status, 201);
    await act(hotline, created.body.id, 'accept');
    const page = await openPage(DESKTOP);
    await loginAs(page, server, 'community', { path: `/requests/${created.body.id}` });
    assert.ok((await actions(page)).includes('acknowledge'));
    // Meanwhile a colleague adds a note: the version the page holds is old.
    const colleague = await session('street');
    assert.equal((await colleague.post(`/requests/${created.body.id}/actions/comment`, { note: '请尽快处理' })).status, 200);
    await byTest(page, 'action-acknowledge').click();
    const dlg = page.locator('[data-testid="action-dialog"][data-action="acknowledge"]');
    await dlg.waitFor();
    await byTest(dlg, 'action-note').fill('已安排保洁员');
    await byTest(dlg, 'action-submit').click();
    await byTest(dlg, 'form-error').waitFor();
    assert.match(await text(byTest(dlg, 'form-error')), /数据已被他人修改/);
    // The page fetched the request again: the same dialog now goes through.
    await page.locator('[data-testid="request-event"][data-action="comment"]').waitFor({ state: 'attached' });
    await byTest(dlg, 'action-submit').click();
    await dlg.waitFor({ state: 'hidden' });
    await page.locator('[data-testid="request-page"] [data-testid="request-state"][data-state="handling"]').waitFor();
    await page.finish([FAILED_401, /status of 409/]);
  });
});

describe('数据驾驶舱', () => {
  test('the district sees the figure cards, charts, grid map and league; full screen for a wall', async () => {
    const page = await openPage(DESKTOP);
    await loginAs(page, server, 'district', { path: '/dashboard' });
    const cards = byTest(page, 'dashboard-cards');
    await cards.waitFor({ timeout: 15000 });
    const received = Number((await text(byTest(page, 'dash-received').locator('[data-testid="figure-value"]'))).replace(/,/g, ''));
    assert.ok(received >= 1, `received ${received}`);
    for (const k of ['response_rate', 'solve_rate', 'satisfaction_rate', 'composite', 'close_rate', 'on_time_rate', 'rework', 'avg_handle']) {
      await byTest(page, `dash-${k}`).waitFor();
    }
    assert.match(await text(byTest(page, 'dash-satisfaction_rate').locator('[data-testid="figure-value"]')), /^\d+(\.\d)?%$/);
    await byTest(page, 'dashboard-trend').waitFor();
    await byTest(page, 'dashboard-league').locator('.el-table__row').first().waitFor();
    await page.waitForFunction(() => Number(document.querySelector('[data-testid="dashboard-map"]')?.dataset.regions) > 0);
    await shot(page, 'requests-dashboard');
    await byTest(page, 'dashboard-wall').click();
    await page.locator('.linli-dash--wall').waitFor();
    await shot(page, 'requests-dashboard-wall', { fullPage: false });
    await page.keyboard.press('Escape');
    await page.locator('.linli-dash--wall').waitFor({ state: 'detached' });
    await page.finish(EXPECTED);
  });
});

describe('H5: residents on a phone', () => {
  test('follow a request by its tracking code and rate it with the phone\'s last 4 digits', async () => {
    // A request reported on the public page, brought to 待回访 by the district over HTTP.
    const anon = await fetch(`${server.url}/api/v1/public/requests`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        category_id: fx.sub.id, title: '小区门口路灯不亮', description: '小区门口路灯连续三晚不亮。', lng: fx.grid.lng, lat: fx.grid.lat, reporter_phone: '13912345678',
      }),
    });
    assert.equal(anon.status, 201);
    const { tracking_code: code } = await anon.json();
    const district = await session('district');
    const found = (await district.get(`/requests?q=${encodeURIComponent('路灯')}`)).body.items.find((r) => r.tracking_code === code);
    assert.ok(found);
    let r = await act(district, found.id, 'accept');
    if (r.state === 'waiting_dispatch') r = await act(district, found.id, 'dispatch', { owner_area_id: fx.community.id });
    r = await act(district, found.id, 'acknowledge');
    r = await act(district, found.id, 'resolve', { note: '已更换灯泡，路灯恢复照明。' });
    r = await act(district, found.id, 'verify', {});
    assert.equal(r.state, 'waiting_feedback');

    const page = await openPage(PHONE);
    await page.goto(`${server.url}/h5/`);
    await byTest(page, 'h5-home').waitFor();
    await shot(page, 'requests-h5-home');
    await byTest(page, 'h5-go-track').click();
    await byTest(page, 'h5-track-code').fill(code.toLowerCase());
    await byTest(page, 'h5-track-submit').click();
    await page.locator('[data-testid="h5-track-state"][data-state="waiting_feedback"]').waitFor();
    assert.match(page.url(), new RegExp(`/h5/track/${code}$`));
    await byTest(page, 'h5-track-timeline').locator('li').first().waitFor();
    // Wrong digits are refused beside the field; the right ones close it.
    await byTest(page, 'h5-rate-last4').fill('0000');
    await byTest(page, 'h5-rate-solved').getByText('已解决').click();
    await byTest(page, 'h5-rate-feedback').locator('[data-value="basically_satisfied"]').click();
    await byTest(page, 'h5-rate-submit').click();
    await byTest(page, 'h5-rate').locator('.el-form-item.is-error').waitFor();
    await byTest(page, 'h5-rate-last4').fill('5678');
    await byTest(page, 'h5-rate-submit').click();
    await byTest(page, 'h5-rate-done').waitFor();
    await page.locator('[data-testid="h5-track-state"][data-state="closed"]').waitFor();
    await shot(page, 'requests-h5-rated');
    // The second locale: every word of the page in English.
    await page.locator('.linli-h5-locale button').click();
    await page.locator('.el-dropdown-menu__item:visible', { hasText: 'English' }).click();
    await page.locator('[data-testid="h5-track-state"]', { hasText: 'Closed' }).waitFor();
    assert.equal(await text(page.locator('.linli-h5-title')), 'Follow a request');
    const steps = await byTest(page, 'h5-track-timeline').locator('.linli-h5-step').allInnerTexts();
    assert.ok(steps.every((x) => !/[\u4e00-\u9fff]/.test(x)), `steps in English: ${steps.join(' / ')}`);
    await shot(page, 'requests-h5-rated-en');
    // The request that went through the console shows closed, no rating form.
    if (fx.req) {
      await page.goto(`${server.url}/h5/track/${fx.req.tracking_code}`);
      await page.locator('[data-testid="h5-track-state"][data-state="closed"]').waitFor();
      assert.equal(await byTest(page, 'h5-rate').count(), 0);
    }
    await page.finish([FAILED_401, /status of 403/]);
  });

  test('report a problem: category tiles, the phone\'s location, the tracking code', async () => {
    const page = await openPage(PHONE);
    await page.context().grantPermissions(['geolocation']);
    await page.context().setGeolocation({ longitude: fx.grid.lng, latitude: fx.grid.lat, accuracy: 12 });
    await page.goto(`${server.url}/h5/report`);
    await byTest(page, 'h5-report').waitFor();
    // Nothing filled in: each missing part is said beside it.
    await byTest(page, 'h5-submit').click();
    await page.locator('.linli-h5 [role="alert"], .linli-h5 .el-form-item.is-error').first().waitFor();
    await byTest(page, 'h5-categories').getByRole('radio', { name: '街巷环境' }).click();
    await byTest(page, 'h5-subcategories').getByRole('radio', { name: '门前堆物' }).click();
    await byTest(page, 'h5-description').fill('单元门口堆满纸箱，堵住了人行道。');
    await byTest(page, 'h5-photo-input').setInputFiles({ name: 'boxes.png', mimeType: 'image/png', buffer: PNG });
    await page.locator('[data-testid="h5-photo-upload"] .linli-photo img').waitFor();
    await byTest(page, 'h5-locate').click();
    await byTest(page, 'h5-located').waitFor();
    await byTest(page, 'h5-phone').fill('13700001234');
    await shot(page, 'requests-h5-report');
    await byTest(page, 'h5-submit').click();
    const code = await text(byTest(page, 'h5-tracking-code'));
    assert.match(code, /^[0-9A-Z]{10}$/);
    await shot(page, 'requests-h5-report-done');
    await byTest(page, 'h5-done-track').click();
    await page.locator('[data-testid="h5-track-state"]').waitFor();
    await page.finish(EXPECTED);
  });
});
