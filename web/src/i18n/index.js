// vue-i18n set-up: zh-CN is the default, en the second locale. The chosen locale
// is remembered in localStorage and mirrored on <html lang>.
import { createI18n } from 'vue-i18n';
import zhCN from './zh-CN.js';
import en from './en.js';

export const LOCALES = ['zh-CN', 'en'];
export const DEFAULT_LOCALE = 'zh-CN';
const STORAGE_KEY = 'linli.locale';

function storedLocale() {
  try {
    const v = window.localStorage.getItem(STORAGE_KEY);
    return LOCALES.includes(v) ? v : null;
  } catch {
    return null; // storage disabled (private mode, WebView policy)
  }
}

export const i18n = createI18n({
  legacy: false,
  globalInjection: true,
  locale: storedLocale() || DEFAULT_LOCALE,
  fallbackLocale: DEFAULT_LOCALE,
  messages: { 'zh-CN': zhCN, en },
});

function applyDocumentLocale(locale) {
  document.documentElement.lang = locale;
}
applyDocumentLocale(i18n.global.locale.value);

export function setLocale(locale) {
  if (!LOCALES.includes(locale)) return;
  i18n.global.locale.value = locale;
  applyDocumentLocale(locale);
  try {
    window.localStorage.setItem(STORAGE_KEY, locale);
  } catch {
    /* not remembered; still switched for this page */
  }
}
