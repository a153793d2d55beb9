// Deep-merges a feature's messages into the base messages (objects are merged
// key by key, anything else replaces), so a feature keeps its words in a file
// of its own and still adds to shared groups such as `menu`.
export function mergeMessages(base, extra) {
  const out = { ...base };
  for (const [k, v] of Object.entries(extra)) {
    out[k] = v && typeof v === 'object' && !Array.isArray(v) && out[k] && typeof out[k] === 'object'
      ? mergeMessages(out[k], v) : v;
  }
  return out;
}
