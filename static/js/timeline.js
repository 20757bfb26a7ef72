// timeline.js: stepping through the events (Play/Pause, Step back/forward, slider, speed).
//
// Owns the current step and emits step:changed with the model's state at that step.
// Playing advances by wall-clock time (events per second from the speed control), so a
// large trace plays at display frame rate by skipping several events per frame.
import { shortTensor } from './format.js';

export class Timeline {
  constructor(root, bus) {
    this.bus = bus;
    this.slider = root.querySelector('[data-role="slider"]');
    this.playBtn = root.querySelector('[data-role="play"]');
    this.backBtn = root.querySelector('[data-role="back"]');
    this.fwdBtn = root.querySelector('[data-role="forward"]');
    this.speed = root.querySelector('[data-role="speed"]');
    this.caption = root.querySelector('[data-role="caption"]');
    this.model = null;
    this.step = 0;
    this.playing = false;
    this.slider.addEventListener('input', () => this.go(Number(this.slider.value)));
    this.playBtn.addEventListener('click', () => (this.playing ? this.pause() : this.play()));
    this.backBtn.addEventListener('click', () => this.go(this.step - 1));
    this.fwdBtn.addEventListener('click', () => this.go(this.step + 1));
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
    this.go(this.total, true);
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
    this.bus.emit('step:changed', { state: st });
  }

  setStep(s) {
    this.step = s;
    this.slider.value = String(s);
    this.slider.setAttribute('aria-valuenow', String(s));
    this.slider.setAttribute('aria-valuetext', `step ${s} of ${this.total}`);
    this.backBtn.disabled = !this.model || s === 0;
    this.fwdBtn.disabled = !this.model || s === this.total;
  }

  /** One sentence saying what the event just replayed did. */
  describe(st) {
    const head = `Step ${st.step} / ${st.total}`;
    const ev = st.current;
    if (!ev) return `${head}: before the program ran.`;
    const n = this.model.nodes.get(ev.node);
    const name = n ? [n.op, n.label].filter(Boolean).join(' ') : `node ${ev.node}`;
    if (ev.phase === 'forward') return `${head} · forward, line ${ev.line ?? n?.line ?? '?'}: ${name}`;
    const call = this.model.calls[ev.call];
    const what = call ? `${call.kind === 'grad' ? 'autograd.grad' : 'backward()'} #${ev.call + 1} (line ${call.line})` : `call #${ev.call + 1}`;
    const got = (ev.grad_outputs ?? []).map(shortTensor).join(', ');
    const sent = (ev.grad_inputs ?? []).map((g) => (g ? shortTensor(g) : '–')).join(', ');
    const leaf = ev.leaf_grad !== undefined ? `; .grad now ${shortTensor(ev.leaf_grad)}` : '';
    return `${head} · ${what}: ${name} received ${got || '–'}, sent ${sent || '–'}${leaf}`;
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
