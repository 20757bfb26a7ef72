# PyTorch tutorial (Introduction to PyTorch series): The Fundamentals of Autograd (a simple example)
import torch
import math

a = torch.linspace(0., 2. * math.pi, steps=25, requires_grad=True)
print(a[:3])
b = torch.sin(a)
c = 2 * b
print(c[:3])
d = c + 1
out = d.sum()
print(out)

print('d:')
print(d.grad_fn.name())
print(d.grad_fn.next_functions[0][0].name())
print(d.grad_fn.next_functions[0][0].next_functions[0][0].name())
print('\nc:')
print(c.grad_fn.name())
print('\nb:')
print(b.grad_fn.name())
print('\na:')
print(a.grad_fn)

out.backward()
print(a.grad[:5])
