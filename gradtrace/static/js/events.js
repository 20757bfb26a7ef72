// events.js: the one event bus every module talks through.
//
// Modules never call each other directly: they emit and listen here, and main.js is the
// only place that wires them. The map below is the whole vocabulary; emitting or
// listening to a name that is not in it throws, so a typo fails loudly in development.
//
// Event map (name -> payload):
//   run:request       {code} | {expression, inputs}   user asked to run (Run button, Ctrl/Cmd+Enter,
//                                                example, URL, Expression form); in Expression mode
//                                                a {code} request runs the form's expression instead
//   run:started       {code: string|null}        a trace request is in flight (null: an expression)
//   run:finished      {trace, model, ms}         the server answered (the program may still have failed)
//   run:failed        {message: string}          no trace: network or HTTP error (413, 422, 503...)
//   layout:started    {visible: number}          the worker is laying out `visible` elements
//   layout:progress   {phase: string, fraction: number}
//   graph:drawn       {nodes: number, visible: number, ms: number}   positions applied, graph on screen
//   step:changed      {state}                    the timeline moved; `state` is TraceModel.stateAt(step)
//   node:selected     {nodeId: number|null, groupPath: string|null}
//   node:hovered      {line: number|null, nodeId?}   pointer over trace node `nodeId` made on `line` (null = left)
//   line:selected     {line: number}             the user clicked a line in the editor
//   group:toggle      {path: string, deep?: boolean}   collapse/expand an nn.Module box (deep: and every box inside)
//   find:matches      {ids: number[]}            the Find box's matching trace nodes (renderer marks them)
//   node:reveal       {nodeId: number}           open the boxes around a node, draw it, select it
//   examples:loaded   {examples: Array}
//   example:chosen    {id: string}
//   status            {text: string}             short message for the status bar
//   values:request    {nodeId: number}           inspector wants full tensor values (main re-runs)
//   mode:changed      {mode: 'program'|'expression'}   the Program/Expression tabs switched

const NAMES = new Set([
  'run:request', 'run:started', 'run:finished', 'run:failed',
  'layout:started', 'layout:progress', 'graph:drawn', 'step:changed',
  'node:selected', 'node:hovered', 'line:selected', 'group:toggle', 'find:matches', 'node:reveal',
  'examples:loaded', 'example:chosen', 'status', 'values:request', 'mode:changed',
]);

/** A minimal synchronous publish/subscribe bus restricted to the names above. */
export class EventBus {
  constructor() {
    this.handlers = new Map();
  }

  check(name) {
    if (!NAMES.has(name)) throw new Error(`unknown event "${name}"`);
  }

  /** Subscribe; returns a function that unsubscribes. */
  on(name, fn) {
    this.check(name);
    if (!this.handlers.has(name)) this.handlers.set(name, new Set());
    this.handlers.get(name).add(fn);
    return () => this.handlers.get(name).delete(fn);
  }

  /** Call every handler of `name`; one failing handler does not stop the others. */
  emit(name, payload = {}) {
    this.check(name);
    for (const fn of this.handlers.get(name) ?? []) {
      try {
        fn(payload);
      } catch (err) {
        console.error(`handler of ${name} failed`, err);
      }
    }
  }
}
