// dot.js: the graph as Graphviz DOT text, made from the model (no server round trip).
// Same colour roles as the page and torchviz, and one cluster per box of the page (a
// module, or one call of a module that ran several times: "cell #3").
import { nodeLines } from './model.js';
import { shape } from './format.js';
import { boxLabel } from './groups.js';

const q = (s) => `"${String(s).replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
const FILL = { leaf: 'lightblue', op: 'lightgrey', root: 'darkolivegreen1', saved: 'orange' };

export function toDot(model) {
  const out = ['digraph gradtrace {', '  graph [rankdir=TB];',
    '  node [shape=box style="filled,rounded" fontname=monospace fontsize=10];'];
  const byModule = new Map();
  for (const n of model.nodes.values()) {
    const key = model.box.get(n.id) ?? '';
    if (!byModule.has(key)) byModule.set(key, []);
    byModule.get(key).push(n);
  }
  let cluster = 0;
  for (const [mod, nodes] of byModule) {
    const indent = mod ? '    ' : '  ';
    if (mod) out.push(`  subgraph cluster_${cluster++} {`, `    label=${q(boxLabel(mod))}; style=dashed;`);
    for (const n of nodes) {
      out.push(`${indent}n${n.id} [label=${q(nodeLines(n).join('\n'))} fillcolor=${FILL[model.role(n)]}];`);
      (n.saved ?? []).forEach((s, i) => {
        out.push(`${indent}s${n.id}_${i} [label=${q(`${s.name}\n${shape(s.value?.shape)}`)} fillcolor=orange shape=box style=filled];`);
      });
    }
    if (mod) out.push('  }');
  }
  for (const e of model.edges) out.push(`  n${e.source} -> n${e.target};`);
  for (const n of model.nodes.values()) {
    (n.saved ?? []).forEach((_, i) => out.push(`  s${n.id}_${i} -> n${n.id} [style=dashed];`));
  }
  out.push('}');
  return out.join('\n');
}
