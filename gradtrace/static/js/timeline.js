// timeline.js: stepping through the events (Play/Pause, Step back/forward, slider, speed).
//
// Owns the current step and emits step:changed with the model's state at that step.
// Playing advances by wall-clock time (events per second from the speed control), so a
// large trace plays at display frame rate by skipping several events per frame. "Jump to"
// goes to the first event of a chapter (chapters.js): the forward pass, each backward call.
import { callName, chaptersOf, writeName } from './chapters.js';
import { shape, shortTensor } from './format.js';
import { boxLabel } from './groups.js';
import { recomputedIn } from './beyond.js';

/** "node prehook show_arrival (line 27) on SumBackward0 got 1 arriving, returned None (unchanged)". */
function nodeHook(ev, name) {
  const sent = ev.grad_inputs ? ` and ${grads(ev.grad_inputs)} going to its inputs` : '';
  const back = ev.result ? `returned ${grads(ev.result)} in their place` : 'returned None (unchanged)';
  return `node ${ev.kind} ${ev.name} (line ${ev.line ?? '?'}) on ${name} got ${grads(ev.grad_outputs)} arriving${sent}, ${back}`;
}

/** "backward() #1: saved-tensor unpack hook unpack (line 9) for MulBackward0 b got [1, 2, 3], returned …". */
function savedHook(ev, model) {
  const when = ev.call == null ? 'forward' : callName(model.calls[ev.call], ev.call);
  const what = (t) => (t ? shortTensor(t) : 'a non-tensor');
  const n = model.nodes.get(ev.owner);
  const of = n ? ` for ${[n.op, n.label].filter(Boolean).join(' ')}` : '';
  return `${when}: saved-tensor ${ev.kind} hook ${ev.name} (line ${ev.line ?? '?'})${of} got ${what(ev.tensor)}, returned ${what(ev.result)}`;
}

/** "; its tangent (forward mode) is [2.223, 0, 0]" for a node whose value is a dual tensor. */
function tangentText(n) {
  const t = n?.value?.tangent;
  return t ? `; its value carries the forward-mode tangent ${shortTensor(t)}` : '';
}

/** Gradients as a caption lists them, '–' for an absent one (or for none at all). */
function grads(ts) {
  return ts.map((g) => (g ? shortTensor(g) : '–')).join(', ') || '–';
}

export class Timeline {
  constructor(root, bus) {
    this.bus = bus;
    this.slider = root.querySelector('[data-role="slider"]');
    this.playBtn = root.querySelector('[data-role="play"]');
    this.backBtn = root.querySelector('[data-role="back"]');
    this.fwdBtn = root.querySelector('[data-role="forward"]');
    this.speed = root.querySelector('[data-role="speed"]');
    this.caption = root.querySelector('[data-role="caption"]');
    this.chapterSelect = root.querySelector('[data-role="chapter"]');
    this.ticks = root.querySelector('[data-role="ticks"]');
    this.chapters = [];
    this.model = null;
    this.step = 0;
    this.playing = false;
    this.slider.addEventListener('input', () => this.go(Number(this.slider.value)));
    this.playBtn.addEventListener('click', () => (this.playing ? this.pause() : this.play()));
    this.backBtn.addEventListener('click', () => this.go(this.step - 1));
    this.fwdBtn.addEventListener('click', () => this.go(this.step + 1));
    this.chapterSelect.addEventListener('change', () => {
      this.pause();
      this.go(Number(this.chapterSelect.value));
    });
    this.setModel(null);
  }

  get total() {
    return this.model ? this.model.events.length : 0;
  }

  /** Show a new trace; start at the end so the final gradients are visible at once. */
  setModel(model) {
    this.pause();
    this.model = model;
    this.slider.max = String(this.total);
    this.slider.setAttribute('aria-valuemax', String(this.total));
    this.slider.setAttribute('aria-valuemin', '0');
    for (const el of [this.slider, this.playBtn, this.backBtn, this.fwdBtn]) el.disabled = !model;
    this.listChapters();
    this.go(this.total, true);
  }

  /** Fill "Jump to" and the slider's tick marks with the trace's chapters. */
  listChapters() {
    this.chapters = this.model ? chaptersOf(this.model) : [];
    const option = (value, text) => Object.assign(document.createElement('option'), { value: String(value), textContent: text });
    this.chapterSelect.replaceChildren(option(0, 'Start (before the program ran)'),
      ...this.chapters.map((c) => option(c.start + 1, c.label)));
    this.chapterSelect.disabled = !this.chapters.length;
    this.ticks.replaceChildren(...this.chapters.map((c) => option(c.start, '')));
  }

  /** Start step of the chapter that step `s` lies in (0 before the first event). */
  chapterAt(s) {
    let at = 0;
    for (const c of this.chapters) if (c.start < s) at = c.start + 1;
    return at;
  }

  go(step, force = false) {
    if (!this.model) {
      this.setStep(0);
      this.caption.textContent = 'Run a program to see its events.';
      return;
    }
    const s = Math.max(0, Math.min(step, this.total));
    if (s === this.step && !force) return;
    this.setStep(s);
    const st = this.model.stateAt(s);
    this.caption.textContent = this.describe(st);
    this.caption.title = this.caption.textContent; // a long one is cut at two lines
    this.bus.emit('step:changed', { state: st });
  }

  setStep(s) {
    this.step = s;
    this.slider.value = String(s);
    this.slider.setAttribute('aria-valuenow', String(s));
    this.slider.setAttribute('aria-valuetext', `step ${s} of ${this.total}`);
    this.backBtn.disabled = !this.model || s === 0;
    this.fwdBtn.disabled = !this.model || s === this.total;
    this.chapterSelect.value = String(this.chapterAt(s));
  }

  /** One sentence saying what the event just replayed did. */
  describe(st) {
    const head = `Step ${st.step} / ${st.total}`;
    const ev = st.current;
    if (!ev) return `${head}: before the program ran.`;
    if (ev.phase === 'module_hook') return `${head} · ${this.moduleHook(ev)}`;
    if (ev.phase === 'saved_hook') return `${head} · ${savedHook(ev, this.model)}`;
    const n = this.model.nodes.get(ev.node);
    // an op's module box says where it is in a big model ("AddmmBackward0 in model.layers.1.linear1")
    const box = n?.kind === 'op' ? this.model.box.get(n.id) : null;
    const name = n ? [n.op, n.label, box ? `in ${boxLabel(box)}` : null].filter(Boolean).join(' ') : `node ${ev.node}`;
    if (ev.phase === 'forward') {
      const line = ev.line ?? n?.line ?? '?';
      const again = n ? recomputedIn(n, this.model.calls) : null;
      if (again !== null) return `${head} · ${callName(this.model.calls[again], again)} recomputes the checkpointed segment, line ${line}: ${name}`;
      const kept = n?.recomputed ? ' (in a checkpointed segment: its saved tensors are not kept, backward recomputes them)' : '';
      return `${head} · forward, line ${line}: ${name}${kept}${tangentText(n)}`;
    }
    if (ev.phase === 'grad') {
      const left = ev.grad ? shortTensor(ev.grad) : 'None';
      const what = ev.op === 'set' ? writeName(ev, this.model, left) : `${writeName(ev, this.model)} → ${left}`;
      return `${head} · line ${ev.line ?? '?'}: ${what}`;
    }
    const call = this.model.calls[ev.call];
    const what = call ? `${callName(call, ev.call)} (line ${call.line})` : `call #${ev.call + 1}`;
    if (ev.phase === 'node_hook') return `${head} · ${what}: ${nodeHook(ev, name)}`;
    if (ev.phase === 'hook') {
      const back = ev.result ? `returned ${shortTensor(ev.result)} in its place` : 'returned None (unchanged)';
      return `${head} · ${what}: hook ${ev.name} (line ${ev.line ?? '?'}) on ${name} got ${shortTensor(ev.grad)}, ${back}`;
    }
    const got = (ev.grad_outputs ?? []).map(shortTensor).join(', ');
    const sent = grads(ev.grad_inputs ?? []);
    const leaf = ev.leaf_grad !== undefined ? `; .grad now ${shortTensor(ev.leaf_grad)}` : '';
    // a non-reentrant checkpoint's node: backward ran the segment again for its saved tensors
    const again = n?.recomputed ? ' (checkpointed: its saved tensors recomputed)' : '';
    return `${head} · ${what}: ${name}${again} received ${got || '–'}, sent ${sent}${leaf}`;
  }

  /** "forward hook keep_activation (line 18) on conv got (1, 2, 5, 5) …, returned None". */
  moduleHook(ev) {
    const list = (ts) => ts.map((t) => shape(t?.shape)).join(', ') || 'nothing';
    const back = ev.result == null ? 'returned None' : `returned ${list(ev.result)} in their place`;
    return `${ev.kind} ${ev.name} (line ${ev.line ?? '?'}) on ${ev.module} got ${list(ev.got)}, ${back}`;
  }

  play() {
    if (!this.model || this.total === 0) return;
    if (this.step >= this.total) this.go(0);
    this.playing = true;
    this.playBtn.textContent = 'Pause';
    let last = performance.now();
    let carry = 0;
    const tick = (now) => {
      if (!this.playing) return;
      carry += ((now - last) / 1000) * Number(this.speed.value);
      last = now;
      const n = Math.floor(carry);
      if (n > 0) {
        carry -= n;
        this.go(this.step + n);
      }
      if (this.step >= this.total) this.pause();
      else this.frame = requestAnimationFrame(tick);
    };
    this.frame = requestAnimationFrame(tick);
  }

  pause() {
    this.playing = false;
    cancelAnimationFrame(this.frame);
    this.playBtn.textContent = 'Play';
  }
}
