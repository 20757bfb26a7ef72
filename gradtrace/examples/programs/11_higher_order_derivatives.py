# mypy: ignore-errors
"""Title: create_graph=True and higher derivatives
Topic: create_graph and higher-order derivatives

With create_graph=True, autograd records the backward pass itself as a new graph, so the
gradient it returns has a grad_fn and can be differentiated again. For f = 2x³ at x = -2:
f = -16, df/dx = 6x² = 24, d²f/dx² = 12x = -24 and d³f/dx³ = 12. The graph grows with each
call: the new nodes are the double-backward graph built by the first and second calls.
"""

import torch

x = torch.tensor(-2.0, requires_grad=True)
f = 2 * x**3
(df,) = torch.autograd.grad(f, x, create_graph=True)
(d2f,) = torch.autograd.grad(df, x, create_graph=True)
(d3f,) = torch.autograd.grad(d2f, x)
print("f =", f.item(), "| f' =", df.item(), "| f'' =", d2f.item(), "| f''' =", d3f.item())
