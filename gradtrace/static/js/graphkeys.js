// graphkeys.js: the graph from the keyboard. The canvas holds no DOM per node, so the
// canvas container is one focusable widget: arrow keys move a cursor to the nearest drawn
// element in that direction, Home/End jump to the first/last, Enter or Space opens or
// closes a module box, Backspace closes the box around the cursor. Every move selects
// the element (so the inspector and editor follow) and is announced in a live region
// ("op MulBackward0 · z · (2, 2), line 4").

import { boxLabel } from './groups.js';

const KEYS = { ArrowUp: [0, -1], ArrowDown: [0, 1], ArrowLeft: [-1, 0], ArrowRight: [1, 0] };

/** Spoken description of a drawn element. */
export function describe(el) {
  const d = el.data();
  const text = String(d.label ?? '').replace(/\n/g, ' · ');
  if (d.type === 'collapsed' || d.type === 'group') { // its full path, not the title "▸ linear1"
    const [title, ...rest] = text.split(' · ');
    const name = [boxLabel(d.path) + (title.match(/ of \d+$/)?.[0] ?? ''), ...rest].join(' · ');
    return d.type === 'collapsed' ? `closed module ${name}. Enter opens it.` : `open module ${name}. Enter closes it.`;
  }
  const line = d.line != null ? `, line ${d.line}` : '';
  const again = el.hasClass('recomputed') ? ', recomputed in backward (checkpoint)' : '';
  return `${d.role === 'root' ? 'output' : d.role} ${text.replace('ṫ ', 'tangent ')}${line}${again}`;
}

/** The element nearest to `from` in direction [dx, dy] (along-axis distance + 2x off-axis). */
function nearest(cy, from, [dx, dy]) {
  const p = from.position();
  let best = null;
  let bestScore = Infinity;
  cy.nodes().forEach((el) => {
    if (el === from || el.hasClass('unborn')) return;
    const q = el.position();
    const along = (q.x - p.x) * dx + (q.y - p.y) * dy;
    if (along <= 1) return;
    const score = along + 2 * Math.abs((q.x - p.x) * dy + (q.y - p.y) * dx);
    if (score < bestScore) {
      best = el;
      bestScore = score;
    }
  });
  return best;
}

export class GraphKeys {
  constructor(container, renderer, bus, announcer) {
    this.renderer = renderer;
    this.bus = bus;
    this.announcer = announcer;
    this.cursor = null;
    container.tabIndex = 0;
    container.addEventListener('keydown', (e) => this.onKey(e));
    container.addEventListener('focus', () => {
      if (!this.current()) this.move(this.first());
      else this.announce(this.current());
    });
  }

  /** Keep the cursor on `elementId` (a box just toggled, a node clicked). */
  follow(elementId) {
    this.cursor = elementId;
  }

  current() {
    const el = this.cursor ? this.renderer.cy.getElementById(this.cursor) : null;
    return el && el.nonempty() ? el : null;
  }

  /** Top-most, then left-most drawn element. */
  first(last = false) {
    const els = this.renderer.cy.nodes().filter((el) => !el.hasClass('unborn')).toArray();
    els.sort((a, b) => a.position().y - b.position().y || a.position().x - b.position().x);
    return (last ? els[els.length - 1] : els[0]) ?? null;
  }

  onKey(e) {
    const cur = this.current();
    let handled = true;
    if (KEYS[e.key]) this.move(cur ? nearest(this.renderer.cy, cur, KEYS[e.key]) : this.first());
    else if (e.key === 'Home') this.move(this.first());
    else if (e.key === 'End') this.move(this.first(true));
    else if ((e.key === 'Enter' || e.key === ' ') && cur && ['collapsed', 'group'].includes(cur.data('type'))) {
      this.bus.emit('group:toggle', { path: cur.data('path') });
    } else if (e.key === 'Backspace' && cur?.parent().nonempty()) {
      this.bus.emit('group:toggle', { path: cur.parent().data('path') });
    } else handled = false;
    if (handled) e.preventDefault();
  }

  move(el) {
    if (!el) return;
    this.cursor = el.id();
    const d = el.data();
    if (d.type === 'node' || d.type === 'saved') this.bus.emit('node:selected', { nodeId: d.nodeId, groupPath: null });
    else this.bus.emit('node:selected', { nodeId: null, groupPath: d.path });
    this.announce(el);
  }

  announce(el) {
    this.announcer.textContent = describe(el);
  }
}
