"""A node's ``attrs``: the settings its backward rule reads, as the program passed them."""

from __future__ import annotations

from gradtrace.tracing import trace_source

PROGRAM = """import torch
import torch.nn.functional as F
x = torch.tensor([1.0, 2.0], requires_grad=True)
cubed = x ** 3
summed = torch.sub(cubed, x, alpha=0.5).sum(0)
logits = torch.randn(4, 3, requires_grad=True)
loss = F.nll_loss(logits.log_softmax(1), torch.tensor([0, 2, -100, 1]), ignore_index=-100)
swapped = logits.transpose(-2, -1)
(summed + loss + swapped.sum()).backward()
"""


def _attrs(op: str) -> dict[str, object]:
    nodes = trace_source(PROGRAM)["graph"]["nodes"]
    found = [node.get("attrs") or {} for node in nodes if node["op"] == op]
    assert found, op
    return found[0]


def test_settings_are_the_program_s_own() -> None:
    assert _attrs("PowBackward0")["exponent"] == 3
    assert _attrs("SubBackward0")["alpha"] == 0.5
    assert _attrs("SumBackward1")["dim"] == [0]
    assert _attrs("LogSoftmaxBackward0")["dim"] == 1


def test_negative_settings_stay_negative() -> None:
    """autograd reads some int64 settings back as unsigned (2**64 - 100 for -100)."""
    assert _attrs("NllLossBackward0")["ignore_index"] == -100
    assert _attrs("TransposeBackward0")["dim0"] == -2


HOOKED = """import torch
count = 0
def pack(t):
    return t
def unpack(t):
    global count
    count += 1
    print("unpack", count)
    return t
x = torch.ones(4, requires_grad=True)
i = torch.tensor([0, 2])
with torch.autograd.graph.saved_tensors_hooks(pack, unpack):
    y = x[i] * 2
print("end", count)
"""


def test_writing_attrs_runs_none_of_the_program_s_hooks() -> None:
    """IndexBackward0 saves its indices as a tensor; reading them would call the program's
    unpack hook after the program ended, outside its captured stdout."""
    namespace: dict[str, object] = {}
    exec(HOOKED, namespace)  # plain PyTorch: the program never unpacks anything
    result = trace_source(HOOKED)
    assert result["stdout"] == "end 0\n" and namespace["count"] == 0
    unpacks = [e for e in result["events"] if isinstance(e, dict) and e.get("saved_hook")
               == "unpack"]
    assert unpacks == []
