// editor.js: the program editor (CodeMirror 6, vendored ES modules via the import map).
//
// Python highlighting, line numbers, undo history, Ctrl/Cmd+Enter runs, a red mark on the
// error line and a soft mark on the line of the hovered graph node. Clicking a line emits
// line:selected so the graph can select the nodes created there. In Expression mode it is
// read-only: it shows the program the server wrote for the expression.
import { Compartment, EditorState, StateEffect, StateField } from '@codemirror/state';
import {
  EditorView, keymap, lineNumbers, highlightActiveLine, highlightActiveLineGutter,
  drawSelection, Decoration,
} from '@codemirror/view';
import { defaultKeymap, history, historyKeymap, indentWithTab } from '@codemirror/commands';
import { syntaxHighlighting, indentOnInput, bracketMatching } from '@codemirror/language';
import { themedHighlightStyle } from './highlight.js';
import { python } from '@codemirror/lang-python';

const setMark = StateEffect.define();

/** A field holding at most one line decoration per kind ('error', 'hover'). */
function lineMarkField() {
  const classes = { error: 'cm-error-line', hover: 'cm-hover-line' };
  return StateField.define({
    create: () => ({ error: null, hover: null }),
    update(value, tr) {
      let v = value;
      for (const e of tr.effects) if (e.is(setMark)) v = { ...v, [e.value.kind]: e.value.line };
      return v;
    },
    provide: (f) => EditorView.decorations.from(f, (v) => (view) => {
      const ranges = [];
      for (const kind of ['error', 'hover']) {
        const line = v[kind];
        if (line == null || line < 1 || line > view.state.doc.lines) continue;
        const from = view.state.doc.line(line).from;
        ranges.push(Decoration.line({ class: classes[kind] }).range(from));
      }
      return Decoration.set(ranges, true);
    }),
  });
}

export class Editor {
  constructor(parent, bus) {
    this.bus = bus;
    this.marks = lineMarkField();
    this.lock = new Compartment();
    this.locked = false;
    const runKey = { key: 'Mod-Enter', preventDefault: true, run: () => { this.requestRun(); return true; } };
    this.view = new EditorView({
      parent,
      state: EditorState.create({
        doc: '',
        extensions: [
          lineNumbers(), highlightActiveLineGutter(), history(), drawSelection(), indentOnInput(),
          bracketMatching(), highlightActiveLine(), python(),
          EditorView.lineWrapping, // a long line wraps in a narrow pane instead of being cut off
          syntaxHighlighting(themedHighlightStyle),
          keymap.of([runKey, ...defaultKeymap, ...historyKeymap, indentWithTab]),
          this.marks,
          this.lock.of(EditorState.readOnly.of(false)),
          EditorView.contentAttributes.of({ 'aria-label': 'Program', 'aria-multiline': 'true' }),
          EditorView.domEventHandlers({ mouseup: (e, view) => this.onClick(e, view) }),
        ],
      }),
    });
  }

  requestRun() {
    this.bus.emit('run:request', { code: this.code });
  }

  onClick(event, view) {
    const pos = view.posAtCoords({ x: event.clientX, y: event.clientY });
    if (pos == null) return false;
    this.bus.emit('line:selected', { line: view.state.doc.lineAt(pos).number });
    return false;
  }

  /** Read-only (Expression mode: the text is the server's program, not the user's). */
  get readOnly() {
    return this.locked;
  }

  set readOnly(flag) {
    this.locked = flag;
    this.view.dispatch({ effects: this.lock.reconfigure(EditorState.readOnly.of(flag)) });
  }

  get code() {
    return this.view.state.doc.toString();
  }

  set code(text) {
    this.view.dispatch({ changes: { from: 0, to: this.view.state.doc.length, insert: text } });
    this.mark('error', null);
  }

  /** Set (or clear with null) the error or hover line mark; scrolls to an error line (or when asked). */
  mark(kind, line, scroll = kind === 'error') {
    // clearing a mark that is not there dispatches nothing: a dispatch reads the page's
    // selection, which forces a layout of the whole page (each Run cleared the error mark)
    if (line == null && this.view.state.field(this.marks)[kind] == null) return;
    const effects = [setMark.of({ kind, line })];
    if (line != null && line >= 1 && line <= this.view.state.doc.lines) {
      const from = this.view.state.doc.line(line).from;
      if (scroll) effects.push(EditorView.scrollIntoView(from, { y: 'center' }));
    }
    this.view.dispatch({ effects });
  }

  focus() {
    this.view.focus();
  }
}
