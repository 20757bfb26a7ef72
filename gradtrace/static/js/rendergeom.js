// rendergeom.js: measurements of the drawing, a helper of the renderer (like graphstyle.js
// and svgwriter.js it is handed the Cytoscape instance and never keeps it).
//
// What a person sees is geometry on a canvas, with no DOM per node; the camera, the label
// placer and the test hook (window.gradtrace.view(), testhook.js) all read it from here.
import { onScreen } from './camera.js';

const NO_DECOR = { includeLabels: false, includeOverlays: false, includeUnderlays: false };
const LABEL_ONLY = {
  includeNodes: false, includeEdges: false, includeLabels: true, includeMainLabels: true,
  includeSourceLabels: false, includeTargetLabels: false, includeOverlays: false, includeUnderlays: false,
};

/** Model-coordinate box of a node without its selection overlay. */
export function nodeBox(el) {
  const b = el.boundingBox(NO_DECOR);
  return { x1: b.x1, y1: b.y1, x2: b.x2, y2: b.y2 };
}

/**
 * What no edge label may cover: every drawn node and closed box, and the title over each open
 * module box (the box itself holds others and is left out).
 */
export function solidBoxes(cy, pad = 2) {
  const solid = cy.nodes('[type != "group"]').map((el) => {
    const b = nodeBox(el);
    return { x1: b.x1 - pad, y1: b.y1 - pad, x2: b.x2 + pad, y2: b.y2 + pad };
  });
  const titles = cy.nodes('[type = "group"]').map((el) => {
    const b = nodeBox(el);
    const half = (String(el.data('shown') ?? '').length * 8.5) / 2 + pad; // 12.5 px monospace
    const mid = (b.x1 + b.x2) / 2;
    return { x1: mid - half, y1: b.y1 - 18, x2: mid + half, y2: b.y1 + 2 };
  });
  return solid.concat(titles);
}

/** Where an edge's label is anchored (its curve's midpoint) and the edge's unit direction. */
export function edgeAnchor(el) {
  const s = el.source().position();
  const t = el.target().position();
  let mid = null;
  try {
    mid = el.midpoint();
  } catch {
    mid = null;
  }
  if (!mid || !Number.isFinite(mid.x) || !Number.isFinite(mid.y)) mid = { x: (s.x + t.x) / 2, y: (s.y + t.y) / 2 };
  const len = Math.hypot(t.x - s.x, t.y - s.y) || 1;
  return { mid: { x: mid.x, y: mid.y }, dir: { x: (t.x - s.x) / len, y: (t.y - s.y) / len } };
}

/** Whether an edge's label is painted: it has text and is not below its minimum font size. */
function labelPainted(el, zoom) {
  if (!el.visible() || !el.data('glabel')) return false;
  if (el.style('label') === '' || el.hasClass('shared')) return false;
  return parseFloat(el.style('font-size')) * zoom >= parseFloat(el.style('min-zoomed-font-size') || 0);
}

/**
 * The drawing as a person sees it, in CSS pixels relative to the canvas: every node and
 * box drawn (its kind, box and label font size) and every edge label painted (text, box).
 */
export function geometry(cy) {
  const zoom = cy.zoom();
  const pan = cy.pan();
  const nodes = cy.nodes().filter((el) => el.visible()).map((el) => ({
    id: el.id(), type: el.data('type'), text: String(el.data('shown') ?? ''), box: onScreen(nodeBox(el), zoom, pan),
    font_px: parseFloat(el.style('font-size')) * zoom,
  }));
  const labels = cy.edges().filter((el) => labelPainted(el, zoom)).map((el) => {
    const b = el.boundingBox(LABEL_ONLY);
    return { edge: el.id(), text: el.data('glabel'), full: el.data('full') || el.data('glabel'), box: onScreen(b, zoom, pan) };
  });
  return { nodes, labels };
}

/**
 * A drawn node or box as plain data, so that no other module needs the Cytoscape instance:
 * its data (type, path, nodeId, label, role, line), centre, whether it is `unborn` (not yet on
 * screen at this step) or `recomputed`, and the path of the box around it (null: none).
 */
export function plain(el) {
  const d = el.data();
  const box = el.parent();
  return {
    id: el.id(), type: d.type, path: d.path, nodeId: d.nodeId, label: d.label, role: d.role, line: d.line,
    ...el.position(), unborn: el.hasClass('unborn'), recomputed: el.hasClass('recomputed'),
    parentPath: box.nonempty() ? box.data('path') : null,
  };
}

/**
 * ELK's bend points of an edge as Cytoscape segment weights and distances, measured from the
 * source's centre towards the target's (edge-distances: node-position), or null: a straight edge.
 */
export function segments(points, s, t) {
  if (!points?.length || !s || !t) return null;
  const dx = t.x - s.x;
  const dy = t.y - s.y;
  const len2 = dx * dx + dy * dy;
  if (len2 < 1) return null;
  const len = Math.sqrt(len2);
  return {
    segw: points.map((p) => ((p.x - s.x) * dx + (p.y - s.y) * dy) / len2),
    segd: points.map((p) => ((p.y - s.y) * dx - (p.x - s.x) * dy) / len), // Cytoscape: + is to the left
  };
}
