// share.js: programs in the URL. ?code=<percent-encoded source> or ?example=<id>, and
// optionally where to look: &step=<timeline step>&node=<trace node id>, so a link can
// point a student at "step 7, the leaf x" rather than at the program alone.

/** A non-negative integer URL parameter, or null when absent or not one. */
function count(p, name) {
  const text = p.get(name);
  return text !== null && /^\d+$/.test(text) ? Number(text) : null;
}

/** What the page URL asks to open: {code} or {example}, with {step, node} (null if absent); or null. */
export function readLocation(loc = window.location) {
  const p = new URLSearchParams(loc.search);
  const view = { step: count(p, 'step'), node: count(p, 'node') };
  if (p.has('code')) return { code: p.get('code'), ...view };
  if (p.has('example')) return { example: p.get('example'), ...view };
  return null;
}

/**
 * The shortest link to this program (the example id when it is an unmodified example),
 * and to `view.step` / `view.node` when given.
 */
export function shareUrl(code, example, view = {}, loc = window.location) {
  const url = new URL(loc.pathname, loc.origin);
  if (example && example.code === code) url.searchParams.set('example', example.id);
  else url.searchParams.set('code', code);
  if (view.step != null) url.searchParams.set('step', String(view.step));
  if (view.node != null) url.searchParams.set('node', String(view.node));
  return url.toString();
}

/** Copy `url` to the clipboard (falls back to a prompt-free selection in a text field). */
export async function copyLink(url, field) {
  window.history.replaceState(null, '', url);
  field.value = url;
  field.hidden = false;
  try {
    await navigator.clipboard.writeText(url);
    return 'Link copied to the clipboard.';
  } catch {
    field.select();
    return 'Copy the link from the field.';
  }
}
