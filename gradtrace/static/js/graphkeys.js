// graphkeys.js: the graph from the keyboard. The canvas holds no DOM per node, so the
// canvas container is one focusable widget: arrow keys move a cursor to the nearest drawn
// element in that direction, Home/End jump to the first/last, Enter or Space opens or
// closes a module box, Backspace closes the box around the cursor. Every move selects
// the element (so the inspector and editor follow) and is announced in a live region
// ("op MulBackward0 · z · (2, 2), line 4"). It reads the drawing as plain data through the
// renderer (element, elements), which alone touches Cytoscape.

import { boxLabel } from './groups.js';

const KEYS = { ArrowUp: [0, -1], ArrowDown: [0, 1], ArrowLeft: [-1, 0], ArrowRight: [1, 0] };

/** Spoken description of a drawn element (renderer.element's plain data). */
export function describe(d) {
  const text = String(d.label ?? '').replace(/\n/g, ' · ');
  if (d.type === 'collapsed' || d.type === 'group') { // its full path, not the title "▸ linear1"
    const [title, ...rest] = text.split(' · ');
    const name = [boxLabel(d.path) + (title.match(/ of \d+$/)?.[0] ?? ''), ...rest].join(' · ');
    return d.type === 'collapsed' ? `closed module ${name}. Enter opens it.` : `open module ${name}. Enter closes it.`;
  }
  const line = d.line != null ? `, line ${d.line}` : '';
  const again = d.recomputed ? ', recomputed in backward (checkpoint)' : '';
  return `${d.role === 'root' ? 'output' : d.role} ${text.replace('ṫ ', 'tangent ')}${line}${again}`;
}

/** The element nearest to element `p` in direction [dx, dy] (along-axis distance + 2x off-axis). */
function nearest(elements, p, [dx, dy]) {
  let best = null;
  let bestScore = Infinity;
  elements.forEach((q) => {
    if (q.id === p.id || q.unborn) return;
    const along = (q.x - p.x) * dx + (q.y - p.y) * dy;
    if (along <= 1) return;
    const score = along + 2 * Math.abs((q.x - p.x) * dy + (q.y - p.y) * dx);
    if (score < bestScore) {
      best = q;
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
    return this.renderer.element(this.cursor);
  }

  /** Top-most, then left-most drawn element. */
  first(last = false) {
    const els = this.renderer.elements().filter((el) => !el.unborn);
    els.sort((a, b) => a.y - b.y || a.x - b.x);
    return (last ? els[els.length - 1] : els[0]) ?? null;
  }

  onKey(e) {
    const cur = this.current();
    let handled = true;
    if (KEYS[e.key]) this.move(cur ? nearest(this.renderer.elements(), cur, KEYS[e.key]) : this.first());
    else if (e.key === 'Home') this.move(this.first());
    else if (e.key === 'End') this.move(this.first(true));
    else if ((e.key === 'Enter' || e.key === ' ') && cur && ['collapsed', 'group'].includes(cur.type)) {
      this.bus.emit('group:toggle', { path: cur.path });
    } else if (e.key === 'Backspace' && cur?.parentPath != null) {
      this.bus.emit('group:toggle', { path: cur.parentPath });
    } else handled = false;
    if (handled) e.preventDefault();
  }

  move(el) {
    if (!el) return;
    this.cursor = el.id;
    const d = el;
    if (d.type === 'node' || d.type === 'saved') this.bus.emit('node:selected', { nodeId: d.nodeId, groupPath: null });
    else this.bus.emit('node:selected', { nodeId: null, groupPath: d.path });
    this.announce(el);
  }

  announce(el) {
    this.announcer.textContent = describe(el);
  }
}
