# Blog-post idiom: printing grad_fn objects, next_functions tuples and tensors that carry a grad_fn
import torch

x = torch.tensor([1.0, 2.0], requires_grad=True)
y = x * 2
z = y.mean()
print(x)
print(y)
print(z)
print(y.grad_fn)
print(z.grad_fn)
print(z.grad_fn.next_functions)
print(y.grad_fn.next_functions)
print(repr(y.grad_fn.next_functions[0][0]))
print(type(y.grad_fn).__name__, type(z.grad_fn).__name__)
print(str(z.grad_fn).startswith("<MeanBackward0 object at"))
z.backward()
print(x.grad)
