// renderer.js: the only module that touches the drawing (Cytoscape.js).
//
// It draws the model's visible graph at positions computed by the layout (ELK's worker or
// quicklayout.js; preset layout: Cytoscape never lays out itself), restyles elements for a
// timeline step by diffing classes and labels (only what changed is touched, so playing stays at frame
// rate on large graphs); pointer input becomes bus events in graphinput.js, the wait for a
// picture to be on screen is paint.js.
import cytoscape from 'cytoscape';
import { graphStyle } from './graphstyle.js';
import { boxLook, edgeLook, looksOf, nodeLook, shownText, touched } from './stepstyle.js';
import { buildSvg } from './svgwriter.js';
import { frame, reducedMotion, union } from './camera.js';
import { LabelPlacer } from './labelplace.js';
import { edgeAnchor, geometry, nodeBox, plain, segments, solidBoxes } from './rendergeom.js';
import { fitReadable, focusOn, overview } from './viewmoves.js';
import { painted } from './paint.js';
import { bindInput } from './graphinput.js';

/** A camera move lasts this long (ms) unless it must be instant (reduced motion, fast play). */
const PAN_MS = 280;

export class Renderer {
  constructor(container, bus) {
    this.bus = bus;
    this.container = container;
    this.cy = cytoscape({
      container, style: graphStyle(), minZoom: 0.02, maxZoom: 4,
      boxSelectionEnabled: false, autoungrabify: true,
    });
    this.applied = new Map();
    /** true while the camera is moving (window.gradtrace.ready() waits for it) */
    this.moving = false;
    /** element ids the current step is about (the test hook's `active`) */
    this.activeIds = [];
    this.placer = new LabelPlacer([]);
    this.index();
    bindInput(this.cy, this.container, this.bus, (el, on) => this.peek(el, on));
    new ResizeObserver(() => this.cy.resize()).observe(container);
    matchMedia('(prefers-color-scheme: dark)').addEventListener('change', () => this.restyle());
  }

  /**
   * Replace the drawing with `graph` (model.visibleGraph()) at `positions`. With `focus`
   * (the element id of a box just opened or closed) the view centres on it instead of
   * starting over, so expanding a module keeps the reader's place. With `model` and `st` (the
   * timeline's state) every element is added in its look at that step, so Cytoscape styles
   * and measures each once; only the edge labels are placed afterwards (they need the drawing).
   */
  draw(graph, positions, lineOf, focus = null, bends = {}, model = null, st = null) {
    const cy = this.cy;
    const looks = model && st ? looksOf(graph, model, st) : new Map();
    const els = graph.nodes.map((n) => {
      const look = looks.get(n.id);
      return {
        group: 'nodes',
        data: {
          id: n.id, parent: n.parent ?? undefined, type: n.type, role: n.role ?? n.type,
          label: n.lines.join('\n'), base: n.lines.join('\n'), shown: shownText(n, look), w: n.w, h: n.h, path: n.path, nodeId: n.nodeId,
          line: n.nodeId != null ? lineOf(n.nodeId) : null,
        },
        position: positions[n.id] ? { ...positions[n.id] } : undefined,
        classes: [n.role ?? n.type, n.marks ?? '', look?.cls ?? ''].join(' ').trim(), // marks: recomputed, dual
      };
    });
    for (const e of graph.edges) {
      const route = segments(bends[e.id], positions[e.source], positions[e.target]);
      els.push({
        group: 'edges', data: { ...e, glabel: '', full: '', placed: '', mx: 0, my: 0, ...route },
        classes: [e.saved ? 'saved' : '', e.shared ? 'shared' : '', route ? 'routed' : '', looks.get(e.id)?.cls ?? ''].join(' ').trim(),
      });
    }
    cy.batch(() => {
      cy.elements().remove();
      cy.add(els);
    });
    this.applied = new Map([...looks].map(([id, w]) => [id, w.edge ? { ...w, label: null } : w]));
    this.index();
    const target = focus ? cy.getElementById(focus) : null;
    if (target && target.nonempty()) focusOn(cy, target);
    else overview(cy);
    if (!looks.size) {
      this.placer = new LabelPlacer(solidBoxes(cy));
      return;
    }
    this.shownModel = model;
    this.shownState = st;
    this.patch(new Map([...looks].filter(([, w]) => w.edge)), true); // the gradient labels
  }

  /** How the wait for the current picture to be on screen ended: 'frame', 'empty' or 'timeout' (paint.js). */
  painted() {
    return painted(this.cy);
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
      if (el) want.set(el.id(), { ...edgeLook(eid, st), edge: true });
    }
    this.patch(want, !dirty);
    this.activeIds = st.current?.node != null ? [model.repOf(st.current.node)] : [];
  }

  /** Apply only the differences between `want` and what is already on screen. */
  patch(want, full = false) {
    const cy = this.cy;
    if (full) { // every label is placed again, in edge order, so the result does not depend on history
      this.placer = new LabelPlacer(solidBoxes(cy));
      for (const [id, w] of this.applied) if (w.edge) this.applied.set(id, { ...w, label: null });
    }
    cy.batch(() => {
      for (const [id, w] of want) {
        const prev = this.applied.get(id);
        if (prev && prev.cls === w.cls && prev.label === w.label) continue;
        const el = cy.getElementById(id);
        if (!prev || prev.cls !== w.cls) {
          el.removeClass('unborn future visited active grad grad-old');
          if (w.cls.trim()) el.addClass(w.cls.trim());
        }
        if (w.label !== null && (!prev || prev.label !== w.label)) {
          if (el.isEdge()) this.putLabel(el, w.label);
          else if (el.data('type') === 'node') el.data('shown', `${el.data('base')}\n${w.label || ' '}`);
          else el.data('shown', [el.data('base'), w.label].filter(Boolean).join('\n'));
        }
        this.applied.set(id, w);
      }
    });
  }

  /** Draw edge `el`'s gradient label `text` where it covers no other label or node. */
  putLabel(el, text) {
    const { mid, dir } = edgeAnchor(el);
    const at = this.placer.place(el.id(), text, mid, dir);
    el.data({ glabel: at.text, placed: at.text, full: text, mx: at.dx, my: at.dy });
  }

  /** Show edge `el`'s whole label (`on`) or its placed, maybe shortened, form again. */
  peek(el, on) {
    if (!el.data('full') || el.data('full') === el.data('placed')) return;
    el.data('glabel', on ? el.data('full') : el.data('placed'));
    if (on) el.addClass('peek');
    else el.removeClass('peek');
  }

  /**
   * Bring what step `st` is about into view: the active node (or the closed box holding
   * it) and the edges carrying its gradient. Nothing moves while they are all visible, so
   * the reader's own pan and zoom stay until a step leaves the view. `instant`: no animation.
   */
  follow(model, st, instant) {
    const cy = this.cy;
    const ev = st.current;
    if (!ev || ev.node == null) return;
    const main = cy.getElementById(model.repOf(ev.node));
    if (main.empty() || !main.visible()) return;
    const must = nodeBox(main);
    const boxes = [must];
    for (const eid of ev.edges ?? []) {
      const e = this.edgeEls.get(eid);
      if (!e || !e.visible()) continue;
      boxes.push(nodeBox(e.source()), nodeBox(e.target()));
    }
    const to = frame(union(boxes), must, { zoom: cy.zoom(), pan: cy.pan(), w: cy.width(), h: cy.height() });
    if (to) this.moveTo(to, instant || reducedMotion());
  }

  /** Move the view to {zoom, pan}, animated unless `instant`; `moving` is true meanwhile. */
  moveTo(to, instant) {
    const cy = this.cy;
    cy.stop(true, false);
    if (instant) {
      this.moving = false;
      cy.viewport(to);
      return;
    }
    this.moving = true;
    cy.animate({ zoom: to.zoom, pan: to.pan }, {
      duration: PAN_MS, easing: 'ease-in-out-sine',
      complete: () => { this.moving = false; },
    });
  }

  /** The drawing as a person sees it (rendergeom.js), plus the ids the current step is about. */
  view() {
    return { ...geometry(this.cy), active: [...this.activeIds] };
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

  /**
   * Show `id` as the selected element and bring it into view when it is off screen; the
   * edges into and out of it show their whole labels (keyboard focus reads them too).
   */
  select(elementId) {
    const cy = this.cy;
    cy.edges('.peek').forEach((e) => this.peek(e, false));
    cy.nodes(':selected').unselect();
    if (!elementId) return;
    const el = cy.getElementById(elementId);
    if (el.empty()) return;
    el.select();
    el.connectedEdges().forEach((e) => this.peek(e, true));
    const bb = el.renderedBoundingBox();
    if (bb.x2 < 0 || bb.y2 < 0 || bb.x1 > cy.width() || bb.y1 > cy.height()) cy.center(el);
  }

  /** Fit, never below a readable zoom (viewmoves.fitReadable): around the selection or the step told. */
  fit() {
    const cy = this.cy;
    cy.stop(true, false);
    this.moving = false;
    // the step being told, not once the story has ended (then the busiest readable window)
    const told = this.shownState && this.shownState.step < this.shownState.total ? this.activeIds : [];
    fitReadable(cy, cy.nodes(':selected').union(cy.collection(told.map((id) => cy.getElementById(id)))));
  }

  /** Colours again from the CSS variables (the theme changed). */
  restyle() {
    this.cy.style(graphStyle());
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
