"""Tutorial programs of the API allowed after the corpus's policy gaps (merged into PROGRAMS).

Saved tensors read from graph nodes, version counters, named-tuple helpers, torch-level
in-place functions, autocast, the autograd profiler, mutation of saved tensors, distribution
constraints and transforms, SparseAdam and the forward-AD tutorial's setattr/delattr recipe.
"""

from __future__ import annotations

GAPS: dict[str, str] = {
    "saved_tensors_on_nodes": """
import torch
x = torch.randn(4, requires_grad=True)
w = torch.randn(4, requires_grad=True)
y = x * w
print(x.equal(y.grad_fn._saved_self), w.equal(y.grad_fn._saved_other))
z = x.pow(3)
print(z.grad_fn._saved_exponent, x is z.grad_fn._saved_self)
e = x.exp()
print(e.equal(e.grad_fn._saved_result), e is e.grad_fn._saved_result)
s = torch.softmax(x, dim=0)
print(s.grad_fn._saved_dim, s.grad_fn._saved_result.shape)
(y.sum() + z.sum() + e.sum()).backward()
print(x.grad, w.grad)
""",
    "version_counter": """
import torch
a = torch.randn(3, requires_grad=True)
b = a * 2
print(a._version, b._version)
with torch.no_grad():
    b.add_(1)
    b[0] = 5.0
print(b._version)
c = b.sigmoid()
c.sum().backward()
print(a.grad, c._version)
""",
    "named_tuple_helpers": """
from collections import namedtuple
import torch
from torch.nn.utils.rnn import pack_sequence
import torch.autograd.forward_ad as fwAD
Point = namedtuple('Point', ['x', 'y'])
p = Point(torch.ones(2, requires_grad=True), torch.tensor(3.0))
print(p._fields, sorted(p._asdict()))
d = p._asdict()
loss = (d['x'] * d['y']).sum()
loss.backward()
print(p.x.grad)
packed = pack_sequence([torch.ones(3, 1), torch.ones(2, 1)])
print(packed._fields)
with fwAD.dual_level():
    out = fwAD.unpack_dual(fwAD.make_dual(torch.ones(2), torch.ones(2)))
    print(out._fields)
""",
    "torch_inplace_functions": """
import torch
x = torch.randn(5, requires_grad=True)
h = x * 2
torch.relu_(h)
g = h + 1
torch.sigmoid_(g)
k = g * 3
torch.clamp_(k, min=0.1, max=2.9)
k.sum().backward()
print(x.grad)
with torch.no_grad():
    torch.exp_(x)
print(x.requires_grad, x._version)
""",
    "autocast_cpu_bfloat16": """
import torch
import torch.nn as nn
model = nn.Linear(4, 3)
x = torch.randn(2, 4)
with torch.amp.autocast(device_type="cpu", dtype=torch.bfloat16):
    out = model(x)
print(out.dtype)
@torch.autocast("cpu", dtype=torch.bfloat16)
def step(inp):
    return model(inp).sum()
loss = step(x)
print(loss.dtype, model(x).dtype)
loss.backward()
print(model.weight.grad.dtype)
""",
    "autograd_profiler_summary": """
import torch
x = torch.randn(3, 3, requires_grad=True)
with torch.autograd.profiler.profile() as prf:
    with torch.autograd.profiler.record_function("my_block"):
        y = (x.sin() * x).sum()
    y.backward()
names = {event.name for event in prf.function_events}
print('aten::sin' in names, 'my_block' in names)
table = prf.key_averages().table(sort_by='self_cpu_time_total', row_limit=5)
print(isinstance(table, str), len(table) > 0)
counts = {event.key for event in prf.key_averages() if event.count > 0}
print('aten::mul' in counts)
print(x.grad.shape)
""",
    "mutation_on_saved_tensors": """
import torch
from torch.autograd.graph import allow_mutation_on_saved_tensors
with allow_mutation_on_saved_tensors():
    a = torch.randn(3, requires_grad=True)
    b = a.clone()
    out = (b ** 2).sum()
    b.mul_(10)
    out.backward()
print(a.grad, b)
""",
    "constraints_and_transforms": """
import torch
import torch.distributions as D
from torch.distributions import constraints, transforms
loc = torch.zeros(2, requires_grad=True)
t = transforms.ComposeTransform([transforms.AffineTransform(loc, 2.0), transforms.ExpTransform()])
flow = D.TransformedDistribution(D.Normal(torch.zeros(2), torch.ones(2)), [t])
x = flow.rsample((4,))
x.sum().backward()
print(loc.grad, constraints.positive.check(x).all())
print(constraints.interval(0.0, 1.0).check(torch.tensor([0.5, 2.0])))
print(constraints.simplex.check(torch.tensor([0.3, 0.7])), t.codomain is not None)
""",
    "sparse_adam_embeddings": """
import torch
import torch.nn as nn
torch.manual_seed(0)
emb = nn.Embedding(6, 2, sparse=True)
opt = torch.optim.SparseAdam(emb.parameters(), lr=0.1)
idx = torch.tensor([0, 3, 3])
for _ in range(2):
    opt.zero_grad()
    loss = emb(idx).pow(2).sum()
    loss.backward()
    opt.step()
print(round(loss.item(), 5), emb.weight.grad.is_sparse)
""",
    "forward_ad_module_setattr": """
import torch
import torch.nn as nn
import torch.autograd.forward_ad as fwAD
torch.manual_seed(0)
model = nn.Linear(3, 2)
inp = torch.randn(4, 3)
params = {name: p for name, p in model.named_parameters()}
tangents = {name: torch.ones_like(p) for name, p in params.items()}
with fwAD.dual_level():
    for name, p in params.items():
        delattr(model, name)
        setattr(model, name, fwAD.make_dual(p, tangents[name]))
    jvp = fwAD.unpack_dual(model(inp)).tangent
print(jvp.shape, jvp)
setattr(model, "my_scale", 3.0)
print(model.my_scale)
""",
    "anomaly_query": """
import torch
print(torch.is_anomaly_enabled())
x = torch.randn(3, requires_grad=True)
with torch.autograd.detect_anomaly():
    print(torch.is_anomaly_enabled())
    (x * 2).sum().backward()
print(torch.is_anomaly_enabled(), x.grad)
""",
}
