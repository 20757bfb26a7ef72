// chapters.js: the timeline's chapters, runs of events of one kind. No DOM here.
//
// A program's events alternate between forward stretches and backward calls (forward,
// backward() #1, more forward, autograd.grad #2...), with the program's writes into
// `.grad` between them (x.grad.zero_(), optimizer.zero_grad()). A call with
// create_graph=True also builds new nodes, which come right after its backward events.
// Each run is a chapter the timeline can jump to: to its first event, so the caption
// already says what it is. Which chapter an event belongs to, and how a chapter kind is
// titled, is said by the event kinds (kinds/).
import { chapterTitle, kindOf } from './kinds/index.js';

/** `, line 3` or `, lines 3–7` for the program lines a chapter's events came from. */
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
 * A chapter's title, by the kind that owns its key's first part (`call` of `call:2`). The
 * title function gets {index (the key's number), count, lines (`, lines 3–7`), events, outer()}.
 */
function label(chapter, model, spans) {
  const [kind, index] = chapter.key.split(':');
  const title = chapterTitle(kind);
  if (!title) return chapter.key;
  return title({
    index: Number(index),
    count: chapter.end - chapter.start,
    lines: linesText(chapter.lines),
    events: model.events.slice(chapter.start, chapter.end),
    outer: () => outerCall(spans, Number(index)),
  }, model);
}

/**
 * The chapters of `model.events`: `{key, start, end, label}`, events[start..end) being
 * the chapter, in order. Step `start + 1` shows its first event.
 */
export function chaptersOf(model) {
  const chapters = [];
  model.events.forEach((ev, i) => {
    const kind = kindOf(ev);
    const key = kind.chapter(ev);
    const line = kind.chapterLine(ev);
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
