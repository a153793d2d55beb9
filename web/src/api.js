// A small client for linli's JSON API under /api/v1.
//
//   import { api } from '@/api.js'
//   const health = await api.get('/health', { accept: [503] })
//   await api.post('/requests', { title: '…' })
//
// Bodies go out and come back as JSON. A failed call throws an ApiError that
// carries the server's error shape {"error":{"code","message","field"}} as
// .code/.message/.field, the HTTP .status (0 when the server was not reached)
// and the response's X-Request-Id as .requestId, so a page can show a friendly
// message and the id a system administrator can find in the server's log.
//
// Session: the console logs in with a cookie (HttpOnly, set by the server) and
// proves each unsafe request (POST, PUT, PATCH, DELETE) with the session's CSRF
// token in the X-CSRF-Token header. The token is kept in memory only (never in
// localStorage): a reload asks GET /session for it again. A 401 from any call
// made with `auth: true` (the default) means the session has ended; the handler
// set by setUnauthorizedHandler (session.js) sends the user to the login page.

export const API_BASE = '/api/v1';
const DEFAULT_TIMEOUT_MS = 30000;

export class ApiError extends Error {
  constructor({ status = 0, code = 'error', message = '', field = null, requestId = null, body = null, cause } = {}) {
    super(message || code, cause ? { cause } : undefined);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.field = field;
    this.requestId = requestId;
    // The whole JSON answer, for refusals that carry more than the error
    // (an import's 422 lists every row's error beside it).
    this.body = body;
  }
}

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
let csrfToken = null;
let onUnauthorized = null;

// The session's CSRF token, from POST or GET /api/v1/session (null: none).
export function setCsrfToken(token) {
  csrfToken = typeof token === 'string' && token ? token : null;
}
export function hasCsrfToken() {
  return csrfToken !== null;
}

// fn(error) is called on a 401 from a call that needs a session.
export function setUnauthorizedHandler(fn) {
  onUnauthorized = typeof fn === 'function' ? fn : null;
}

function buildUrl(path, query) {
  const url = new URL(API_BASE + (path.startsWith('/') ? path : `/${path}`), window.location.origin);
  if (query) {
    for (const [k, v] of Object.entries(query)) {
      if (v === undefined || v === null || v === '') continue;
      if (Array.isArray(v)) v.forEach((x) => url.searchParams.append(k, String(x)));
      else url.searchParams.set(k, String(v));
    }
  }
  return url.pathname + url.search;
}

// request(method, path, {body, query, headers, accept, signal, timeout, auth})
//   accept: extra HTTP statuses whose JSON body is a normal answer (e.g. the
//   health check's 503 "degraded"), returned instead of thrown unless the body
//   is the error shape.
//   auth: false for the calls whose 401 is an answer and not an ended session
//   (the login itself, the start-up session check, a wrong old password).
//   raw: {body, type}: send these bytes (a File, Blob or ArrayBuffer) as they
//   are with this Content-Type instead of a JSON body (a CSV upload).
//   blob: true to answer {blob, filename, type} (a download) instead of JSON.
export async function request(method, path, opts = {}) {
  const {
    body, query, headers = {}, accept = [], signal, timeout = DEFAULT_TIMEOUT_MS, auth = true, raw, blob = false,
  } = opts;
  const init = {
    method,
    credentials: 'same-origin',
    headers: { Accept: 'application/json', ...headers },
  };
  if (UNSAFE.has(method) && csrfToken) init.headers['X-CSRF-Token'] = csrfToken;
  if (raw) {
    init.body = raw.body;
    init.headers['Content-Type'] = raw.type || 'application/octet-stream';
  } else if (body !== undefined) {
    init.body = JSON.stringify(body);
    init.headers['Content-Type'] = 'application/json';
  }
  if (blob) init.headers.Accept = '*/*';

  const ctrl = new AbortController();
  let timedOut = false;
  const timer = timeout > 0 ? setTimeout(() => { timedOut = true; ctrl.abort(); }, timeout) : null;
  const onAbort = () => ctrl.abort();
  if (signal) {
    if (signal.aborted) ctrl.abort();
    else signal.addEventListener('abort', onAbort, { once: true });
  }
  init.signal = ctrl.signal;

  let res;
  let text;
  let bytes = null;
  try {
    res = await fetch(buildUrl(path, query), init);
    if (blob && res.ok) bytes = await res.blob();
    else text = await res.text();
  } catch (e) {
    if (signal?.aborted) throw e; // the caller cancelled: let it see its AbortError
    throw new ApiError({
      status: res ? res.status : 0,
      code: timedOut ? 'timeout' : 'network',
      message: timedOut ? 'request timed out' : 'network error',
      requestId: res ? res.headers.get('X-Request-Id') : null,
      cause: e,
    });
  } finally {
    if (timer) clearTimeout(timer);
    signal?.removeEventListener('abort', onAbort);
  }

  const requestId = res.headers.get('X-Request-Id');
  if (bytes) {
    return { blob: bytes, filename: filenameOf(res.headers.get('Content-Disposition')), type: res.headers.get('Content-Type') || '' };
  }
  let data = null;
  if (text) {
    const type = res.headers.get('Content-Type') || '';
    if (type.includes('json')) {
      try {
        data = JSON.parse(text);
      } catch (e) {
        throw new ApiError({ status: res.status, code: 'bad_response', message: 'response is not valid JSON', requestId, cause: e });
      }
    } else if (res.ok) {
      throw new ApiError({ status: res.status, code: 'bad_response', message: `unexpected content type ${type || '(none)'}`, requestId });
    }
  }

  const isErrorShape = data !== null && typeof data === 'object' && 'error' in data;
  if (res.ok || (accept.includes(res.status) && !isErrorShape)) return data;

  const err = data && typeof data === 'object' && data.error && typeof data.error === 'object' ? data.error : {};
  const error = new ApiError({
    status: res.status,
    code: typeof err.code === 'string' && err.code ? err.code : `http_${res.status}`,
    message: typeof err.message === 'string' ? err.message : res.statusText,
    field: typeof err.field === 'string' ? err.field : null,
    requestId,
    body: data,
  });
  if (res.status === 401 && auth && onUnauthorized) {
    try { onUnauthorized(error); } catch { /* the caller still sees the error */ }
  }
  throw error;
}

// The file name of a Content-Disposition header (RFC 6266: filename* in UTF-8
// first, then filename), or ''.
export function filenameOf(header) {
  if (typeof header !== 'string') return '';
  const star = header.match(/filename\*\s*=\s*(?:UTF-8|utf-8)''([^;]+)/);
  if (star) {
    try { return decodeURIComponent(star[1].trim()); } catch { /* fall through */ }
  }
  const plain = header.match(/filename\s*=\s*"((?:[^"\\]|\\.)*)"|filename\s*=\s*([^;]+)/);
  if (plain) return (plain[1] ?? plain[2] ?? '').replace(/\\(.)/g, '$1').trim();
  return '';
}

// Downloads GET `path` (with the session cookie) as a file: the server's file
// name, or `fallbackName`. Throws the ApiError of a refusal, like request().
export async function download(path, { query, fallbackName = 'download', signal } = {}) {
  const { blob, filename } = await request('GET', path, { query, signal, blob: true, timeout: 120000 });
  const url = URL.createObjectURL(blob);
  try {
    const a = document.createElement('a');
    a.href = url;
    a.download = filename || fallbackName;
    a.rel = 'noopener';
    a.style.display = 'none';
    document.body.appendChild(a);
    a.click();
    a.remove();
  } finally {
    setTimeout(() => URL.revokeObjectURL(url), 10000);
  }
  return filename || fallbackName;
}

export const api = {
  get: (path, opts) => request('GET', path, opts),
  post: (path, body, opts) => request('POST', path, { ...opts, body }),
  put: (path, body, opts) => request('PUT', path, { ...opts, body }),
  patch: (path, body, opts) => request('PATCH', path, { ...opts, body }),
  delete: (path, opts) => request('DELETE', path, opts),
};

// The i18n key of a friendly message for an error (never the raw text).
export function errorMessageKey(e) {
  if (!(e instanceof ApiError)) return 'errors.generic';
  if (e.code === 'network') return 'errors.network';
  if (e.code === 'timeout') return 'errors.timeout';
  if (e.code === 'bad_response') return 'errors.badResponse';
  switch (e.status) {
    case 400: case 422: return 'errors.invalid';
    case 401: return 'errors.unauthorized';
    case 403: return 'errors.forbidden';
    case 404: return 'errors.notFound';
    case 409: case 412: return 'errors.conflict';
    case 429: return 'errors.tooMany';
    default: return e.status >= 500 ? 'errors.server' : 'errors.generic';
  }
}
