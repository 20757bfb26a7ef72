// groups.js: the nn.Module boxes of a trace and which of them open collapsed. No DOM here.
//
// A node's box is its `module` path ("layers.3.linear1"), with one twist: a module whose
// forward runs several times with the same ops (an LSTMCell unrolled over 50 steps, a
// block applied in a loop) would otherwise swallow every call into one box and hide the
// unrolling. When the op sequence of a module's subtree is exactly periodic, each repeat
// gets its own box "cell.#3" (the '#' segment cannot clash with a Python attribute name).
// Parameters (leaves) stay in the module's own box, shared by every repeat.

/** Module paths of every ancestor of `path`, outermost first, `path` included. */
export function chainOf(path) {
  const parts = path.split('.');
  return parts.map((_, i) => parts.slice(0, i + 1).join('.'));
}

/** Smallest p >= 1 with seq[i] === seq[i % p] for all i and p dividing seq.length. */
function period(seq) {
  for (let p = 1; p <= seq.length / 2; p += 1) {
    if (seq.length % p !== 0) continue;
    let ok = true;
    for (let i = p; i < seq.length && ok; i += 1) ok = seq[i] === seq[i - p];
    if (ok) return p;
  }
  return seq.length;
}

/** Repeats of `path`'s subtree ops (`inside`, forward order), or null when it ran once. */
function repeats(path, inside) {
  if (inside.length < 6) return null;
  const seq = inside.map((n) => `${n.module.slice(path.length)}|${n.op}`);
  const p = period(seq);
  if (p < 3 || p === seq.length) return null;
  return { inside, p, count: seq.length / p };
}

/**
 * Box path of every trace node: its module, or "<module>.#k.<rest>" for the k-th repeat
 * of a module that ran several times. Outermost repeating modules win.
 */
export function boxPaths(nodes, events) {
  const order = new Map();
  events.forEach((ev, i) => { if (ev.phase === 'forward' && !order.has(ev.node)) order.set(ev.node, i); });
  const at = (n) => order.get(n.id) ?? Number.MAX_SAFE_INTEGER;
  const ops = nodes.filter((n) => n.module && n.kind !== 'leaf')
    .sort((a, b) => at(a) - at(b) || a.id - b.id);
  const box = new Map(nodes.filter((n) => n.module).map((n) => [n.id, n.module]));
  const members = new Map();
  for (const n of ops) {
    for (const p of chainOf(n.module)) {
      if (!members.has(p)) members.set(p, []);
      members.get(p).push(n);
    }
  }
  const paths = [...members.keys()].sort((a, b) => chainOf(a).length - chainOf(b).length);
  const split = [];
  for (const path of paths) {
    if (split.some((s) => path === s || path.startsWith(`${s}.`))) continue;
    const rep = repeats(path, members.get(path));
    if (!rep) continue;
    split.push(path);
    rep.inside.forEach((n, i) => box.set(n.id, `${path}.#${Math.floor(i / rep.p) + 1}${n.module.slice(path.length)}`));
  }
  for (const n of nodes) {
    if (n.kind !== 'leaf' || !n.module) continue;
    const owner = split.find((s) => n.module === s || n.module.startsWith(`${s}.`));
    if (owner) box.set(n.id, owner);
  }
  return box;
}

/** One group per box path prefix that holds at least one node. */
export function buildGroups(nodes, box) {
  const groups = new Map();
  const ensure = (path) => {
    if (groups.has(path)) return groups.get(path);
    const chain = chainOf(path);
    const parent = chain.length > 1 ? chain[chain.length - 2] : null;
    const g = { path, parent, chain, depth: chain.length, nodeIds: [], children: [], total: 0 };
    groups.set(path, g);
    if (parent !== null) ensure(parent).children.push(path);
    return g;
  };
  for (const n of nodes) {
    const path = box.get(n.id);
    if (!path) continue;
    ensure(path).nodeIds.push(n.id);
    for (const p of chainOf(path)) ensure(p).total += 1;
  }
  return groups;
}

/** Box title: "▸ layers.3" / "▾ linear1"; repeats read "cell #3 of 50". */
export function groupTitle(g, groups, open) {
  const name = g.path.split('.').pop();
  if (name.startsWith('#')) {
    const siblings = groups.get(g.parent).children.filter((c) => c.split('.').pop().startsWith('#')).length;
    const owner = g.parent.split('.').pop();
    return `${open ? '▾' : '▸'} ${open ? owner : g.parent} ${name} of ${siblings}`;
  }
  const short = /^\d+$/.test(name) && g.parent ? `${g.parent.split('.').pop()}.${name}` : name;
  return open ? `▾ ${short}` : `▸ ${g.path}`;
}

/** Elements that opening `g` adds to the view (its direct nodes and child boxes, minus its own box). */
const openCost = (g) => g.nodeIds.length + g.children.length - 1;

/**
 * Collapsed set for a fresh trace: every box closed, then whole families of sibling boxes
 * opened together (cheapest first) while the view stays within `budget` elements, so
 * that 24 identical layers all look alike. If that shows fewer than `least` elements,
 * the cheapest family is opened anyway as long as the view stays under `cap`.
 */
export function initialCollapsed(groups, looseCount, { budget = 60, least = 12, cap = 260 } = {}) {
  const collapsed = new Set(groups.keys());
  let visible = looseCount + [...groups.values()].filter((g) => g.parent === null).length;
  for (;;) {
    const families = new Map();
    for (const g of groups.values()) {
      if (!collapsed.has(g.path) || g.chain.slice(0, -1).some((p) => collapsed.has(p))) continue;
      const key = g.parent ?? '';
      if (!families.has(key)) families.set(key, []);
      families.get(key).push(g);
    }
    const ranked = [...families.values()].map((f) => ({ f, cost: f.reduce((s, g) => s + openCost(g), 0) }))
      .sort((a, b) => a.cost - b.cost);
    const pick = ranked.find((r) => visible + r.cost <= budget)
      ?? (visible < least && ranked.length && visible + ranked[0].cost <= cap ? ranked[0] : null);
    if (!pick) return collapsed;
    for (const g of pick.f) collapsed.delete(g.path);
    visible += pick.cost;
  }
}
