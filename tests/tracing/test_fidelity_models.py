"""Programs using nn.utils, distributions, linalg and custom Functions, traced as plain PyTorch.

Tutorial and docs programs of the autograd topics beyond the basics: weight and spectral
norm, pruning, packed sequences, sparse embedding bags, REINFORCE and reparameterised
distributions, matrix functions, FFTs, custom Functions that write in place or return
non-differentiable outputs (``tests.tracing.fidelity``).
"""

from __future__ import annotations

import pytest

from gradtrace.tracing import trace_source
from tests.tracing.fidelity import PRELUDE, assert_traces_as_plain, bare_stdout

# nn.utils: weight/spectral norm, pruning, packed sequences, sparse bags.
NN_UTILS = {
    "spectral-norm": """
from torch.nn.utils.parametrizations import spectral_norm
lin = spectral_norm(nn.Linear(4, 3))
for _ in range(2):
    loss = lin(torch.randn(2, 4)).sum()
    loss.backward()
u = lin.parametrizations.weight[0]._u
""",
    "old-weight-norm": """
lin = torch.nn.utils.weight_norm(nn.Linear(3, 2))
loss = lin(torch.randn(4, 3)).sum()
loss.backward()
g = lin.weight_g.grad
""",
    "prune": """
import torch.nn.utils.prune as prune
lin = nn.Linear(5, 3)
prune.l1_unstructured(lin, name='weight', amount=0.4)
loss = lin(torch.randn(2, 5)).sum()
loss.backward()
mask = lin.weight_mask
print(int(mask.sum()))
prune.remove(lin, 'weight')
""",
    "packed-lstm": """
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence
lstm = nn.LSTM(2, 3, batch_first=True)
x = torch.randn(2, 4, 2)
packed = pack_padded_sequence(x, torch.tensor([4, 2]), batch_first=True)
out, (h, c) = lstm(packed)
padded, lens = pad_packed_sequence(out, batch_first=True)
loss = padded.sum() + h.sum()
loss.backward()
""",
    "embedding-bag-sparse": """
bag = nn.EmbeddingBag(10, 3, mode='sum', sparse=True)
ids = torch.tensor([1, 2, 4, 5, 4, 3])
offsets = torch.tensor([0, 3])
loss = bag(ids, offsets).sum()
loss.backward()
opt = torch.optim.SGD(bag.parameters(), lr=0.1)
opt.step()
opt.zero_grad()
""",
    "sparse-grad-zero": """
emb = nn.Embedding(5, 2, sparse=True)
for _ in range(2):
    emb(torch.tensor([1, 3])).sum().backward()
print(emb.weight.grad.coalesce().values())
emb.weight.grad.zero_()
emb.zero_grad()
""",
    "gumbel": """
logits = torch.randn(2, 4, requires_grad=True)
y = F.gumbel_softmax(logits, tau=0.5, hard=True)
loss = (y * torch.arange(4.0)).sum()
loss.backward()
""",
}

# torch.distributions: score-function and reparameterised gradients.
DISTRIBUTIONS = {
    "reinforce": """
logits = torch.randn(4, 3, requires_grad=True)
dist = torch.distributions.Categorical(logits=logits)
a = dist.sample()
reward = torch.randn(4)
loss = -(dist.log_prob(a) * reward).mean() - 0.01 * dist.entropy().mean()
loss.backward()
""",
    "kl-bernoulli": """
from torch.distributions import Normal, Bernoulli, kl_divergence
mu = torch.zeros(2, requires_grad=True)
p = Normal(mu, torch.ones(2))
q = Normal(torch.ones(2), 2 * torch.ones(2))
kl = kl_divergence(p, q).sum()
b = Bernoulli(probs=torch.sigmoid(mu))
loss = kl + b.log_prob(torch.tensor([1.0, 0.0])).sum()
loss.backward()
""",
    "transformed-dist": """
from torch.distributions import Normal, TransformedDistribution
from torch.distributions.transforms import ExpTransform
loc = torch.zeros(3, requires_grad=True)
d = TransformedDistribution(Normal(loc, 1.0), [ExpTransform()])
s = d.rsample()
loss = d.log_prob(s).sum()
loss.backward()
""",
}

# linalg, fft and the dtypes beside float32.
MATH = {
    "linalg": """
a = torch.randn(3, 3, requires_grad=True)
spd = a @ a.T + 3 * torch.eye(3)
L = torch.linalg.cholesky(spd)
b = torch.randn(3, 1)
xsol = torch.linalg.solve(spd, b)
loss = torch.linalg.det(spd) + torch.linalg.inv(spd).sum() + L.sum() + xsol.sum()
loss.backward()
""",
    "fft": """
x = torch.randn(8, requires_grad=True)
X = torch.fft.rfft(x)
power = X.abs() ** 2
loss = power.sum()
loss.backward()
""",
    "default-dtype": """
x = torch.tensor([1.0, 2.0], dtype=torch.float64, requires_grad=True)
y = (x ** 2).sum()
y.backward()
b = torch.tensor([True, False])
n = torch.arange(3)
print(x.grad, b, n)
""",
    "generator-seed": """
torch.manual_seed(42)
g = torch.Generator().manual_seed(7)
w = torch.randn(3, generator=g, requires_grad=True)
x = torch.rand(3)
loss = (w * x).sum()
loss.backward()
""",
}

# Custom Functions and backward-call spellings from the autograd docs.
FUNCTIONS = {
    "mark-dirty": """
class AddOne(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        x.add_(1)
        ctx.mark_dirty(x)
        return x
    @staticmethod
    def backward(ctx, g):
        return g
a = torch.ones(3, requires_grad=True)
b = a * 2
c = AddOne.apply(b)
loss = (c * c).sum()
loss.backward()
""",
    "non-diff-materialize": """
class SortFn(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        v, i = x.sort()
        ctx.mark_non_differentiable(i)
        ctx.set_materialize_grads(False)
        ctx.save_for_backward(i)
        return v, i
    @staticmethod
    def backward(ctx, gv, gi):
        (i,) = ctx.saved_tensors
        g = torch.zeros_like(gv)
        if gv is not None:
            g.scatter_(0, i, gv)
        return g
x = torch.randn(5, requires_grad=True)
v, i = SortFn.apply(x)
loss = (v * torch.arange(5.0)).sum()
loss.backward()
print(i.requires_grad)
""",
    "backward-gradient": """
x = torch.randn(3, requires_grad=True)
y = x * 2
v = torch.tensor([0.1, 1.0, 0.0001])
y.backward(gradient=v)
print(x.grad)
""",
    "hook-remove": """
x = torch.ones(3, requires_grad=True)
y = x * 2
h = y.register_hook(lambda g: g * 10)
h.remove()
y.sum().backward()
lin = nn.Linear(3, 1)
h2 = lin.register_full_backward_pre_hook(lambda m, go: print('pre', go[0].shape))
lin(x.detach()).sum().backward()
""",
    "scheduler": """
model = nn.Linear(2, 1)
opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
sched = torch.optim.lr_scheduler.StepLR(opt, step_size=2, gamma=0.5)
for step in range(4):
    opt.zero_grad()
    loss = model(torch.ones(3, 2)).pow(2).mean()
    loss.backward()
    opt.step()
    sched.step()
    print(step, sched.get_last_lr())
""",
}
PROGRAMS = {**NN_UTILS, **DISTRIBUTIONS, **MATH, **FUNCTIONS}


@pytest.mark.parametrize("name", list(PROGRAMS))
def test_traces_as_plain_pytorch(name: str) -> None:
    assert_traces_as_plain(PRELUDE + PROGRAMS[name])


def test_mutation_on_saved_tensors() -> None:
    """allow_mutation_on_saved_tensors: its unpack hook raises outside the block, so the
    oracle (which reads saved tensors at the end) cannot run it; the trace must."""
    source = PRELUDE + (
        "with torch.autograd.graph.allow_mutation_on_saved_tensors():\n"
        "    a = torch.ones(3, requires_grad=True)\n    b = a.clone()\n"
        "    out = (b ** 2).sum()\n    b.sin_()\n    out.sum().backward()\n    print(a.grad)\n"
        "c = a * 2\n")
    trace = trace_source(source)
    assert trace["ok"], trace["error"]
    assert trace["stdout"] == bare_stdout(source)
