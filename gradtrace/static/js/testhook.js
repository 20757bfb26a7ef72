// testhook.js: window.gradtrace, what a browser test needs to assert what a person sees.
//
// The graph is drawn on a canvas, so there is no DOM per node to ask; this hook gives the
// drawn geometry instead, in CSS pixels of the page (static/README.md documents the shape):
//   view()  -> {viewport, nodes: [{id, type, box, font_px}], labels: [{edge, text, full, box}],
//               active: [element ids], step, steps}
//   ready() -> a promise resolved once the graph is drawn and any camera move has finished.
// It reads only; nothing on the page depends on it.

/** The part of `rect` inside the window. */
function clip(rect) {
  return {
    x1: Math.max(0, rect.left), y1: Math.max(0, rect.top),
    x2: Math.min(window.innerWidth, rect.right), y2: Math.min(window.innerHeight, rect.bottom),
  };
}

const shift = (b, dx, dy) => ({ x1: b.x1 + dx, y1: b.y1 + dy, x2: b.x2 + dx, y2: b.y2 + dy });

/** Install window.gradtrace for `renderer` drawing into `canvas` of `region` (the Graph region). */
export function installTestHook({ renderer, canvas, region, timeline }) {
  const idle = () => Number(region.dataset.draws ?? 0) > 0
    && region.getAttribute('aria-busy') === 'false' && !renderer.moving;
  const view = () => {
    const rect = canvas.getBoundingClientRect();
    const drawn = renderer.view();
    return {
      // nothing floats over the canvas (the toolbar and legend are rows of their own), so
      // the visible graph area is the canvas, as far as it lies inside the window
      viewport: clip(rect),
      nodes: drawn.nodes.map((n) => ({ ...n, box: shift(n.box, rect.left, rect.top) })),
      labels: drawn.labels.map((l) => ({ ...l, box: shift(l.box, rect.left, rect.top) })),
      active: drawn.active,
      step: timeline.step,
      steps: timeline.total,
    };
  };
  const ready = () => new Promise((resolve) => {
    let calm = 0;
    const check = () => { // two idle frames in a row: the last move has been painted
      calm = idle() ? calm + 1 : 0;
      if (calm >= 2) resolve(true);
      else requestAnimationFrame(check);
    };
    requestAnimationFrame(check);
  });
  window.gradtrace = Object.freeze({ view, ready });
}
