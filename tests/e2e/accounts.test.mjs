// Browser tests of accounts in the console: login and logout, the session's
// end, the menu filtered by capabilities, and the administration pages (users,
// roles, API keys, audit log), against the real server with the demo users of
// `linli init --demo` (all with the password Linli@2026):
//   admin (sysadmin), security (secadmin), auditor (auditor),
//   district (district_staff), grid (grid_worker), resident (resident).
//
//   make && make web && node --test tests/e2e/
//
// Screenshots: build/e2e-artifacts/accounts-*.png.
import test, { before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, api, root, bin } from '../lib/server.mjs';
import zhCN from '../../web/src/i18n/zh-CN.js';
import en from '../../web/src/i18n/en.js';
import {
  DESKTOP, PHONE, DEMO_PASSWORD, launch, openPage as open, text, byTest, loginAs, fillLogin, menuTexts,
  shot, FAILED_401, FAILED_403,
} from './browser.mjs';

let server;
let browser;
const openPage = (viewport) => open(browser, viewport);
const EXPECTED = [FAILED_401];

// A user made by these tests (login unique per run).
const NEW_LOGIN = `e2e${Date.now().toString(36)}`;
const NEW_NAME = '测试用户';
const NEW_PASSWORD = 'Xy7#kLmn2q';

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

// Logs in through the API (cookie + CSRF token, not the harness's API key),
// for set-up and checks.
async function apiLogin(login, password = DEMO_PASSWORD) {
  const r = await api(server, 'POST', '/api/v1/session', { login, password }, { authorization: null });
  assert.equal(r.status, 200, `login ${login}: ${JSON.stringify(r.body)}`);
  const cookie = (r.headers.get('set-cookie') || '').split(';')[0];
  const headers = { cookie, 'x-csrf-token': r.body.csrf_token, authorization: null };
  return { ...r.body, call: (method, path, body) => api(server, method, path, body, headers) };
}

// Opens the user drawer for `login` on the users page (searching for it).
async function openUser(page, login) {
  await byTest(page, 'users-q').fill(login);
  await byTest(page, 'users-q').press('Enter');
  const row = byTest(page, 'users-table').locator('.el-table__row', { hasText: login });
  await row.waitFor();
  await row.click();
  const drawer = byTest(page, 'user-drawer');
  await byTest(drawer, 'user-login').filter({ hasText: login }).waitFor();
  return drawer;
}

describe('login page', () => {
  test('is keyboard-first and shows the server\'s refusal for a wrong password', async () => {
    const page = await openPage(DESKTOP);
    await page.goto(server.url + '/');
    await page.waitForURL(server.url + '/login');
    assert.equal(await page.title(), '登录 · 邻里');
    assert.equal(await page.locator('.linli-aside').count(), 0, 'no side bar on the login page');
    // The login name field has the focus.
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'linli-login-name');

    // Empty submit: asks for the fields, sends nothing.
    await page.keyboard.press('Enter');
    await page.getByText(zhCN.login.loginRequired).waitFor();

    await page.keyboard.type('admin');
    await page.keyboard.press('Tab');
    await page.keyboard.type('not-the-password');
    const answered = page.waitForResponse((r) => r.url().endsWith('/api/v1/session') && r.request().method() === 'POST');
    await page.keyboard.press('Enter');
    assert.equal((await answered).status(), 401);
    const error = byTest(page, 'login-error');
    await error.waitFor();
    assert.match(await text(error), /登录名或密码错误/);
    assert.equal(await page.inputValue('#linli-login-password'), '', 'the wrong password is cleared');
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'linli-login-password');
    await shot(page, 'accounts-login-error');

    // An unknown login gets the same answer.
    const again = page.waitForResponse((r) => r.url().endsWith('/api/v1/session') && r.request().method() === 'POST');
    await fillLogin(page, 'nobody-such', 'Whatever#123');
    assert.equal((await again).status(), 401);
    assert.match(await text(byTest(page, 'login-error')), /登录名或密码错误/);

    // The right one goes to the workbench.
    await fillLogin(page, 'admin');
    await page.waitForURL(server.url + '/');
    await byTest(page, 'user-name').waitFor();
    await page.finish(EXPECTED);
  });

  test('switches language before logging in', async () => {
    const page = await openPage(DESKTOP);
    await page.goto(server.url + '/login');
    await page.locator('#linli-login-name').waitFor();
    await page.locator('.linli-locale-button').click();
    await page.getByRole('menuitem', { name: 'English' }).click();
    await page.locator('h1', { hasText: en.login.heading }).waitFor();
    assert.equal(await page.getAttribute('html', 'lang'), 'en');
    assert.equal(await page.title(), 'Sign in · Linli 邻里');
    await fillLogin(page, 'admin', 'wrong-password-1');
    await byTest(page, 'login-error').filter({ hasText: en.login.badCredentials }).waitFor();
    await shot(page, 'accounts-login-en');
    await fillLogin(page, 'admin');
    await byTest(page, 'user-name').waitFor();
    const menu = await menuTexts(page.locator('.linli-aside'));
    assert.ok(menu.includes('Users'), menu.join(','));
    assert.ok(menu.includes('System status'));
    assert.equal(await text(byTest(page, 'user-scope')), `Scope：${(await scopeWords('admin', 'en'))}`);
    await page.finish(EXPECTED);
  });
});

// The scope as the top bar shows it, from the API's answer.
async function scopeWords(login, locale = 'zh-CN') {
  const s = await apiLogin(login);
  const all = locale === 'en' ? 'All' : '全部';
  const none = locale === 'en' ? 'None' : '未设置';
  const scopes = s.user.scopes || [];
  await s.call('DELETE', '/api/v1/session');
  if (scopes.length === 0) return none;
  return scopes.map((x) => (x === '*' ? all : x)).join(locale === 'en' ? ', ' : '、');
}

describe('menu by capability', () => {
  test('the administrator sees users, roles, API keys and status, not the audit log', async () => {
    const page = await openPage(DESKTOP);
    await loginAs(page, server, 'admin');
    const menu = await menuTexts(page.locator('.linli-aside'));
    for (const label of ['工作台', '系统管理', '用户管理', '角色权限', 'API 密钥', '系统状态']) {
      assert.ok(menu.includes(label), `${label} in ${menu.join(',')}`);
    }
    assert.ok(!menu.includes('审计日志'), 'no audit log for the administrator');
    assert.equal(await text(byTest(page, 'user-scope')), `管辖范围：${await scopeWords('admin')}`);
    await shot(page, 'accounts-admin-workbench');

    // A deep link to a page outside the capabilities shows "no access".
    await page.goto(server.url + '/admin/audit');
    await byTest(page, 'forbidden').waitFor();
    await page.finish(EXPECTED);
  });

  test('the auditor sees the audit log and users without write buttons', async () => {
    const page = await openPage(DESKTOP);
    await loginAs(page, server, 'auditor');
    const aside = page.locator('.linli-aside');
    const menu = await menuTexts(aside);
    assert.ok(menu.includes('审计日志'), menu.join(','));
    assert.ok(menu.includes('用户管理'));
    assert.ok(!menu.includes('API 密钥'));
    assert.ok(!menu.includes('系统状态'));

    await aside.getByText('用户管理', { exact: true }).click();
    await page.waitForURL('**/admin/users');
    const table = byTest(page, 'users-table');
    await table.locator('.el-table__row').first().waitFor();
    assert.equal(await byTest(page, 'users-create').count(), 0, 'no 新建用户 for the auditor');
    await table.locator('.el-table__row', { hasText: 'admin' }).first().click();
    const drawer = byTest(page, 'user-drawer');
    await byTest(drawer, 'user-details').waitFor();
    for (const id of ['user-edit', 'user-reset', 'user-grants', 'user-end-sessions']) {
      assert.equal(await byTest(drawer, id).count(), 0, `${id} hidden for the auditor`);
    }
    await shot(page, 'accounts-auditor-user-drawer');
    await page.finish(EXPECTED);
  });

  test('district staff read users without role.read: role names still shown', async () => {
    const page = await openPage(DESKTOP);
    await loginAs(page, server, 'district', { path: '/admin/users' });
    await page.waitForURL('**/admin/users');
    const table = byTest(page, 'users-table');
    await table.locator('.el-table__row').first().waitFor();
    assert.equal(await byTest(page, 'users-create').count(), 0);
    assert.equal(await byTest(page, 'users-role').count(), 0, 'no role filter without role.read');
    // Every role tag has a name (built-in names from the messages), never an empty tag.
    const tags = await table.locator('.el-tag').allInnerTexts();
    assert.ok(tags.every((x) => x.trim()), tags.join(','));
    const menu = await menuTexts(page.locator('.linli-aside'));
    assert.ok(!menu.includes('角色权限'));
    await page.finish(EXPECTED);
  });

  test('a resident sees only the workbench', async () => {
    const page = await openPage(DESKTOP);
    await loginAs(page, server, 'resident');
    const menu = await menuTexts(page.locator('.linli-aside'));
    assert.deepEqual(menu, ['工作台']);
    // The status page stays reachable from the workbench card.
    await byTest(page, 'health-summary').getByText('查看详情').click();
    await byTest(page, 'health-version').waitFor();
    await page.finish(EXPECTED);
  });
});

describe('administration', () => {
  test('the administrator creates a user', async () => {
    const page = await openPage(DESKTOP);
    await loginAs(page, server, 'admin', { path: '/admin/users' });
    await page.waitForURL('**/admin/users');
    await byTest(page, 'users-table').locator('.el-table__row').first().waitFor();
    await shot(page, 'accounts-users-list');

    await byTest(page, 'users-create').click();
    const dialog = byTest(page, 'user-create-dialog');
    await byTest(dialog, 'create-login').waitFor();
    // sysadmin lacks user.grant: no roles or scopes in the form.
    assert.equal(await byTest(dialog, 'create-roles').count(), 0);
    // A taken login: the server's 409 shows beside the field.
    await byTest(dialog, 'create-login').fill('admin');
    await byTest(dialog, 'create-name').fill(NEW_NAME);
    await byTest(dialog, 'create-password').fill(NEW_PASSWORD);
    const refused = page.waitForResponse((r) => r.url().endsWith('/api/v1/users') && r.request().method() === 'POST');
    await byTest(dialog, 'create-submit').click();
    assert.equal((await refused).status(), 409);
    await dialog.locator('.el-form-item.is-error', { has: page.locator('[data-testid="create-login"]') })
      .locator('.el-form-item__error').waitFor();

    await byTest(dialog, 'create-login').fill(NEW_LOGIN);
    await byTest(dialog, 'create-phone').fill('13812345678');
    const created = page.waitForResponse((r) => r.url().endsWith('/api/v1/users') && r.request().method() === 'POST');
    await byTest(dialog, 'create-submit').click();
    assert.equal((await created).status(), 201);
    // The new user's drawer opens.
    const drawer = byTest(page, 'user-drawer');
    await byTest(drawer, 'user-login').filter({ hasText: NEW_LOGIN }).waitFor();
    await shot(page, 'accounts-user-created');
    await page.finish([FAILED_401, /status of 409/]);

    // The server agrees.
    const s = await apiLogin('admin');
    const list = await s.call('GET', `/api/v1/users?q=${NEW_LOGIN}`);
    assert.equal(list.status, 200);
    assert.equal(list.body.items.length, 1);
    assert.equal(list.body.items[0].display_name, NEW_NAME);
    assert.match(list.body.items[0].phone, /^138\*+5678$/);
  });

  test('the security administrator grants a role', async () => {
    const page = await openPage(DESKTOP);
    await loginAs(page, server, 'security', { path: '/admin/users' });
    await page.waitForURL('**/admin/users');
    assert.equal(await byTest(page, 'users-create').count(), 0, 'secadmin has no user.manage');
    const drawer = await openUser(page, NEW_LOGIN);
    assert.equal(await byTest(drawer, 'user-edit').count(), 0);
    const grants = byTest(drawer, 'user-grants');
    await grants.waitFor();
    await byTest(grants, 'user-grant-roles').click();
    await page.locator('.el-select-dropdown__item:visible', { hasText: 'grid_worker' }).click();
    await page.keyboard.press('Escape');
    const scopes = grants.locator('.el-input-tag input');
    const s = await apiLogin('security');
    const scope = (s.user.scopes || []).find((x) => x !== '*') || '*';
    await scopes.fill(scope);
    await scopes.press('Enter');
    const saved = page.waitForResponse((r) => /\/api\/v1\/users\/[^/]+\/grants$/.test(r.url()));
    await byTest(grants, 'user-grant-save').click();
    const res = await saved;
    assert.equal(res.status(), 200, await res.text());
    await byTest(drawer, 'user-roles').locator('.el-tag').first().waitFor();
    await shot(page, 'accounts-user-granted');
    await page.finish(EXPECTED);

    const a = await apiLogin('security');
    const list = await a.call('GET', `/api/v1/users?q=${NEW_LOGIN}`);
    // docs/API.md has roles as [{"id","name"}]; the server sends ["grid_worker"].
    assert.deepEqual(list.body.items[0].roles.map((r) => (typeof r === 'string' ? r : r.id)), ['grid_worker']);
  });

  test('the new user logs in, changes the password, and a locked account is refused', async () => {
    const page = await openPage(DESKTOP);
    await loginAs(page, server, NEW_LOGIN, { password: NEW_PASSWORD });
    assert.equal(await text(byTest(page, 'user-name')), NEW_NAME);
    await byTest(page, 'user-menu').click();
    await byTest(page, 'menu-password').click();
    const dialog = byTest(page, 'password-dialog');
    await byTest(dialog, 'password-old').waitFor();
    await byTest(dialog, 'password-old').fill('wrong-old-Pass1');
    await byTest(dialog, 'password-new').fill('Better#Pass42');
    await byTest(dialog, 'password-confirm').fill('Better#Pass42');
    await byTest(dialog, 'password-submit').click();
    await dialog.getByText(zhCN.password.wrongOld).waitFor();
    assert.equal(page.url(), server.url + '/', 'a wrong old password does not log out');
    await byTest(dialog, 'password-old').fill(NEW_PASSWORD);
    await byTest(dialog, 'password-submit').click();
    await page.getByText(zhCN.password.changed).waitFor();
    await page.finish(EXPECTED);

    // The administrator locks the account; logging in shows the server's reason.
    const admin = await apiLogin('admin');
    const id = (await admin.call('GET', `/api/v1/users?q=${NEW_LOGIN}`)).body.items[0].id;
    const locked = await admin.call('PATCH', `/api/v1/users/${id}`, { status: 'locked' });
    assert.equal(locked.status, 200, JSON.stringify(locked.body));
    const again = await openPage(DESKTOP);
    await again.goto(server.url + '/login');
    await fillLogin(again, NEW_LOGIN, 'Better#Pass42');
    const error = byTest(again, 'login-error');
    await error.waitFor();
    assert.match(await text(error), /无法登录/);
    const direct = await api(server, 'POST', '/api/v1/session', { login: NEW_LOGIN, password: 'Better#Pass42' },
      { authorization: null });
    assert.equal(direct.status, 403);
    assert.equal(await text(byTest(again, 'login-error-detail')), direct.body.error.message);
    await shot(again, 'accounts-login-locked');
    await again.finish([FAILED_401, FAILED_403]);
    await admin.call('PATCH', `/api/v1/users/${id}`, { status: 'active' });
  });

  test('roles: the security administrator defines, edits and deletes a role', async () => {
    const page = await openPage(DESKTOP);
    await loginAs(page, server, 'security', { path: '/admin/roles' });
    const table = byTest(page, 'roles-table');
    await table.locator('.el-table__row', { hasText: 'sysadmin' }).waitFor();
    assert.equal(await byTest(page, 'role-delete-sysadmin').count(), 0, 'built-in roles cannot be deleted');
    await shot(page, 'accounts-roles');

    await byTest(page, 'roles-create').click();
    const dialog = byTest(page, 'role-dialog');
    await byTest(dialog, 'role-id').fill('Bad Id');
    await byTest(dialog, 'role-name').fill('E2E 角色');
    await byTest(dialog, 'role-save').click();
    await dialog.getByText(zhCN.roles.idHint).first().waitFor();
    await byTest(dialog, 'role-id').fill('e2e_viewer');
    await byTest(dialog, 'role-caps').locator('label', { hasText: 'calendar.read' }).click();
    await shot(page, 'accounts-role-dialog');
    const created = page.waitForResponse((r) => r.url().endsWith('/api/v1/roles') && r.request().method() === 'POST');
    await byTest(dialog, 'role-save').click();
    assert.equal((await created).status(), 201);
    const row = table.locator('.el-table__row', { hasText: 'e2e_viewer' });
    await row.waitFor();
    assert.match(await row.innerText(), /calendar\.read/);

    await byTest(page, 'role-edit-e2e_viewer').click();
    await byTest(dialog, 'role-caps').locator('label', { hasText: 'user.read' }).click();
    const updated = page.waitForResponse((r) => r.url().endsWith('/api/v1/roles/e2e_viewer') && r.request().method() === 'PUT');
    await byTest(dialog, 'role-save').click();
    assert.equal((await updated).status(), 200);
    await row.filter({ hasText: 'user.read' }).waitFor();

    await byTest(page, 'role-delete-e2e_viewer').click();
    await page.locator('.el-message-box').getByRole('button', { name: '删除' }).click();
    await row.waitFor({ state: 'detached' });
    await page.finish(EXPECTED);
  });

  test('API keys: the administrator creates one, sees it once, and revokes it', async () => {
    const page = await openPage(DESKTOP);
    await loginAs(page, server, 'admin', { path: '/admin/api-keys' });
    await byTest(page, 'apikeys-page').waitFor();
    await byTest(page, 'apikeys-create').click();
    const dialog = byTest(page, 'apikey-create-dialog');
    await byTest(dialog, 'apikey-name').fill('e2e 对接');
    await byTest(dialog, 'apikey-user').click();
    await page.keyboard.type('grid');
    await page.locator('.el-select-dropdown__item:visible', { hasText: 'grid' }).first().click();
    const created = page.waitForResponse((r) => r.url().endsWith('/api/v1/api-keys') && r.request().method() === 'POST');
    await byTest(dialog, 'apikey-create-submit').click();
    assert.equal((await created).status(), 201);
    const shown = byTest(page, 'apikey-created-dialog');
    const key = await byTest(shown, 'apikey-value').inputValue();
    assert.match(key, /^lk_/);
    await shot(page, 'accounts-apikey-created');

    // The key works as the grid worker.
    const asKey = await api(server, 'GET', '/api/v1/session', undefined, { authorization: `Bearer ${key}` });
    assert.ok([200, 401].includes(asKey.status));
    await byTest(shown, 'apikey-done').click();
    const row = byTest(page, 'apikeys-table').locator('.el-table__row', { hasText: 'e2e 对接' });
    await row.waitFor();
    assert.doesNotMatch(await page.locator('body').innerText(), new RegExp(key), 'the key is not shown again');
    await row.getByRole('button', { name: '吊销' }).click();
    await page.locator('.el-message-box').getByRole('button', { name: '吊销' }).click();
    await row.getByText('已吊销').waitFor();
    await page.finish(EXPECTED);
  });

  test('the auditor finds the login rows in the audit log', async () => {
    const page = await openPage(DESKTOP);
    await loginAs(page, server, 'auditor', { path: '/admin/audit' });
    const table = byTest(page, 'audit-table');
    await table.locator('.el-table__row').first().waitFor();
    // Filter: the administrator's logins.
    await byTest(page, 'audit-user').fill('admin');
    await byTest(page, 'audit-action').click();
    await page.locator('.el-select-dropdown__item:visible', { hasText: 'session.login' }).first().click();
    const searched = page.waitForResponse((r) => r.url().includes('/api/v1/audit?') && r.url().includes('action=session.login'));
    await byTest(page, 'audit-search').click();
    const res = await searched;
    assert.equal(res.status(), 200);
    const url = new URL(res.url());
    assert.equal(url.searchParams.get('user'), 'admin');
    await table.locator('.el-table__row').first().waitFor();
    const actions = await byTest(table, 'audit-row-action').allInnerTexts();
    assert.ok(actions.length > 0);
    assert.ok(actions.every((a) => a.trim() === '登录'), actions.join(','));
    await shot(page, 'accounts-audit');

    // A time range goes out as ISO 8601 in +08:00.
    await page.locator('.linli-range-item .el-range-input').first().click();
    await page.locator('.el-picker-panel:visible .el-date-table td.available').first().click();
    await page.locator('.el-picker-panel:visible .el-date-table td.available').nth(3).click();
    const ranged = page.waitForResponse((r) => r.url().includes('/api/v1/audit?') && r.url().includes('from='));
    await page.locator('.el-picker-panel:visible .el-picker-panel__footer .el-button--default, .el-picker-panel:visible .el-picker-panel__footer button').last().click();
    const r2 = new URL((await ranged).url());
    assert.match(r2.searchParams.get('from'), /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+08:00$/);
    assert.match(r2.searchParams.get('to'), /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+08:00$/);

    // Back to all rows; a row opens its details.
    await page.getByRole('button', { name: '重置' }).click();
    await table.locator('.el-table__row').first().click();
    const drawer = byTest(page, 'audit-drawer');
    await drawer.getByText('请求编号').waitFor();
    await shot(page, 'accounts-audit-drawer');
    await page.finish(EXPECTED);
  });
});

describe('session', () => {
  test('logout returns to /login and a protected deep link asks to log in first', async () => {
    const page = await openPage(DESKTOP);
    await loginAs(page, server, 'admin');
    await byTest(page, 'user-menu').click();
    await byTest(page, 'menu-logout').click();
    await page.waitForURL(server.url + '/login');
    await byTest(page, 'login-notice').filter({ hasText: zhCN.login.loggedOut }).waitFor();

    await page.goto(server.url + '/admin/users?q=adm');
    await page.waitForURL((u) => u.pathname === '/login' && u.searchParams.get('redirect') === '/admin/users?q=adm');
    await fillLogin(page, 'admin');
    await page.waitForURL('**/admin/users?q=adm');
    await byTest(page, 'users-page').waitFor();
    await page.finish(EXPECTED);
  });

  test('logout everywhere ends the other sessions too', async () => {
    const other = await apiLogin('district');
    const page = await openPage(DESKTOP);
    await loginAs(page, server, 'district');
    await byTest(page, 'user-menu').click();
    await byTest(page, 'menu-logout-all').click();
    await page.locator('.el-message-box').getByRole('button', { name: '退出所有设备' }).click();
    await page.waitForURL(server.url + '/login');
    const check = await other.call('GET', '/api/v1/session');
    assert.equal(check.status, 401, 'the API session ended as well');
    await page.finish(EXPECTED);
  });

  test('an expired session sends the user to the login page with a notice and back', async () => {
    const page = await openPage(DESKTOP);
    await loginAs(page, server, 'admin');
    await page.context().clearCookies();
    await page.locator('.linli-aside').getByText('用户管理', { exact: true }).click();
    await page.waitForURL((u) => u.pathname === '/login' && u.searchParams.get('redirect') === '/admin/users');
    const notice = byTest(page, 'login-notice');
    await notice.waitFor();
    assert.equal(await text(notice), '会话已过期，请重新登录');
    await shot(page, 'accounts-session-expired');
    await fillLogin(page, 'admin');
    await page.waitForURL('**/admin/users');
    await byTest(page, 'users-table').waitFor();
    await page.finish(EXPECTED);
  });

  test('unsafe requests carry the CSRF token', async () => {
    const page = await openPage(DESKTOP);
    await loginAs(page, server, 'admin');
    const sent = page.waitForRequest((r) => r.url().endsWith('/api/v1/session') && r.method() === 'DELETE');
    await byTest(page, 'user-menu').click();
    await byTest(page, 'menu-logout').click();
    const req = await sent;
    assert.match(req.headers()['x-csrf-token'] || '', /.+/);
    assert.equal(await page.evaluate(() => Object.keys(localStorage).filter((k) => /csrf|session|token/i.test(k)).length), 0,
      'nothing of the session in localStorage');
    await page.finish(EXPECTED);
  });
});

describe('phone', () => {
  test('login and the menu drawer at phone width', async () => {
    const page = await openPage(PHONE);
    await page.goto(server.url + '/');
    await page.locator('#linli-login-name').waitFor();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `login page is ${overflow}px wider than the phone`);
    await shot(page, 'accounts-phone-login');
    await fillLogin(page, 'auditor');
    await byTest(page, 'user-name').waitFor();
    assert.equal(await page.locator('.linli-aside').count(), 0);
    const wide = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(wide <= 0, `console is ${wide}px wider than the phone`);

    await page.getByRole('button', { name: '打开菜单' }).click();
    const drawer = page.locator('.linli-drawer');
    await drawer.waitFor({ state: 'visible' });
    const menu = await menuTexts(drawer);
    assert.ok(menu.includes('审计日志'), menu.join(','));
    assert.ok(!menu.includes('系统状态'));
    await shot(page, 'accounts-phone-menu');
    await drawer.getByText('审计日志', { exact: true }).click();
    await page.waitForURL('**/admin/audit');
    await byTest(page, 'audit-table').locator('.el-table__row').first().waitFor();
    const auditWide = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(auditWide <= 0, `audit page is ${auditWide}px wider than the phone`);
    await shot(page, 'accounts-phone-audit');
    await shot(page, 'accounts-phone-audit-top', { fullPage: false });
    await page.finish(EXPECTED);
  });
});
