# Engine behaviour: retain_grad() stores the gradient after the tensor's other hooks have run
import torch

x = torch.tensor([1.0, 2.0], requires_grad=True)
y = x * 3
y.retain_grad()
y.register_hook(lambda g: g * 100)
y.sum().backward()
print(y.grad)
print(x.grad)

z = x * 3
z.register_hook(lambda g: g + 1)
z.retain_grad()
w = z * 2
w.retain_grad()
w.sum().backward()
print(z.grad, w.grad)
print(z.retains_grad, w.retains_grad, x.retains_grad)
