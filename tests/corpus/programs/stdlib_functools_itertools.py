# Blog post style helpers: functools.partial for losses, itertools.chain for parameter groups
import functools
import itertools

import torch
import torch.nn as nn
import torch.nn.functional as F

encoder = nn.Linear(4, 3)
decoder = nn.Linear(3, 4)
params = itertools.chain(encoder.parameters(), decoder.parameters())
opt = torch.optim.Adam(params, lr=0.01)
loss_fn = functools.partial(F.smooth_l1_loss, beta=0.5)
x = torch.randn(5, 4)
for step in range(3):
    opt.zero_grad()
    loss = loss_fn(decoder(torch.tanh(encoder(x))), x)
    loss.backward()
    opt.step()
    print(step, round(loss.item(), 5))
pairs = list(itertools.product([0, 1], repeat=2))
print(pairs)
print(functools.reduce(lambda a, b: a * b, [torch.tensor(2.0), torch.tensor(3.0)]))
