// Helpers of the residents' H5 pages: the public API (no session: a 401 is an
// answer, not an ended session), the codes this phone reported (kept in
// localStorage so a resident finds them again), and the phone's location.
import { api } from '../../api.js';

export const publicApi = {
  get: (path, opts = {}) => api.get(`/public${path}`, { ...opts, auth: false }),
  post: (path, body, opts = {}) => api.post(`/public${path}`, body, { ...opts, auth: false }),
};

// A tracking code as typed: upper case, no spaces or dashes.
export const normaliseCode = (s) => String(s || '').toUpperCase().replace(/[\s-]+/g, '');
export const CODE_RE = /^[0-9A-Z]{10}$/;

const KEY = 'linli.h5.mine';
export function myReports() {
  try {
    const list = JSON.parse(window.localStorage.getItem(KEY) || '[]');
    return Array.isArray(list) ? list.filter((x) => x && x.code).slice(0, 10) : [];
  } catch {
    return [];
  }
}
export function rememberReport(code, text) {
  try {
    const list = [{ code, text: String(text || '').slice(0, 40), at: Date.now() }, ...myReports().filter((x) => x.code !== code)];
    window.localStorage.setItem(KEY, JSON.stringify(list.slice(0, 10)));
  } catch { /* not remembered */ }
}

// The phone's position (WGS-84 from the browser), rounded to 6 decimals.
export function currentPosition({ timeout = 15000 } = {}) {
  return new Promise((resolve, reject) => {
    if (!navigator.geolocation) { reject(Object.assign(new Error('unsupported'), { code: 'unsupported' })); return; }
    navigator.geolocation.getCurrentPosition(
      (p) => resolve({
        lng: Math.round(p.coords.longitude * 1e6) / 1e6,
        lat: Math.round(p.coords.latitude * 1e6) / 1e6,
        accuracy: Math.round(p.coords.accuracy || 0),
      }),
      (e) => reject(Object.assign(new Error(e.message), { code: e.code === 1 ? 'denied' : e.code === 3 ? 'timeout' : 'unavailable' })),
      { enableHighAccuracy: true, timeout, maximumAge: 60000 },
    );
  });
}
