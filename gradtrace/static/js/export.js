// export.js: downloads: graph as SVG / PNG (drawn by the renderer), trace as JSON, DOT, and
// the self-contained viewer holding this trace as one HTML file (viewer.js).
import { toDot } from './dot.js';
import { viewerHtml } from './viewer.js';

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

/**
 * Run one export kind: 'svg' | 'png' | 'json' | 'dot' | 'html' (needs `options.viewerUrl`);
 * `options.state()` is the timeline state shown (the DOT's edge gradients).
 */
export async function exportAs(kind, renderer, model, options = {}) {
  if (!model) return;
  if (kind === 'svg') download(new Blob([renderer.svg()], { type: 'image/svg+xml' }), 'gradtrace-graph.svg');
  else if (kind === 'png') download(await renderer.png(), 'gradtrace-graph.png');
  else if (kind === 'json') download(new Blob([JSON.stringify(model.trace, null, 1)], { type: 'application/json' }), 'gradtrace-trace.json');
  else if (kind === 'dot') download(new Blob([toDot(model, options.state?.())], { type: 'text/vnd.graphviz' }), 'gradtrace-graph.dot');
  else if (kind === 'html') {
    const html = await viewerHtml(options.viewerUrl, model);
    download(new Blob([html], { type: 'text/html' }), 'gradtrace-viewer.html');
  }
}

/** Wire the page's `[data-export]` buttons; `onError` gets a failed export's message. */
export function bindExports(renderer, currentModel, options, onError) {
  for (const btn of document.querySelectorAll('[data-export]')) {
    btn.addEventListener('click', async () => {
      try {
        await exportAs(btn.dataset.export, renderer, currentModel(), options);
      } catch (err) {
        onError(err.message);
      }
    });
  }
}
