"""The page's event kinds and UI events are each defined once (issue 18, part 2).

Why: an event kind used to be spread over the wire reader, the model, the chapters, the
timeline and the inspector (node hooks touched 19 files), and the UI event names were listed
three times. These tests fail when a core module tests an event's phase again, when a module
emits or listens to a name missing from `EVENTS` in events.js, when static/README.md names one
that is not there, and they show that a new kind is one registry entry: the page's own reader,
model, chapters and captions handle it with nothing else changed.
"""

from __future__ import annotations

import re
from pathlib import Path

import httpx
import pytest

from gradtrace.assets import STATIC_DIR
from tests.browser.helpers import CHAIN

JS = Path(STATIC_DIR) / "js"
CORE = ["wire.js", "model.js", "chapters.js", "timeline.js", "inspector.js"]
# every phase the registry knows, and the wire's marker keys
KIND_NAMES = ["forward", "backward", "hook", "node_hook", "module_hook", "saved_hook", "grad_write"]


def _wire(server_url: str, code: str) -> dict:  # type: ignore[type-arg]
    answer = httpx.post(f"{server_url}/api/v1/trace", json={"code": code}, timeout=60)
    answer.raise_for_status()
    trace = answer.json()
    assert trace["error"] is None, trace["error"]
    return trace  # type: ignore[no-any-return]


def _sources() -> dict[str, str]:
    return {str(p.relative_to(JS)): p.read_text(encoding="utf-8") for p in JS.rglob("*.js")}


def test_core_modules_do_not_branch_on_event_kinds() -> None:
    for name in CORE:
        text = (JS / name).read_text(encoding="utf-8")
        assert not re.search(r"\.phase\b", text), f"{name} reads an event's phase"
        # a comparison with a kind's name, or a test for its wire key (`'hook' in item`)
        tests = [k for k in KIND_NAMES if re.search(
            rf"""[!=]==\s*['"]{k}['"]|['"]{k}['"]\s*(?:[!=]==|in\b)""", text)]
        assert not tests, f"{name} tests for event kinds {tests}"
    # every kind's file is in the registry (a file left out would be silently ignored)
    registry = (JS / "kinds" / "index.js").read_text(encoding="utf-8")
    files = sorted(p.name for p in (JS / "kinds").glob("*.js") if p.name != "index.js")
    assert len(files) >= 7
    assert [f for f in files if f"from './{f}';" not in registry] == []
    # the registry is the kinds' one face: no module outside kinds/ imports a kind's file
    for path, text in _sources().items():
        if not path.startswith("kinds/"):
            assert not re.search(r"from\s*'\./kinds/(?!index\.js')", text), path


def test_every_ui_event_used_or_documented_is_in_the_one_map(page, server_url) -> None:  # type: ignore[no-untyped-def]
    page.goto(server_url)
    names = set(page.evaluate(
        "async () => Object.keys((await import('/static/js/events.js')).EVENTS)"))
    assert {"run:request", "step:changed", "node:selected", "status"} <= names
    used: dict[str, set[str]] = {}
    for path, text in _sources().items():
        for m in re.finditer(r"""\b(?:emit|on)\(\s*'([a-z]+(?::[a-z]+)?)'""", text):
            if ":" in m[1] or m[1] == "status":
                used.setdefault(m[1], set()).add(path)
    assert used, "no bus.emit/bus.on found: the scan is broken"
    assert set(used) <= names, {k: v for k, v in used.items() if k not in names}
    # every event a module sends is listened to or at least emitted by someone (none is dead)
    assert names - set(used) == set(), names - set(used)
    readme = (Path(STATIC_DIR) / "README.md").read_text(encoding="utf-8")
    assert "`EVENTS` in `js/events.js`" in readme
    documented = set(re.findall(r"`([a-z]+:[a-z]+)`", readme))
    assert documented <= names, documented - names


NOTE_KIND = """async ([wire, noteAt]) => {
  const kinds = await import('/static/js/kinds/index.js');
  const { expandTrace } = await import('/static/js/wire.js');
  const { TraceModel } = await import('/static/js/model.js');
  const { chaptersOf } = await import('/static/js/chapters.js');
  if (!kinds.KINDS.some((k) => k.phase === 'note')) kinds.register({
    phase: 'note',
    reads: (item) => typeof item === 'object' && 'note' in item,
    expand: (item) => [{ phase: 'note', text: item.note, line: item.line }],
    step: (st, ev) => { st.lit.add(`note ${ev.text}`); },
    chapter: () => 'note',
    titles: { note: (c) => `Notes (${c.count})${c.lines}` },
    caption: (ev, model) => `the program noted "${ev.text}" (${model.nodes.size} nodes so far)`,
  });
  const events = [...wire.events];
  events.splice(noteAt, 0, { note: 'half way', line: 4 });
  const trace = expandTrace({ ...wire, events });
  const model = new TraceModel(trace);
  const k = trace.events.findIndex((ev) => ev.phase === 'note') + 1;
  const st = model.stateAt(k);
  return {
    phases: trace.events.map((ev) => ev.phase),
    chapters: chaptersOf(model).map((c) => c.label),
    caption: kinds.kindOf(st.current).caption(st.current, model),
    lit: st.lit.has('note half way'),
    after: model.stateAt(trace.events.length).leafGrad.size,
  };
}"""


def test_a_new_event_kind_is_one_registry_entry(page, server_url) -> None:  # type: ignore[no-untyped-def]
    wire = _wire(server_url, CHAIN)
    page.goto(server_url)
    first_object = next(i for i, item in enumerate(wire["events"]) if not isinstance(item, int))
    got = page.evaluate(NOTE_KIND, [wire, first_object])
    assert got["phases"].count("note") == 1
    # the note sits between the forward run and the backward call, in its own chapter
    forward, note, *rest = got["chapters"]
    assert forward.startswith("Forward") and note == "Notes (1), line 4"
    assert rest and rest[0].startswith("backward() #1")
    nodes = len(wire["graph"]["nodes"])
    assert got["caption"] == f'the program noted "half way" ({nodes} nodes so far)'
    assert got["lit"]
    assert got["after"] == 1  # x.grad, as without the note: the other kinds are untouched


CAPTIONS = """async (wire) => {
  const { kindOf } = await import('/static/js/kinds/index.js');
  const { expandTrace } = await import('/static/js/wire.js');
  const { TraceModel } = await import('/static/js/model.js');
  const model = new TraceModel(expandTrace(wire));
  return model.events.map((ev) => kindOf(ev).caption(ev, model));
}"""


@pytest.mark.parametrize("files", [1, 2])
def test_captions_name_the_file_when_the_trace_has_several(page, server_url, files) -> None:  # type: ignore[no-untyped-def]
    wire = _wire(server_url, CHAIN)
    helpers = "def add_two(t):\n    return t + 2\n"
    wire["files"] = [{"path": "chain.py", "source": CHAIN},
                     {"path": "helpers.py", "source": helpers}][:files]
    nodes = wire["graph"]["nodes"]
    add = next(i for i, n in enumerate(nodes) if n["op"] == "AddBackward0")
    nodes[add].update(file=1, line=2)
    mul = next(i for i, n in enumerate(nodes) if n["op"] == "MulBackward0")
    page.goto(server_url)
    captions = page.evaluate(CAPTIONS, wire)
    forward = [c for c in captions if c.startswith("forward, ")]
    by_op = {op: next(c for c in forward if op in c) for op in ("AddBackward0", "MulBackward0")}
    mul_line = nodes[mul]["line"]
    call = next(c for c in captions if c.startswith("backward() #1"))
    if files == 1:  # one file: as before, no file named
        assert by_op["AddBackward0"].startswith("forward, line 2: AddBackward0")
        assert by_op["MulBackward0"].startswith(f"forward, line {mul_line}: MulBackward0")
        assert call.startswith("backward() #1 (line 6): ")
    else:
        assert by_op["AddBackward0"].startswith("forward, line 2 of helpers.py: AddBackward0")
        mul_caption = f"forward, line {mul_line} of chain.py: MulBackward0"
        assert by_op["MulBackward0"].startswith(mul_caption)
        assert call.startswith("backward() #1 (line 6 of chain.py): ")
