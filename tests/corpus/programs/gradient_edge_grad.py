# PyTorch docs torch.autograd.graph.get_gradient_edge: the gradient of an intermediate through its edge
import torch
from torch.autograd.graph import get_gradient_edge

x = torch.tensor([1.0, 2.0], requires_grad=True)
h = x.exp()
out = (h * h).sum()
edge = get_gradient_edge(h)
print(edge.node.name(), edge.output_nr)
(g_h,) = torch.autograd.grad(out, edge, retain_graph=True)
print(torch.allclose(g_h, 2 * h.detach()))
(g_x,) = torch.autograd.grad(out, x)
print(torch.allclose(g_x, 2 * x.detach().exp() ** 2))
