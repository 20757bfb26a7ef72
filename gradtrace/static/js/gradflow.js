// gradflow.js: the gradient-flow chart: per backward call, each module's gradient norm as a
// bar on a log scale (the trace's `grad_flow`, gradtrace/tracing/diagnostics/flow.py), the
// modules a vanishing_gradient / exploding_gradient diagnostic names marked.
//
// The chart is a table (module, gradient norm, bar, flag), so a screen reader reads the
// numbers and the flag in words; the bar itself is decoration (aria-hidden), the weights'
// norm is in each row's tooltip. Plain DOM and CSS, nothing fetched, so the exported viewer
// draws it offline. Modules come in the order the call reached them (output side first), as
// the trace lists them. A panel.
import { num } from './format.js';
import { callName } from './naming.js';
import { h } from './tensorview.js';

/** Calls drawn at most (a training loop's hundred backward calls would bury the panel). */
export const MAX_CALLS = 20;

const FLAGS = { vanishing_gradient: 'vanishing', exploding_gradient: 'exploding' };

export class GradFlowPanel {
  constructor(root) {
    this.name = 'Gradient flow';
    this.root = root;
    this.body = root.querySelector('[data-role="body"]');
  }

  setModel(model) {
    const calls = (model?.trace?.grad_flow ?? []).filter((c) => c.modules?.length);
    this.root.hidden = !calls.length;
    if (!calls.length) {
      this.body.replaceChildren();
      return;
    }
    const flags = flagsOf(model.trace.diagnostics ?? []);
    const charts = calls.slice(0, MAX_CALLS).map((c, i) => chart(model, c, flags, i === 0));
    if (calls.length > MAX_CALLS) {
      charts.push(h('p', { class: 'muted' }, `${calls.length - MAX_CALLS} later calls not charted.`));
    }
    this.body.replaceChildren(...charts);
  }

  render() {}
}

/** `call:module` -> 'vanishing' | 'exploding', from the trace's diagnostics. */
function flagsOf(diagnostics) {
  const flags = new Map();
  for (const d of diagnostics) {
    if (FLAGS[d.kind] && d.module != null) flags.set(`${d.call}:${d.module}`, FLAGS[d.kind]);
  }
  return flags;
}

/**
 * Bar widths (percent) for norms on a log scale over whole decades, and the scale's ends as
 * powers of ten `{widths, lo, hi}`; 0 and NaN get no bar.
 */
export function logScale(norms) {
  const positive = norms.filter((x) => x != null && Number.isFinite(x) && x > 0);
  if (!positive.length) return { widths: norms.map(() => 0), lo: null, hi: null };
  const lo = Math.floor(Math.log10(Math.min(...positive)));
  const hi = Math.max(lo + 1, Math.ceil(Math.log10(Math.max(...positive))));
  const widths = norms.map((x) => {
    if (x == null || !Number.isFinite(x) || x <= 0) return 0;
    return 4 + (96 * (Math.log10(x) - lo)) / (hi - lo);
  });
  return { widths, lo, hi };
}

/** The bar column's heading: the scale's ends, `1e-11 … 10`. */
function scaleHead({ lo, hi }) {
  if (lo === null) return h('th', { scope: 'col', 'aria-label': 'bar' }, '');
  const [a, b] = [decade(lo), decade(hi)];
  return h('th', { scope: 'col', class: 'gradflow-scale', 'aria-label': `bar, log scale from ${a} to ${b}` },
    `${a} … ${b}`);
}

function chart(model, c, flags, open) {
  const call = model.calls[c.call];
  const title = `${callName(call, c.call)}${c.line != null ? ` (line ${c.line})` : ''}`;
  const scale = logScale(c.modules.map((m) => m.grad_norm));
  const { widths } = scale;
  const table = h('table', { class: 'gradflow-table' },
    h('caption', {}, 'Gradient norm per module, log scale'),
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'module'),
      h('th', { scope: 'col', 'aria-label': 'gradient norm' }, '‖grad‖'), scaleHead(scale),
      h('th', { scope: 'col', 'aria-label': 'flag' }, ''))));
  const body = h('tbody');
  c.modules.forEach((m, i) => {
    const flag = flags.get(`${c.call}:${m.module}`) ?? '';
    const bar = h('div', { class: 'gradflow-bar', 'aria-hidden': 'true' });
    bar.style.width = `${widths[i].toFixed(1)}%`;
    body.append(h('tr', { class: flag ? `flag-${flag}` : '', 'data-module': m.module,
      title: `${m.module}: gradient norm ${normText(m.grad_norm)}, weights' norm ${normText(m.param_norm)}` },
    h('th', { scope: 'row' }, m.module),
    h('td', { class: 'gradflow-norm' }, normText(m.grad_norm)),
    h('td', { class: 'gradflow-track' }, bar),
    h('td', { class: 'gradflow-flag' }, flag)));
  });
  table.append(body);
  const details = h('details', { class: 'gradflow-call', 'data-call': String(c.call) },
    h('summary', {}, title), table);
  details.open = open;
  return details;
}

/** 10^d as a reader writes it: 0.01, 100, 1e-11. */
function decade(d) {
  return d >= -3 && d <= 4 ? String(10 ** d) : `1e${d}`;
}

function normText(x) {
  return x == null ? 'NaN/inf' : num(x);
}
