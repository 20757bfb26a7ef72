// events.js: the one event bus every module talks through, and its event map.
//
// Modules never call each other directly: they emit and listen here, and main.js is the
// only place that wires them. EVENTS below is the whole vocabulary, documented here only
// (static/README.md points here; a browser test checks that every name the modules emit or
// listen to is in it); emitting or listening to a name that is not in it throws, so a typo
// fails loudly in development.

/** Every UI event: name -> [payload, who emits it -> who listens]. */
export const EVENTS = Object.freeze({
  'run:request': ['{code} | {expression, inputs}', 'Run button, editor (Ctrl/Cmd+Enter), example, URL, Expression form (Enter) -> main; in Expression mode a {code} request runs the form instead'],
  'run:started': ['{code: string|null} (null: an expression)', 'main -> main (busy, status)'],
  'run:finished': ['{trace, model, ms} (the program may still have failed: trace.error)', 'main -> panels, editor marks, timeline, Find'],
  'run:failed': ['{message: string} (no trace: network or HTTP error, 413, 422, 503...)', 'main -> error alert'],
  'layout:started': ['{visible: number} (elements the worker lays out)', 'main -> status'],
  'layout:progress': ['{phase: string, fraction: number}', 'layout client -> status, progress bar'],
  'graph:drawn': ['{nodes: number, visible: number, ms: number} (positions applied, graph on screen)', 'main -> status, a shared link'],
  'step:changed': ['{state} (TraceModel.stateAt(step))', 'timeline -> renderer, every panel'],
  'node:selected': ['{nodeId: number|null, groupPath: string|null}', 'renderer, keyboard -> inspector, renderer, editor'],
  'node:hovered': ['{line: number|null, nodeId?} (null: the pointer left)', 'renderer -> main (files.js marks the line if the node is in the file shown)'],
  'line:selected': ['{line: number} (a line clicked in the editor)', 'editor, Problems panel (a finding with no node) -> renderer highlight, inspector'],
  'group:toggle': ['{path: string, deep?: boolean} (deep: open the box and every box inside it)', 'renderer (tap a closed box, double-tap an open one), keyboard, inspector buttons -> main (re-layout)'],
  'find:matches': ['{ids: number[]} (matching trace nodes)', 'Find box -> main (renderer marks them or the closed box holding them, kept across re-layouts)'],
  'node:reveal': ['{nodeId: number}', 'Find box, a shared link, Problems panel -> main (opens the boxes around it, re-lays out centred on it, then node:selected)'],
  'examples:loaded': ['{examples: Array}', 'examples -> main'],
  'example:chosen': ['{id: string}', 'examples -> main'],
  'status': ['{text: string} (a short message)', 'anyone -> status bar'],
  'theme:changed': ["{theme: 'auto'|'light'|'dark'}", 'theme toggle -> main (the renderer restyles the graph from the new CSS variables)'],
  'values:request': ['{nodeId: number}', 'inspector (Load values for a heat-map) -> main (re-runs with options.max_values, keeps the nodes as model.detail)'],
  'mode:changed': ["{mode: 'program'|'expression'}", 'expression form (tabs, example, URL) -> main (the editor shows the user\'s program, or read-only the server\'s one)'],
});

const NAMES = new Set(Object.keys(EVENTS));

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
