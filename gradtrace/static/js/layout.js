// layout.js: main-thread client of layout.worker.js.
//
// One long-lived worker (elkjs takes a while to parse, so it is started at page load);
// each request gets an id, and an answer to a request that has since been superseded is
// dropped, so a quick second Run never draws a stale layout. A small graph without module
// boxes is laid out at once on the main thread instead (quicklayout.js): no worker round-trip.
import { quickFits, quickLayout } from './quicklayout.js';

export class LayoutClient {
  constructor(workerUrl, onProgress) {
    this.worker = new Worker(workerUrl);
    this.onProgress = onProgress;
    this.seq = 0;
    this.pending = new Map();
    this.worker.onmessage = (msg) => this.receive(msg.data);
    this.worker.onerror = (err) => {
      for (const p of this.pending.values()) p.reject(new Error(err.message || 'layout worker failed'));
      this.pending.clear();
    };
  }

  receive(m) {
    const p = this.pending.get(m.id);
    if (!p) return;
    if (m.type === 'progress') {
      if (m.id === this.seq) this.onProgress(m.phase, m.fraction);
      return;
    }
    this.pending.delete(m.id);
    if (m.type === 'done') p.resolve({ positions: m.positions, bends: m.bends ?? {}, ms: m.ms, stale: m.id !== this.seq });
    else p.reject(new Error(m.message));
  }

  /**
   * quickLayout's answer, or null when it threw: the caller then sends the graph to the
   * worker like any other, so a bug in the quick path costs time, never the drawing (an
   * exception escaping `layout()` would leave the page busy with no "Layout failed").
   */
  quick(graph) {
    try {
      return quickLayout(graph);
    } catch (err) {
      console.warn(`quick layout failed, using the worker: ${err.message}`);
      return null;
    }
  }

  /** Lay out `graph` (plain {nodes, edges}); resolves {positions, bends, ms, stale}. */
  layout(graph, options = undefined) {
    this.seq += 1; // also makes any answer still on its way from the worker stale
    const id = this.seq;
    if (options === undefined && quickFits(graph)) {
      const quick = this.quick(graph);
      if (quick) return Promise.resolve({ ...quick, stale: false });
    }
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ id, graph, options });
    });
  }
}
