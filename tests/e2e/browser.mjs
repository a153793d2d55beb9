// Shared set-up of the browser suites (not a test file itself: node --test
// picks up only *.test.mjs): Debian's chromium through playwright-core, pages
// that fail a test on any console error or CSP violation, logging in as one of
// the demo users, and screenshots kept as test artefacts in build/e2e-artifacts/.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { root } from '../lib/server.mjs';

export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
export const DESKTOP = { width: 1440, height: 900 };
export const PHONE = { width: 390, height: 844 };
export const ARTIFACTS = join(root, 'build/e2e-artifacts');

// The demo accounts of `linli init --demo` (startServer({demo: true})).
export const DEMO_PASSWORD = 'Linli@2026';
export const DEMO = {
  admin: 'sysadmin',
  security: 'secadmin',
  auditor: 'auditor',
  district: 'district_staff',
  grid: 'grid_worker',
  resident: 'resident',
};

export function launch() {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

// A fresh browser context (no cookie, no stored locale) and a page that records
// console errors, uncaught exceptions, i18n and Vue warnings and CSP violations.
// page.finish(allow) closes the context and fails on anything recorded that no
// regular expression in `allow` matches.
export async function openPage(browser, viewport = DESKTOP) {
  const context = await browser.newContext({ viewport, locale: 'zh-CN' });
  const page = await context.newPage();
  page.setDefaultTimeout(10000);
  const problems = [];
  page.on('console', (msg) => {
    const text = msg.text();
    if (msg.type() === 'error') problems.push(`console error: ${text}`);
    else if (msg.type() === 'warning' && /intlify|vue-i18n|\[Vue warn\]/i.test(text)) problems.push(`warning: ${text}`);
  });
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  await context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      (window.__cspViolations ||= []).push(`${e.violatedDirective} ${e.blockedURI}`);
    });
  });
  page.context = () => context;
  page.problems = problems;
  page.finish = async (allow = []) => {
    const csp = await page.evaluate(() => window.__cspViolations || []).catch(() => []);
    await context.close();
    const left = problems.filter((p) => !allow.some((re) => re.test(p)));
    assert.deepEqual(csp, [], 'no CSP violations');
    assert.deepEqual(left, [], 'no console errors');
  };
  return page;
}

// The browser's own line for a response it logs as failed (expected 401s).
export const FAILED_401 = /Failed to load resource: the server responded with a status of 401/;
export const FAILED_403 = /Failed to load resource: the server responded with a status of 403/;

export const text = async (locator) => (await locator.textContent()).trim();
export const byTest = (scope, id) => scope.locator(`[data-testid="${id}"]`);

// Fills the login form (the page must show it) and submits with Enter.
export async function fillLogin(page, login, password = DEMO_PASSWORD) {
  await page.locator('#linli-login-name').fill(login);
  await page.locator('#linli-login-password').fill(password);
  await page.locator('#linli-login-password').press('Enter');
}

// Opens `path` (default /), logs in as `login` on the login page it is sent
// to, and waits until the console shows the user's name.
export async function loginAs(page, server, login, { path = '/', password = DEMO_PASSWORD } = {}) {
  await page.goto(server.url + path);
  await page.locator('#linli-login-name').waitFor();
  await fillLogin(page, login, password);
  await byTest(page, 'user-name').waitFor();
}

// The side menu's entries as shown (desktop side bar or the phone drawer).
export async function menuTexts(scope) {
  return (await scope.locator('.el-menu-item, .el-sub-menu__title').allInnerTexts()).map((s) => s.trim()).filter(Boolean);
}

// Saves build/e2e-artifacts/NAME.png: the whole page, or the viewport with {fullPage: false}.
export async function shot(page, name, { fullPage = true } = {}) {
  mkdirSync(ARTIFACTS, { recursive: true });
  // animations: 'disabled' runs transitions to their end (no half-open drawers).
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage, animations: 'disabled' });
}

export function keys(obj, prefix = '') {
  return Object.entries(obj).flatMap(([k, v]) =>
    (v && typeof v === 'object' ? keys(v, `${prefix}${k}.`) : [`${prefix}${k}`]));
}
