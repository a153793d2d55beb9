// Shared words and helpers of the registers (基础信息) and party-building
// (党建引领) pages: area levels, the lazy area tree, tags and export downloads.
import { api, download } from './api.js';
import { itemsOf } from './format.js';

// The area levels of GLOSSARY.md, top down.
export const AREA_LEVELS = ['district', 'street', 'community', 'grid', 'compound', 'building', 'entrance'];
export const GRID_KINDS = ['basic', 'dedicated'];
export const RESPONSIBLE_ROLES = ['secretary', 'director', 'grid_leader', 'grid_worker', 'compound_head',
  'building_head', 'entrance_head', 'police', 'property_manager'];
export const CRS = ['wgs84', 'gcj02'];
export const PERSON_TAGS = ['low_income', 'extreme_poverty', 'elderly_80', 'disabled', 'orphan',
  'left_behind_child', 'lone_elderly', 'veteran'];
// The tags that mark a sensitive identity: shown and set only with person.read_sensitive.
export const SENSITIVE_TAGS = ['low_income', 'extreme_poverty', 'disabled', 'orphan', 'left_behind_child'];
export const RESIDENCES = ['registered', 'floating'];
export const RELATIONS = ['head', 'spouse', 'child', 'parent', 'grandchild', 'grandparent', 'sibling', 'other'];
export const GENDERS = ['male', 'female'];
export const UNIT_KINDS = ['agency', 'enterprise', 'social_org', 'property_company', 'owners_committee', 'department'];
export const PARTY_ORG_KINDS = ['working_committee', 'committee', 'general_branch', 'branch', 'group'];
export const PARTY_MEMBER_STATUSES = ['full', 'probationary'];
// 六个一, in the order of GLOSSARY.md.
export const SIX_ONES = ['meeting', 'discussion', 'survey', 'wish', 'volunteer', 'pairing'];
export const REGISTERS = ['areas', 'units', 'party_orgs', 'party_members', 'households', 'people'];
export const REPORT_KINDS = ['member', 'org'];

// A party organisation of the API as a tree node (its `children` is a count too).
export function orgNode(o) {
  const count = Number.isFinite(o?.children) ? o.children : null;
  return { ...o, childCount: count, children: undefined, kids: undefined, leaf: count === 0 };
}
export const ORG_TREE_PROPS = { label: 'name', children: 'kids', isLeaf: 'leaf' };
export async function loadOrgs(parentId, signal) {
  return itemsOf(await api.get('/party/orgs', { query: { parent: parentId || undefined }, signal })).map(orgNode);
}
// The kinds allowed below a parent of `kind` (GLOSSARY: 党工委 > 党委 > 党总支 > 党支部 > 党小组).
export function orgKindsBelow(kind) {
  const i = PARTY_ORG_KINDS.indexOf(kind);
  return i < 0 ? [...PARTY_ORG_KINDS] : PARTY_ORG_KINDS.slice(i + 1);
}
// This year in UTC+08:00.
export function thisYear() {
  return Number(todayInZone().slice(0, 4));
}

// Tag colour of an area level (one colour per level, the same everywhere).
const LEVEL_TYPES = {
  district: 'danger', street: 'warning', community: 'success', grid: 'primary', compound: 'info', building: 'info', entrance: 'info',
};
export const levelType = (level) => LEVEL_TYPES[level] || 'info';
export const levelIndex = (level) => AREA_LEVELS.indexOf(level);
export const nextLevel = (level) => AREA_LEVELS[levelIndex(level) + 1] || null;

// An area of the API as a node of ElTree / ElTreeSelect. The API's `children`
// is a count: the tree reads its child list from `kids` instead.
export function areaNode(a) {
  const count = Number.isFinite(a?.children) ? a.children : null;
  return {
    ...a,
    childCount: count,
    children: undefined,
    kids: undefined,
    leaf: count === 0 || a.level === 'entrance',
    closed: Boolean(a.valid_to),
  };
}
export const AREA_TREE_PROPS = { label: 'name', children: 'kids', isLeaf: 'leaf', class: (d) => (d.closed ? 'linli-area-closed' : '') };

// GET /areas (the caller's root areas) or /areas/{id}/children, as tree nodes.
export async function loadAreaRoots(signal) {
  return itemsOf(await api.get('/areas', { signal })).map(areaNode);
}
export async function loadAreaChildren(id, { includeClosed = false, signal } = {}) {
  return itemsOf(await api.get(`/areas/${encodeURIComponent(id)}/children`, {
    query: includeClosed ? { include_closed: 'true' } : undefined, signal,
  })).map(areaNode);
}

// The label of an area with its code: "建外街道 (110105001)".
export const areaText = (a) => (a ? `${a.name}${a.code ? ` (${a.code})` : ''}` : '');

// A translated enum value: t('registers.levels.grid') when the key exists,
// else the value itself (a value the console does not know yet).
export function enumLabel(t, te, group, value) {
  if (value === undefined || value === null || value === '') return '';
  const key = `${group}.${value}`;
  return te(key) ? t(key) : String(value);
}

// GET /exports/{register}?area=ID as an .xlsx download.
export function exportRegister(register, areaId, fallbackName) {
  return download(`/exports/${encodeURIComponent(register)}`, {
    query: { area: areaId || undefined },
    fallbackName: fallbackName || `${register}.xlsx`,
  });
}

// The area remembered per user for the area selectors (UI.md: "remembered
// per user"): {id, name, code} in localStorage, or null.
const areaKey = (userId) => `linli.area.${userId ?? ''}`;
export function rememberedArea(userId) {
  try {
    const v = JSON.parse(window.localStorage.getItem(areaKey(userId)) || 'null');
    return v && v.id ? v : null;
  } catch {
    return null;
  }
}
export function rememberArea(userId, area) {
  try {
    if (area && area.id) {
      window.localStorage.setItem(areaKey(userId), JSON.stringify({ id: area.id, name: area.name, code: area.code, level: area.level }));
    } else {
      window.localStorage.removeItem(areaKey(userId));
    }
  } catch { /* not remembered */ }
}

// A list answer's cursor for the next page ({"items","next"}), or null.
export function nextCursor(answer) {
  const n = answer?.next;
  return n !== undefined && n !== null && n !== '' ? n : null;
}

// A date "YYYY-MM-DD" of today in UTC+08:00.
export function todayInZone() {
  return new Date(Date.now() + 8 * 3600 * 1000).toISOString().slice(0, 10);
}

// The boundary in a GeoJSON document: a Polygon or MultiPolygon, bare or in a
// Feature, or the polygons of a FeatureCollection joined into a MultiPolygon;
// null when it holds no polygon.
export function geometryOf(json) {
  const polys = [];
  const add = (g) => {
    if (!g || typeof g !== 'object') return;
    if (g.type === 'Polygon' && Array.isArray(g.coordinates)) polys.push(g.coordinates);
    else if (g.type === 'MultiPolygon' && Array.isArray(g.coordinates)) polys.push(...g.coordinates);
    else if (g.type === 'Feature') add(g.geometry);
    else if (g.type === 'FeatureCollection' && Array.isArray(g.features)) g.features.forEach(add);
    else if (g.type === 'GeometryCollection' && Array.isArray(g.geometries)) g.geometries.forEach(add);
  };
  add(json);
  if (!polys.length) return null;
  return polys.length === 1 ? { type: 'Polygon', coordinates: polys[0] } : { type: 'MultiPolygon', coordinates: polys };
}

// Why an ID number (GB 11643) is not a valid one, as an i18n key, or null:
// 17 digits, then a digit or X that the weighted sum of the others decides.
export function idNumberProblem(value) {
  const v = String(value || '').toUpperCase();
  if (!/^\d{17}[\dX]$/.test(v)) return 'registers.people.idNumberInvalid';
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(v[i]) * w[i];
  return '10X98765432'[sum % 11] === v[17] ? null : 'registers.people.idNumberChecksum';
}
