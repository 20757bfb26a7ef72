# PyTorch docs, Autograd mechanics: setting requires_grad and locally disabling gradient computation
import torch

x = torch.randn(5, 5)  # requires_grad=False by default
y = torch.randn(5, 5)  # requires_grad=False by default
z = torch.randn((5, 5), requires_grad=True)
a = x + y
print(a.requires_grad)
b = a + z
print(b.requires_grad)

with torch.no_grad():
    c = z * 2
print(c.requires_grad)

with torch.inference_mode():
    d = z * 3
print(d.requires_grad, d.is_inference())

with torch.set_grad_enabled(False):
    e = z * 4
print(e.requires_grad)

with torch.no_grad():
    with torch.enable_grad():
        f = z * 5
print(f.requires_grad)
f.sum().backward()
print(z.grad[0])
