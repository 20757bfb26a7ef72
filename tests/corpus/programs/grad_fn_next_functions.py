# Blog post on the autograd graph: walking grad_fn.next_functions by hand
import torch

a = torch.tensor(2.0, requires_grad=True)
b = torch.tensor(3.0, requires_grad=True)
c = a * b
d = c + a
e = d.exp()


def walk(fn, depth=0):
    if fn is None:
        return
    print("  " * depth + fn.name())
    for child, _ in fn.next_functions:
        walk(child, depth + 1)


walk(e.grad_fn)
print(e.grad_fn.next_functions[0][0].name())
e.backward()
print(a.grad, b.grad)
