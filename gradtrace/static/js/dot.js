// dot.js: the graph as Graphviz DOT text, made from the model (no server round trip).
// Same colour roles as the page and torchviz, and one cluster per box of the page (a
// module, or one call of a module that ran several times: "cell #3"), nested as they are.
// Each edge carries the gradient it had at the timeline step shown (the latest one it carried
// by then; at the last step, the final ones), and the graph's label says which step that is.
import { nodeLines } from './model.js';
import { shape, shortTensor } from './format.js';
import { boxName } from './groups.js';

const q = (s) => `"${String(s).replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
const FILL = { leaf: 'lightblue', op: 'lightgrey', root: 'darkolivegreen1', saved: 'orange' };

/** What the edge labels show: the final gradients, or those of step k. */
export function gradientsWhen(st) {
  if (!st || st.step >= st.total) return 'edge labels: the final gradients (after the last step)';
  return `edge labels: gradients as of step ${st.step} of ${st.total} (the latest each edge carried)`;
}

/** DOT text of the model's graph; `st` (model.stateAt) puts its gradients on the edges. */
export function toDot(model, st = null) {
  const state = st ?? model.stateAt(model.events.length);
  const out = ['digraph gradtrace {', `  graph [rankdir=TB label=${q(gradientsWhen(state))} labelloc=t];`,
    '  node [shape=box style="filled,rounded" fontname=monospace fontsize=10];'];
  const emitNodes = (ids, indent) => {
    for (const id of ids) {
      const n = model.nodes.get(id);
      const again = model.isRecomputed(n); // a checkpoint's recomputed node is dashed, as on the page
      const look = again ? ' style="filled,rounded,dashed"' : '';
      out.push(`${indent}n${n.id} [label=${q(nodeLines(n, model.hooks.get(n.id), again).join('\n'))} fillcolor=${FILL[model.role(n)]}${look}];`);
      (n.saved ?? []).forEach((s, i) => {
        out.push(`${indent}s${n.id}_${i} [label=${q(`${s.name}\n${shape(s.value?.shape)}`)} fillcolor=orange shape=box style=filled];`);
      });
    }
  };
  let cluster = 0;
  const emitBox = (g, indent) => { // boxes nest as on the page: a model's box holds its layers'
    out.push(`${indent}subgraph cluster_${cluster++} {`, `${indent}  label=${q(boxName(g))}; style=dashed;`);
    emitNodes(g.nodeIds, `${indent}  `);
    for (const child of g.children) emitBox(model.groups.get(child), `${indent}  `);
    out.push(`${indent}}`);
  };
  emitNodes([...model.nodes.keys()].filter((id) => !model.box.has(id)), '  ');
  for (const g of model.groups.values()) if (g.parent === null) emitBox(g, '  ');
  for (const e of model.edges) {
    const g = state.edgeGrad.get(e.id);
    const label = g ? ` [label=${q(shortTensor(g))} fontcolor=orangered3 color=orangered3]` : '';
    out.push(`  n${e.source} -> n${e.target}${label};`);
  }
  for (const n of model.nodes.values()) {
    (n.saved ?? []).forEach((_, i) => out.push(`  s${n.id}_${i} -> n${n.id} [style=dashed];`));
  }
  out.push('}');
  return out.join('\n');
}
