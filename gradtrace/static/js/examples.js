// examples.js: the gallery from /api/v1/examples, grouped by concept in a <select>.
export class Examples {
  constructor(root, explanation, bus) {
    this.bus = bus;
    this.select = root.querySelector('select');
    this.explain = explanation;
    this.items = [];
    this.current = null;
    this.select.addEventListener('change', () => {
      if (this.select.value) this.choose(this.select.value);
    });
  }

  async load(fetcher) {
    this.items = await fetcher();
    const groups = new Map();
    for (const ex of this.items) {
      const topic = ex.topic || 'Other';
      if (!groups.has(topic)) {
        const og = document.createElement('optgroup');
        og.label = topic;
        groups.set(topic, og);
      }
      const opt = document.createElement('option');
      opt.value = ex.id;
      opt.textContent = ex.title;
      opt.title = ex.explanation ?? '';
      groups.get(topic).append(opt);
    }
    this.select.append(...groups.values());
    this.bus.emit('examples:loaded', { examples: this.items });
  }

  byId(id) {
    return this.items.find((e) => e.id === id) ?? null;
  }

  /** Show the example's explanation and ask main.js to load and run it. */
  choose(id) {
    const ex = this.byId(id);
    if (!ex) return;
    this.current = ex;
    this.select.value = id;
    this.explain.textContent = ex.explanation ?? '';
    this.explain.hidden = !ex.explanation;
    this.bus.emit('example:chosen', { id });
  }
}
