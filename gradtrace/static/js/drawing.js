// drawing.js: a model's visible graph from layout to the picture on screen, and the list panels
// that wait for that picture (main.js asks; this module owns the order of the steps).
//
// Ask the layout (quicklayout.js at once, or the worker), draw what comes back unless a newer
// run or re-layout has superseded it, wait for Cytoscape's paint (paint.js), then hand the
// list panels (Gradients, Problems, Gradient flow) the model, and count the draw. A layout that
// fails still hands them the model, so no panel keeps the previous trace's rows.

/**
 * What main.js holds now: the current model, the run counter, the timeline's state, Find's matches.
 * @typedef {{model: object|null, seq: number, state: object|null, found: number[]}} Now
 */

export class Drawing {
  /**
   * `layout` a LayoutClient, `renderer` the Renderer, `region` the Graph region (its data-*
   * attributes are the page's contract with the tests), `lists` the list panels, `setBusy(b)`
   * the page's busy state, `now()` what main.js holds at this moment (a Now).
   */
  constructor({ layout, renderer, region, bus, lists, setBusy, now }) {
    Object.assign(this, { layout, renderer, region, bus, lists, setBusy, now });
    /** the model the drawing on screen belongs to */
    this.drawn = null;
    /** the model the list panels show (they get a new trace only once its graph is painted) */
    this.listsModel = null;
  }

  /** Send `model`'s visible graph to the layout; {graph, result: promise of the layout, model}. */
  start(model) {
    const graph = model.visibleGraph();
    performance.mark('gt.visible');
    this.setBusy(true);
    this.bus.emit('layout:started', { visible: graph.nodes.length });
    let result;
    try {
      result = this.layout.layout(graph);
    } catch (err) { // e.g. a graph the worker cannot be sent: reported like a worker failure
      result = Promise.reject(err);
    }
    result.catch(() => {}); // handled when awaited in draw()
    return { graph, result, model };
  }

  /** Whether the list panels show `model` (step:changed renders them only then). */
  listsShow(model) {
    return this.listsModel === model;
  }

  /**
   * Draw a layout once it arrives; `data-draw-ms` is set when Cytoscape has painted the final
   * picture (renderer.painted), not when the elements were merely handed to it. `seq` is the
   * run the layout belongs to; a newer run drops it, a failed one is reported (run:failed).
   */
  async draw({ graph, result: pending, model: shown }, t0, seq, focus = null) {
    let result;
    try {
      result = await pending;
    } catch (err) {
      const now = this.now();
      if (seq !== now.seq || shown !== now.model) return; // superseded: its failure is no news
      this.handLists(shown, now.state);
      this.bus.emit('run:failed', { message: `Layout failed: ${err.message}` });
      return;
    }
    if (result.stale || !this.current(seq, shown)) return;
    performance.mark('gt.layout', { detail: result.ms });
    this.put(graph, result, shown, focus);
    const how = await this.renderer.painted();
    performance.mark('gt.painted');
    if (!this.current(seq, shown)) return;
    const ms = Math.round(performance.now() - t0);
    this.handLists(shown, this.now().state);
    this.region.dataset.painted = how;
    this.region.dataset.drawMs = String(ms);
    this.region.dataset.draws = String(Number(this.region.dataset.draws ?? 0) + 1);
    this.bus.emit('graph:drawn', { nodes: shown.nodes.size, visible: this.renderer.visibleCount, ms });
  }

  /** Whether run `seq`'s `shown` model is still the page's. */
  current(seq, shown) {
    const now = this.now();
    return seq === now.seq && shown === now.model;
  }

  /** Hand the elements to the renderer in the timeline's current look; no longer busy. */
  put(graph, result, model, focus) {
    const { state, found } = this.now();
    const renderer = this.renderer;
    renderer.draw(graph, result.positions, (id) => model.nodes.get(id)?.line ?? null, focus, result.bends, model, state);
    this.drawn = model;
    performance.mark('gt.draw');
    if (state) renderer.applyState(model, state);
    renderer.highlight(found, model, 'found');
    this.region.dataset.nodeCount = String(model.nodes.size);
    this.region.dataset.visibleCount = String(renderer.visibleCount);
    this.setBusy(false); // before the paint: the canvas is dimmed while busy
  }

  /** The list panels get `model` (once per model) and show `state`. */
  handLists(model, state) {
    if (this.listsModel === model) return;
    this.listsModel = model;
    for (const panel of this.lists) panel.setModel(model);
    for (const panel of this.lists) if (state) panel.render(state);
  }
}
