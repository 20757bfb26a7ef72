# Blog post style config objects: namedtuple, dataclass, typing hints
from collections import namedtuple
from dataclasses import dataclass, field
from typing import List, Optional

import torch
import torch.nn as nn

Batch = namedtuple('Batch', ['inputs', 'targets'])


@dataclass
class Config:
    in_dim: int = 3
    hidden: List[int] = field(default_factory=lambda: [5, 4])
    lr: float = 0.1
    dropout: Optional[float] = None


def build(cfg: Config) -> nn.Module:
    layers = []
    dim = cfg.in_dim
    for h in cfg.hidden:
        layers += [nn.Linear(dim, h), nn.ReLU()]
        dim = h
    layers.append(nn.Linear(dim, 1))
    return nn.Sequential(*layers)


cfg = Config()
print(cfg)
model = build(cfg)
batch = Batch(torch.randn(4, cfg.in_dim), torch.randn(4, 1))
opt = torch.optim.SGD(model.parameters(), lr=cfg.lr)
loss = nn.functional.mse_loss(model(batch.inputs), batch.targets)
loss.backward()
opt.step()
print(batch._fields, round(loss.item(), 5))
print(model[0].weight.grad.shape)
