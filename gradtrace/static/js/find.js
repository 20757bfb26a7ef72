// find.js: the graph's Find box. Typing marks every node that matches (search.js), inside
// closed module boxes too (the box is marked), and counts them; Enter or "Next match" goes
// to the next one and Shift+Enter or "Previous match" back, opening the boxes around it
// and selecting it so the inspector shows it; Escape clears the query. "/" anywhere but in
// a text field (the editor included) puts the cursor in the box.
import { shape } from './format.js';
import { boxLabel } from './groups.js';
import { findNodes } from './search.js';

/** What a screen reader hears about a match: "op AddmmBackward0 (5, 48) in layers.1.self_attn". */
function spoken(model, id) {
  const n = model.nodes.get(id);
  const box = model.box.get(id);
  const what = [n.kind, n.op === 'AccumulateGrad' ? null : n.op, n.label, shape(n.shape)].filter(Boolean).join(' ');
  return box ? `${what} in ${boxLabel(box)}` : what;
}

export class FindBox {
  constructor(root, bus) {
    this.bus = bus;
    this.input = root.querySelector('[data-role="query"]');
    this.count = root.querySelector('[data-role="count"]');
    this.said = root.querySelector('[data-role="said"]'); // the count, and what a match is
    this.buttons = [root.querySelector('[data-role="prev"]'), root.querySelector('[data-role="next"]')];
    this.model = null;
    this.matches = [];
    this.at = -1;
    this.input.addEventListener('input', () => this.update());
    this.input.addEventListener('keydown', (e) => this.onKey(e));
    this.buttons[0].addEventListener('click', () => this.go(-1));
    this.buttons[1].addEventListener('click', () => this.go(1));
    document.addEventListener('keydown', (e) => {
      const typing = e.target.closest?.('input, textarea, select, [contenteditable="true"]');
      if (e.key !== '/' || typing || e.ctrlKey || e.metaKey || e.altKey) return;
      e.preventDefault();
      this.input.focus();
      this.input.select();
    });
    this.update();
  }

  /** A new trace: the query stays, its matches are those of the new graph. */
  setModel(model) {
    this.model = model;
    this.update();
  }

  onKey(e) {
    if (e.key === 'Enter') {
      e.preventDefault();
      this.go(e.shiftKey ? -1 : 1);
    } else if (e.key === 'Escape' && this.input.value) {
      e.preventDefault(); // a search input clears itself on Escape, but fires no 'input'
      this.input.value = '';
      this.update();
    }
  }

  update() {
    this.matches = this.model ? findNodes(this.model, this.input.value) : [];
    this.at = -1;
    this.show();
    this.bus.emit('find:matches', { ids: this.matches });
  }

  /** Go `delta` matches on (wrapping around); the first Enter goes to the first match. */
  go(delta) {
    const n = this.matches.length;
    if (!n) return;
    if (this.at < 0) this.at = delta > 0 ? 0 : n - 1;
    else this.at = (this.at + delta + n) % n;
    this.show();
    this.bus.emit('node:reveal', { nodeId: this.matches[this.at] });
  }

  show() {
    const n = this.matches.length;
    let text = '';
    if (this.input.value.trim()) {
      if (!n) text = 'no match';
      else if (this.at < 0) text = n === 1 ? '1 match' : `${n} matches`;
      else text = `${this.at + 1} of ${n}`;
    }
    this.count.textContent = text;
    this.said.textContent = this.at < 0 ? text : `${text}: ${spoken(this.model, this.matches[this.at])}`;
    for (const button of this.buttons) button.disabled = n === 0;
  }
}
