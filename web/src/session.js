// The logged-in user, their capabilities and the session's life, in one small
// reactive store shared by the router guard, the layout and the pages.
//
//   import { session, can, login, logout } from '@/session.js'
//   session.user?.display_name
//   can('user.manage')                 // true when the user holds it
//   can(['user.read', 'audit.read'])   // true when the user holds any of them
//
// The CSRF token lives in api.js (memory only). On start the router guard asks
// GET /api/v1/session once: 200 means logged in, 401 means the login page.
import { reactive, readonly } from 'vue';
import { api, setCsrfToken, setUnauthorizedHandler } from './api.js';
import { resetInbox } from './notifications.js';

const state = reactive({
  user: null, // {id, login, display_name, phone, status, roles:[{id,name}], scopes:[…], department_id}
  capabilities: [],
  expiresAt: null,
  idleTimeoutS: null,
  // true once GET /session has answered 200 or 401 (false after a network or
  // server failure, so the next navigation asks again)
  checked: false,
  // why the user is on the login page: 'expired' (a call answered 401),
  // 'loggedOut', or null
  notice: null,
  // a failure of the start-up check other than 401 (shown on the login page)
  startError: null,
});

export const session = readonly(state);

function apply(answer) {
  const user = answer && typeof answer === 'object' ? answer.user : null;
  if (!user || typeof user !== 'object') throw new TypeError('session answer without user');
  state.user = user;
  state.capabilities = Array.isArray(answer.capabilities) ? answer.capabilities.filter((c) => typeof c === 'string') : [];
  state.expiresAt = answer.expires_at || null;
  state.idleTimeoutS = Number.isFinite(answer.idle_timeout_s) ? answer.idle_timeout_s : null;
  state.checked = true;
  state.startError = null;
  setCsrfToken(answer.csrf_token);
}

export function clearSession() {
  resetInbox(); // the next user does not see this one's notifications
  state.user = null;
  state.capabilities = [];
  state.expiresAt = null;
  state.idleTimeoutS = null;
  setCsrfToken(null);
}

export function setNotice(notice) {
  state.notice = notice;
}

// Whether the user holds any of `caps` (a string or an array; empty: anyone logged in).
export function can(caps) {
  const list = Array.isArray(caps) ? caps : caps ? [caps] : [];
  if (!state.user) return false;
  if (list.length === 0) return true;
  return list.some((c) => state.capabilities.includes(c));
}

export function isLoggedIn() {
  return state.user !== null;
}

// GET /api/v1/session: who is logged in (once per page load, unless it failed).
let restoring = null;
export function restoreSession() {
  if (state.checked) return Promise.resolve(state.user !== null);
  if (!restoring) {
    restoring = (async () => {
      try {
        apply(await api.get('/session', { auth: false }));
        return true;
      } catch (e) {
        clearSession();
        if (e?.status === 401) {
          state.checked = true;
          state.startError = null;
        } else {
          state.startError = e;
        }
        return false;
      } finally {
        restoring = null;
      }
    })();
  }
  return restoring;
}

// POST /api/v1/session. Throws the ApiError (401 wrong login or password, 403 locked or disabled).
export async function login(loginName, password) {
  const answer = await api.post('/session', { login: loginName, password }, { auth: false });
  apply(answer);
  state.notice = null;
  return state.user;
}

// DELETE /api/v1/session (all: every session of the user). A session that had
// already ended (401) counts as logged out; any other failure is thrown and the
// user stays logged in (the cookie may still be valid).
export async function logout({ all = false } = {}) {
  let ended = null;
  try {
    const answer = await api.delete('/session', { query: all ? { all: 'true' } : undefined, auth: false });
    ended = answer && Number.isFinite(answer.ended) ? answer.ended : null;
  } catch (e) {
    if (e?.status !== 401) throw e;
  }
  clearSession();
  state.checked = true;
  state.notice = 'loggedOut';
  return ended;
}

// POST /api/v1/session/password. A 401 there is either a wrong old password or
// an ended session; GET /session tells which (the latter goes to the login page).
export async function changePassword(oldPassword, newPassword) {
  try {
    await api.post('/session/password', { old_password: oldPassword, new_password: newPassword }, { auth: false });
  } catch (e) {
    if (e?.status === 401) {
      let stillIn = true;
      try {
        await api.get('/session', { auth: false });
      } catch (e2) {
        if (e2?.status === 401) stillIn = false;
      }
      if (!stillIn) {
        expire();
        throw e;
      }
      e.field = e.field || 'old_password';
      e.wrongOldPassword = true;
    }
    throw e;
  }
}

// The route to return to after login: a path inside the console, never another site.
export function safeRedirect(value) {
  const v = Array.isArray(value) ? value[0] : value;
  if (typeof v !== 'string' || !v.startsWith('/') || v.startsWith('//') || v.startsWith('/\\')) return '/';
  if (v === '/login' || v.startsWith('/login?') || v.startsWith('/login/')) return '/';
  return v;
}

let routerRef = null;

// The session has ended under the user's feet: back to the login page, with a
// notice and a way back to where they were.
function expire() {
  clearSession();
  state.checked = true;
  const router = routerRef;
  if (!router) return;
  const current = router.currentRoute.value;
  if (current.meta?.public) return;
  state.notice = 'expired';
  router.replace({ name: 'login', query: { redirect: current.fullPath } });
}

// Wires the session into the router: every route needs a session except the
// public ones (meta.public: the login page); the login page of a logged-in
// user goes on to where they wanted to go.
export function installSession(router) {
  routerRef = router;
  setUnauthorizedHandler(expire);
  router.beforeEach(async (to) => {
    // The residents' H5 pages never ask who is logged in.
    if (to.meta?.h5) return true;
    const loggedIn = await restoreSession();
    if (to.meta?.public) {
      if (to.name === 'login' && loggedIn) return safeRedirect(to.query.redirect);
      return true;
    }
    if (!loggedIn) {
      return { name: 'login', query: to.fullPath && to.fullPath !== '/' ? { redirect: to.fullPath } : {} };
    }
    return true;
  });
}
