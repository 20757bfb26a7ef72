// graphinput.js: pointer input on the drawing turned into bus events (a helper of renderer.js).
//
// Cytoscape reports taps and hovers per element; the rest of the page only hears what they
// mean: a node or box selected, a box opened or closed, a node hovered (its source line).

/**
 * Listen on `cy` (drawn into `container`) and emit on `bus`; `peek(edge, on)` shows an edge's
 * whole gradient label while the pointer is on it (a label shortened to fit).
 */
export function bindInput(cy, container, bus, peek) {
  cy.on('tap', 'node', (evt) => {
    const d = evt.target.data();
    if (d.type === 'collapsed') bus.emit('group:toggle', { path: d.path });
    else if (d.type === 'group') bus.emit('node:selected', { nodeId: null, groupPath: d.path });
    else bus.emit('node:selected', { nodeId: d.nodeId, groupPath: null });
  });
  cy.on('dbltap', 'node[type = "group"]', (evt) => {
    bus.emit('group:toggle', { path: evt.target.data('path') });
  });
  cy.on('tap', (evt) => {
    if (evt.target === cy) bus.emit('node:selected', { nodeId: null, groupPath: null });
  });
  cy.on('mouseover', 'node[type = "node"]', (evt) => {
    const n = evt.target.data('line');
    bus.emit('node:hovered', { line: n ?? null, nodeId: evt.target.data('nodeId') ?? null });
  });
  cy.on('mouseout', 'node', () => bus.emit('node:hovered', { line: null }));
  cy.on('mouseover', 'edge', (evt) => peek(evt.target, true));
  cy.on('mouseout', 'edge', (evt) => peek(evt.target, false));
  // Leaving the canvas straight from a node fires no Cytoscape mouseout.
  container.addEventListener('mouseleave', () => bus.emit('node:hovered', { line: null }));
}
