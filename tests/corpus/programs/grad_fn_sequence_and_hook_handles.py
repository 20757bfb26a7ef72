# Blog post on the autograd graph: hooks on the same node run in order; removing one handle keeps the rest
import torch

x = torch.tensor([1.0, -1.0], requires_grad=True)
y = x.relu()
out = (y * 3).sum()
fired = []
handles = [
    y.grad_fn.register_hook(lambda gi, go, k=k: fired.append(k)) for k in range(3)
]
handles[1].remove()
pre = y.grad_fn.register_prehook(lambda go: fired.append("pre"))
out.backward()
print(fired)
print(x.grad)
