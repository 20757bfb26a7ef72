"""Tutorial-style programs of the widened data loading and standard-library names.

Merged into ``widened_programs.PROGRAMS``.
"""

from __future__ import annotations

DATA_AND_STDLIB: dict[str, str] = {
    "dataloader_training": """
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, TensorDataset, random_split
torch.manual_seed(0)
x = torch.randn(40, 3)
y = x @ torch.tensor([[1.0], [-2.0], [0.5]]) + 0.1
dataset = TensorDataset(x, y)
train, val = random_split(dataset, [32, 8])
loader = DataLoader(train, batch_size=8, shuffle=True)
model = nn.Linear(3, 1)
opt = torch.optim.SGD(model.parameters(), lr=0.1)
for epoch in range(2):
    total = 0.0
    for xb, yb in loader:
        opt.zero_grad()
        loss = nn.functional.mse_loss(model(xb), yb)
        loss.backward()
        opt.step()
        total += loss.item() * len(xb)
    print(epoch, total / len(loader.dataset))
print(len(loader), loader.batch_size, len(val), dataset.tensors[0].shape)
""",
    "custom_dataset": """
import torch
from torch.utils.data import Dataset, DataLoader

class Squares(Dataset):
    def __init__(self, n):
        self.xs = torch.arange(n, dtype=torch.float32)

    def __len__(self):
        return len(self.xs)

    def __getitem__(self, i):
        return self.xs[i], self.xs[i] ** 2

w = torch.zeros(1, requires_grad=True)
for xb, yb in DataLoader(Squares(6), batch_size=3):
    loss = ((w * xb - yb) ** 2).mean()
    loss.backward()
print(w.grad)
""",
    "stdlib_structure": """
import torch
import torch.nn as nn
from collections import OrderedDict, namedtuple, defaultdict, Counter, deque
from dataclasses import dataclass, field
from functools import partial, reduce
import itertools
from typing import List, Optional, Tuple
torch.manual_seed(0)
model = nn.Sequential(OrderedDict([("hidden", nn.Linear(2, 3)), ("act", nn.ReLU()),
                                   ("out", nn.Linear(3, 1))]))
print(model.hidden, model.out.weight.shape)
Batch = namedtuple("Batch", "inputs targets")
b = Batch(torch.ones(4, 2), torch.zeros(4, 1))

@dataclass
class Config:
    lr: float = 0.1
    steps: int = 2
    sizes: List[int] = field(default_factory=lambda: [2, 3])

cfg = Config(steps=3)
opt = torch.optim.SGD(model.parameters(), lr=cfg.lr)
history = defaultdict(list)
for step in range(cfg.steps):
    opt.zero_grad()
    loss = nn.functional.mse_loss(model(b.inputs), b.targets)
    loss.backward()
    opt.step()
    history["loss"].append(round(loss.item(), 6))
act = partial(torch.clamp, min=0.0)
total = reduce(lambda a, c: a + c, [torch.ones(1)] * 3)
pairs = list(itertools.product([1, 2], repeat=2))
def shape_of(t: torch.Tensor, extra: Optional[int] = None) -> Tuple[int, ...]:
    return tuple(t.shape)
print(cfg, dict(history), act(torch.tensor([-1.0, 2.0])), total, pairs[:2])
print(Counter("abca").most_common(1), deque([1, 2], maxlen=2), shape_of(b.inputs))
""",
    "deepcopy_target_network": """
import copy
import torch
import torch.nn as nn
torch.manual_seed(0)
net = nn.Linear(2, 1)
target = copy.deepcopy(net)
for p in target.parameters():
    p.requires_grad_(False)
loss = (net(torch.ones(1, 2)) - target(torch.ones(1, 2)) - 1).pow(2).sum()
loss.backward()
print(net.weight.grad, target.weight.grad)
""",
    "random_and_time": """
import random
import time
import torch
random.seed(3)
start = time.perf_counter()
xs = [random.random() for _ in range(3)]
random.shuffle(xs)
w = torch.tensor(xs, requires_grad=True)
(w * w).sum().backward()
elapsed = time.perf_counter() - start
print(w.grad, random.randint(0, 10), random.choice([1, 2, 3]), elapsed >= 0.0)
""",
}
