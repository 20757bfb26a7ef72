# Blog-post table: requires_grad and is_leaf of the result of an op, for each combination of inputs
import itertools

import torch

print("x.rg  y.rg | z.rg  z.leaf grad_fn")
for rx, ry in itertools.product([False, True], repeat=2):
    x = torch.ones(2, requires_grad=rx)
    y = torch.ones(2, requires_grad=ry)
    z = x * y
    fn = z.grad_fn.name() if z.grad_fn is not None else None
    print(f"{rx!s:5} {ry!s:5} | {z.requires_grad!s:5} {z.is_leaf!s:6} {fn}")

with torch.no_grad():
    w = torch.ones(2, requires_grad=True) * 2
print("no_grad:", w.requires_grad, w.is_leaf, w.grad_fn)
v = torch.ones(2, requires_grad=True).detach()
print("detach:", v.requires_grad, v.is_leaf)
u = torch.ones(2).requires_grad_()
print("requires_grad_():", u.requires_grad, u.is_leaf)
t = torch.ones(2, requires_grad=True).double()
print("double():", t.requires_grad, t.is_leaf, t.grad_fn.name())
p = torch.nn.Parameter(torch.ones(2))
print("Parameter:", p.requires_grad, p.is_leaf)
