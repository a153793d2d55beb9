// The notification inbox (docs/REQUESTS.md: GET /notifications, POST
// /notifications/{id}/read, POST /notifications/read-all, GET
// /notifications/unread-count), one small reactive store shared by the top
// bar's badge and the workbench's inbox. The unread count is polled every 30
// seconds while the console is open (skipped while the tab is hidden) and
// refreshed at once after any change made here.
import { reactive, readonly } from 'vue';
import { api } from './api.js';
import { itemsOf } from './format.js';

export const POLL_MS = 30000;
// Read: the server's `read`, or a read_at time.
export const isRead = (n) => n?.read === true || Boolean(n?.read_at);
const state = reactive({ unread: null, items: [], next: null, loading: false, loaded: false, error: null });
export const inbox = readonly(state);

let timer = null;
let users = 0;
let counting = null;

export async function refreshUnread() {
  if (counting) return counting;
  counting = (async () => {
    try {
      const a = await api.get('/notifications/unread-count');
      const n = Number.isFinite(a) ? a : Number(a?.count ?? a?.unread ?? a?.unread_count);
      state.unread = Number.isFinite(n) ? n : null;
    } catch {
      /* the badge keeps its last value; the next poll tries again */
    } finally {
      counting = null;
    }
  })();
  return counting;
}

// Starts polling (each caller stops it again when it goes away).
export function watchUnread() {
  users += 1;
  if (users === 1) {
    refreshUnread();
    timer = setInterval(() => { if (!document.hidden) refreshUnread(); }, POLL_MS);
    document.addEventListener('visibilitychange', onVisible);
  }
  return () => {
    users -= 1;
    if (users === 0) {
      clearInterval(timer);
      timer = null;
      document.removeEventListener('visibilitychange', onVisible);
    }
  };
}
function onVisible() {
  if (!document.hidden) refreshUnread();
}

export async function loadInbox({ more = false, limit = 20 } = {}) {
  state.loading = true;
  state.error = null;
  try {
    const answer = await api.get('/notifications', { query: { limit, after: more ? state.next ?? undefined : undefined } });
    const list = itemsOf(answer);
    state.items = more ? [...state.items, ...list] : list;
    state.next = answer?.next ?? null;
    state.loaded = true;
  } catch (e) {
    state.error = e;
  } finally {
    state.loading = false;
  }
}

export async function markRead(id) {
  await api.post(`/notifications/${encodeURIComponent(id)}/read`, {});
  const n = state.items.find((x) => x.id === id);
  if (n && !isRead(n)) { n.read = true; n.read_at = new Date().toISOString(); }
  refreshUnread();
}

export async function readAll() {
  await api.post('/notifications/read-all', {});
  const now = new Date().toISOString();
  for (const n of state.items) if (!isRead(n)) { n.read = true; n.read_at = now; }
  state.unread = 0;
  refreshUnread();
}

// Forgets everything (logout).
export function resetInbox() {
  Object.assign(state, { unread: null, items: [], next: null, loading: false, loaded: false, error: null });
}
