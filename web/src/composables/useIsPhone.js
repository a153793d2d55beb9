// True while the viewport is narrower than 768px (the console's phone layout).
import { ref, onScopeDispose, getCurrentScope } from 'vue';

export const PHONE_QUERY = '(max-width: 767.98px)';

export function useIsPhone() {
  const mq = window.matchMedia(PHONE_QUERY);
  const isPhone = ref(mq.matches);
  const update = (e) => { isPhone.value = e.matches; };
  mq.addEventListener('change', update);
  if (getCurrentScope()) onScopeDispose(() => mq.removeEventListener('change', update));
  return isPhone;
}
