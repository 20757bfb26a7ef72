// format.js: turn TensorViews (the trace's tensor summaries) into short text.
// Pure functions, no DOM: shared by the renderer (edge/node labels), the inspector,
// the gradients panel and the DOT export so that a number reads the same everywhere.

/** Format one number compactly: 4 significant digits, no trailing zeros. */
export function num(x) {
  if (typeof x !== 'number') return String(x);
  if (Number.isInteger(x)) return String(x);
  if (!Number.isFinite(x)) return String(x);
  const a = Math.abs(x);
  if (a !== 0 && (a < 1e-3 || a >= 1e5)) return x.toExponential(2);
  return String(Number(x.toPrecision(4)));
}

/** Shape as PyTorch prints it: (2, 2), () for scalars. */
export function shape(s) {
  if (!Array.isArray(s)) return '';
  return s.length === 1 ? `(${s[0]},)` : `(${s.join(', ')})`;
}

/** Nested list of numbers to text, eliding long rows so the string stays short. */
function nested(v, maxItems) {
  if (!Array.isArray(v)) return num(v);
  const items = v.slice(0, maxItems).map((x) => nested(x, maxItems));
  if (v.length > maxItems) items.push('…');
  return `[${items.join(', ')}]`;
}

/** Full-ish text of a TensorView (used in panels): values when present, else stats. */
export function tensorText(tv, maxItems = 6) {
  if (tv == null) return 'None';
  if (tv.values != null) {
    const body = nested(tv.values, maxItems);
    return tv.truncated ? `${body} (truncated, ${tv.numel} values)` : body;
  }
  return `${shape(tv.shape)} ${stats(tv)}`;
}

/** Summary statistics line. */
export function stats(tv) {
  if (tv == null) return '';
  const parts = ['min', 'max', 'mean', 'std', 'norm']
    .filter((k) => tv[k] != null)
    .map((k) => `${k}=${num(tv[k])}`);
  return parts.join(' ');
}

/**
 * Very short text for a tensor (edge labels, captions): the scalar, the tensor itself when it
 * has at most 3 values, a value all its elements share ("0.25 each, ×4 elements": "0.25 ×4"
 * read as a product), else its norm ("norm 0.0307").
 */
export function shortTensor(tv) {
  if (tv == null) return '';
  if (tv.numel === 1 && tv.values != null) {
    const v = Array.isArray(tv.values) ? tv.values.flat(Infinity)[0] : tv.values;
    return num(v);
  }
  if (tv.values != null && tv.numel <= 3) return nested(tv.values, 3);
  if (tv.min != null && tv.min === tv.max) return `${num(tv.min)} each, ×${tv.numel} elements`;
  return tv.norm != null ? `norm ${num(tv.norm)}` : shape(tv.shape); // ASCII: "‖" came from a fallback font
}

/**
 * A node's value on the graph, under its shape: the number, the tensor when it has at most 4
 * values, "0.25 each" for a constant, else its range and mean.
 */
export function valueText(tv) {
  if (tv == null) return '';
  if (tv.values != null && tv.numel <= 4) return tv.numel === 1 ? shortTensor(tv) : nested(tv.values, 4);
  if (tv.min != null && tv.min === tv.max) return `${num(tv.min)} each`;
  if (tv.min == null) return '';
  return `${num(tv.min)}…${num(tv.max)}, mean ${num(tv.mean)}`;
}

/** Flatten a TensorView's values to a 2-D grid (rows of numbers) for tables and heat-maps. */
export function grid(tv) {
  if (tv == null || tv.values == null) return null;
  const v = tv.values;
  if (!Array.isArray(v)) return [[v]];
  if (!Array.isArray(v[0])) return [v];
  return v.map((row) => (Array.isArray(row) ? row.flat(Infinity) : [row]));
}
