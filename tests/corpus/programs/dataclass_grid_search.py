# Blog post style experiment code: frozen dataclass, itertools.product grid, typing, functools.reduce
import itertools
import operator
from dataclasses import dataclass, asdict, replace
from functools import reduce
from typing import Callable, Dict, Tuple

import torch


@dataclass(frozen=True)
class HParams:
    lr: float = 0.1
    steps: int = 5
    momentum: float = 0.0


def fit(hp: HParams, loss_fn: Callable[[torch.Tensor], torch.Tensor]) -> Tuple[float, torch.Tensor]:
    w = torch.zeros(3, requires_grad=True)
    opt = torch.optim.SGD([w], lr=hp.lr, momentum=hp.momentum)
    for _ in range(hp.steps):
        opt.zero_grad()
        loss = loss_fn(w)
        loss.backward()
        opt.step()
    return loss.item(), w.detach()


target = torch.tensor([1.0, -2.0, 0.5])
results: Dict[HParams, float] = {}
for lr, momentum in itertools.product([0.05, 0.2], [0.0, 0.9]):
    hp = HParams(lr=lr, momentum=momentum)
    final, w = fit(hp, lambda w: ((w - target) ** 2).sum())
    results[hp] = final
    print(asdict(hp), f"{final:.5f}")
best = min(results, key=results.get)
print("best", best, replace(best, steps=10))
print(reduce(operator.mul, target.shape, 1), list(itertools.accumulate([1, 2, 3])))
