# Blog post comparing optimizers: SGD, Adam, AdamW (amsgrad), RMSprop, Adagrad on the same quadratic
from collections import defaultdict
from functools import partial

import torch

optimizers = {
    "SGD": partial(torch.optim.SGD, lr=0.1),
    "Adam": partial(torch.optim.Adam, lr=0.1, betas=(0.9, 0.99)),
    "AdamW": partial(torch.optim.AdamW, lr=0.1, weight_decay=0.1, amsgrad=True),
    "RMSprop": partial(torch.optim.RMSprop, lr=0.01, alpha=0.9, centered=True),
    "Adagrad": partial(torch.optim.Adagrad, lr=0.5),
    "NAdam": partial(torch.optim.NAdam, lr=0.1),
}
history = defaultdict(list)
for name, make in optimizers.items():
    torch.manual_seed(0)
    params = torch.randn(2, requires_grad=True)
    opt = make([params])
    for step in range(10):
        opt.zero_grad()
        loss = params[0] ** 2 + 10 * params[1] ** 2
        loss.backward()
        opt.step()
        history[name].append(loss.item())
    print(f"{name:8s} final loss {history[name][-1]:.6f} params {params.detach().numpy().round(4)}")
best = min(history, key=lambda k: history[k][-1])
print("best:", best)
