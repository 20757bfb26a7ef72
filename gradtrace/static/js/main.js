// main.js: wires the modules together through the event bus. No logic of its own beyond
// the order of things: run -> trace -> model -> layout and draw (drawing.js) -> timeline.
import { EventBus } from './events.js';
import { fetchExamples, fetchTrace } from './api.js';
import { TraceModel } from './model.js';
import { LayoutClient } from './layout.js';
import { Drawing } from './drawing.js';
import { Renderer } from './renderer.js';
import { GraphKeys } from './graphkeys.js';
import { Editor } from './editor.js';
import { Timeline } from './timeline.js';
import { Inspector } from './inspector.js';
import { DETAIL_VALUES } from './tensorview.js';
import { ConsolePanel, ErrorAlert, GradientsPanel } from './panels.js';
import { ProblemsPanel } from './problems.js';
import { GradFlowPanel } from './gradflow.js';
import { Examples } from './examples.js';
import { copyLink, readLocation, shareUrl, showLinkedView } from './share.js';
import { ExpressionForm } from './expression.js';
import { bindExports } from './export.js';
import { FindBox } from './find.js';
import { SourceFiles } from './files.js';
import { embeddedProblem, embeddedTrace } from './viewer.js';
import { readWire } from './wire.js';
import { installTestHook } from './testhook.js';
import { FAST_PLAYBACK } from './camera.js';
import { ThemeToggle } from './theme.js';

const DEFAULT_PROGRAM = `import torch

# The chain rule: out = mean(3 * (x + 2)^2), so d out / dx = 6 (x + 2) / 4 = 4.5
x = torch.ones(2, 2, requires_grad=True)
y = x + 2
z = y * y * 3
out = z.mean()
out.backward()
print(x.grad)
`;

const $ = (id) => document.getElementById(id);
const cfg = document.body.dataset;
const bus = new EventBus();
const graphRegion = $('graph');
const editor = new Editor($('editor'), bus);
const renderer = new Renderer($('graph-canvas'), bus);
const keys = new GraphKeys($('graph-canvas'), renderer, bus, $('graph-announce'));
const timeline = new Timeline($('timeline'), bus);
const inspector = new Inspector($('inspector'), bus);
const errorAlert = new ErrorAlert($('error'));
const finder = new FindBox($('find'), bus);
const examples = new Examples($('examples'), $('example-explanation'), bus);
const expressionForm = new ExpressionForm($('expression'), $('modes'), bus);
const sources = new SourceFiles($('files'), editor);
const theme = new ThemeToggle($('theme'), bus);
const lists = [new GradientsPanel($('gradients')), new ProblemsPanel($('problems'), bus, (step) => timeline.go(step)),
  new GradFlowPanel($('gradflow'))];
/** Every panel, `{name, setModel(model), render(state)}` (panels.js), in the order they update. */
const panels = [errorAlert, new ConsolePanel($('console')), lists[0], inspector, sources, lists[1], lists[2]];
/**
 * The panels listing a row per parameter, module or finding (thousands of elements for a
 * 96-layer encoder) get a new trace only once its graph is painted (drawing.js): their style
 * and layout would otherwise come before the first picture.
 */
const later = new Set(lists);
// the self-contained viewer's loader hands over a blob: URL for the worker (viewer.js)
const layout = new LayoutClient(cfg.workerUrl ?? `${cfg.staticUrl}/js/layout.worker.js`,
  (phase, fraction) => bus.emit('layout:progress', { phase, fraction }));

let model = null;
let lastState = null;
let runSeq = 0;
let selectedNode = null;
let found = [];
let userProgram = null; // the editor's own program while Expression mode shows the server's
let expressionProgram = '# Run the expression: the program Gradtrace writes for it shows here.\n';
const drawing = new Drawing({
  layout, renderer, region: graphRegion, bus, lists, setBusy,
  now: () => ({ model, seq: runSeq, state: lastState, found }),
});

function setBusy(busy) {
  graphRegion.setAttribute('aria-busy', busy ? 'true' : 'false');
  $('run').disabled = busy;
}

/** What the page shows now: the program text, or {expression, inputs} in Expression mode. */
function source() {
  return expressionForm.mode === 'expression' ? expressionForm.request() : editor.code;
}

/** `request` is {code} or {expression, inputs} (run:request's payload). */
async function run(request) {
  runSeq += 1;
  const seq = runSeq;
  const t0 = performance.now();
  const code = request.code ?? null;
  bus.emit('run:started', { code });
  let trace;
  try {
    performance.mark('gt.run');
    trace = await fetchTrace(cfg.traceUrl, request);
    performance.mark('gt.trace');
  } catch (err) {
    if (seq === runSeq) bus.emit('run:failed', { message: err.message });
    return;
  }
  if (seq !== runSeq) return;
  await present(trace, request, t0, seq);
}

/**
 * Show a trace (long form): model, layout, panels. `request` is null in viewer mode. The layout
 * is handed to the worker before the panels and the timeline are filled, so the two run at once.
 */
async function present(trace, request, t0, seq) {
  const code = request?.code ?? null;
  model = new TraceModel(trace);
  model.code = code ?? trace.expression?.program ?? trace.files?.[0]?.source ?? '';
  model.request = request;
  model.source = code ?? (request && { expression: request.expression, inputs: request.inputs });
  model.initialCollapse();
  performance.mark('gt.model');
  const laying = drawing.start(model);
  bus.emit('run:finished', { trace, model, ms: performance.now() - t0 });
  performance.mark('gt.panels');
  await drawing.draw(laying, t0, seq);
}

/** Viewer mode: show the trace the file carries (null: an empty viewer); no server at all. */
async function showEmbedded(wire) {
  inspector.canLoad = false;
  editor.readOnly = true;
  const message = embeddedProblem(wire);
  if (message) {
    errorAlert.show({ type: 'No trace', message, line: null, hint: null });
    bus.emit('status', { text: message });
    return;
  }
  runSeq += 1;
  // with files, SourceFiles shows them
  if (!wire.files) editor.code = wire.expression?.program ?? '# This trace does not carry its program\'s source.\n';
  await present(readWire(wire), null, performance.now(), runSeq);
}

/** Lay the visible graph out again (a box opened or closed) and draw it. */
async function relayout(t0, seq = runSeq, focus = null) {
  await drawing.draw(drawing.start(model), t0, seq, focus);
}

// In Expression mode the Run button and Ctrl+Enter (which ask for the editor's text) run the form.
bus.on('run:request', (req) => run(req.code != null && expressionForm.mode === 'expression'
  ? expressionForm.request() : req));
bus.on('mode:changed', ({ mode }) => {
  const expression = mode === 'expression';
  if (expression) userProgram = editor.code;
  editor.code = expression ? expressionProgram : userProgram ?? editor.code;
  editor.readOnly = expression;
});
bus.on('run:started', () => {
  setBusy(true);
  bus.emit('status', { text: 'Running…' });
});
bus.on('run:finished', ({ trace, ms }) => {
  selectedNode = null;
  if (trace.expression && expressionForm.mode === 'expression') {
    expressionProgram = trace.expression.program;
    editor.code = expressionProgram;
  }
  for (const panel of panels) if (!later.has(panel)) panel.setModel(model);
  timeline.setModel(model);
  finder.setModel(model);
  const marks = model.marks(); // the legend explains the dashed / ṫ nodes only when there are some
  for (const el of document.querySelectorAll('.legend [data-legend]')) el.hidden = !marks.has(el.dataset.legend);
  bus.emit('status', { text: `Traced in ${Math.round(ms)} ms: ${model.nodes.size} nodes, ${model.events.length} events.` });
});
bus.on('run:failed', ({ message }) => {
  errorAlert.show({ type: 'Request failed', message, line: null, hint: null });
  setBusy(false);
  bus.emit('status', { text: message });
});
bus.on('layout:started', ({ visible }) => bus.emit('status', { text: `Laying out ${visible} elements…` }));
bus.on('layout:progress', ({ phase, fraction }) => {
  $('progress').value = fraction;
  $('progress').hidden = fraction >= 1;
  bus.emit('status', { text: `Layout: ${phase}…` });
});
bus.on('graph:drawn', ({ nodes, visible, ms }) => {
  $('progress').hidden = true;
  bus.emit('status', { text: `Drawn ${nodes} nodes (${visible} elements on screen) in ${ms} ms from ${cfg.mode === 'viewer' ? 'opening' : 'Run'}.` });
});
bus.on('step:changed', ({ state }) => {
  lastState = state;
  // a new trace's first state is applied once its graph is drawn (drawing.js), not to the old drawing
  if (model && drawing.drawn === model) renderer.applyState(model, state);
  // the camera follows the story once the graph of this trace is drawn (not during a layout)
  if (model && graphRegion.getAttribute('aria-busy') === 'false') {
    renderer.follow(model, state, timeline.playing && Number(timeline.speed.value) > FAST_PLAYBACK);
  }
  for (const panel of panels) if (!later.has(panel) || drawing.listsShow(model)) panel.render(state);
});
bus.on('node:selected', (sel) => {
  inspector.select(sel);
  const elementId = sel.nodeId != null ? model.repOf(sel.nodeId) : sel.groupPath ? `g:${sel.groupPath}` : null;
  renderer.select(elementId);
  if (elementId) keys.follow(elementId);
  selectedNode = sel.nodeId;
  const n = sel.nodeId != null ? model.nodes.get(sel.nodeId) : null;
  sources.reveal(n?.file, n?.line ?? null);
});
bus.on('node:hovered', ({ nodeId }) => sources.hover(model?.nodes.get(nodeId), model?.nodes.get(selectedNode)));
bus.on('line:selected', ({ line }) => {
  if (!model) return;
  const ids = model.nodesOnLine(line).filter((id) => sources.isShown(model.nodes.get(id)));
  renderer.highlight(ids, model);
  if (ids.length) inspector.select({ nodeId: ids[ids.length - 1], groupPath: null });
});
bus.on('group:toggle', ({ path, deep }) => {
  model.toggle(path, deep);
  inspector.refresh();
  relayout(performance.now(), runSeq, `g:${path}`);
});
bus.on('find:matches', ({ ids }) => {
  found = ids;
  if (model) renderer.highlight(ids, model, 'found');
});
bus.on('node:reveal', async ({ nodeId }) => {
  if (model.reveal(nodeId)) {
    inspector.refresh();
    await relayout(performance.now(), runSeq, `n${nodeId}`);
  }
  bus.emit('node:selected', { nodeId, groupPath: null });
});
bus.on('example:chosen', ({ id }) => {
  const ex = examples.byId(id);
  if (!ex) return;
  if (ex.expression != null) {
    expressionForm.fill(ex.expression, ex.inputs ?? {});
    expressionForm.setMode('expression');
    bus.emit('run:request', expressionForm.request());
    return;
  }
  expressionForm.setMode('program');
  editor.code = ex.code;
  bus.emit('run:request', { code: ex.code });
});
bus.on('values:request', async () => {
  const want = model;
  bus.emit('status', { text: 'Re-running the program to fetch full tensor values…' });
  try {
    const full = await fetchTrace(cfg.traceUrl, want.request, { max_values: DETAIL_VALUES });
    if (model !== want || full.graph?.nodes?.length !== want.nodes.size) return;
    want.detail = new Map((full.graph?.nodes ?? []).map((n) => [n.id, n]));
    inspector.refresh();
    bus.emit('status', { text: 'Full values loaded (the program is deterministic, so it ran the same way).' });
  } catch (err) {
    bus.emit('status', { text: `Could not load values: ${err.message}` });
  }
});
bus.on('status', ({ text }) => { $('status').textContent = text; });
bus.on('theme:changed', () => renderer.restyle());

$('run').addEventListener('click', () => editor.requestRun());
$('share').addEventListener('click', async () => {
  // the step and the selected node mean something only for the program that was traced
  const now = source();
  const traced = model && JSON.stringify(model.source) === JSON.stringify(now);
  const view = traced ? {
    step: timeline.step !== timeline.total ? timeline.step : null,
    node: selectedNode,
  } : {};
  const msg = await copyLink(shareUrl(now, examples.current, view), $('share-link'));
  bus.emit('status', { text: msg });
});
bindExports(renderer, () => model, { viewerUrl: cfg.viewerUrl, state: () => lastState },
  (message) => bus.emit('status', { text: `Export failed: ${message}` }));
renderer.bindViewButtons($('fit'), $('zoom-in'), $('zoom-out'));
installTestHook({ renderer, canvas: $('graph-canvas'), region: graphRegion, timeline });

async function start() {
  const embedded = embeddedTrace();
  if (embedded !== undefined) {
    await showEmbedded(embedded);
    return;
  }
  const want = readLocation();
  if (want) showLinkedView(bus, want, (step) => timeline.go(step), (id) => model.nodes.has(id));
  if (want?.code != null) {
    editor.code = want.code;
    run({ code: want.code });
  } else if (want?.expression != null) {
    editor.code = DEFAULT_PROGRAM;
    expressionForm.fill(want.expression, want.inputs);
    expressionForm.setMode('expression');
    run(expressionForm.request());
  } else if (!want) {
    editor.code = DEFAULT_PROGRAM;
    run({ code: DEFAULT_PROGRAM });
  }
  try {
    await examples.load(() => fetchExamples(cfg.examplesUrl));
  } catch (err) {
    bus.emit('status', { text: `Examples unavailable: ${err.message}` });
  }
  if (want?.example) {
    if (examples.byId(want.example)) examples.choose(want.example);
    else errorAlert.show({ type: 'Unknown example', message: `No example "${want.example}".`, line: null, hint: 'Pick one from the Examples list.' });
  }
}

start();
