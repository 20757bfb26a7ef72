// problems.js: the Problems panel: the trace's `diagnostics` (gradtrace/tracing/diagnostics),
// grouped by kind, each a button that selects the node it is about and moves the timeline to
// the step that shows it.
//
// A group is a <details> with the kind and its count in the summary, so the dozens of
// vanishing-gradient findings of a deep model are one line until opened. Where a finding
// points: its `node`; for a module's finding (vanishing/exploding) the first of its
// parameters the call reached (`grad_flow`); for the in-place error, only its line. The step:
// the node's forward event for a NaN in a value, its visit in the finding's backward call for
// a gradient, else its first visit by backward, else its forward event. A panel: setModel,
// render(state).
import { kindOf } from './kinds/index.js';
import { placeText } from './naming.js';
import { h } from './tensorview.js';

/** Kinds in the order gradtrace.tracing.diagnostics.KINDS lists them, with their titles. */
export const TITLES = {
  grad_none: 'Gradient is None',
  unused_parameter: 'Unused parameter',
  non_finite: 'NaN or infinity',
  inplace: 'Changed in place',
  vanishing_gradient: 'Vanishing gradient',
  exploding_gradient: 'Exploding gradient',
};

/** Groups holding more findings than this open closed. */
const OPEN_UP_TO = 3;

export class ProblemsPanel {
  /** `go(step)` moves the timeline (main.js passes the timeline's). */
  constructor(root, bus, go) {
    this.name = 'Problems';
    this.root = root;
    this.bus = bus;
    this.go = go;
    this.list = root.querySelector('[data-role="list"]');
    this.count = root.querySelector('[data-role="count"]');
    this.model = null;
  }

  setModel(model) {
    this.model = model;
    const found = model?.trace?.diagnostics;
    this.root.hidden = found == null; // a trace made before diagnostics existed
    this.count.textContent = found?.length ? `(${found.length})` : '';
    if (found == null) {
      this.list.replaceChildren();
      return;
    }
    if (!found.length) {
      this.list.replaceChildren(h('p', { class: 'muted' }, 'No problems found.'));
      return;
    }
    const groups = new Map();
    for (const d of found) {
      if (!groups.has(d.kind)) groups.set(d.kind, []);
      groups.get(d.kind).push(d);
    }
    const order = Object.keys(TITLES);
    const kinds = [...groups.keys()].sort((a, b) => rank(order, a) - rank(order, b));
    this.list.replaceChildren(...kinds.map((kind) => this.group(kind, groups.get(kind))));
  }

  /** Mark the findings about the node the current step is about. */
  render(state) {
    const node = state.current?.node;
    for (const btn of this.list.querySelectorAll('button.problem')) {
      if (btn.dataset.node === String(node)) btn.setAttribute('aria-current', 'step');
      else btn.removeAttribute('aria-current');
    }
  }

  group(kind, items) {
    const title = TITLES[kind] ?? kind;
    const details = h('details', { class: 'problem-group', 'data-kind': kind },
      h('summary', {}, `${title} (${items.length})`));
    details.open = items.length <= OPEN_UP_TO;
    const list = h('ul', { 'aria-label': title });
    for (const d of items) {
      const where = d.line != null ? placeText(this.model, d.line, d.file) : null;
      const btn = h('button', { type: 'button', class: 'problem' },
        ...(where ? [h('span', { class: 'problem-where' }, where), ' '] : []),
        h('span', { class: 'problem-message' }, d.message));
      const node = nodeOf(this.model, d);
      if (node != null) btn.dataset.node = String(node);
      btn.addEventListener('click', () => this.choose(d));
      list.append(h('li', {}, btn));
    }
    details.append(list);
    return details;
  }

  /** Show a finding: its step, then its node selected (boxes around it opened). */
  choose(d) {
    const node = nodeOf(this.model, d);
    const step = node == null ? null : stepOf(this.model, d, node);
    if (step != null) this.go(step);
    if (node != null && this.model.nodes.has(node)) this.bus.emit('node:reveal', { nodeId: node });
    else if (d.line != null && !d.file) this.bus.emit('line:selected', { line: d.line });
  }
}

function rank(order, kind) {
  const i = order.indexOf(kind);
  return i < 0 ? order.length : i;
}

/** The node a finding is about: its own, else its module's first parameter in its call. */
export function nodeOf(model, d) {
  if (d.node != null) return d.node;
  if (d.module == null) return null;
  const flows = (model.trace.grad_flow ?? []).filter((c) => d.call == null || c.call === d.call);
  for (const c of flows) {
    const m = c.modules.find((x) => x.module === d.module);
    if (m?.parameters?.length) return m.parameters[0].node;
  }
  return null;
}

/** The timeline step that shows a finding on `node` (events[i] is shown at step i + 1). */
export function stepOf(model, d, node) {
  const events = model.events;
  const first = (test) => {
    const i = events.findIndex((ev) => ev.node === node && test(ev, kindOf(ev)));
    return i < 0 ? null : i + 1;
  };
  const forward = () => first((ev, k) => k.drawsNode);
  if (d.phase === 'forward') return forward();
  return (d.call != null ? first((ev, k) => k.visitsNode && ev.call === d.call) : null)
    ?? first((ev, k) => k.visitsNode) ?? forward();
}
