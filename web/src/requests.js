// Shared words and helpers of the requests (诉求办理) pages, the workbench
// queues, the dashboard and the resident H5 pages: the enums of
// docs/REQUESTS.md, state classes and tag colours, deadlines, the fields each
// action's dialog asks for, the category tree, photo uploads and the figures'
// formulas (DOMAIN.md) for answers that carry only the counters.
import { api, download, request } from './api.js';
import { itemsOf } from './format.js';

export const SOURCES = ['hotline', 'web', 'grid_report', 'one_tap', 'walk_in', 'open311'];
// The sources an operator picks at the hotline desk (open311 and one_tap come by machine).
export const INTAKE_SOURCES = ['hotline', 'walk_in', 'web', 'grid_report'];
export const KINDS = ['consultation', 'help', 'complaint', 'report', 'suggestion', 'praise'];
export const URGENCIES = ['normal', 'urgent', 'critical'];
export const LEVELS = ['grid', 'community', 'street', 'district', 'city'];
export const RETURN_REASONS = ['not_our_area', 'unclear_ownership', 'overlapping_duties', 'other'];
export const FEEDBACKS = ['satisfied', 'basically_satisfied', 'dissatisfied'];
export const QUEUES = ['mine', 'to_dispatch', 'overdue', 'supervised', 'to_verify', 'to_approve'];
export const NOTIFICATION_KINDS = ['dispatched', 'returned', 'overdue', 'supervised', 'rated_badly', 'escalated',
  'whistled', 'extension', 'merged'];

// The states and their class (docs/REQUESTS.md "States"): one tag colour per class.
export const STATE_CLASS = {
  registered: 'open',
  waiting_dispatch: 'waiting',
  dispatched: 'waiting',
  return_requested: 'waiting',
  handling: 'open',
  waiting_reporter: 'waiting',
  extension_requested: 'waiting',
  handled: 'open',
  waiting_feedback: 'waiting',
  dissatisfied: 'refused',
  closed: 'done',
  archived: 'done',
  cancelled: 'done',
  invalid: 'refused',
  merged: 'done',
};
export const STATES = Object.keys(STATE_CLASS);
export const STATE_CLASSES = ['open', 'waiting', 'overdue', 'done', 'refused'];
export const stateClass = (s) => STATE_CLASS[s] || 'open';
// A request's class: the server's state_class, else from its state.
export const requestClass = (r) => (r?.state_class && STATE_CLASSES.includes(r.state_class) ? r.state_class : stateClass(r?.state));
// Open: anything not finished (done) and not refused as invalid.
export const isOpenState = (s) => !['closed', 'archived', 'cancelled', 'invalid', 'merged'].includes(s);

// Queues by the capability that fills them (the workbench shows a role's own).
export const QUEUE_CAPS = {
  mine: ['request.handle'],
  to_dispatch: ['request.dispatch'],
  overdue: ['request.dispatch', 'request.supervise'],
  supervised: ['request.supervise', 'request.handle'],
  to_verify: ['request.verify'],
  to_approve: ['request.approve', 'request.dispatch'],
};

// Milliseconds to the deadline (negative: overdue), or null without one. A
// paused request (waiting_reporter) keeps its remaining time.
export function dueIn(req, now = Date.now()) {
  if (!req || !req.due_at || !isOpenState(req.state)) return null;
  const due = Date.parse(req.due_at);
  if (!Number.isFinite(due)) return null;
  const at = req.paused_at ? Date.parse(req.paused_at) : now;
  return due - (Number.isFinite(at) ? at : now);
}

// Overdue: the server's flag when it sends one, else due_at passed in an open state.
export function isOverdue(req, now = Date.now()) {
  if (!req) return false;
  if (typeof req.overdue === 'boolean') return req.overdue && isOpenState(req.state);
  const left = dueIn(req, now);
  return left !== null && left < 0;
}

// {d, h, m} of a span in milliseconds (absolute).
export function spanParts(ms) {
  const total = Math.floor(Math.abs(ms) / 60000);
  return { d: Math.floor(total / 1440), h: Math.floor((total % 1440) / 60), m: total % 60 };
}

// "2天3小时", "3 h 5 min" …: the largest two units of a span.
export function spanText(ms, t) {
  const { d, h, m } = spanParts(ms);
  if (d > 0) return t('requests.span.dh', { d, h });
  if (h > 0) return t('requests.span.hm', { h, m });
  return t('requests.span.m', { m });
}

// ---- the actions' dialogs ----
// Each action's fields as the dialog shows them (docs/API.md "Requests" gives
// the bodies). Kinds: note (textarea), reason (free text), returnReason
// (RETURN_REASONS), owner (an area office or a department: owner_area_id |
// owner_unit_id), escalateUnit (owner_unit_id, only from a district), days,
// parties (whistle: lead_unit_id, lead_part, co_unit_ids, co_parts), photos,
// rating (solved + feedback), into (another request). `required` lists what
// must be given. GET /requests/{id}/actions also says which body fields an
// action takes (`fields`): a field the server does not list is not shown.
export const ACTION_FIELDS = {
  accept: { fields: ['note'] },
  answer: { fields: ['note'], required: ['note'] },
  invalidate: { fields: ['reason', 'note'], required: ['reason'] },
  dispatch: { fields: ['owner', 'note'], required: ['owner'] },
  redispatch: { fields: ['owner', 'note'], required: ['owner'] },
  acknowledge: { fields: ['note'] },
  return: { fields: ['returnReason', 'note'], required: ['returnReason', 'note'] },
  approve_return: { fields: ['note'] },
  refuse_return: { fields: ['note'], required: ['note'] },
  escalate: { fields: ['reason', 'escalateUnit', 'note'], required: ['reason'] },
  whistle: { fields: ['parties', 'note'], required: ['parties'] },
  report_in: { fields: ['note'] },
  part_done: { fields: ['note', 'photos'], required: ['note'] },
  wait_reporter: { fields: ['note'], required: ['note'] },
  resume: { fields: ['note'] },
  request_extension: { fields: ['days', 'reason'], required: ['days', 'reason'] },
  approve_extension: { fields: ['note'] },
  refuse_extension: { fields: ['note'], required: ['note'] },
  resolve: { fields: ['note', 'photos'], required: ['note'] },
  verify: { fields: ['note', 'photos'] },
  rework: { fields: ['note', 'photos'], required: ['note'] },
  rate: { fields: ['rating', 'note'], required: ['rating'] },
  reopen: { fields: ['note'], required: ['note'] },
  close: { fields: ['note'] },
  archive: { fields: [] },
  supervise: { fields: ['note'], required: ['note'] },
  cancel: { fields: ['note'] },
  merge: { fields: ['into', 'note'], required: ['into'] },
  comment: { fields: ['note'], required: ['note'] },
};
// The body fields behind each dialog field.
const BODY_NAMES = {
  note: ['note'], reason: ['reason'], returnReason: ['reason'], owner: ['owner_area_id', 'owner_unit_id'],
  escalateUnit: ['owner_unit_id'], days: ['days'], parties: ['lead_unit_id', 'co_unit_ids'], photos: ['photos'],
  rating: ['solved', 'feedback'], into: ['into'],
};

// The dialog's fields for an action: ours, cut down to the body fields the
// server lists for it (`serverFields`: [{name, required}], when it sends them),
// with the server's word on what is required.
export function actionSpec(action, serverFields = null) {
  const own = ACTION_FIELDS[action] || { fields: ['note'] };
  if (!Array.isArray(serverFields)) return { fields: own.fields, required: own.required || [] };
  const byName = new Map(serverFields.map((f) => [f.name, f]));
  const fields = own.fields.filter((f) => BODY_NAMES[f].some((n) => byName.has(n)));
  const required = fields.filter((f) => (own.required || []).includes(f)
    || BODY_NAMES[f].every((n) => byName.get(n)?.required) && BODY_NAMES[f].length === 1);
  return { fields, required };
}

// Button type of an action: the step forward in 党建红, refusals plain.
const PRIMARY_ACTIONS = new Set(['accept', 'dispatch', 'acknowledge', 'resolve', 'verify', 'rate', 'approve_return',
  'approve_extension', 'close', 'answer', 'reopen', 'report_in', 'part_done', 'archive']);
const DANGER_ACTIONS = new Set(['invalidate', 'return', 'refuse_return', 'refuse_extension', 'rework', 'cancel', 'supervise']);
export function actionButtonType(action) {
  if (PRIMARY_ACTIONS.has(action)) return 'primary';
  if (DANGER_ACTIONS.has(action)) return 'danger';
  return 'default';
}

// The body of POST /requests/{id}/actions/{action} from a dialog's model:
// only the fields shown, empty ones left out, with the version the user saw
// (the optimistic lock: 409 field "version" when someone acted in between).
export function actionBody(spec, m, version) {
  const body = {};
  const text = (v) => (typeof v === 'string' ? v.trim() : '');
  for (const f of spec.fields) {
    if (f === 'note' && text(m.note)) body.note = text(m.note);
    else if (f === 'reason' && text(m.reason)) body.reason = text(m.reason);
    else if (f === 'returnReason' && m.returnReason) body.reason = m.returnReason;
    else if (f === 'owner') {
      if (m.ownerKind === 'unit' && m.ownerUnitId) body.owner_unit_id = m.ownerUnitId;
      else if (m.ownerKind === 'area' && m.ownerAreaId) body.owner_area_id = m.ownerAreaId;
    } else if (f === 'escalateUnit' && m.ownerUnitId) body.owner_unit_id = m.ownerUnitId;
    else if (f === 'days' && Number.isFinite(m.days)) body.days = m.days;
    else if (f === 'parties') {
      const chosen = (m.parties || []).filter((p) => p.unit_id);
      const lead = chosen.find((p) => p.role === 'lead');
      const co = chosen.filter((p) => p !== lead);
      if (lead) {
        body.lead_unit_id = lead.unit_id;
        if (text(lead.part)) body.lead_part = text(lead.part);
      }
      if (co.length) {
        body.co_unit_ids = co.map((p) => p.unit_id);
        body.co_parts = co.map((p) => text(p.part));
      }
    } else if (f === 'photos' && m.photos?.length) body.photos = m.photos.map((p) => p.sha256);
    else if (f === 'rating') {
      if (typeof m.solved === 'boolean') body.solved = m.solved;
      if (m.feedback) body.feedback = m.feedback;
    } else if (f === 'into' && m.into) body.into = m.into;
  }
  if (version !== undefined && version !== null) body.version = version;
  return body;
}

// GET /requests/{id}/actions: [{action, label, to, fields}] whether the server
// answers {"items": [{…}]}, ["accept", …] or {"actions": […]}.
export function actionsOf(answer) {
  const list = Array.isArray(answer) ? answer : Array.isArray(answer?.actions) ? answer.actions : itemsOf(answer);
  return list.map((a) => (typeof a === 'string' ? { action: a } : { ...a, action: a?.action || a?.name }))
    .filter((a) => typeof a.action === 'string' && a.action);
}
export const actionNames = (answer) => actionsOf(answer).map((a) => a.action);

// ---- categories ----
// The category tree from GET /categories (a flat list with parent_id, or
// nested with `children` arrays): nodes {id, code, name, kids, …} sorted by code.
export function categoryTree(answer) {
  const flat = [];
  const walk = (list, parent) => {
    for (const c of list || []) {
      if (!c || typeof c !== 'object') continue;
      flat.push({ ...c, parent_id: c.parent_id ?? parent ?? null });
      if (Array.isArray(c.children)) walk(c.children, c.id);
    }
  };
  walk(itemsOf(answer), null);
  const byId = new Map(flat.map((c) => [c.id, { ...c, children: undefined, kids: [] }]));
  const roots = [];
  for (const c of byId.values()) {
    const parent = c.parent_id !== null && c.parent_id !== undefined ? byId.get(c.parent_id) : null;
    if (parent) parent.kids.push(c); else roots.push(c);
  }
  const sort = (list) => {
    list.sort((a, b) => String(a.code || '').localeCompare(String(b.code || '')));
    for (const c of list) { if (c.kids.length) sort(c.kids); else c.kids = undefined; }
  };
  sort(roots);
  return { roots, byId };
}
export const CATEGORY_TREE_PROPS = { label: 'name', children: 'kids' };

// GET /categories (the whole tree, flat with parent_id) once per page load:
// {roots, byId}. With includeInactive the inactive ones too.
const categoryLoads = new Map();
export function loadCategories({ force = false, includeInactive = false } = {}) {
  const key = includeInactive ? 'all' : 'active';
  if (force || !categoryLoads.has(key)) {
    const p = api.get('/categories', { query: includeInactive ? { include_inactive: 'true' } : undefined }).then(categoryTree, (e) => {
      categoryLoads.delete(key);
      throw e;
    });
    categoryLoads.set(key, p);
  }
  return categoryLoads.get(key);
}
export function forgetCategories() {
  categoryLoads.clear();
}

// The path of a category's names: "市容环境 / 占道经营".
export function categoryPath(byId, id) {
  const names = [];
  let c = byId?.get(id);
  for (let i = 0; c && i < 10; i++) {
    names.unshift(c.name);
    c = c.parent_id !== null && c.parent_id !== undefined ? byId.get(c.parent_id) : null;
  }
  return names.join(' / ');
}

// ---- photos ----
export const PHOTO_TYPES = ['image/jpeg', 'image/png', 'image/webp'];
export const PHOTO_MAX_MB = 10;

// POST /photos (or the public route) with the image as the raw body → {sha256, url}.
export async function uploadPhoto(file, { path = '/photos', auth = true } = {}) {
  const answer = await request('POST', path, { raw: { body: file, type: file.type || 'application/octet-stream' }, timeout: 120000, auth });
  return { sha256: answer.sha256, url: answer.url || photoUrl(answer.sha256) };
}
export const photoUrl = (sha256) => `/api/v1/photos/${encodeURIComponent(sha256)}`;

// A request's photos as [{sha256, url, stage}] whatever shape they come in.
export function photosOf(list) {
  return (Array.isArray(list) ? list : []).map((p) => (typeof p === 'string'
    ? { sha256: p, url: photoUrl(p) }
    : { ...p, url: p.url || photoUrl(p.sha256) })).filter((p) => p.sha256);
}

// A photo made smaller before upload (a phone's camera gives 4–12 MB): the
// longest side at most `max` pixels, JPEG. Falls back to the file itself.
export async function shrinkPhoto(file, max = 1920) {
  if (!file || !/^image\/(jpeg|png|webp)$/.test(file.type) || typeof createImageBitmap !== 'function') return file;
  try {
    const bmp = await createImageBitmap(file);
    const scale = Math.min(1, max / Math.max(bmp.width, bmp.height));
    if (scale === 1 && file.size < 1.5 * 1024 * 1024) { bmp.close?.(); return file; }
    const canvas = document.createElement('canvas');
    canvas.width = Math.round(bmp.width * scale);
    canvas.height = Math.round(bmp.height * scale);
    canvas.getContext('2d').drawImage(bmp, 0, 0, canvas.width, canvas.height);
    bmp.close?.();
    const blob = await new Promise((ok) => canvas.toBlob(ok, 'image/jpeg', 0.85));
    return blob ? new File([blob], (file.name || 'photo').replace(/\.\w+$/, '') + '.jpg', { type: 'image/jpeg' }) : file;
  } catch {
    return file;
  }
}

// ---- lists and exports ----
// The query of GET /requests and GET /exports/requests from a filter model.
export function listQuery(f) {
  const q = {
    area: f.area || undefined,
    state: f.state || undefined,
    category: f.category || undefined,
    source: f.source || undefined,
    urgency: f.urgency || undefined,
    overdue: f.overdue ? 'true' : undefined,
    q: (f.q || '').trim() || undefined,
    queue: f.queue || undefined,
  };
  if (Array.isArray(f.dates) && f.dates.length === 2 && f.dates[0] && f.dates[1]) {
    q.from = f.dates[0];
    q.to = f.dates[1];
  }
  return q;
}

// GET /requests → {items, next} (the server's cursor is next_after).
export async function requestsPage(query, { after, limit = 50, signal } = {}) {
  const answer = await api.get('/requests', { query: { ...query, after, limit }, signal });
  return { ...answer, items: itemsOf(answer), next: answer?.next_after ?? answer?.next ?? null };
}

export function exportRequests(query, fallbackName) {
  return download('/exports/requests', { query, fallbackName: fallbackName || 'requests.xlsx' });
}

// ---- figures ----
const num = (v) => (Number.isFinite(v) ? v : Number.isFinite(Number(v)) && v !== null && v !== '' ? Number(v) : null);
const ratio = (a, b) => (Number.isFinite(a) && Number.isFinite(b) && b > 0 ? a / b : null);

// The counters of a figures answer: the answer itself, or its `counters`.
export function countersOf(answer) {
  if (!answer || typeof answer !== 'object') return {};
  return answer.counters && typeof answer.counters === 'object' ? answer.counters : answer;
}

// The rates of DOMAIN.md (fractions 0–1), the server's own when it sends them
// (`rates` or top-level `response_rate` …), else computed from the counters.
export const RATE_KEYS = ['response_rate', 'solve_rate', 'satisfaction_rate', 'composite', 'close_rate', 'on_time_rate', 'rework_rate'];
export function ratesOf(answer) {
  const c = countersOf(answer);
  const given = { ...(answer && typeof answer === 'object' ? answer : {}), ...(answer?.rates || {}) };
  const v = (k) => num(c[k]) ?? 0;
  const valid = v('received') - v('invalid');
  const computed = {
    response_rate: ratio(v('responded_in_time'), valid),
    solve_rate: ratio(v('solved'), v('rated')),
    satisfaction_rate: ratio(v('satisfied') + 0.9 * v('basically_satisfied'), v('rated')),
    close_rate: ratio(v('closed'), v('due_to_close') - v('held_over')),
    on_time_rate: ratio(v('closed_on_time'), v('due_to_close') - v('held_over')),
    rework_rate: ratio(v('rework'), v('resolved')),
  };
  const r = {};
  for (const k of RATE_KEYS) {
    const own = num(given[k]);
    r[k] = own !== null ? (own > 1 ? own / 100 : own) : computed[k] ?? null;
  }
  if (r.composite === null && r.response_rate !== null && r.solve_rate !== null && r.satisfaction_rate !== null) {
    r.composite = 0.1 * r.response_rate + 0.5 * r.solve_rate + 0.4 * r.satisfaction_rate;
  }
  const avg = num(given.avg_handle_minutes) ?? num(given.average_handle_minutes);
  r.avg_handle_minutes = avg !== null ? avg : ratio(v('handle_minutes'), v('resolved'));
  return r;
}

// The level share (微事不出网格…): [{level, count, share}] of the counters.
export function levelShare(answer) {
  const c = countersOf(answer);
  const counts = LEVELS.map((l) => ({ level: l, count: num(c[`level_${l}`]) ?? 0 }));
  const sum = counts.reduce((s, x) => s + x.count, 0);
  return counts.map((x) => ({ ...x, share: sum > 0 ? x.count / sum : null }));
}

// A fraction as a percentage text: 0.9372 → "93.72%"; null → "—".
export function percent(v, digits = 1) {
  return Number.isFinite(v) ? `${(v * 100).toFixed(digits)}%` : '—';
}

// ---- maps ----
// The grid polygons under an area (GET /areas/{id}/boundaries?level=grid), or
// the area's own outline when it is a grid or below; cached per page load.
const gridCache = new Map();
const LEVEL_ORDER = ['district', 'street', 'community', 'grid', 'compound', 'building', 'entrance'];
export function loadGrids(area, { signal } = {}) {
  if (!area || !area.id) return Promise.resolve(null);
  const key = String(area.id);
  if (gridCache.has(key)) return gridCache.get(key);
  const deep = LEVEL_ORDER.indexOf(area.level) >= LEVEL_ORDER.indexOf('grid');
  const p = (deep
    ? api.get(`/areas/${encodeURIComponent(area.id)}/boundary`, { signal }).then((f) => ({
      type: 'FeatureCollection',
      features: f && f.geometry ? [{ ...f, properties: { id: area.id, code: area.code, name: area.name, level: area.level, ...(f.properties || {}) } }] : [],
    }))
    : api.get(`/areas/${encodeURIComponent(area.id)}/boundaries`, { query: { level: 'grid' }, signal }))
    .catch((e) => {
      gridCache.delete(key);
      if (e?.status === 404) return { type: 'FeatureCollection', features: [] };
      throw e;
    });
  gridCache.set(key, p);
  return p;
}

// The area whose grids to draw for a place: the area itself down to a
// community, else its community (from GET /areas/{id}'s ancestors).
export async function mapRootOf(areaId) {
  if (!areaId) return null;
  const a = await api.get(`/areas/${encodeURIComponent(areaId)}`);
  if (LEVEL_ORDER.indexOf(a.level) <= LEVEL_ORDER.indexOf('community')) return a;
  const up = [...(a.ancestors || [])].reverse().find((x) => LEVEL_ORDER.indexOf(x.level) <= LEVEL_ORDER.indexOf('community'));
  return up || a;
}

// The grid that holds a point: GET /areas/locate → the grid, or null.
export async function locatePoint(lng, lat) {
  try {
    const answer = await api.get('/areas/locate', { query: { lng, lat } });
    return answer?.grid || null;
  } catch (e) {
    if (e?.status === 404 || e?.status === 403) return null;
    throw e;
  }
}
