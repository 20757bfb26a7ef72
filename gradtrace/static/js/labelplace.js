// labelplace.js: where each edge's gradient label goes so that no label covers another label
// or a node. Pure geometry in model coordinates, no DOM and no Cytoscape.
//
// Why: Cytoscape draws an edge's label at the edge's midpoint. In a layered graph, the edges
// into one node converge, and their midpoints (and labels) pile up on each other or on a
// node; in the MAML example three gradients were unreadable. Each label tries spots along
// its edge and beside it; when none is free it is shortened, and when even "…" does not
// fit it is left off the drawing (its full value still shows on hover or selection).

/**
 * Edge labels are 10 px monospace. A character is 6.0 px wide and Cytoscape's label box (text,
 * background padding) 16 px high: the estimates are a little larger, so placed labels never touch.
 */
export const LABEL_FONT = 10;
const CHAR_W = 6.4;
const LINE_H = 17;
const CELL = 64;
/** Steps along the edge (px) and sideways (in label heights) tried, nearest first. */
const ALONG = [0, -8, 8, -16, 16, -26, 26, -38, 38];
const ACROSS = [0, 1, -1];

/** The label's box centred at (x, y). */
export function labelBox(text, x, y) {
  const w = text.length * CHAR_W + 6;
  return { x1: x - w / 2, y1: y - LINE_H / 2, x2: x + w / 2, y2: y + LINE_H / 2 };
}

const overlap = (a, b) => a.x1 < b.x2 && b.x1 < a.x2 && a.y1 < b.y2 && b.y1 < a.y2;

/** Shorter forms of a label, longest first: the text (a constant's "0.25 each"), its first characters + "…", "…". */
export function shorter(text) {
  const out = [text];
  if (text.includes(' each, ')) out.push(text.slice(0, text.indexOf(', '))); // 0.25 each
  if (text.length > 9) out.push(`${text.slice(0, 7)}…`);
  if (text.length > 1) out.push('…');
  return out;
}

export class LabelPlacer {
  /** `nodes`: boxes of every drawn node (model coordinates), which no label may cover. */
  constructor(nodes) {
    this.grid = new Map();
    this.labels = new Map(); // edge id -> box
    for (const b of nodes) this.insert(b, b);
  }

  cells(b, fn) {
    for (let i = Math.floor(b.x1 / CELL); i <= Math.floor(b.x2 / CELL); i += 1) {
      for (let j = Math.floor(b.y1 / CELL); j <= Math.floor(b.y2 / CELL); j += 1) fn(`${i},${j}`);
    }
  }

  insert(b, item) {
    this.cells(b, (k) => {
      if (!this.grid.has(k)) this.grid.set(k, new Set());
      this.grid.get(k).add(item);
    });
  }

  free(b) {
    let ok = true;
    this.cells(b, (k) => {
      if (!ok) return;
      for (const other of this.grid.get(k) ?? []) if (overlap(b, other)) { ok = false; return; }
    });
    return ok;
  }

  /** Forget edge `id`'s label (its text changed or it was cleared). */
  drop(id) {
    const b = this.labels.get(id);
    if (!b) return;
    this.cells(b, (k) => this.grid.get(k)?.delete(b));
    this.labels.delete(id);
  }

  /**
   * Place edge `id`'s label `text` near `mid` (the edge's midpoint), moving along `dir`
   * (the edge's unit direction) or beside it: {text, dx, dy} (offset from mid), text ''
   * when not even "…" fits.
   */
  place(id, text, mid, dir) {
    this.drop(id);
    if (!text) return { text: '', dx: 0, dy: 0 };
    const side = { x: -dir.y, y: dir.x };
    for (const t of shorter(text)) {
      for (const a of ACROSS) {
        for (const s of ALONG) {
          const dx = dir.x * s + side.x * a * (LINE_H + 2);
          const dy = dir.y * s + side.y * a * (LINE_H + 2);
          const b = labelBox(t, mid.x + dx, mid.y + dy);
          if (!this.free(b)) continue;
          this.labels.set(id, b);
          this.insert(b, b);
          return { text: t, dx, dy };
        }
      }
    }
    return { text: '', dx: 0, dy: 0 };
  }
}
