// Plain personal data shown for a short while (DESIGN.md: shown masked;
// unmasking needs person.read_pii and is audited): reveal(key, fetch) asks
// the server once, keeps the answer for `seconds` (default 30) with a
// countdown, then forgets it. Leaving the page forgets everything at once.
//
//   const reveal = useReveal()
//   await reveal.show(`phone:${id}`, () => api.get(`/…/phone`))
//   reveal.value(`phone:${id}`)   // the answer while shown, else undefined
//   reveal.left(`phone:${id}`)    // seconds left
import { reactive, ref, onBeforeUnmount } from 'vue';

export const REVEAL_SECONDS = 30;

export function useReveal(seconds = REVEAL_SECONDS) {
  const shown = reactive({}); // key → {value, until}
  const busy = reactive({}); // key → true while asking
  const now = ref(Date.now());
  let ticker = null;

  function tick() {
    now.value = Date.now();
    for (const [k, v] of Object.entries(shown)) if (v.until <= now.value) delete shown[k];
    if (Object.keys(shown).length === 0 && ticker) { clearInterval(ticker); ticker = null; }
  }

  async function show(key, fetch) {
    if (busy[key]) return undefined;
    busy[key] = true;
    try {
      const value = await fetch();
      shown[key] = { value, until: Date.now() + seconds * 1000 };
      now.value = Date.now();
      if (!ticker) ticker = setInterval(tick, 1000);
      return value;
    } finally {
      delete busy[key];
    }
  }

  function hide(key) {
    if (key === undefined) for (const k of Object.keys(shown)) delete shown[k];
    else delete shown[key];
  }

  const value = (key) => shown[key]?.value;
  const isShown = (key) => key in shown;
  const left = (key) => (shown[key] ? Math.max(0, Math.ceil((shown[key].until - now.value) / 1000)) : 0);
  const isBusy = (key) => Boolean(busy[key]);

  onBeforeUnmount(() => {
    if (ticker) clearInterval(ticker);
    hide();
  });
  return { show, hide, value, isShown, left, isBusy };
}
