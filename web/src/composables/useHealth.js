// Loads GET /api/v1/health: 200 {"status":"ok",…} or 503 {"status":"degraded",…}
// are both answers to show; anything else is an error.
import { ref, onMounted, onBeforeUnmount } from 'vue';
import { api, ApiError } from '../api.js';

export function useHealth() {
  const data = ref(null);
  const error = ref(null);
  const loading = ref(false);
  const checkedAt = ref(null);
  const skewMs = ref(0); // server clock minus browser clock, estimated
  let ctrl = null;

  async function load() {
    ctrl?.abort();
    const mine = new AbortController();
    ctrl = mine;
    loading.value = true;
    error.value = null;
    const sent = Date.now();
    try {
      const h = await api.get('/health', { accept: [503], signal: mine.signal });
      if (!h || typeof h !== 'object' || typeof h.status !== 'string') {
        throw new ApiError({ status: 200, code: 'bad_response', message: 'health answer without status' });
      }
      const now = Date.now();
      const serverMs = Date.parse(h.time);
      skewMs.value = Number.isFinite(serverMs) ? serverMs - (sent + now) / 2 : 0;
      data.value = h;
      checkedAt.value = new Date(now);
    } catch (e) {
      if (mine.signal.aborted) return;
      data.value = null;
      error.value = e;
    } finally {
      if (ctrl === mine) loading.value = false;
    }
  }

  onMounted(load);
  onBeforeUnmount(() => ctrl?.abort());
  return { data, error, loading, checkedAt, skewMs, load };
}

// Tag colour of a status word: ok, degraded, error.
export function statusTagType(s) {
  if (s === 'ok') return 'success';
  if (s === 'degraded') return 'warning';
  if (s === 'error') return 'danger';
  return 'info';
}

// The server's own wall-clock time as it sent it: "2026-11-23 08:00:00 (UTC+08:00)".
export function formatServerTime(iso) {
  if (typeof iso !== 'string') return '';
  const m = iso.match(/^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}(?::\d{2})?)(?:\.\d+)?(Z|[+-]\d{2}:?\d{2})?$/);
  if (!m) return iso;
  let zone = '';
  if (m[3] === 'Z') zone = ' (UTC)';
  else if (m[3]) zone = ` (UTC${m[3].length === 5 ? `${m[3].slice(0, 3)}:${m[3].slice(3)}` : m[3]})`;
  return `${m[1]} ${m[2]}${zone}`;
}

// A Date in the browser's time zone, in the same shape: "2026-11-23 08:00:05".
export function formatLocalTime(d) {
  if (!(d instanceof Date) || Number.isNaN(d.getTime())) return '';
  const p = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}
