# Blog post on next_functions: inputs that need no gradient appear as (None, 0)
import torch

x = torch.tensor([1.0, 2.0], requires_grad=True)
c = torch.tensor([3.0, 4.0])
y = x * c
print(y.grad_fn.next_functions)
z = c * x + c
print(z.grad_fn.name(), [(f.name() if f else None, i) for f, i in z.grad_fn.next_functions])
a, b = torch.tensor([1.0, 2.0], requires_grad=True).chunk(2)
u = a * b
print([(f.name(), i) for f, i in u.grad_fn.next_functions])
u.backward()
z.sum().backward()
print(x.grad)
