// chapters.js: the timeline's chapters, runs of events of one kind. No DOM here.
//
// A program's events alternate between forward stretches and backward calls (forward,
// backward() #1, more forward, autograd.grad #2...), with the program's writes into
// `.grad` between them (x.grad.zero_(), optimizer.zero_grad()). A call with
// create_graph=True also builds new nodes, which come right after its backward events.
// Each run is a chapter the timeline can jump to: to its first event, so the caption
// already says what it is.

/** How a call is written in the page: `backward() #1` or `autograd.grad #2`. */
export function callName(call, index) {
  return `${call?.kind === 'grad' ? 'autograd.grad' : 'backward()'} #${index + 1}`;
}

/** In-place operators as a program spells them (`x.grad += …` calls `__iadd__`). */
const OPERATORS = { __iadd__: '+=', __isub__: '-=', __imul__: '*=', __itruediv__: '/=' };

/** A write into a leaf's .grad as the program wrote it: `x.grad.zero_()`, `w.grad = None`. */
export function writeName(ev, model, assigned = '…') {
  const grad = `${model.nodes.get(ev.node)?.label ?? `leaf ${ev.node}`}.grad`;
  if (ev.op === 'set') return `${grad} = ${assigned}`;
  if (ev.op === '__setitem__') return `${grad}[…] = …`;
  if (ev.op === '__set__') return `${grad}.data = …`; // a descriptor of the gradient itself
  if (OPERATORS[ev.op]) return `${grad} ${OPERATORS[ev.op]} …`;
  return `${grad}.${ev.op}(${ev.op === 'zero_' ? '' : '…'})`;
}

/** Key of the chapter an event belongs to. */
function keyOf(ev) {
  if (ev.phase === 'grad') return 'grad';
  if ((ev.phase === 'module_hook' || ev.phase === 'saved_hook') && ev.call == null) return 'forward'; // a forward hook, a pack
  if (ev.phase !== 'forward') return `call:${ev.call}`;
  return ev.call == null ? 'forward' : `built:${ev.call}`;
}

/** `line 3` or `lines 3–7` for the program lines a chapter's events came from. */
function linesText(lines) {
  const known = lines.filter((l) => l != null);
  if (!known.length) return '';
  const low = Math.min(...known);
  const high = Math.max(...known);
  return low === high ? `, line ${low}` : `, lines ${low}–${high}`;
}

/** First and last event index of each call. */
function callSpans(events) {
  const span = new Map();
  events.forEach((ev, i) => {
    if (ev.call == null) return;
    const [first] = span.get(ev.call) ?? [i];
    span.set(ev.call, [first, i]);
  });
  return span;
}

function label(chapter, model, spans) {
  const [kind, index] = chapter.key.split(':');
  const count = chapter.end - chapter.start;
  if (kind === 'grad') {
    const what = count === 1 ? writeName(model.events[chapter.start], model) : `${count} writes into .grad`;
    return `${what}${linesText(chapter.lines)}`;
  }
  if (kind === 'forward') { // forward hooks' runs are in it too, but are not nodes
    const nodes = model.events.slice(chapter.start, chapter.end).filter((ev) => ev.phase === 'forward').length;
    return `Forward${linesText(chapter.lines)} (${nodes} node${nodes === 1 ? '' : 's'})`;
  }
  const call = model.calls[Number(index)];
  const name = callName(call, Number(index));
  const nodes = `${count} node${count === 1 ? '' : 's'}`;
  // without create_graph, a call builds nodes only when a reentrant checkpoint reruns its segment
  if (kind === 'built' && !call?.create_graph) return `${name} recomputes the checkpointed segment (${nodes})`;
  if (kind === 'built') return `Graph built by ${name} (${nodes})`;
  const line = call?.line != null ? `, line ${call.line}` : '';
  const outer = outerCall(spans, Number(index));
  const inside = outer === null ? '' : ` inside ${callName(model.calls[outer], outer)}`;
  return `${name}${inside}${line} (${count} step${count === 1 ? '' : 's'})`;
}

/**
 * The call that call `index` ran inside (null: none): a reentrant checkpoint runs its own
 * backward through the recomputed segment while the outer backward waits, so the outer
 * call's events come both before and after the inner one's.
 */
function outerCall(span, index) {
  const inner = span.get(index);
  if (!inner) return null;
  let outer = null;
  for (const [call, [first, last]] of span) {
    if (call !== index && first < inner[0] && inner[1] < last) outer = call; // the innermost wins
  }
  return outer;
}

/**
 * The chapters of `model.events`: `{key, start, end, label}`, events[start..end) being
 * the chapter, in order. Step `start + 1` shows its first event.
 */
export function chaptersOf(model) {
  const chapters = [];
  model.events.forEach((ev, i) => {
    const key = keyOf(ev);
    // a hook's line is where it was registered, not a line of this stretch
    const line = ev.phase.endsWith('hook') ? null : ev.line ?? null;
    const last = chapters[chapters.length - 1];
    if (last && last.key === key) {
      last.end = i + 1;
      last.lines.push(line);
    } else {
      chapters.push({ key, start: i, end: i + 1, lines: [line] });
    }
  });
  const spans = callSpans(model.events);
  return chapters.map((c) => ({ key: c.key, start: c.start, end: c.end, label: label(c, model, spans) }));
}
