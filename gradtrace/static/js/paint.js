// paint.js: when the picture Cytoscape holds is on screen (renderer.painted uses it).
//
// `data-draw-ms` is meant to be the time to the final picture, not to elements handed over, so
// the page waits for Cytoscape's next `render` and the end of that frame's task. Three cases
// need care: nothing to draw (a refused program's empty graph after an empty canvas: Cytoscape
// may render no frame at all, so the wait would be the whole fallback timer), a resize of the
// graph area right after the frame (the page's rows settling around a new trace: resizing the
// canvas clears it, and the picture is the next frame's), and a hidden page (no frames).

/** The fallback: a hidden page renders no frames, so the wait ends after this long (ms). */
export const PAINT_TIMEOUT_MS = 1000;

/** The graph area's size now: Cytoscape's canvas size after its next resize (a ResizeObserver's). */
const areaSize = (cy) => `${cy.container().clientWidth}x${cy.container().clientHeight}`;

/**
 * Resolves with how the wait ended: 'empty' at once when `cy` holds no element (nothing to
 * paint), 'frame' once a render's task has ended with the graph area still the size that frame
 * was drawn at, 'timeout' after PAINT_TIMEOUT_MS.
 */
export function painted(cy) {
  if (cy.elements().empty()) return Promise.resolve('empty');
  return new Promise((resolve) => {
    let over = false;
    const finish = (how) => {
      over = true;
      clearTimeout(timer);
      cy.removeListener('render', after);
      resolve(how);
    };
    function after() {
      const drawnAt = `${cy.width()}x${cy.height()}`; // the canvas size this frame was drawn at
      const channel = new MessageChannel(); // a task after the frame's rendering work
      channel.port1.onmessage = () => {
        if (over) return;
        if (areaSize(cy) === drawnAt) finish('frame');
        else cy.one('render', after); // resized since: the canvas was cleared, wait for its redraw
      };
      channel.port2.postMessage(null);
    }
    const timer = setTimeout(() => finish('timeout'), PAINT_TIMEOUT_MS);
    cy.one('render', after);
  });
}
