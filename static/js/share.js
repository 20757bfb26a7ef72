// share.js: programs in the URL. ?code=<percent-encoded source> or ?example=<id>.

/** What the page URL asks to open: {code} or {example} or null. */
export function readLocation(loc = window.location) {
  const p = new URLSearchParams(loc.search);
  if (p.has('code')) return { code: p.get('code') };
  if (p.has('example')) return { example: p.get('example') };
  return null;
}

/** The shortest link to this program: the example id when it is an unmodified example. */
export function shareUrl(code, example, loc = window.location) {
  const url = new URL(loc.pathname, loc.origin);
  if (example && example.code === code) url.searchParams.set('example', example.id);
  else url.searchParams.set('code', code);
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
