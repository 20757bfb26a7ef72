// svgwriter.js: serialise the drawn Cytoscape graph as a standalone SVG document.
//
// Written here rather than vendored (the cytoscape-svg extension is GPL-3.0): boxes,
// straight edges with arrow heads, and the multi-line labels, using each element's
// computed style so the export matches the screen.

const esc = (s) => String(s).replace(/[&<>"]/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' }[ch]));

function text(lines, x, y, fill, size, anchorTop = false) {
  const lh = size * 1.25;
  const y0 = anchorTop ? y + size : y - ((lines.length - 1) * lh) / 2 + size * 0.35;
  const spans = lines.map((l, i) => `<tspan x="${x}" y="${(y0 + i * lh).toFixed(1)}">${esc(l)}</tspan>`);
  return `<text font-family="monospace" font-size="${size}" fill="${fill}" text-anchor="middle">${spans.join('')}</text>`;
}

function nodeSvg(n) {
  const bb = n.boundingBox({ includeLabels: false, includeOverlays: false });
  const fill = n.style('background-color');
  const stroke = n.style('border-color');
  const isGroup = n.isParent();
  const opacity = isGroup ? 0.06 : Number(n.style('opacity'));
  const dash = n.style('border-style') === 'dashed' ? ' stroke-dasharray="4 3"' : '';
  const label = String(n.data('shown') ?? n.data('label') ?? '').split('\n');
  const color = n.style('color');
  const rect = `<rect x="${bb.x1.toFixed(1)}" y="${bb.y1.toFixed(1)}" width="${bb.w.toFixed(1)}" height="${bb.h.toFixed(1)}" rx="4" fill="${fill}" fill-opacity="${isGroup ? opacity : 1}" stroke="${stroke}"${dash}/>`;
  const t = isGroup
    ? text(label, (bb.x1 + bb.x2) / 2, bb.y1 + 2, color, 11, true)
    : text(label, n.position('x'), n.position('y'), color, 11);
  return `<g opacity="${isGroup ? 1 : opacity}">${rect}${t}</g>`;
}

function edgeSvg(e) {
  const s = e.sourceEndpoint();
  const t = e.targetEndpoint();
  const color = e.style('line-color');
  const width = parseFloat(e.style('width')) || 1;
  const dash = e.style('line-style') === 'dashed' ? ' stroke-dasharray="5 3"' : '';
  const ang = Math.atan2(t.y - s.y, t.x - s.x);
  const a = 7;
  const p1 = `${t.x - a * Math.cos(ang - 0.4)},${t.y - a * Math.sin(ang - 0.4)}`;
  const p2 = `${t.x - a * Math.cos(ang + 0.4)},${t.y - a * Math.sin(ang + 0.4)}`;
  let out = `<line x1="${s.x.toFixed(1)}" y1="${s.y.toFixed(1)}" x2="${t.x.toFixed(1)}" y2="${t.y.toFixed(1)}" stroke="${color}" stroke-width="${width}"${dash}/>`;
  out += `<polygon points="${t.x},${t.y} ${p1} ${p2}" fill="${color}"/>`;
  const label = e.data('glabel');
  if (label) out += text([label], (s.x + t.x) / 2, (s.y + t.y) / 2, e.style('color'), 10);
  return out;
}

/** The visible (display != none) graph as SVG text. */
export function buildSvg(cy) {
  const shown = cy.elements().filter((el) => el.style('display') !== 'none');
  const bb = shown.boundingBox();
  const pad = 20;
  const nodes = shown.nodes().sort((a, b) => (b.isParent() ? 1 : 0) - (a.isParent() ? 1 : 0) || a.ancestors().length - b.ancestors().length);
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="${bb.x1 - pad} ${bb.y1 - pad} ${bb.w + 2 * pad} ${bb.h + 2 * pad}" width="${Math.ceil(bb.w + 2 * pad)}" height="${Math.ceil(bb.h + 2 * pad)}">`,
    `<rect x="${bb.x1 - pad}" y="${bb.y1 - pad}" width="${bb.w + 2 * pad}" height="${bb.h + 2 * pad}" fill="white"/>`,
  ];
  nodes.filter((n) => n.isParent()).forEach((n) => parts.push(nodeSvg(n)));
  shown.edges().forEach((e) => parts.push(edgeSvg(e)));
  nodes.filter((n) => !n.isParent()).forEach((n) => parts.push(nodeSvg(n)));
  parts.push('</svg>');
  return parts.join('\n');
}
