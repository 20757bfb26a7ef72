"""Every backward step of every gallery program explains itself on the page (issue 19).

The page's own modules (wire.js, model.js, formula.js), loaded from the server, read each
example's trace and write the rule of every backward visit, as the caption and the inspector
do: no step may throw, a node whose op is in the trace's `formulas` gets its rule lines (each
with the gradient the edge carried), and exactly the ops missing from `formulas` say
"no rule for <op> in the table".
"""

from __future__ import annotations

import json

import pytest

from gradtrace.examples import load_examples
from gradtrace.tracing import trace_source
from gradtrace.tracing.wire import dumps

pytestmark = pytest.mark.browser

EXPLAIN_ALL = """async (wire) => {
  const { readWire } = await import('/static/js/wire.js');
  const { TraceModel } = await import('/static/js/model.js');
  const { explainStep, formulaCaption, formulaView } = await import('/static/js/formula.js');
  const { kindOf } = await import('/static/js/kinds/index.js');
  const model = new TraceModel(readWire(wire));
  const out = { ruled: {}, missing: [], lines: 0, sent: 0, blocks: 0 };
  model.events.forEach((ev, i) => {
    if (!kindOf(ev).visitsNode) return;
    const x = explainStep(model, ev);
    const caption = formulaCaption(ev, model);
    out.blocks += formulaView(model, { step: i + 1, current: ev }, ev.node).length;
    if (x.missing) {
      if (caption !== ` · no rule for ${x.op} in the table`) throw new Error(caption);
      out.missing.push(x.op);
      return;
    }
    out.ruled[x.op] = (out.ruled[x.op] ?? 0) + 1;
    for (const line of x.lines) {
      out.lines += 1;
      if (line.skipped) continue;
      if (line.results.some((r) => r != null)) out.sent += 1;
    }
  });
  return out;
}"""


@pytest.mark.parametrize("example", [e for e in load_examples() if e.code], ids=lambda e: e.id)
def test_every_backward_step_has_its_rule_or_says_it_has_none(page, server_url, example) -> None:  # type: ignore[no-untyped-def]
    wire = json.loads(dumps(trace_source(example.code)))
    page.goto(f"{server_url}/healthz")  # the server's origin, for the modules; no page runs
    got = page.evaluate(EXPLAIN_ALL, wire)
    assert not set(got["missing"]) & set(wire["formulas"])
    assert set(got["ruled"]) <= set(wire["formulas"])
    assert got["blocks"] == sum(got["ruled"].values()) + len(got["missing"])  # a block per visit
    if got["ruled"]:
        assert got["lines"] >= sum(got["ruled"].values()) and got["sent"] > 0
