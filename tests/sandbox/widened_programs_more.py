"""More tutorial-style programs of the widened API (merged into ``widened_programs``)."""

from __future__ import annotations

MORE: dict[str, str] = {
    "vae_reparameterisation": """
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.distributions import Normal, kl_divergence
torch.manual_seed(0)

class VAE(nn.Module):
    def __init__(self):
        super().__init__()
        self.enc = nn.Linear(4, 4)
        self.dec = nn.Linear(2, 4)

    def forward(self, x):
        mu, log_var = self.enc(x).chunk(2, dim=-1)
        q = Normal(mu, (0.5 * log_var).exp())
        z = q.rsample()
        kl = kl_divergence(q, Normal(torch.zeros_like(mu), torch.ones_like(mu))).sum(-1)
        return self.dec(z), kl

model = VAE()
x = torch.rand(3, 4)
recon, kl = model(x)
loss = F.mse_loss(recon, x) + kl.mean()
loss.backward()
print(round(loss.item(), 5), model.enc.weight.grad.shape)
""",
    "gan_attribute_names": """
import torch
import torch.nn as nn
torch.manual_seed(0)

class GAN(nn.Module):
    def __init__(self):
        super().__init__()
        self.generator = nn.Linear(2, 3)
        self.discriminator = nn.Linear(3, 1)
        self.timeout = 5

    def forward(self, z):
        return self.discriminator(self.generator(z))

gan = GAN()
score = gan(torch.randn(4, 2)).sigmoid().mean()
score.backward()
print(gan.generator.weight.grad.shape, gan.timeout)
""",
    "distribution_zoo": """
import torch
from torch.distributions import (Beta, Dirichlet, Gamma, Laplace, LogNormal, OneHotCategorical,
                                 RelaxedOneHotCategorical, StudentT, TransformedDistribution,
                                 AffineTransform, ExpTransform, Independent, Normal)
torch.manual_seed(0)
a = torch.tensor([2.0, 3.0], requires_grad=True)
samples = [Beta(a, a).rsample(), Dirichlet(a).rsample(), Gamma(a, 1.0).rsample(),
           Laplace(a, 1.0).rsample(), LogNormal(a, 1.0).rsample(), StudentT(3.0, a).rsample()]
logp = sum(s.sum() for s in samples)
logp.backward()
print(a.grad)
oh = OneHotCategorical(logits=torch.tensor([0.0, 1.0]))
print(oh.sample(), oh.enumerate_support().shape, oh.support)
relaxed = RelaxedOneHotCategorical(torch.tensor(0.5), logits=torch.tensor([0.0, 1.0]))
print(relaxed.rsample().sum(), relaxed.temperature)
t = TransformedDistribution(Normal(0.0, 1.0), [AffineTransform(1.0, 2.0), ExpTransform()])
print(t.log_prob(torch.tensor(3.0)), Independent(Normal(a, 1.0), 1).log_prob(a))
""",
    "custom_function_vmap": """
import torch
from torch.func import vmap, grad

class Cube(torch.autograd.Function):
    generate_vmap_rule = True

    @staticmethod
    def forward(x):
        return x ** 3

    @staticmethod
    def setup_context(ctx, inputs, output):
        (x,) = inputs
        ctx.save_for_backward(x)

    @staticmethod
    def backward(ctx, grad_out):
        (x,) = ctx.saved_tensors
        return 3 * x ** 2 * grad_out

x = torch.tensor([1.0, 2.0, 3.0])
print(vmap(Cube.apply)(x), vmap(grad(lambda t: Cube.apply(t)))(x))
""",
    "jacrev_argnums_model": """
import torch
import torch.nn as nn
from torch.func import functional_call, jacrev
torch.manual_seed(0)
net = nn.Sequential(nn.Linear(3, 2), nn.Tanh())
params = dict(net.named_parameters())
x = torch.randn(3)
jac = jacrev(lambda p, inp: functional_call(net, p, (inp,)), argnums=0)(params, x)
print({k: tuple(v.shape) for k, v in jac.items()})
""",
    "checkpoint_reentrant": """
import torch
import torch.nn as nn
from torch.utils.checkpoint import checkpoint
torch.manual_seed(0)
layer = nn.Linear(3, 3)
x = torch.randn(2, 3, requires_grad=True)
out = checkpoint(lambda t: layer(t).relu(), x, use_reentrant=True)
out.sum().backward()
print(x.grad.shape, layer.weight.grad.shape)
""",
    "disable_saved_hooks": """
import torch
from torch.autograd.graph import disable_saved_tensors_hooks
x = torch.tensor([1.0, 2.0], requires_grad=True)
with disable_saved_tensors_hooks("no hooks here"):
    y = (x * x).sum()
y.backward()
print(x.grad)
""",
    "old_style_norms": """
import torch
import torch.nn as nn
from torch.nn.utils import spectral_norm, weight_norm, clip_grad_norm_
torch.manual_seed(0)
sn = spectral_norm(nn.Linear(3, 3))
wn = weight_norm(nn.Linear(3, 2))
out = wn(sn(torch.randn(2, 3))).sum()
out.backward()
print(sn.weight_orig.grad.shape, wn.weight_g.grad.shape, wn.weight_v.shape)
print(clip_grad_norm_(list(wn.parameters()), max_norm=1.0) >= 0)
""",
    "embedding_pretrained": """
import torch
import torch.nn as nn
weights = torch.tensor([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
emb = nn.Embedding.from_pretrained(weights, freeze=False)
out = emb(torch.tensor([0, 2])).sum()
out.backward()
print(emb.weight.grad, emb.num_embeddings, emb.max_norm)
""",
    "dataclass_config_tools": """
import dataclasses
import functools
import itertools
from typing import NamedTuple
import torch

@dataclasses.dataclass(frozen=True)
class Config:
    lr: float = 0.5
    steps: int = 3

class Point(NamedTuple):
    x: float
    y: float

@functools.lru_cache(maxsize=None)
def schedule(step):
    return 0.5 ** step

cfg = dataclasses.replace(Config(), steps=2)
w = torch.tensor(2.0, requires_grad=True)
for step in itertools.islice(itertools.count(), cfg.steps):
    loss = (w - 1.0) ** 2
    loss.backward()
    with torch.no_grad():
        w -= cfg.lr * schedule(step) * w.grad
        w.grad.zero_()
print(dataclasses.asdict(cfg), Point(1.0, 2.0).y, w, schedule.cache_info().hits)
print([f.name for f in dataclasses.fields(cfg)], list(itertools.accumulate([1, 2, 3])))
""",
    "weighted_sampler_loader": """
import torch
from torch.utils.data import DataLoader, TensorDataset, WeightedRandomSampler
torch.manual_seed(0)
x = torch.arange(8, dtype=torch.float32).unsqueeze(1)
y = (x > 3).float()
ds = TensorDataset(x, y)
sampler = WeightedRandomSampler(torch.ones(8), num_samples=8, replacement=True)
loader = DataLoader(ds, batch_size=4, sampler=sampler, drop_last=True)
w = torch.zeros(1, 1, requires_grad=True)
for xb, yb in loader:
    loss = ((xb @ w).sigmoid() - yb).pow(2).mean()
    loss.backward()
print(w.grad, len(loader), loader.drop_last, len(ds))
""",
    "module_hook_names": """
import torch
import torch.nn as nn
torch.manual_seed(0)
model = nn.Sequential(nn.Conv2d(1, 2, 3), nn.ReLU(), nn.Flatten(), nn.Linear(8, 2))
def report(module, grad_input, grad_output):
    print(f"{module.__class__.__name__:>8}", [tuple(g.shape) for g in grad_output])
for m in model.modules():
    if not isinstance(m, nn.Sequential):
        m.register_full_backward_hook(report)
model(torch.randn(1, 1, 4, 4)).sum().backward()
""",
    "complex_fft_grad": """
import torch
x = torch.randn(4, 4, generator=torch.Generator().manual_seed(0), requires_grad=True)
spectrum = torch.fft.fft2(x)
power = torch.view_as_real(spectrum).pow(2).sum()
power.backward()
print(torch.allclose(x.grad, 2 * 16 * x), torch.fft.fftshift(torch.arange(4)))
print(torch.special.log_ndtr(torch.tensor([0.0])), torch.special.gammaln(torch.tensor([3.0])))
""",
    "dqn_replay_memory": """
import math
import random
from collections import deque, namedtuple
from itertools import count
import torch
import torch.nn as nn
import torch.optim as optim

Transition = namedtuple("Transition", ("state", "action", "next_state", "reward"))

class ReplayMemory:
    def __init__(self, capacity):
        self.memory = deque([], maxlen=capacity)

    def push(self, *args):
        self.memory.append(Transition(*args))

    def sample(self, batch_size):
        return random.sample(self.memory, batch_size)

    def __len__(self):
        return len(self.memory)

torch.manual_seed(0)
policy_net = nn.Sequential(nn.Linear(4, 16), nn.ReLU(), nn.Linear(16, 2))
target_net = nn.Sequential(nn.Linear(4, 16), nn.ReLU(), nn.Linear(16, 2))
target_net.load_state_dict(policy_net.state_dict())
optimizer = optim.AdamW(policy_net.parameters(), lr=1e-3, amsgrad=True)
memory = ReplayMemory(100)
for t in count():
    state = torch.randn(1, 4)
    eps = 0.05 + 0.85 * math.exp(-t / 10)
    if random.random() > eps:
        with torch.no_grad():
            action = policy_net(state).max(1).indices.view(1, 1)
    else:
        action = torch.tensor([[random.randrange(2)]])
    memory.push(state, action, torch.randn(1, 4), torch.tensor([1.0]))
    if t >= 9:
        break
batch = Transition(*zip(*memory.sample(8)))
state_action_values = policy_net(torch.cat(batch.state)).gather(1, torch.cat(batch.action))
next_values = target_net(torch.cat(batch.next_state)).max(1).values.detach()
expected = next_values * 0.99 + torch.cat(batch.reward)
loss = nn.SmoothL1Loss()(state_action_values, expected.unsqueeze(1))
optimizer.zero_grad()
loss.backward()
torch.nn.utils.clip_grad_value_(policy_net.parameters(), 100)
optimizer.step()
print(len(memory), round(loss.item(), 6))
""",
}
