// Browser tests of the registers (基础信息) and party-building (党建引领) pages:
// the area tree and the grid map, people with masked and unmasked personal
// data, the import wizard, against the real server on the demo district of
// `linli init --demo` (district 110105 with 8 streets; community
// 110105001001 with grid 110105001001001; ~300k people). Demo users (password
// Linli@2026): district (district_staff, 110105), street (street_staff,
// 110105001, no person.read_pii), community (community_staff, 110105001001,
// has person.read_pii), auditor.
//
//   make && make web && node --test tests/e2e/registers.test.mjs
//
// Screenshots: build/e2e-artifacts/registers-*.png.
import test, { before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, root, bin, DEMO_PASSWORD } from '../lib/server.mjs';
import {
  DESKTOP, PHONE, launch, openPage as open, text, byTest, loginAs, menuTexts, shot, FAILED_401,
} from './browser.mjs';

const DISTRICT = '110105';
const STREET = '110105001';
const COMMUNITY = '110105001001';
const GRID = '110105001001001';
// A GB 11643 ID number as the API shows it (6 digits, 8 stars, 4) and in full.
const MASKED_ID = /^\d{6}\*{8}\d{3}[\dX]$/;
const FULL_ID = /^\d{17}[\dX]$/;
const EXPECTED = [FAILED_401];

let server;
let browser;
const openPage = (viewport) => open(browser, viewport);

before(async () => {
  assert.ok(existsSync(join(root, 'web/dist/index.html')), 'web/dist is missing: run `make web` first');
  assert.ok(existsSync(bin), `${bin} is missing: run \`make\` first`);
  server = await startServer({ demo: true, demoScale: 'full' }); // the district make run shows
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

// Logs in over HTTP as a demo user; returns a fetch bound to that session.
async function session(login) {
  const res = await fetch(`${server.url}/api/v1/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ login, password: DEMO_PASSWORD }),
  });
  assert.equal(res.status, 200, `login as ${login}`);
  const cookie = res.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  return async (path) => {
    const r = await fetch(`${server.url}/api/v1${path}`, { headers: { cookie } });
    return { status: r.status, body: await r.json() };
  };
}

// The one area with this code (GET /areas?q=CODE).
async function areaByCode(get, code) {
  const { status, body } = await get(`/areas?q=${code}&limit=50`);
  assert.equal(status, 200);
  const a = body.items.find((x) => x.code === code);
  assert.ok(a, `area ${code} exists in the demo data`);
  return a;
}

// The tree node of an area, by its code.
const treeNode = (page, code) => page.locator('.el-tree-node').filter({
  has: page.locator(`> .el-tree-node__content [data-testid="area-node-${code}"]`),
});
async function expand(page, code) {
  const node = treeNode(page, code);
  await node.waitFor();
  if ((await node.getAttribute('aria-expanded')) !== 'true') {
    await node.locator('> .el-tree-node__content .el-tree-node__expand-icon').click();
  }
  await node.locator('> .el-tree-node__children .el-tree-node').first().waitFor();
}
const currentNodeText = (page) => text(page.locator('[data-testid="area-tree"] .el-tree-node.is-current > .el-tree-node__content'));

// The map's chart (ECharts leaves it on the container as linliChart).
const mapRegions = (page) => byTest(page, 'area-map').evaluate((el) => el.linliChart.getOption().series[0].data.map((d) => ({ name: d.name, selected: Boolean(d.selected) })));

describe('区域网格: the area tree and the grid map', () => {
  test('the tree opens from the district down to a grid and shows its detail', async () => {
    const page = await openPage(DESKTOP);
    await loginAs(page, server, 'district', { path: '/registers/areas' });
    assert.equal(await text(page.locator('h1')), '区域网格');
    const menu = await menuTexts(page.locator('.linli-aside'));
    for (const label of ['基础信息', '区域网格', '人口信息', '单位与共建', '数据导入', '党建引领', '组织架构', '党员', '双报到', '党员中心户']) {
      assert.ok(menu.includes(label), `${label} in ${menu.join(',')}`);
    }

    // The district is the user's root and is selected first.
    await treeNode(page, DISTRICT).waitFor();
    await byTest(page, 'area-code').filter({ hasText: DISTRICT }).waitFor();
    assert.equal(await text(byTest(page, 'area-level')), '区');
    const streets = Number(await text(byTest(page, 'figure-children').locator('[data-testid="figure-value"]')));
    assert.equal(streets, 8, 'the demo district has 8 streets');

    await expand(page, DISTRICT);
    await expand(page, STREET);
    await expand(page, COMMUNITY);
    await treeNode(page, GRID).locator('> .el-tree-node__content').click();
    await byTest(page, 'area-code').filter({ hasText: GRID }).waitFor();
    assert.match(page.url(), /[?&]area=\d+/);
    assert.equal(await text(byTest(page, 'area-level')), '网格');
    assert.equal(await text(byTest(page, 'area-state')), '有效');
    assert.match(await currentNodeText(page), new RegExp(GRID));
    // The path above it, the figure cards and the people in charge (phones masked).
    const path = await text(page.locator('.linli-area-path'));
    assert.ok(path.includes('朝阳区'), path);
    for (const id of ['figure-households', 'figure-people', 'figure-party_members', 'figure-units']) {
      assert.match(await text(byTest(page, id).locator('[data-testid="figure-value"]')), /^[\d,]+$/, id);
    }
    const phones = await byTest(page, 'responsible-table').locator('[data-testid="responsible-phone"]').allInnerTexts();
    assert.ok(phones.length > 0, 'the demo grid has people in charge');
    for (const p of phones) assert.match(p.trim(), /^\d{3}\*{4}\d{4}$|^—$/);
    // The district staff do not hold person.read_pii: no reveal button.
    assert.equal(await byTest(page, 'responsible-reveal').count(), 0);
    // 导出 › 人口: the grid's people as an Excel sheet (masked as on screen).
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      (async () => {
        await byTest(page, 'area-export').click();
        await page.locator('.el-dropdown-menu__item:visible', { hasText: '人口' }).click();
      })(),
    ]);
    assert.match(download.suggestedFilename(), /\.xlsx$/);
    // History tab.
    await page.getByRole('tab', { name: '变更记录' }).click();
    await byTest(page, 'area-history').locator('.el-table__row').first().waitFor();
    await shot(page, 'registers-area-grid');
    await page.finish(EXPECTED);
  });

  test('the map draws the grid polygons and a click on a grid selects it in the tree', async () => {
    const page = await openPage(DESKTOP);
    await loginAs(page, server, 'district', { path: '/registers/areas' });
    // The district's map: every grid with a boundary, drawn on a canvas.
    const map = byTest(page, 'area-map');
    await map.locator('canvas').waitFor();
    await page.waitForFunction(() => Number(document.querySelector('[data-testid="area-map"]')?.dataset.regions) > 0);
    const all = Number(await map.getAttribute('data-regions'));
    assert.ok(all >= 8, `the district map has ${all} grids`);
    const regions = await mapRegions(page);
    assert.equal(regions.length, all);
    assert.ok(regions.some((r) => r.name === GRID), 'the demo grid is on the district map');
    await shot(page, 'registers-area-map-district');

    // The community's map: its grids only; a click on the grid's label point selects it.
    const get = await page.evaluate(async (codes) => {
      const find = async (code) => (await (await fetch(`/api/v1/areas?q=${code}&limit=50`)).json()).items.find((a) => a.code === code);
      const [community, grid] = [await find(codes[0]), await find(codes[1])];
      const located = await (await fetch(`/api/v1/areas/locate?lng=${grid.lng}&lat=${grid.lat}`)).json();
      return { community, grid, located: located.grid?.id };
    }, [COMMUNITY, GRID]);
    assert.equal(get.located, get.grid.id, 'the grid\'s label point lies in the grid');
    await page.goto(`${server.url}/registers/areas?area=${get.community.id}`);
    await byTest(page, 'area-code').filter({ hasText: COMMUNITY }).waitFor();
    await page.waitForFunction((n) => {
      const el = document.querySelector('[data-testid="area-map"]');
      return el && Number(el.dataset.regions) > 0 && Number(el.dataset.regions) < n;
    }, all);
    const inCommunity = await mapRegions(page);
    assert.ok(inCommunity.every((r) => r.name.startsWith(COMMUNITY)), 'only the community\'s grids');
    assert.ok(!inCommunity.some((r) => r.selected), 'no grid selected yet');

    await map.scrollIntoViewIfNeeded();
    const px = await map.evaluate((el, p) => el.linliChart.convertToPixel({ seriesIndex: 0 }, p), [get.grid.lng, get.grid.lat]);
    const box = await map.boundingBox();
    await page.mouse.click(box.x + px[0], box.y + px[1]);
    await byTest(page, 'area-code').filter({ hasText: GRID }).waitFor();
    assert.match(page.url(), new RegExp(`[?&]area=${get.grid.id}(&|$)`));
    // The tree opens down to the grid (its children load first) and marks it.
    await page.locator('[data-testid="area-tree"] .el-tree-node.is-current > .el-tree-node__content', { hasText: GRID }).waitFor();
    await page.waitForFunction((code) => document.querySelector('[data-testid="area-map"]')?.linliChart
      ?.getOption().series[0].data.some((d) => d.name === code && d.selected), GRID);
    const selected = (await mapRegions(page)).filter((r) => r.selected).map((r) => r.name);
    assert.deepEqual(selected, [GRID], 'the clicked grid is highlighted on the map');
    await shot(page, 'registers-area-map-grid');
    await page.finish(EXPECTED);
  });

  test('locating a point selects the grid that contains it', async () => {
    const page = await openPage(DESKTOP);
    await loginAs(page, server, 'district', { path: '/registers/areas' });
    const grid = await page.evaluate(async (code) => (await (await fetch(`/api/v1/areas?q=${code}&limit=50`)).json()).items.find((a) => a.code === code), GRID);
    await byTest(page, 'locate-lng').locator('input').fill(String(grid.lng));
    await byTest(page, 'locate-lat').locator('input').fill(String(grid.lat));
    await byTest(page, 'locate-submit').click();
    await byTest(page, 'area-code').filter({ hasText: GRID }).waitFor();
    // A point far outside the district lies in no grid.
    await byTest(page, 'locate-lng').locator('input').fill('100');
    await byTest(page, 'locate-lat').locator('input').fill('30');
    await byTest(page, 'locate-submit').click();
    assert.equal(await text(byTest(page, 'locate-error')), '该点不在任何网格内');
    await page.finish([FAILED_401, /status of 404/]);
  });

  test('on a phone the tree sits above the map', async () => {
    const page = await openPage(PHONE);
    await loginAs(page, server, 'community', { path: '/registers/areas' });
    await treeNode(page, COMMUNITY).waitFor();
    await byTest(page, 'area-map').locator('canvas').waitFor();
    const tree = await byTest(page, 'area-tree').boundingBox();
    const map = await byTest(page, 'area-map').boundingBox();
    assert.ok(tree.y + tree.height <= map.y, 'tree above map');
    assert.ok(map.width <= PHONE.width, 'the map fits the screen');
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(overflow <= 1, `no sideways scrolling (${overflow}px)`);
    // The community staff may see the phones of the people in charge (audited).
    await expand(page, COMMUNITY);
    await treeNode(page, GRID).locator('> .el-tree-node__content').click();
    await byTest(page, 'area-code').filter({ hasText: GRID }).waitFor();
    await byTest(page, 'responsible-reveal').first().click();
    await byTest(page, 'responsible-phone-plain').first().waitFor();
    assert.match(await text(byTest(page, 'responsible-phone-plain').first()), /^1\d{10}$/);
    await page.evaluate(() => window.scrollTo(0, 0));
    await shot(page, 'registers-area-phone');
    await page.finish(EXPECTED);
  });
});

describe('人口信息: people with masked personal data', () => {
  // Searches people by name on the people page; returns the rows' ID cells.
  async function searchByName(page, name) {
    await byTest(page, 'people-q').fill(name);
    await byTest(page, 'people-search').click();
    const rows = byTest(page, 'people-table').locator('.el-table__body .el-table__row');
    await page.waitForFunction((n) => {
      const cells = [...document.querySelectorAll('[data-testid="people-table"] .el-table__body .el-table__row')];
      return cells.length > 0 && cells.every((r) => r.textContent.includes(n));
    }, name);
    return rows;
  }

  test('a search by name finds people, ID numbers and phones masked', async () => {
    const page = await openPage(DESKTOP);
    await loginAs(page, server, 'community', { path: '/registers/people' });
    assert.equal(await text(page.locator('h1')), '人口信息');
    const rows = await searchByName(page, '王');
    assert.ok(await rows.count() > 0, 'people named 王… in the demo community');
    const ids = await byTest(page, 'people-table').locator('[data-testid="people-row-id"]').allInnerTexts();
    assert.ok(ids.length > 0);
    for (const id of ids) assert.match(id.trim(), MASKED_ID);
    const names = await rows.locator('td:first-child').allInnerTexts();
    for (const n of names) assert.ok(n.trim().startsWith('王'), n);
    await shot(page, 'registers-people-search');
    await page.finish(EXPECTED);
  });

  test('community staff unmask a person: the full ID shows for a while and the view is audited', async () => {
    const page = await openPage(DESKTOP);
    await loginAs(page, server, 'community', { path: '/registers/people' });
    const rows = await searchByName(page, '王');
    await rows.first().click();
    const drawer = byTest(page, 'person-drawer');
    await byTest(drawer, 'person-name').waitFor();
    const name = await text(byTest(drawer, 'person-name'));
    assert.match(await text(byTest(drawer, 'person-id-number')), MASKED_ID);
    const hasPhone = (await text(byTest(drawer, 'person-phone'))) !== '—';
    await byTest(drawer, 'person-unmask').click();
    await byTest(drawer, 'person-unmask-notice').waitFor();
    const full = await text(byTest(drawer, 'person-id-number'));
    assert.match(full, FULL_ID, 'the full ID number');
    assert.match(await text(byTest(drawer, 'person-unmask-notice')), /已记录审计/);
    if (hasPhone) assert.match(await text(byTest(drawer, 'person-phone')), /^1\d{10}$/);
    await shot(page, 'registers-person-unmasked', { fullPage: false });
    // Hidden again on request.
    await byTest(drawer, 'person-hide').click();
    assert.match(await text(byTest(drawer, 'person-id-number')), MASKED_ID);
    await page.finish(EXPECTED);

    // The auditor finds the view in the audit log.
    const get = await session('auditor');
    const { status, body } = await get('/audit?action=pii.unmask&user=community');
    assert.equal(status, 200);
    assert.ok(body.items.length >= 1, 'an audit row for the unmask');
    const row = body.items[0];
    assert.equal(row.action, 'pii.unmask');
    assert.equal(row.outcome, 'ok');
    assert.ok(row.user === 'community' || row.user?.login === 'community', JSON.stringify(row));
    assert.ok(name);
  });

  test('street staff (no person.read_pii) see no unmask button', async () => {
    const page = await openPage(DESKTOP);
    await loginAs(page, server, 'street', { path: '/registers/people' });
    const rows = await searchByName(page, '王');
    await rows.first().click();
    const drawer = byTest(page, 'person-drawer');
    await byTest(drawer, 'person-name').waitFor();
    await byTest(drawer, 'person-details').waitFor();
    assert.match(await text(byTest(drawer, 'person-id-number')), MASKED_ID);
    assert.equal(await byTest(page, 'person-unmask').count(), 0, 'no unmask button');
    // Street staff manage people: the edit button is there.
    assert.equal(await byTest(drawer, 'person-edit').count(), 1);
    await shot(page, 'registers-person-street', { fullPage: false });
    await page.finish(EXPECTED);
  });

  test('on a phone the person drawer takes the full width', async () => {
    const page = await openPage(PHONE);
    await loginAs(page, server, 'community', { path: '/registers/people' });
    const rows = await searchByName(page, '王');
    await rows.first().click();
    const drawer = page.locator('.el-drawer').filter({ has: byTest(page, 'person-name') });
    await byTest(page, 'person-name').waitFor();
    await page.waitForTimeout(400); // the drawer slides in
    const box = await drawer.boundingBox();
    assert.ok(Math.abs(box.width - PHONE.width) <= 1, `drawer width ${box.width}`);
    await shot(page, 'registers-person-phone', { fullPage: false });
    await page.finish(EXPECTED);
  });
});

describe('数据导入: the import wizard', () => {
  test('a dry run of a bad CSV lists its errors and keeps 导入 disabled', async () => {
    const page = await openPage(DESKTOP);
    await loginAs(page, server, 'community', { path: '/registers/import' });
    assert.equal(await text(page.locator('h1')), '数据导入');
    await byTest(page, 'import-register-areas').click();
    const csv = [
      'code,name,level,kind,parent_code,valid_from,lng,lat',
      `${COMMUNITY}099,新网格,grid,basic,${COMMUNITY},,,`,
      `${COMMUNITY}098,坏层级,bogus,,${COMMUNITY},,,`,
      `${COMMUNITY}097,坏上级,grid,basic,999999999999,,,`,
    ].join('\n');
    await byTest(page, 'import-file').setInputFiles({ name: 'bad.csv', mimeType: 'text/csv', buffer: Buffer.from(csv, 'utf8') });
    assert.equal(await text(byTest(page, 'import-file-name')).then((s) => s.split(/\s/)[0]), 'bad.csv');
    await byTest(page, 'import-dry-run').click();
    await byTest(page, 'import-errors').locator('.el-table__body .el-table__row').first().waitFor();
    assert.equal(await text(byTest(page, 'import-rows')), '3');
    const count = Number(await text(byTest(page, 'import-error-count')));
    assert.ok(count >= 2, `${count} errors`);
    const errorRows = byTest(page, 'import-errors').locator('.el-table__body .el-table__row');
    assert.equal(await errorRows.count(), count);
    const first = await errorRows.first().locator('td').allInnerTexts();
    assert.match(first[0].trim(), /^\d+$/, 'a line number');
    assert.ok(first[2].trim().length > 0, 'a reason');
    const lines = (await errorRows.locator('td:first-child').allInnerTexts()).map((s) => Number(s.trim()));
    assert.ok(lines.includes(3) && lines.includes(4), `lines ${lines}`);
    assert.ok(await byTest(page, 'import-run').isDisabled(), '导入 stays disabled');
    await shot(page, 'registers-import-errors');

    // A GBK file with a header that is not the template's: refused as a whole.
    await byTest(page, 'import-file').setInputFiles({ name: 'header.csv', mimeType: 'text/csv', buffer: Buffer.from('foo,bar\n1,2\n', 'utf8') });
    await byTest(page, 'import-dry-run').click();
    await byTest(page, 'import-header-error').waitFor();
    assert.ok(await byTest(page, 'import-run').isDisabled());
    await page.finish([FAILED_401, /status of 422/, /status of 400/]);
  });
});

describe('单位与共建, 党建引领: list pages', () => {
  test('units, party members and report-ins list the demo data', async () => {
    const page = await openPage(DESKTOP);
    await loginAs(page, server, 'community', { path: '/registers/units' });
    await byTest(page, 'units-table').locator('.el-table__body .el-table__row').first().waitFor();
    await page.goto(`${server.url}/party/members`);
    const members = byTest(page, 'members-table').locator('.el-table__body .el-table__row');
    await members.first().waitFor();
    // 六个一 as n/6 on every row.
    const six = await members.locator('td:last-child').allInnerTexts();
    for (const s of six) assert.match(s.trim(), /^[0-6]\/6$/);
    await members.first().click();
    await byTest(page, 'member-six-ones').waitFor();
    assert.equal(await byTest(page, 'member-six-ones').locator('li').count(), 6);
    await shot(page, 'registers-party-member', { fullPage: false });
    await page.goto(`${server.url}/party/orgs`);
    await byTest(page, 'org-name').waitFor();
    await page.goto(`${server.url}/party/report-ins`);
    await byTest(page, 'report-ins-table').waitFor();
    await page.finish(EXPECTED);
  });
});
