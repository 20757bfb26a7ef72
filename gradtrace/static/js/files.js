// files.js: which source file the editor shows, for traces that carry their sources.
//
// A trace from the library or `gradtrace run` has `files` ([{path, source}], the main file
// first) and a `file` index on every node, event, call and error outside the main file.
// The editor shows one file, read-only in viewer mode; the File picker (shown when there are
// several) switches it, and selecting a node or stepping to an event in another file shows
// that file with the line marked. A server trace has no `files`: the editor keeps the
// program it ran, which is file 0. A panel (panels.js): setModel, render(state).
export class SourceFiles {
  constructor(root, editor) {
    this.name = 'Source files';
    this.model = null;
    this.root = root;
    this.select = root.querySelector('select');
    this.editor = editor;
    this.files = null;
    this.error = null;
    this.shown = 0;
    this.select.addEventListener('change', () => this.show(Number(this.select.value)));
  }

  setModel(model) {
    this.model = model;
    if (model) this.setTrace(model.trace);
  }

  /** A timeline step: show the file and line of its event (a trace with its files). */
  render(state) {
    if (this.model) this.follow(state.current, this.model);
  }

  /** A new trace: show its main file (or the error's file), or keep the editor's program. */
  setTrace(trace) {
    this.files = Array.isArray(trace.files) && trace.files.length ? trace.files : null;
    this.error = trace.error ?? null;
    this.root.hidden = !this.files || this.files.length < 2;
    this.shown = 0;
    if (!this.files) {
      this.editor.mark('error', this.error?.line ?? null);
      return;
    }
    const option = (f, i) => Object.assign(document.createElement('option'), { value: String(i), textContent: f.path });
    this.select.replaceChildren(...this.files.map(option));
    this.show(this.error?.file ?? 0, true);
  }

  /** Show file `k` in the editor (its error line marked when the error is in it). */
  show(k, force = false) {
    if (!this.files?.[k] || (k === this.shown && !force)) return;
    this.shown = k;
    this.select.value = String(k);
    this.editor.code = this.files[k].source;
    this.editor.mark('error', (this.error?.file ?? 0) === k ? this.error?.line ?? null : null);
  }

  /** Mark `line` of file `file` (0 when absent), switching to that file and scrolling to it. */
  reveal(file, line) {
    const k = file ?? 0;
    if (this.files) this.show(k);
    if (k !== this.shown) {
      this.editor.mark('hover', null);
      return;
    }
    this.editor.mark('hover', line, this.files !== null);
  }

  /** Hovering node `n` (null: none): mark its line, else the selected node's, in the file shown. */
  hover(n, selected) {
    const line = [n, selected].find((p) => p?.line != null && this.isShown(p))?.line ?? null;
    this.editor.mark('hover', line);
  }

  /** A timeline step in a trace with its files: show the file and line of its event. */
  follow(ev, model) {
    const place = this.files ? SourceFiles.placeOf(ev, model) : null;
    if (place) this.reveal(place.file, place.line);
  }

  /** Whether `place` (a node or event with line and maybe file) is in the file shown. */
  isShown(place) {
    return (place?.file ?? 0) === this.shown;
  }

  /** The (file, line) an event points at: its own line, else its node's (a backward visit). */
  static placeOf(ev, model) {
    if (!ev) return null;
    if (ev.line != null) return { file: ev.file ?? 0, line: ev.line };
    const n = ev.node != null ? model.nodes.get(ev.node) : null;
    return n?.line != null ? { file: n.file ?? 0, line: n.line } : null;
  }
}
