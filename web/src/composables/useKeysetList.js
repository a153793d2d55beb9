// A keyset-paged list ({"items","next"}: `next` is the cursor of the page
// after, null at the end) for the registers' big lists (~300k people): 查询
// loads the first page, 加载更多 appends the next. Only the newest request's
// answer is shown.
//
//   const list = useKeysetList((after, signal) => api.get('/people', { query: { …, after }, signal }))
//   list.search(); list.loadMore()
import { ref, onBeforeUnmount } from 'vue';
import { nextCursor } from '../registers.js';

export function useKeysetList(fetchPage) {
  const items = ref([]);
  const next = ref(null);
  const loading = ref(false);
  const loadingMore = ref(false);
  const loaded = ref(false);
  const error = ref(null);
  const moreError = ref(null);
  let ctrl = null;

  async function run(more) {
    ctrl?.abort();
    const mine = new AbortController();
    ctrl = mine;
    if (more) { loadingMore.value = true; moreError.value = null; } else { loading.value = true; error.value = null; }
    try {
      const answer = await fetchPage(more ? next.value : undefined, mine.signal);
      const list = Array.isArray(answer) ? answer : Array.isArray(answer?.items) ? answer.items : [];
      items.value = more ? [...items.value, ...list] : list;
      next.value = nextCursor(answer);
      loaded.value = true;
    } catch (e) {
      if (mine.signal.aborted) return;
      if (more) moreError.value = e; else error.value = e;
    } finally {
      if (ctrl === mine) { loading.value = false; loadingMore.value = false; }
    }
  }

  const search = () => run(false);
  const loadMore = () => (next.value === null ? Promise.resolve() : run(true));
  // Replaces one row in place (after an edit) without reloading the list.
  function replace(row) {
    const i = items.value.findIndex((x) => x.id === row.id);
    if (i >= 0) items.value.splice(i, 1, { ...items.value[i], ...row });
  }

  onBeforeUnmount(() => ctrl?.abort());
  return { items, next, loading, loadingMore, loaded, error, moreError, search, loadMore, replace };
}
