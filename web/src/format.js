// Shared display helpers for the administration pages.

// The district's offset: timestamps are shown and asked for in UTC+08:00
// (Asia/Shanghai has no daylight saving time).
export const ZONE_OFFSET = '+08:00';
const ZONE_MS = 8 * 3600 * 1000;

// An ISO 8601 instant as wall-clock time in UTC+08:00: "2026-11-23 08:00:05".
export function formatInstant(iso) {
  if (typeof iso !== 'string' || !iso) return '';
  const ms = Date.parse(iso);
  if (!Number.isFinite(ms)) return iso;
  return new Date(ms + ZONE_MS).toISOString().slice(0, 19).replace('T', ' ');
}

// A wall-clock time picked in the console ("2026-11-23T08:00:00") as an ISO
// 8601 instant in UTC+08:00.
export function wallToIso(wall) {
  if (typeof wall !== 'string' || !wall) return undefined;
  return `${wall.slice(0, 19)}${ZONE_OFFSET}`;
}

// Tag colour of an account status.
export function userStatusType(s) {
  if (s === 'active') return 'success';
  if (s === 'locked') return 'warning';
  if (s === 'disabled') return 'info';
  return 'info';
}

// Tag colour of an audit outcome.
export function outcomeType(o) {
  if (o === 'ok') return 'success';
  if (o === 'denied') return 'danger';
  if (o === 'failed') return 'warning';
  return 'info';
}

// A user's scopes for display: "*" is 全部 / All, codes are joined.
export function scopeText(scopes, t, locale) {
  if (!Array.isArray(scopes) || scopes.length === 0) return t('layout.scopeNone');
  return scopes.map((s) => (s === '*' ? t('layout.scopeAll') : s)).join(joiner(locale));
}

// A list answer: {"items":[…],"total":N} or a bare array.
export function itemsOf(answer) {
  if (Array.isArray(answer)) return answer;
  if (answer && Array.isArray(answer.items)) return answer.items;
  return [];
}

// A user's roles as [{id, name}], whether the server sends role objects
// ({"id","name"}, docs/API.md) or bare ids ("sysadmin"). The name comes from
// the object, then the role list (GET /roles, when loaded), then the built-in
// role names in the messages, then the id.
export function roleRefs(roles, roleList, t, te) {
  if (!Array.isArray(roles)) return [];
  return roles.map((r) => {
    const id = String(typeof r === 'object' && r !== null ? r.id ?? '' : r);
    const own = typeof r === 'object' && r !== null && typeof r.name === 'string' && r.name ? r.name : '';
    const listed = Array.isArray(roleList) ? roleList.find((x) => x.id === id)?.name : '';
    const builtin = t && te && te(`roleNames.${id}`) ? t(`roleNames.${id}`) : '';
    return { id, name: own || listed || builtin || id };
  });
}

// The i18n key of an audit action ("user.create" → "audit.actions.user_create").
export const actionKey = (a) => `audit.actions.${String(a).replace(/\./g, '_')}`;
export const capKey = (c) => `caps.${String(c).replace(/\./g, '_')}`;

// Copies text to the clipboard; falls back to a hidden textarea where the
// Clipboard API is missing (plain http other than localhost).
export async function copyText(text) {
  try {
    if (navigator.clipboard && window.isSecureContext) {
      await navigator.clipboard.writeText(text);
      return true;
    }
  } catch { /* fall back */ }
  const ta = document.createElement('textarea');
  ta.value = text;
  ta.setAttribute('readonly', '');
  ta.style.position = 'fixed';
  ta.style.opacity = '0';
  document.body.appendChild(ta);
  ta.select();
  let ok = false;
  try { ok = document.execCommand('copy'); } catch { ok = false; }
  ta.remove();
  return ok;
}

// The joiner between list words in the current locale.
export function joiner(locale) {
  return locale === 'zh-CN' ? '、' : ', ';
}
