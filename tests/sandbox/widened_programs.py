"""Tutorial-style programs that use the API the policy was widened to (issue 16, item 2).

Each is written the way the PyTorch docs and tutorials write it. ``TRACER_XFAIL`` names the
programs that the policy and the facade accept but the tracer does not yet trace like plain
PyTorch (with the reason); they belong to the tracer's side of the issue.
"""

from __future__ import annotations

from tests.sandbox.widened_programs_data import DATA_AND_STDLIB
from tests.sandbox.widened_programs_gaps import GAPS
from tests.sandbox.widened_programs_more import MORE

PROGRAMS: dict[str, str] = {
    "func_grad": """
import torch
from torch.func import grad
f = lambda x: (x ** 2).sin().sum()
x = torch.tensor([0.5, 1.0, 2.0])
print(grad(f)(x))
print(grad(grad(lambda t: t.sin()))(torch.tensor(1.0)))
""",
    "func_vmap_per_sample": """
import torch
import torch.nn as nn
from torch.func import functional_call, grad, vmap
torch.manual_seed(0)
model = nn.Linear(3, 1)
params = {k: v.detach() for k, v in model.named_parameters()}
def loss_fn(params, x, y):
    out = functional_call(model, params, (x.unsqueeze(0),))
    return ((out - y) ** 2).mean()
x = torch.randn(4, 3)
y = torch.randn(4, 1)
per_sample = vmap(grad(loss_fn), in_dims=(None, 0, 0))(params, x, y)
print({k: v.shape for k, v in per_sample.items()})
print(per_sample["weight"].sum(0))
""",
    "func_jacobians": """
import torch
from torch.func import hessian, jacfwd, jacrev, jvp, vjp
f = lambda x: x.sin() * x
x = torch.tensor([0.1, 0.2, 0.3])
print(jacrev(f)(x))
print(jacfwd(f)(x))
torch.testing.assert_close(jacrev(f)(x), jacfwd(f)(x))
print(hessian(lambda t: t.pow(3).sum())(x))
out, tangent = jvp(f, (x,), (torch.ones(3),))
print(out, tangent)
out, fn = vjp(f, x)
print(fn(torch.ones(3)))
""",
    "func_grad_and_value_ensembles": """
import torch
import torch.nn as nn
from torch.func import grad_and_value, stack_module_state, functional_call, vmap
import copy
torch.manual_seed(0)
models = [nn.Linear(2, 2) for _ in range(3)]
params, buffers = stack_module_state(models)
base = copy.deepcopy(models[0]).to("meta")
def run(p, b, x):
    return functional_call(base, (p, b), (x,))
x = torch.randn(5, 2)
print(vmap(run, in_dims=(0, 0, None))(params, buffers, x).shape)
g, v = grad_and_value(lambda w: (w * w).sum())(torch.tensor([1.0, 2.0]))
print(g, v)
""",
    "forward_ad": """
import torch
import torch.autograd.forward_ad as fwAD
primal = torch.tensor([1.0, 2.0, 3.0])
tangent = torch.tensor([1.0, 0.0, 0.0])
with fwAD.dual_level():
    dual = fwAD.make_dual(primal, tangent)
    out = dual.sin() * dual
    unpacked = fwAD.unpack_dual(out)
    print(unpacked.primal, unpacked.tangent)
    p, t = fwAD.unpack_dual(out)
    print(t)
""",
    "checkpoint": """
import torch
import torch.nn as nn
from torch.utils.checkpoint import checkpoint, checkpoint_sequential
torch.manual_seed(0)
block = nn.Sequential(nn.Linear(4, 4), nn.Tanh(), nn.Linear(4, 4))
x = torch.randn(2, 4, requires_grad=True)
y = checkpoint(block, x, use_reentrant=False)
y.sum().backward()
print(x.grad)
seq = nn.Sequential(nn.Linear(4, 4), nn.ReLU(), nn.Linear(4, 4), nn.ReLU())
z = checkpoint_sequential(seq, 2, x, use_reentrant=False)
print(z.shape)
""",
    "saved_tensor_hooks": """
import torch
from torch.autograd.graph import saved_tensors_hooks, save_on_cpu
packed = []
def pack(t):
    packed.append(t.shape)
    return t * 1
def unpack(t):
    return t
x = torch.tensor([1.0, 2.0], requires_grad=True)
with saved_tensors_hooks(pack, unpack):
    y = x.pow(2) * x
y.sum().backward()
print(x.grad, packed)
with save_on_cpu():
    z = (x * x).sum()
z.backward()
print(x.grad)
""",
    "distributions": """
import torch
from torch.distributions import Normal, Categorical, Bernoulli, Uniform, Independent
from torch.distributions import MultivariateNormal, kl_divergence
torch.manual_seed(0)
mu = torch.tensor([0.0, 1.0], requires_grad=True)
sigma = torch.tensor([1.0, 0.5], requires_grad=True)
d = Normal(mu, sigma)
z = d.rsample()
loss = -d.log_prob(z).sum() + d.entropy().sum()
loss.backward()
print(mu.grad, sigma.grad, d.mean, d.stddev, d.variance, d.has_rsample, d.batch_shape)
c = Categorical(logits=torch.tensor([0.1, 0.2, 0.7]))
a = c.sample()
print(a, c.log_prob(a), c.probs, c.entropy())
print(Bernoulli(probs=torch.tensor(0.3)).sample((3,)), Uniform(0.0, 1.0).sample())
mvn = MultivariateNormal(torch.zeros(2), torch.eye(2))
ind = Independent(Normal(torch.zeros(2), torch.ones(2)), 1)
print(mvn.log_prob(torch.ones(2)), ind.event_shape, kl_divergence(d, Normal(0.0, 1.0)))
""",
    "policy_gradient": """
import torch
import torch.nn as nn
from torch.distributions import Categorical
torch.manual_seed(0)
policy = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 2))
opt = torch.optim.Adam(policy.parameters(), lr=0.01)
states = torch.randn(5, 4)
dist = Categorical(logits=policy(states))
actions = dist.sample()
rewards = torch.randn(5)
loss = -(dist.log_prob(actions) * rewards).mean()
opt.zero_grad()
loss.backward()
opt.step()
print(loss.item(), policy[0].weight.grad.abs().sum().item() > 0)
""",
    "once_differentiable": """
import torch
from torch.autograd import Function
from torch.autograd.function import once_differentiable

class Exp(Function):
    @staticmethod
    def forward(ctx, x):
        y = x.exp()
        ctx.save_for_backward(y)
        return y

    @staticmethod
    @once_differentiable
    def backward(ctx, grad_out):
        (y,) = ctx.saved_tensors
        return grad_out * y

x = torch.tensor([0.0, 1.0], requires_grad=True)
Exp.apply(x).sum().backward()
print(x.grad)
""",
    "complex_views": """
import torch
x = torch.tensor([[1.0, 2.0], [3.0, -1.0]], requires_grad=True)
c = torch.view_as_complex(x)
r = torch.view_as_real(c * c)
r.sum().backward()
print(c, r, x.grad)
""",
    "named_tuple_fields": """
import torch
torch.manual_seed(0)
x = torch.randn(3, 4, requires_grad=True)
m = x.max(dim=1)
print(m.indices, m.values)
top = x.topk(2, dim=1)
s = x.sort(dim=1, descending=True)
print(top.values.shape, s.indices[0], x.min(1).values, x.median(1).indices)
print(torch.kthvalue(x, 2, 1).values.shape, torch.mode(x.round(), 1).values)
print(x.aminmax().min, x.aminmax().max, torch.frexp(x.detach()).mantissa.shape)
print(x.cummax(1).indices[0])
(m.values.sum() + top.values.sum()).backward()
print(x.grad)
""",
    "linalg_named_tuples": """
import torch
torch.manual_seed(0)
a = torch.randn(3, 3, requires_grad=True)
q = torch.linalg.qr(a)
print(q.Q.shape, q.R.shape)
sym = a @ a.T + torch.eye(3)
e = torch.linalg.eigh(sym)
u = torch.linalg.svd(a)
print(e.eigenvalues, u.S, u.U.shape, u.Vh.shape)
sl = torch.linalg.slogdet(sym)
print(sl.sign, sl.logabsdet)
sol = torch.linalg.lstsq(a, torch.ones(3, 1)).solution
lu = torch.linalg.lu_factor(a.detach())
print(sol.shape, lu.LU.shape, lu.pivots)
(e.eigenvalues.sum() + sl.logabsdet + u.S.sum()).backward()
print(a.grad)
""",
    "rnn_parameter_names": """
import torch
import torch.nn as nn
torch.manual_seed(0)
gru = nn.GRU(3, 4, num_layers=2, bidirectional=True)
lstm = nn.LSTM(3, 4, num_layers=3, proj_size=2, bidirectional=True)
print(gru.weight_ih_l1.shape, gru.weight_hh_l0_reverse.shape, gru.bias_ih_l1_reverse.shape)
print(lstm.weight_hr_l0.shape, lstm.bias_ih_l2_reverse.shape)
out, h = gru(torch.randn(5, 1, 3))
out.sum().backward()
print(gru.weight_ih_l1.grad.shape)
bn = nn.BatchNorm1d(4)
bn(torch.randn(8, 4))
print(bn.num_batches_tracked, bn.track_running_stats, bn.affine)
""",
    "class_name_in_hook": """
import torch
import torch.nn as nn
torch.manual_seed(0)
net = nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 1))
def hook(module, inp, out):
    print(module.__class__.__name__, tuple(out.shape))
for layer in net:
    layer.register_forward_hook(hook)
net(torch.ones(1, 2)).sum().backward()
print(type(net).__qualname__, net.__class__.__qualname__)
""",
    "legacy_variable": """
import torch
from torch.autograd import Variable
x = Variable(torch.ones(2, 2), requires_grad=True)
y = x + 2
z = y * y * 3
out = z.mean()
out.backward()
print(x.grad, x.data)
g = torch.zeros(2, dtype=torch.float64)
v = Variable(torch.zeros(1)).type(type(g.data))
print(v.dtype, x.type(), x.double().type(torch.FloatTensor).dtype)
idx = torch.LongTensor([0, 1])
w = torch.FloatTensor([[1.0, 2.0], [3.0, 4.0]])
print(idx, w[idx].sum(), isinstance(w, torch.FloatTensor), isinstance(idx, torch.FloatTensor))
print(torch.FloatTensor(2, 3).shape, x.data.type(torch.DoubleTensor).dtype)
""",
    "parametrize": """
import torch
import torch.nn as nn
import torch.nn.utils.parametrize as parametrize
from torch.nn.utils.parametrizations import orthogonal, weight_norm

class Symmetric(nn.Module):
    def forward(self, X):
        return X.triu() + X.triu(1).transpose(-1, -2)

torch.manual_seed(0)
layer = nn.Linear(3, 3)
parametrize.register_parametrization(layer, "weight", Symmetric())
print(parametrize.is_parametrized(layer), torch.allclose(layer.weight, layer.weight.T))
layer(torch.ones(1, 3)).sum().backward()
print(layer.parametrizations.weight.original.grad)
q = orthogonal(nn.Linear(2, 2))
print(torch.allclose(q.weight @ q.weight.T, torch.eye(2), atol=1e-5))
wn = weight_norm(nn.Linear(2, 2))
print(wn.parametrizations.weight.original0.shape)
""",
    "packed_sequences": """
import torch
import torch.nn as nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence, pad_sequence
torch.manual_seed(0)
seqs = [torch.randn(3, 2), torch.randn(2, 2), torch.randn(1, 2)]
padded = pad_sequence(seqs, batch_first=True)
packed = pack_padded_sequence(padded, [3, 2, 1], batch_first=True)
rnn = nn.GRU(2, 4, batch_first=True)
out, h = rnn(packed)
unpacked, lengths = pad_packed_sequence(out, batch_first=True)
h.sum().backward()
print(unpacked.shape, lengths, packed.batch_sizes, rnn.weight_ih_l0.grad.shape)
""",
    "special_and_fft": """
import torch
x = torch.tensor([0.2, 0.5, 0.9], requires_grad=True)
y = torch.special.expit(x) + torch.special.erfcx(x) + torch.special.xlog1py(x, x)
f = torch.fft.rfft(x)
(y.sum() + f.abs().sum()).backward()
print(y, torch.fft.fftfreq(4), x.grad)
""",
    "sparse_embedding_dense": """
import torch
x = torch.tensor([[0.0, 2.0], [3.0, 0.0]], requires_grad=True)
s = x.to_sparse()
print(s.is_sparse, s.coalesce().indices(), s.coalesce().values())
d = s.to_dense()
(d * 2).sum().backward()
print(x.grad)
""",
}

PROGRAMS.update(MORE)
PROGRAMS.update(DATA_AND_STDLIB)
PROGRAMS.update(GAPS)

TRACER_XFAIL: dict[str, str] = {
    "checkpoint": "tracer: nodes recorded inside checkpoint() lack their saved tensors",
    "saved_tensor_hooks": "tracer: nodes whose saved tensors were packed by saved_tensors_hooks "
    "lack their saved tensors",
    "mutation_on_saved_tensors": "tracer: nodes recorded under allow_mutation_on_saved_tensors "
    "lack their saved tensors (PowBackward0 has no 'self')",
}
