// GET /api/v1/roles for a page that offers roles (filters, grants). Loaded only
// when the user holds role.read; a failure leaves the list empty (the page
// still works, showing role ids from the user objects).
import { ref } from 'vue';
import { api } from '../api.js';
import { can } from '../session.js';
import { itemsOf } from '../format.js';

export function normaliseRole(r) {
  return {
    ...r,
    id: String(r.id ?? ''),
    name: typeof r.name === 'string' && r.name ? r.name : String(r.id ?? ''),
    capabilities: Array.isArray(r.capabilities) ? r.capabilities : [],
    builtin: r.builtin === true || r.built_in === true,
  };
}

export function useRoles() {
  const roles = ref([]);
  const error = ref(null);
  const loading = ref(false);
  async function load() {
    if (!can('role.read')) return;
    loading.value = true;
    error.value = null;
    try {
      roles.value = itemsOf(await api.get('/roles')).map(normaliseRole);
    } catch (e) {
      error.value = e;
    } finally {
      loading.value = false;
    }
  }
  return { roles, error, loading, load };
}
