// Server errors on a form: a field error ({"error":{"field":"login",…}}) is
// shown beside that field (ElFormItem :error), anything else above the form.
//
//   const { fieldErrors, formError, clear, take } = useFormErrors(['login', 'password'])
//   try { … } catch (e) { if (!take(e)) throw e }
//   <ElFormItem :error="fieldErrors.login"> … <FormError :error="formError" />
import { reactive, ref } from 'vue';
import { ApiError } from '../api.js';

export function useFormErrors(fields) {
  const fieldErrors = reactive(Object.fromEntries(fields.map((f) => [f, ''])));
  const formError = ref(null);

  function clear() {
    for (const f of fields) fieldErrors[f] = '';
    formError.value = null;
  }

  // Shows an error; returns false for an abort (nothing to show).
  function take(e, messages = {}) {
    clear();
    if (e?.name === 'AbortError') return false;
    if (e instanceof ApiError && e.field && fields.includes(e.field)) {
      // A server message replaced by a clearer local one where there is one
      // (e.g. a 409 "taken"); otherwise the server's own words.
      fieldErrors[e.field] = messages[e.field] || e.message || e.code;
      return true;
    }
    formError.value = e;
    return true;
  }

  return { fieldErrors, formError, clear, take };
}
