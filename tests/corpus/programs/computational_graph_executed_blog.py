# PyTorch blog "How Computational Graphs are Executed in PyTorch": the order the engine runs nodes in
import torch

order = []


def record(name):
    def hook(grad_inputs, grad_outputs):
        order.append(name)
    return hook


x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
a = x * 2
b = a.exp()
c = a.sin()
d = b + c
loss = d.sum()

for t, label in [(a, "a"), (b, "b"), (c, "c"), (d, "d"), (loss, "loss")]:
    t.grad_fn.register_hook(record(label + ":" + t.grad_fn.name()))

loss.backward()
print(order)
print(x.grad)
expected = 2 * torch.exp(2 * x.detach()) + 2 * torch.cos(2 * x.detach())
print(torch.allclose(x.grad, expected))
