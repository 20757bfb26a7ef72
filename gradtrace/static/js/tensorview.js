// tensorview.js: a tensor as the page shows it in a panel: a table for a small one, else
// statistics and a heat-map; a non-strided layout and a forward-mode tangent said with it.
// Shared by the inspector and the event kinds' inspector blocks (kinds/).
import { grid, num, shape, stats } from './format.js';

/** A DOM element with attributes and children. */
export const h = (tag, attrs = {}, ...kids) => {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  for (const k of kids) el.append(k);
  return el;
};

/**
 * The server lists only small tensors in full (16 values by default, to keep big traces
 * small); a summarised tensor of up to this many values can be fetched on demand.
 */
export const DETAIL_VALUES = 4096;

/**
 * A table for tensors with at most 64 values, else stats and a heat-map canvas; for a
 * summarised tensor, a button (calling `onLoad`) that fetches its values.
 */
export function tensorBlock(tv, caption, onLoad = null) {
  const box = h('div', { class: 'tensor' }, h('div', { class: 'tensor-caption' }, caption));
  if (tv == null) {
    box.append(h('div', { class: 'muted' }, 'None'));
    return box;
  }
  box.append(h('div', { class: 'muted' }, [shape(tv.shape), tv.dtype ?? '', layoutText(tv)].join(' ').trim()));
  const rows = grid(tv);
  if (rows && tv.numel <= 64 && !tv.truncated) {
    const table = h('table', { class: 'tensor-table' });
    for (const r of rows) table.append(h('tr', {}, ...r.map((x) => h('td', {}, num(x)))));
    box.append(table);
  } else {
    box.append(h('div', { class: 'stats' }, stats(tv)));
    if (rows) box.append(heatmap(rows, tv));
    else if (onLoad && tv.numel <= DETAIL_VALUES) {
      const btn = h('button', { type: 'button' }, 'Load values for a heat-map');
      btn.addEventListener('click', onLoad);
      box.append(btn);
    }
  }
  // forward-mode AD: the tangent this dual tensor carried (no backward event shows it)
  if (tv.tangent) box.append(tensorBlock(tv.tangent, 'tangent (forward-mode)'));
  return box;
}

/**
 * "· sparse_coo, 2 of 30 values non-zero" for a tensor that is not strided (its values are
 * the dense tensor's it stands for), '' for an ordinary one.
 */
export function layoutText(tv) {
  if (!tv.layout) return '';
  if (tv.values == null || tv.truncated) return `· ${tv.layout}`;
  const flat = [tv.values].flat(Infinity);
  const nonzero = flat.filter((v) => v !== 0).length;
  return `· ${tv.layout}, ${nonzero} of ${tv.numel} values non-zero`;
}

/** Diverging blue/red heat-map, one pixel block per value (first rows/cols only). */
function heatmap(rows, tv) {
  const R = Math.min(rows.length, 64);
  const C = Math.min(Math.max(...rows.map((r) => r.length)), 64);
  const cell = Math.max(2, Math.floor(240 / Math.max(R, C)));
  const canvas = h('canvas', { width: C * cell, height: R * cell, class: 'heatmap', role: 'img',
    'aria-label': `heat-map of ${R}×${C} values, blue negative, red positive` });
  const ctx = canvas.getContext('2d');
  const m = Math.max(Math.abs(tv.min ?? 0), Math.abs(tv.max ?? 0)) || 1;
  for (let i = 0; i < R; i += 1) {
    for (let j = 0; j < C; j += 1) {
      const v = rows[i][j];
      if (typeof v !== 'number') continue;
      const a = Math.min(1, Math.abs(v) / m);
      ctx.fillStyle = v >= 0 ? `rgba(214,39,40,${a})` : `rgba(31,119,180,${a})`;
      ctx.fillRect(j * cell, i * cell, cell, cell);
    }
  }
  return canvas;
}
