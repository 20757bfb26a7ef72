// timeline.js: stepping through the events (Play/Pause, Step back/forward, slider, speed).
//
// Owns the current step and emits step:changed with the model's state at that step.
// Playing advances by wall-clock time (events per second from the speed control), so a
// large trace plays at display frame rate by skipping several events per frame. "Jump to"
// goes to the first event of a chapter (chapters.js): the forward pass, each backward call.
// The caption is the current event's kind's (kinds/), naming the file when the trace has several.
import { chaptersOf } from './chapters.js';
import { kindOf } from './kinds/index.js';

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

  /** One sentence saying what the event just replayed did (its kind's caption, kinds/). */
  describe(st) {
    const head = `Step ${st.step} / ${st.total}`;
    const ev = st.current;
    if (!ev) return `${head}: before the program ran.`;
    return `${head} · ${kindOf(ev).caption(ev, this.model)}`;
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
