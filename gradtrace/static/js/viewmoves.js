// viewmoves.js: where the view goes when a graph is drawn, a box opened or Fit pressed; a
// helper of the renderer (handed the Cytoscape instance, like svgwriter.js; never keeps it).
//
// One rule throughout: node labels never drop below MIN_FONT_PX (camera.js). A graph that
// does not fit at READABLE_ZOOM is shown in part, at that zoom, where it matters most.
import { MARGIN, READABLE_ZOOM, busiest, centred } from './camera.js';
import { nodeBox } from './rendergeom.js';

/** Everything in view, but a small graph never blown up past 110%. */
export function fitAll(cy) {
  cy.fit(undefined, 24);
  if (cy.zoom() > 1.1) {
    cy.zoom(1.1);
    cy.center();
  }
}

/**
 * A fresh drawing: fit when that stays readable; else readable zoom at the top of the graph
 * (inputs), centred if it is narrow enough, else from its left edge (centred, it was cut on both).
 */
export function overview(cy) {
  fitAll(cy);
  if (cy.zoom() >= READABLE_ZOOM) return;
  const bb = cy.elements().boundingBox();
  const narrow = READABLE_ZOOM * bb.w <= cy.width() - 48;
  cy.zoom(READABLE_ZOOM);
  cy.pan({
    x: narrow ? cy.width() / 2 - READABLE_ZOOM * (bb.x1 + bb.x2) / 2 : 24 - READABLE_ZOOM * bb.x1,
    y: 16 - READABLE_ZOOM * bb.y1,
  });
}

/** Centre `el` (a box just opened or closed), zoomed to fit when it can, never below readable. */
export function focusOn(cy, el) {
  const bb = el.boundingBox();
  const fitZoom = Math.min((cy.width() - 48) / bb.w, (cy.height() - 48) / bb.h);
  cy.zoom(Math.max(READABLE_ZOOM, Math.min(1.1, fitZoom, Math.max(cy.zoom(), READABLE_ZOOM))));
  cy.center(el);
}

/**
 * Fit: the whole graph when its labels stay readable (and never past 110%), else READABLE_ZOOM
 * around the region of interest: the first of `focus` (the selected element, the step being
 * told), else the readable window holding the most nodes (camera.busiest).
 */
export function fitReadable(cy, focus) {
  fitAll(cy);
  if (cy.zoom() >= READABLE_ZOOM) return;
  const [w, h] = [cy.width(), cy.height()];
  const shown = focus.filter((el) => el.visible());
  const at = shown.nonempty() ? nodeBox(shown[0])
    : busiest(cy.nodes('[type != "group"]').filter((el) => el.visible()).map(nodeBox),
      (w - 2 * MARGIN) / READABLE_ZOOM, (h - 2 * MARGIN) / READABLE_ZOOM);
  const bb = 'x1' in at ? at : { x1: at.x, x2: at.x, y1: at.y, y2: at.y };
  cy.viewport({ zoom: READABLE_ZOOM, pan: centred(bb, READABLE_ZOOM, w, h) });
}
