// renderer.js: the only module that touches the drawing (Cytoscape.js).
//
// It draws the model's visible graph at positions computed by the layout worker (preset
// layout: Cytoscape never lays out itself), restyles elements for a timeline step by
// diffing classes and labels (only what changed is touched, so playing stays at frame
// rate on large graphs), and turns pointer input into bus events.
import cytoscape from 'cytoscape';
import { graphStyle } from './graphstyle.js';
import { boxLook, edgeLook, nodeLook, touched } from './stepstyle.js';
import { buildSvg } from './svgwriter.js';

/** Below this zoom 11px labels are unreadable: big graphs open at it instead of fitted. */
const READABLE_ZOOM = 0.8;

/**
 * A drawn node or box as plain data, so that no other module needs the Cytoscape instance:
 * its data (type, path, nodeId, label, role, line), centre, whether it is `unborn` (not yet on
 * screen at this step) or `recomputed`, and the path of the box around it (null: none).
 */
function plain(el) {
  const d = el.data();
  const box = el.parent();
  return {
    id: el.id(), type: d.type, path: d.path, nodeId: d.nodeId, label: d.label, role: d.role, line: d.line,
    ...el.position(), unborn: el.hasClass('unborn'), recomputed: el.hasClass('recomputed'),
    parentPath: box.nonempty() ? box.data('path') : null,
  };
}

export class Renderer {
  constructor(container, bus) {
    this.bus = bus;
    this.container = container;
    this.cy = cytoscape({
      container, style: graphStyle(), minZoom: 0.02, maxZoom: 4,
      boxSelectionEnabled: false, autoungrabify: true,
    });
    this.applied = new Map();
    this.index();
    this.bindInput();
    new ResizeObserver(() => this.cy.resize()).observe(container);
    matchMedia('(prefers-color-scheme: dark)').addEventListener('change', () => {
      this.cy.style(graphStyle());
    });
  }

  bindInput() {
    const cy = this.cy;
    cy.on('tap', 'node', (evt) => {
      const d = evt.target.data();
      if (d.type === 'collapsed') this.bus.emit('group:toggle', { path: d.path });
      else if (d.type === 'group') this.bus.emit('node:selected', { nodeId: null, groupPath: d.path });
      else this.bus.emit('node:selected', { nodeId: d.nodeId, groupPath: null });
    });
    cy.on('dbltap', 'node[type = "group"]', (evt) => {
      this.bus.emit('group:toggle', { path: evt.target.data('path') });
    });
    cy.on('tap', (evt) => {
      if (evt.target === cy) this.bus.emit('node:selected', { nodeId: null, groupPath: null });
    });
    cy.on('mouseover', 'node[type = "node"]', (evt) => {
      const n = evt.target.data('line');
      this.bus.emit('node:hovered', { line: n ?? null, nodeId: evt.target.data('nodeId') ?? null });
    });
    cy.on('mouseout', 'node', () => this.bus.emit('node:hovered', { line: null }));
    // Leaving the canvas straight from a node fires no Cytoscape mouseout.
    this.container.addEventListener('mouseleave', () => this.bus.emit('node:hovered', { line: null }));
  }

  /**
   * Replace the drawing with `graph` (model.visibleGraph()) at `positions`. With `focus`
   * (the element id of a box just opened or closed) the view centres on it instead of
   * starting over, so expanding a module keeps the reader's place.
   */
  draw(graph, positions, lineOf, focus = null) {
    const cy = this.cy;
    const els = graph.nodes.map((n) => ({
      group: 'nodes',
      data: {
        id: n.id, parent: n.parent ?? undefined, type: n.type, role: n.role ?? n.type,
        label: n.lines.join('\n'), w: n.w, h: n.h, path: n.path, nodeId: n.nodeId,
        line: n.nodeId != null ? lineOf(n.nodeId) : null,
      },
      position: positions[n.id] ? { ...positions[n.id] } : undefined,
      classes: [n.role ?? n.type, n.marks ?? ''].join(' ').trim(), // marks: recomputed, dual
    }));
    for (const e of graph.edges) {
      els.push({ group: 'edges', data: { ...e, glabel: '' }, classes: [e.saved ? 'saved' : '', e.shared ? 'shared' : ''].join(' ').trim() });
    }
    cy.batch(() => {
      cy.elements().remove();
      cy.add(els);
    });
    this.applied = new Map();
    this.index();
    const target = focus ? cy.getElementById(focus) : null;
    if (target && target.nonempty()) this.focusOn(target);
    else this.overview();
  }

  /**
   * Fit when that stays readable; else readable zoom at the top of the graph (inputs),
   * centred if it is narrow enough, else from its left edge (centred, it was cut on both).
   */
  overview() {
    const cy = this.cy;
    this.fit();
    if (cy.zoom() >= READABLE_ZOOM) return;
    const bb = cy.elements().boundingBox();
    const narrow = READABLE_ZOOM * bb.w <= cy.width() - 48;
    cy.zoom(READABLE_ZOOM);
    cy.pan({
      x: narrow ? cy.width() / 2 - READABLE_ZOOM * (bb.x1 + bb.x2) / 2 : 24 - READABLE_ZOOM * bb.x1,
      y: 56 - READABLE_ZOOM * bb.y1,
    });
  }

  /** Centre `el`, zoomed so it fits when it can, never below the readable zoom. */
  focusOn(el) {
    const cy = this.cy;
    const bb = el.boundingBox();
    const fitZoom = Math.min((cy.width() - 48) / bb.w, (cy.height() - 48) / bb.h);
    cy.zoom(Math.max(READABLE_ZOOM, Math.min(1.1, fitZoom, Math.max(cy.zoom(), READABLE_ZOOM))));
    cy.center(el);
  }

  /** Index the drawn elements by trace node / edge id, so a step touches only its own. */
  index() {
    this.nodeEls = new Map();
    this.edgeEls = new Map();
    this.cy.nodes('[type = "node"], [type = "saved"]').forEach((el) => {
      const id = el.data('nodeId');
      if (!this.nodeEls.has(id)) this.nodeEls.set(id, []);
      this.nodeEls.get(id).push(el);
    });
    this.cy.edges('[edgeId >= 0]').forEach((el) => this.edgeEls.set(el.data('edgeId'), el));
    this.boxEls = this.cy.nodes('[type = "collapsed"]');
    this.shownState = null;
  }

  /** Restyle for a timeline state, recomputing only the elements the step can have changed. */
  applyState(model, st) {
    const dirty = model === this.shownModel ? touched(model, this.shownState, st) : null;
    this.shownState = st;
    this.shownModel = model;
    const want = new Map();
    const nodeIds = dirty ? dirty.nodes : this.nodeEls.keys();
    for (const id of nodeIds) {
      for (const el of this.nodeEls.get(id) ?? []) want.set(el.id(), nodeLook(id, el.data('type') === 'node', model, st));
    }
    const boxes = dirty
      ? [...dirty.nodes].map((id) => model.repOf(id)).filter((r) => r.startsWith('g:'))
      : this.boxEls.map((el) => el.id());
    for (const box of boxes) want.set(box, boxLook(box, model, st));
    for (const eid of dirty ? dirty.edges : this.edgeEls.keys()) {
      const el = this.edgeEls.get(eid);
      if (el) want.set(el.id(), edgeLook(eid, st));
    }
    this.patch(want);
  }

  /** Apply only the differences between `want` and what is already on screen. */
  patch(want) {
    const cy = this.cy;
    cy.batch(() => {
      for (const [id, w] of want) {
        const prev = this.applied.get(id);
        if (prev && prev.cls === w.cls && prev.label === w.label) continue;
        const el = cy.getElementById(id);
        if (!prev || prev.cls !== w.cls) {
          el.removeClass('unborn future visited active grad grad-old');
          if (w.cls.trim()) el.addClass(w.cls.trim());
        }
        if (w.label !== null && (!prev || prev.label !== w.label)) el.data('glabel', w.label);
        this.applied.set(id, w);
      }
    });
  }

  /**
   * Mark the elements standing for trace nodes `ids` with class `cls`: `highlight` for a
   * clicked editor line, `found` for the Find box's matches (a closed box holding one).
   */
  highlight(ids, model, cls = 'highlight') {
    const cy = this.cy;
    const targets = new Set(ids.map((id) => model.repOf(id)));
    cy.batch(() => {
      cy.nodes(`.${cls}`).removeClass(cls);
      for (const t of targets) cy.getElementById(t).addClass(cls);
    });
  }

  /** Show `id` as the selected element and bring it into view when it is off screen. */
  select(elementId) {
    const cy = this.cy;
    cy.nodes(':selected').unselect();
    if (!elementId) return;
    const el = cy.getElementById(elementId);
    if (el.empty()) return;
    el.select();
    const bb = el.renderedBoundingBox();
    if (bb.x2 < 0 || bb.y2 < 0 || bb.x1 > cy.width() || bb.y1 > cy.height()) cy.center(el);
  }

  /** Fit the graph in view, but never blow a small graph up past 110%. */
  fit() {
    const cy = this.cy;
    cy.fit(undefined, 24);
    if (cy.zoom() > 1.1) {
      cy.zoom(1.1);
      cy.center();
    }
  }

  zoomBy(factor) {
    const cy = this.cy;
    cy.zoom({ level: cy.zoom() * factor, renderedPosition: { x: cy.width() / 2, y: cy.height() / 2 } });
  }

  /** PNG of the whole graph as a Blob. */
  png() {
    const bg = getComputedStyle(document.body).getPropertyValue('--bg').trim() || '#ffffff';
    return this.cy.png({ output: 'blob', full: true, scale: 2, bg });
  }

  /** SVG text of the whole graph, built from the drawn elements. */
  svg() {
    return buildSvg(this.cy);
  }

  /** The Fit, Zoom in and Zoom out buttons. */
  bindViewButtons(fit, zoomIn, zoomOut) {
    fit.addEventListener('click', () => this.fit());
    zoomIn.addEventListener('click', () => this.zoomBy(1.25));
    zoomOut.addEventListener('click', () => this.zoomBy(0.8));
  }

  /** Drawn element `id` (a node, saved tensor or box) as plain data, or null when not drawn. */
  element(id) {
    const el = id ? this.cy.getElementById(id) : null;
    return el && el.nonempty() ? plain(el) : null;
  }

  /** Every drawn node, saved tensor and box as plain data (the keyboard moves among them). */
  elements() {
    return this.cy.nodes().map(plain);
  }

  get visibleCount() {
    return this.cy.nodes().length;
  }
}
