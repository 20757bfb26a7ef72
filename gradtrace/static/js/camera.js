// camera.js: where the view should go so that the step being told is on screen. Pure
// arithmetic on boxes, no DOM and no Cytoscape: the renderer measures, asks, and moves.
//
// Why a camera: stepping backward through a 100-node model, the node that just received
// its gradient is often off screen; a learner should never have to hunt for what changed.
// The rule is conservative so the reader's own pan and zoom survive: the view moves only
// when what the step is about is not already fully visible.

/** Node labels are 12.5 px at zoom 1: at READABLE_ZOOM they are 10 px high (MIN_FONT_PX). */
export const NODE_FONT = 12.5;
export const READABLE_ZOOM = 0.8;
export const MIN_FONT_PX = NODE_FONT * READABLE_ZOOM;
/** Space kept free around what the camera frames, in CSS pixels. */
export const MARGIN = 24;
/** Playback faster than this many events per second moves the view without animation. */
export const FAST_PLAYBACK = 6;

/** Box {x1, y1, x2, y2} in model coordinates drawn on screen at `zoom` and `pan`. */
export function onScreen(bb, zoom, pan) {
  return { x1: bb.x1 * zoom + pan.x, y1: bb.y1 * zoom + pan.y, x2: bb.x2 * zoom + pan.x, y2: bb.y2 * zoom + pan.y };
}

/** Whether model box `bb` lies inside the `w` x `h` canvas (less `margin`) at zoom and pan. */
export function visible(bb, zoom, pan, w, h, margin = 4) {
  const r = onScreen(bb, zoom, pan);
  return r.x1 >= margin && r.y1 >= margin && r.x2 <= w - margin && r.y2 <= h - margin;
}

/**
 * The zoom and pan that show `want` (the step's node and the edges carrying its gradient)
 * and, when that cannot fit at a readable zoom, at least `must` (the node itself), or null
 * when `want` is already in view (the reader's view is kept). The zoom never grows (no
 * jumping in) and never drops below READABLE_ZOOM.
 */
export function frame(want, must, view) {
  const { zoom, pan, w, h } = view;
  if (visible(want, zoom, pan, w, h)) return null;
  const fits = (bb, z) => (bb.x2 - bb.x1) * z <= w - 2 * MARGIN && (bb.y2 - bb.y1) * z <= h - 2 * MARGIN;
  const zoomFor = (bb) => Math.min(zoom, Math.max(READABLE_ZOOM,
    Math.min((w - 2 * MARGIN) / Math.max(1, bb.x2 - bb.x1), (h - 2 * MARGIN) / Math.max(1, bb.y2 - bb.y1))));
  let target = want;
  let z = zoomFor(want);
  if (!fits(want, z)) {
    target = must;
    z = zoomFor(must);
  }
  return { zoom: z, pan: centred(target, z, w, h) };
}

/** Pan that puts the centre of `bb` at the centre of a `w` x `h` canvas at zoom `z`. */
export function centred(bb, z, w, h) {
  return { x: w / 2 - z * (bb.x1 + bb.x2) / 2, y: h / 2 - z * (bb.y1 + bb.y2) / 2 };
}

/** Union of boxes (model coordinates); null for none. */
export function union(boxes) {
  const list = boxes.filter(Boolean);
  if (!list.length) return null;
  return {
    x1: Math.min(...list.map((b) => b.x1)), y1: Math.min(...list.map((b) => b.y1)),
    x2: Math.max(...list.map((b) => b.x2)), y2: Math.max(...list.map((b) => b.y2)),
  };
}

/** True when the reader asked for reduced motion (the camera then jumps). */
export function reducedMotion() {
  return typeof matchMedia === 'function' && matchMedia('(prefers-reduced-motion: reduce)').matches;
}

/**
 * Centre of the `w` x `h` window (model units) that holds the most of `boxes` whole: where a
 * Fit that cannot show everything readably looks when nothing is selected and no step is
 * being told. Windows centred on each box are tried; a tie goes to the one nearest the middle.
 */
export function busiest(boxes, w, h) {
  const mid = (b) => ({ x: (b.x1 + b.x2) / 2, y: (b.y1 + b.y2) / 2 });
  const centres = boxes.map(mid);
  const all = union(boxes);
  const middle = mid(all);
  let best = middle;
  let bestCount = -1;
  let bestDist = Infinity;
  for (const c of centres) {
    const x1 = c.x - w / 2;
    const y1 = c.y - h / 2;
    let count = 0;
    for (const b of boxes) if (b.x1 >= x1 && b.y1 >= y1 && b.x2 <= x1 + w && b.y2 <= y1 + h) count += 1;
    const dist = Math.hypot(c.x - middle.x, c.y - middle.y);
    if (count > bestCount || (count === bestCount && dist < bestDist)) {
      best = c;
      bestCount = count;
      bestDist = dist;
    }
  }
  return best;
}
