// groups.js: the nn.Module boxes of a trace and which of them open collapsed. No DOM here.
//
// A node's box is its `module` path ("layers.3.linear1"), with one twist: a module whose
// forward ran several times (an LSTMCell unrolled over 50 steps, a layer applied twice)
// would otherwise swallow every call into one box and hide the unrolling. The server
// reports every module call that made a node (trace.module_calls, gradtrace/tracing/wire.py), so
// each call of such a module gets its own box "cell.#3" (the '#' segment cannot clash with
// a Python attribute name). Parameters (leaves) stay in the module's own box, shared by
// every call.
//
// Submodules are named as named_modules() names them ("conv1", "layers.3.linear1"), not
// under the model's own name; their boxes are drawn inside the box of the model whose call
// they ran in ("net.conv1"), the way the model holds them.

/** Module paths of every ancestor of `path`, outermost first, `path` included. */
export function chainOf(path) {
  const parts = path.split('.');
  return parts.map((_, i) => parts.slice(0, i + 1).join('.'));
}

/** A box path as people read it: "cell.#3" is "cell #3", "block.lin.#2" is "block.lin #2". */
export const boxLabel = (path) => path.replace(/\.#(\d+)/g, ' #$1');

/** Whether box or module path `inner` is `path` itself or lies inside it. */
export const within = (inner, path) => inner === path || inner.startsWith(`${path}.`);

/**
 * Repeat number of each module call, for modules with more than one call that made ops:
 * Map(call index -> k), k counting those calls in order (a call under no_grad made none).
 */
function repeatNumbers(nodes, calls) {
  const holding = new Map();
  for (const n of nodes) {
    if (n.kind === 'leaf') continue;
    for (let c = n.module_call; c != null; c = calls[c].parent) {
      const name = calls[c].module;
      if (!holding.has(name)) holding.set(name, new Set());
      holding.get(name).add(c);
    }
  }
  const numbers = new Map();
  for (const held of holding.values()) {
    if (held.size < 2) continue;
    [...held].sort((a, b) => a - b).forEach((c, i) => numbers.set(c, i + 1));
  }
  return numbers;
}

/** `path` inside the box of `root` (the model called from the program), unless it is already. */
const underRoot = (path, root) => (root === null || within(path, root) ? path : `${root}.${path}`);

/** Whether box `path` is the box of `module` as named_modules() names it, root or not in front. */
export const isBoxOf = (path, module) => path === module
  || (path.endsWith(`.${module}`) && path.split('.').length === module.split('.').length + 1);

/**
 * Box path of every trace node: its module, or "<module>.#k.<rest>" for the k-th call of
 * a module that ran several times (outermost repeated modules win), inside its model's box.
 */
export function boxPaths(nodes, calls) {
  const numbers = repeatNumbers(nodes, calls);
  const box = new Map();
  for (const n of nodes) {
    if (!n.module) continue;
    let outer = null;
    let root = null; // the outermost call: the model the program called
    for (let c = n.module_call; c != null; c = calls[c].parent) {
      if (numbers.has(c) && within(n.module, calls[c].module)) outer = c;
      root = calls[c].module;
    }
    let path = n.module;
    if (outer !== null) {
      const owner = calls[outer].module;
      path = n.kind === 'leaf' ? owner : `${owner}.#${numbers.get(outer)}${n.module.slice(owner.length)}`;
    }
    box.set(n.id, underRoot(path, root));
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
    const g = ensure(path);
    g.nodeIds.push(n.id);
    for (const p of g.chain) groups.get(p).total += 1; // ensure() made every box around it
  }
  return groups;
}

/** A box's name inside its parent box: "linear1", "layers.3" (not a bare "3"), "cell #3". */
export function boxName(g) {
  const name = g.path.split('.').pop();
  const owner = g.parent?.split('.').pop();
  if (name.startsWith('#')) return `${owner} ${name}`;
  return /^\d+$/.test(name) && owner ? `${owner}.${name}` : name;
}

/**
 * Box title: "▾ linear1", "▸ layers.3", repeats "▸ cell #3 of 50". Boxes nest, so a box is
 * named within the box around it (the full path is in the inspector and the announcements).
 */
export function groupTitle(g, groups, open) {
  const repeats = g.path.split('.').pop().startsWith('#')
    ? ` of ${groups.get(g.parent).children.filter((c) => c.split('.').pop().startsWith('#')).length}`
    : '';
  return `${open ? '▾' : '▸'} ${boxName(g)}${repeats}`;
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
