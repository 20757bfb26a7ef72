// kinds/index.js: the registry of timeline event kinds, one entry (one file here) per kind.
//
// An event kind says, in one place, everything the page does with its events; the core
// modules (wire, model, chapters, timeline, inspector) ask the registry and never test an
// event's phase themselves. Adding a kind is adding its file and its line in KINDS below.
//
// An entry (required fields first):
//   phase          the long form's `ev.phase`
//   reads(item)    whether a wire item (an object of trace.events, or an integer) is of this kind
//   expand(item, wire) -> long-form events; `wire` = {nodes, tensor, fileOf, next} (next: the
//                  node whose forward event comes next, advanced by the forward kind)
//   step(st, ev)   replay the event onto the timeline state (model.stateAt)
//   chapter(ev)    key of the chapter it belongs to: `forward`, `call:N`, `built:N`, `grad`...
//   caption(ev, model) what the timeline says after "Step k / n · "
//   inCall         true: the event belongs to backward call ev.call (a new call resets the
//                  visited nodes and hook runs)
//   chapterLine(ev) the program line it adds to its chapter's "lines 3–7" (default ev.line)
//   titles         {chapterKind: (chapter, model) -> title} for the chapter kinds it owns
//   labelOn(ev)    node whose label lists the run's name (`hooks: clip`), or null
//   attach(events, nodes) -> Map node -> runs that belong to that node for the whole trace;
//                  the inspector lists them under `attachedTitle`, their names join the label
//   inspect(run, model) -> DOM blocks the inspector shows for a run on the selected node
//   onBox(ev, path) text the inspector lists for a module box the event ran on, else null
//   drawsNode / visitsNode  a node's forward event / a backward call's visit (when nodes
//                  built in backward appear)
import forward from './forward.js';
import backward from './backward.js';
import hook from './hook.js';
import nodeHook from './node_hook.js';
import moduleHook from './module_hook.js';
import savedHook from './saved_hook.js';
import gradWrite from './grad_write.js';

const REQUIRED = ['phase', 'reads', 'expand', 'step', 'chapter', 'caption'];
const DEFAULTS = {
  inCall: false, drawsNode: false, visitsNode: false, titles: {}, attachedTitle: '',
  chapterLine: (ev) => ev.line ?? null, labelOn: () => null, attach: null, inspect: () => [],
  onBox: () => null,
};

/** Every kind, in the order a wire item is tried (backward last: the object with no marker key). */
export const KINDS = [];
const byPhase = new Map();
const titles = new Map();

/** Add a kind (before the backward fallback unless `last`); throws when a field is missing. */
export function register(entry, last = false) {
  const missing = REQUIRED.filter((k) => entry[k] == null);
  if (missing.length) throw new Error(`event kind ${entry.phase ?? '?'} lacks ${missing.join(', ')}`);
  if (byPhase.has(entry.phase)) throw new Error(`event kind ${entry.phase} is registered twice`);
  const kind = { ...DEFAULTS, ...entry };
  KINDS.splice(last ? KINDS.length : Math.max(0, KINDS.length - 1), 0, kind);
  byPhase.set(kind.phase, kind);
  for (const [key, title] of Object.entries(kind.titles)) titles.set(key, title);
  return kind;
}

register(backward, true);
for (const entry of [forward, moduleHook, nodeHook, hook, savedHook, gradWrite]) register(entry);

/** A phase no entry knows (a newer trace): replayed as nothing, captioned by its phase. */
const UNKNOWN = { ...DEFAULTS, phase: '?', reads: () => false, expand: () => [], step() {},
  chapter: () => 'other', caption: (ev) => `${ev.phase} event` };

/** The kind of a long-form event. */
export function kindOf(ev) {
  return byPhase.get(ev.phase) ?? UNKNOWN;
}

/** The kind of a wire item of trace.events. */
export function kindOfWire(item) {
  const kind = KINDS.find((k) => k.reads(item));
  if (!kind) throw new Error(`unknown event in trace: ${JSON.stringify(item).slice(0, 80)}`);
  return kind;
}

/** Title function of a chapter kind (`forward`, `call`...), or null when no kind owns it. */
export function chapterTitle(chapterKind) {
  return titles.get(chapterKind) ?? null;
}
