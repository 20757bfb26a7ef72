"""The in-place error's hint names the line of the write that changed the saved tensor.

The expected line is found in the program text (the statement marked ``# the write``), and
the error itself must be plain PyTorch's. When two writes fit the message equally, the hint
must not guess.
"""

from __future__ import annotations

import pytest

from gradtrace.tracing import inplace, trace_source
from gradtrace.tracing.errors import hint_for
from tests.tracing.oracle import run_plain

MARK = "# the write"

PROGRAMS = {
    "method": """
import torch
a = torch.ones(3, requires_grad=True)
b = a.sigmoid()
b.mul_(2)  # the write (mul_)
b.sum().backward()
""",
    "augmented": """
import torch
x = torch.ones(3, requires_grad=True)
y = x.exp()
y += 1  # the write (add_)
z = y * 3
z.sum().backward()
""",
    "into a view": """
import torch
a = torch.ones(2, 3, requires_grad=True)
b = a.tanh()
row = b[0]
print(row.shape)
row[1] = 0.0  # the write (x[...] =)
row.add_(1)
b.sum().backward()
""",
    "an input, not an output": """
import torch
w = torch.ones(3, requires_grad=True)
scale = torch.full((3,), 2.0)
y = w * scale
other = torch.zeros(2)
other.add_(1)
scale.add_(1)  # the write (add_)
y.sum().backward()
""",
    "inplace module": """
import torch
import torch.nn as nn
torch.manual_seed(0)
model = nn.Sequential(nn.Linear(4, 3), nn.Sigmoid(), nn.ReLU(inplace=True))
x = torch.randn(2, 4)
out = model(x)  # the write (relu)
out.sum().backward()
""",
    "positional inplace flag": """
import torch
import torch.nn as nn
x = torch.ones(1, 2, requires_grad=True)
y = x.exp()
z = nn.LeakyReLU(0.2, True)(y)  # the write (leaky_relu)
z.sum().backward()
""",
    "optimizer step between two backward calls": """
import torch
w = torch.ones(2, requires_grad=True)
opt = torch.optim.SGD([w], lr=0.1)
first = (w * w).sum()
second = (w * w * w).sum()
first.backward()
opt.step()  # the write (add_)
second.backward()
""",
    "inside a loop": """
import torch
x = torch.ones(4, requires_grad=True)
total = 0
for i in range(3):
    h = (x * i).exp()
    h.div_(2)  # the write (div_)
    total = total + h.sum()
total.backward()
""",
}


def _marked(source: str) -> tuple[int, str]:
    """The line of the statement marked ``# the write (op)``, and that op."""
    for number, text in enumerate(source.splitlines(), start=1):
        if MARK in text:
            return number, text.split(MARK, 1)[1].strip()[1:-1]
    raise AssertionError("no marked write")


@pytest.mark.parametrize("name", PROGRAMS)
def test_hint_names_the_line_of_the_write(name: str) -> None:
    source = PROGRAMS[name]
    plain = run_plain(source).error
    error = trace_source(source)["error"]
    assert plain is not None and "modified by an inplace operation" in plain.message
    assert (error["type"], error["message"], error["line"]) == (
        plain.type, plain.message, plain.line)
    line, op = _marked(source)
    assert error["hint"] == (
        f"The in-place write ({op}) is on line {line}. {hint_for(plain.message)}")


AMBIGUOUS = """
import torch
x = torch.ones(3, requires_grad=True)
a = x.exp()
b = x.exp()
y = a * b
a.mul_(2)
b.mul_(2)
y.sum().backward()
"""


def test_two_writes_that_fit_equally_name_no_line() -> None:
    plain = run_plain(AMBIGUOUS).error
    error = trace_source(AMBIGUOUS)["error"]
    assert plain is not None and error["message"] == plain.message
    assert error["hint"] == hint_for(plain.message)


def test_the_op_in_the_message_tells_two_writes_apart() -> None:
    """Same shape and version, but only one tensor is an output of Sigmoid."""
    source = AMBIGUOUS.replace("b = x.exp()", "b = x.sigmoid()").replace(
        "b.mul_(2)", "b.mul_(2)  # the write (mul_)").replace("y = a * b", "y = b.sigmoid()")
    plain = run_plain(source).error
    error = trace_source(source)["error"]
    assert plain is not None and error["message"] == plain.message
    assert f"(mul_) is on line {_marked(source)[0]}." in error["hint"]


def test_a_later_run_does_not_see_the_writes_of_an_earlier_one() -> None:
    plain = run_plain(PROGRAMS["method"]).error
    assert plain is not None
    trace_source(PROGRAMS["method"].replace("b.sum().backward()", ""))
    error = trace_source(f"import torch\nraise RuntimeError({plain.message!r})\n")["error"]
    assert error["message"] == plain.message
    assert error["hint"] == hint_for(plain.message)


def test_a_log_that_missed_writes_names_no_line() -> None:
    """Past the log's cap, an older write might have been the one: say nothing."""
    source = PROGRAMS["method"].replace(
        "b.sum().backward()", "t = torch.zeros(1)\nfor i in range(10_001):\n    t.add_(1)\n"
        "b.sum().backward()")
    plain = run_plain(source).error
    error = trace_source(source)["error"]
    assert plain is not None and error["message"] == plain.message
    assert error["hint"] == hint_for(plain.message)


def test_older_messages_name_the_node_and_still_match() -> None:
    """Before 2.x the message said "output 0 of SigmoidBackward0"; both spellings match."""
    source = AMBIGUOUS.replace("b = x.exp()", "b = x.sigmoid()").replace(
        "b.mul_(2)", "b.mul_(2)  # the write (mul_)").replace("y = a * b", "y = b.sigmoid()")
    plain = run_plain(source).error
    assert plain is not None and "output 0 of Sigmoid," in plain.message
    trace_source(source)  # leaves its write log current, as describe_error reads it
    older = plain.message.replace("output 0 of Sigmoid,", "output 0 of SigmoidBackward0,")
    write = inplace.write_of(older)
    assert write is not None and (write.line, write.op) == (_marked(source)[0], "mul_")
