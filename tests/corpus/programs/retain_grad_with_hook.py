# Blog post on tensor hooks: a non-leaf with a hook and retain_grad
import torch

a = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
b = a * 2
b.retain_grad()
b.register_hook(lambda grad: grad * 10)
c = b.pow(2)
c.retain_grad()
c.register_hook(lambda grad: print("grad at c:", grad))
loss = c.sum()
loss.backward()
print("a.grad", a.grad)
print("b.grad", b.grad)
print("c.grad", c.grad)
