# PyTorch docs register_multi_grad_hook(mode="any"): fires once, on the first gradient computed
import torch

a = torch.tensor([1.0, 2.0], requires_grad=True)
b = torch.tensor([3.0, 4.0], requires_grad=True)
out = (a * 2).sum() + (b * 3).sum()
first = []


def on_any(grad):
    first.append(grad.tolist())


handle = torch.autograd.graph.register_multi_grad_hook((a, b), on_any, mode="any")
out.backward()
print(len(first), first[0] in ([2.0, 2.0], [3.0, 3.0]))
handle.remove()
print(a.grad, b.grad)
