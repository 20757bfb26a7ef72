# mypy: ignore-errors
"""Title: no_grad, detach and requires_grad_(False)
Topic: Turning tracking off

Three ways to stop autograd from recording. Inside with torch.no_grad(): ops build no graph, so
scaled has no grad_fn. t.detach() returns a tensor that shares the values but is cut from the
graph. requires_grad_(False) turns a leaf into a constant. Only w stays tracked, so the graph
of out has w as its single leaf and w.grad = cut + frozen = [5, 2].
"""

import torch

w = torch.tensor([1.0, -1.0], requires_grad=True)
with torch.no_grad():
    scaled = w * 10
cut = (w * 2).detach()
frozen = torch.tensor([3.0, 4.0], requires_grad=True)
frozen.requires_grad_(False)
out = (w * cut).sum() + (frozen * w).sum()
print("requires_grad:", scaled.requires_grad, cut.requires_grad, frozen.requires_grad)
out.backward()
print("w.grad =", w.grad)
