// share.js: programs in the URL. ?code=<percent-encoded source>, ?example=<id> or
// ?expression=<expression>&inputs=<JSON object> (Expression mode), and optionally where to
// look: &step=<timeline step>&node=<trace node id>, so a link can point a student at
// "step 7, the leaf x" rather than at the program alone.

/** A non-negative integer URL parameter, or null when absent or not one. */
function count(p, name) {
  const text = p.get(name);
  return text !== null && /^\d+$/.test(text) ? Number(text) : null;
}

/** The `inputs` parameter: a JSON object, else {} (a broken link still opens the expression). */
function inputsParam(p) {
  try {
    const inputs = JSON.parse(p.get('inputs') ?? '{}');
    return inputs && typeof inputs === 'object' && !Array.isArray(inputs) ? inputs : {};
  } catch {
    return {};
  }
}

/**
 * What the page URL asks to open: {code}, {example} or {expression, inputs}, with
 * {step, node} (null if absent); or null.
 */
export function readLocation(loc = window.location) {
  const p = new URLSearchParams(loc.search);
  const view = { step: count(p, 'step'), node: count(p, 'node') };
  if (p.has('code')) return { code: p.get('code'), ...view };
  if (p.has('expression')) return { expression: p.get('expression'), inputs: inputsParam(p), ...view };
  if (p.has('example')) return { example: p.get('example'), ...view };
  return null;
}

/** Whether a gallery entry is exactly this program text or {expression, inputs}. */
export function sameAs(example, source) {
  if (!example) return false;
  if (typeof source === 'string') return example.expression == null && example.code === source;
  return example.expression === source.expression
    && JSON.stringify(example.inputs) === JSON.stringify(source.inputs);
}

/**
 * The shortest link to this program text or {expression, inputs} (the example id when it
 * is an unmodified example), and to `view.step` / `view.node` when given.
 */
export function shareUrl(source, example, view = {}, loc = window.location) {
  const url = new URL(loc.pathname, loc.origin);
  if (sameAs(example, source)) url.searchParams.set('example', example.id);
  else if (typeof source === 'string') url.searchParams.set('code', source);
  else {
    url.searchParams.set('expression', source.expression);
    url.searchParams.set('inputs', JSON.stringify(source.inputs));
  }
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

/**
 * Once a linked program is drawn, go to the link's step and node (`{step, node}` of
 * readLocation): `goTo(step)` moves the timeline, `hasNode(id)` says the trace has that node.
 */
export function showLinkedView(bus, { step, node }, goTo, hasNode) {
  if (step == null && node == null) return;
  const off = bus.on('graph:drawn', () => {
    off();
    if (step != null) goTo(step);
    if (node != null && hasNode(node)) bus.emit('node:reveal', { nodeId: node });
  });
}
