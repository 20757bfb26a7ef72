// viewer.js: the self-contained viewer's side of the page. No DOM beyond reading the slot.
//
// The same page runs in two modes. Served, it traces programs through the API. Opened from a
// file written by gradtrace/viewer (standalone_html, the Export HTML button, a notebook's
// iframe), it carries one trace in <script type="application/json" id="gradtrace-trace">
// and shows only that: no Run, no gallery, no request to any server.

const SLOT_OPEN = '<script type="application/json" id="gradtrace-trace">';
const SLOT_CLOSE = '</script>';
/** The empty slot of the viewer document (gradtrace/viewer/page.py EMPTY_SLOT). */
export const EMPTY_SLOT = `${SLOT_OPEN}null${SLOT_CLOSE}`;

/**
 * The embedded trace in viewer mode: the wire-format object, null for an empty viewer, or
 * undefined when the page is the served playground (no slot).
 */
export function embeddedTrace(doc = document) {
  const slot = doc.getElementById('gradtrace-trace');
  if (!slot) return undefined;
  return JSON.parse(slot.textContent);
}

/** Why the embedded data cannot be shown (null when it is a trace). */
export function embeddedProblem(wire) {
  if (wire == null) return 'This file holds no trace.';
  return wire.format === 5 ? null : 'The embedded data is not a Gradtrace trace (format 5).';
}

/**
 * Put a wire-format trace into the empty viewer document `html` (the same text
 * gradtrace/viewer/page.py fill_slot writes: compact JSON with every '<' as \u003c, so no
 * '</script>' in a program's source or output can end the element).
 */
export function fillSlot(html, trace) {
  const at = html.indexOf(EMPTY_SLOT);
  if (at < 0 || html.indexOf(EMPTY_SLOT, at + 1) >= 0) throw new Error('not an empty Gradtrace viewer document');
  const json = JSON.stringify(trace).replace(/</g, '\\u003c');
  return html.slice(0, at) + SLOT_OPEN + json + SLOT_CLOSE + html.slice(at + EMPTY_SLOT.length);
}

/**
 * The trace to write into an exported viewer: the wire format the server sent, with the
 * program's text as `files` when the trace does not carry its sources (a server trace; the
 * editor held the code), so the exported file shows the program.
 */
export function exportedTrace(model) {
  const wire = model.trace.wire;
  if (!wire) throw new Error('this trace has no wire form to export');
  if (wire.files || wire.expression || typeof model.code !== 'string') return wire;
  return { ...wire, files: [{ path: 'program.py', source: model.code }] };
}

/** Fetch the empty viewer (GET /export/viewer.html) and return the file for this trace. */
export async function viewerHtml(url, model) {
  const resp = await fetch(url);
  if (!resp.ok) throw new Error(`the server answered ${resp.status} for the viewer`);
  return fillSlot(await resp.text(), exportedTrace(model));
}
