# Blog post on tensor hooks: several hooks run in registration order, each sees the previous result
import torch

x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
y = x * x
calls = []


def double(grad):
    calls.append(("double", grad.tolist()))
    return grad * 2


def log_only(grad):
    calls.append(("log", grad.tolist()))


def negate(grad):
    calls.append(("negate", grad.tolist()))
    return -grad


h1 = y.register_hook(double)
h2 = y.register_hook(log_only)
h3 = y.register_hook(negate)
y.retain_grad()
y.sum().backward(retain_graph=True)
print(calls)
print(y.grad)
print(x.grad)

h1.remove()
h3.remove()
calls.clear()
x.grad = None
y.grad = None
y.sum().backward()
print(calls)
print(x.grad)
