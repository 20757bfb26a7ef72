// graphstyle.js: the Cytoscape stylesheet, coloured from the page's CSS variables.
//
// Colour roles follow torchviz, which users already know: leaves light blue, ops grey,
// outputs (roots) green, saved tensors orange. The theme (light/dark from
// prefers-color-scheme or the page's theme toggle) only changes the CSS variables, so this
// is rebuilt on a change. Node labels are NODE_FONT px at zoom 1 (camera.js: readable at the
// least zoom the page uses); edge labels sit where labelplace.js put them (data mx, my).
import { NODE_FONT } from './camera.js';
import { LABEL_FONT } from './labelplace.js';

function cssVar(name, fallback) {
  const v = getComputedStyle(document.documentElement).getPropertyValue(name).trim();
  return v || fallback;
}

export function graphStyle() {
  const c = {
    fg: cssVar('--fg', '#1b1f24'), muted: cssVar('--muted', '#6b7280'),
    leaf: cssVar('--leaf', '#add8e6'), op: cssVar('--op', '#d3d3d3'), root: cssVar('--root', '#caff70'),
    saved: cssVar('--saved', '#ffa500'), nodeFg: cssVar('--node-fg', '#111'),
    edge: cssVar('--edge', '#8a8f98'), grad: cssVar('--grad', '#d9480f'), accent: cssVar('--accent', '#1c7ed6'),
    group: cssVar('--group', '#6b7280'), bg: cssVar('--bg', '#fff'), hl: cssVar('--highlight', '#fab005'),
    found: cssVar('--found', '#ae3ec9'), recomputed: cssVar('--recomputed', '#7048e8'),
    tangent: cssVar('--tangent', '#0b7285'),
  };
  return [
    { selector: 'node', style: {
      label: 'data(shown)', 'text-wrap': 'wrap', 'text-valign': 'center', 'text-halign': 'center',
      'font-family': 'ui-monospace, SFMono-Regular, Menlo, Consolas, monospace', 'font-size': NODE_FONT,
      color: c.nodeFg, shape: 'round-rectangle', width: 'data(w)', height: 'data(h)',
      'border-width': 1, 'border-color': c.edge, 'min-zoomed-font-size': 5,
    } },
    { selector: 'node.leaf', style: { 'background-color': c.leaf } },
    { selector: 'node.op', style: { 'background-color': c.op } },
    { selector: 'node.root', style: { 'background-color': c.root } },
    { selector: 'node.saved', style: { 'background-color': c.saved, shape: 'rectangle' } },
    // a checkpointed segment's node, run again in backward: dashed like something not kept
    { selector: 'node.recomputed', style: { 'border-style': 'dashed', 'border-width': 2, 'border-color': c.recomputed } },
    // a value carrying a forward-mode tangent (its label has a ṫ line)
    { selector: 'node.dual', style: { 'border-color': c.tangent, 'border-width': 2 } },
    { selector: 'node[type = "collapsed"]', style: {
      'background-color': c.bg, 'border-width': 2, 'border-style': 'double', 'border-color': c.group,
      color: c.fg, 'font-weight': 'bold',
    } },
    { selector: 'node[type = "group"]', style: {
      'background-opacity': 0.04, 'background-color': c.group, 'border-style': 'dashed',
      'border-color': c.group, 'text-valign': 'top', 'text-halign': 'center', 'text-margin-y': -1,
      color: c.muted, padding: 16, shape: 'round-rectangle',
    } },
    { selector: 'node.future', style: { opacity: 0.35 } },
    { selector: 'node.unborn', style: { display: 'none' } },
    { selector: 'node.visited', style: { 'border-color': c.grad, 'border-width': 2 } },
    { selector: 'node.active', style: { 'border-color': c.accent, 'border-width': 4 } },
    { selector: 'node.found', style: { 'underlay-color': c.found, 'underlay-opacity': 0.45, 'underlay-padding': 6 } },
    { selector: 'node.highlight', style: { 'underlay-color': c.hl, 'underlay-opacity': 0.55, 'underlay-padding': 6 } },
    { selector: 'node:selected', style: { 'overlay-color': c.accent, 'overlay-opacity': 0.18, 'overlay-padding': 4 } },
    { selector: 'edge', style: {
      width: 1.3, 'line-color': c.edge, 'target-arrow-color': c.edge, 'target-arrow-shape': 'triangle',
      'arrow-scale': 0.8, 'curve-style': 'bezier', label: 'data(glabel)', 'font-size': LABEL_FONT, color: c.grad,
      'text-margin-x': 'data(mx)', 'text-margin-y': 'data(my)',
      'text-background-color': c.bg, 'text-background-opacity': 0.85, 'text-background-padding': 1,
      'min-zoomed-font-size': 6, 'font-family': 'ui-monospace, Menlo, Consolas, monospace',
    } },
    // drawn along ELK's route (bend points: renderer.segments), so parallel edges stay apart
    { selector: 'edge.routed', style: {
      'curve-style': 'segments', 'segment-weights': 'data(segw)', 'segment-distances': 'data(segd)',
      'edge-distances': 'node-position',
    } },
    { selector: 'edge.saved', style: { 'line-style': 'dashed', 'line-color': c.saved, 'target-arrow-color': c.saved } },
    { selector: 'edge.shared', style: { 'line-opacity': 0.3, 'curve-style': 'haystack', 'haystack-radius': 0, 'target-arrow-shape': 'none', label: '' } },
    { selector: 'edge.grad', style: { width: 2.6, 'line-color': c.grad, 'target-arrow-color': c.grad } },
    { selector: 'edge.peek', style: { 'z-index': 999, 'text-background-opacity': 1, 'font-weight': 'bold' } },
    { selector: 'edge.grad-old', style: { width: 1.8, 'line-color': c.grad, 'target-arrow-color': c.grad, 'line-opacity': 0.45 } },
  ];
}
