// export.js: downloads: graph as SVG / PNG (drawn by the renderer), trace as JSON, DOT.
import { toDot } from './dot.js';

function download(blob, filename) {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** Run one export kind: 'svg' | 'png' | 'json' | 'dot'. */
export async function exportAs(kind, renderer, model) {
  if (!model) return;
  if (kind === 'svg') download(new Blob([renderer.svg()], { type: 'image/svg+xml' }), 'gradtrace-graph.svg');
  else if (kind === 'png') download(await renderer.png(), 'gradtrace-graph.png');
  else if (kind === 'json') download(new Blob([JSON.stringify(model.trace, null, 1)], { type: 'application/json' }), 'gradtrace-trace.json');
  else if (kind === 'dot') download(new Blob([toDot(model)], { type: 'text/vnd.graphviz' }), 'gradtrace-graph.dot');
}
