// A paged list ({"items","total","page","page_size"}) for a list page: the
// current page, its loading and error states, and a stale-answer guard (only
// the newest request's answer is shown).
import { ref, onBeforeUnmount } from 'vue';

export function usePagedList(fetchPage, { pageSize = 20 } = {}) {
  const items = ref([]);
  const total = ref(0);
  const page = ref(1);
  const size = ref(pageSize);
  const loading = ref(false);
  const loaded = ref(false);
  const error = ref(null);
  let ctrl = null;

  async function load() {
    ctrl?.abort();
    const mine = new AbortController();
    ctrl = mine;
    loading.value = true;
    error.value = null;
    try {
      const answer = await fetchPage({ page: page.value, page_size: size.value }, mine.signal);
      const list = Array.isArray(answer) ? answer : Array.isArray(answer?.items) ? answer.items : [];
      items.value = list;
      total.value = Number.isFinite(answer?.total) ? answer.total : list.length;
      loaded.value = true;
    } catch (e) {
      if (mine.signal.aborted) return;
      error.value = e;
    } finally {
      if (ctrl === mine) loading.value = false;
    }
  }

  function search() {
    page.value = 1;
    return load();
  }

  onBeforeUnmount(() => ctrl?.abort());
  return { items, total, page, size, loading, loaded, error, load, search };
}
