# Blog post on multi-output nodes: unbind/split share one grad_fn; output_nr says which output
import torch

x = torch.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
a, b = x.unbind(0)
print(a.grad_fn is b.grad_fn, a.grad_fn.name())
print(a.output_nr, b.output_nr)
parts = x.split(1, dim=1)
print([p.output_nr for p in parts], parts[0].grad_fn.name())
loss = (a * 2).sum() + (parts[1] ** 2).sum()
print([(f.name(), i) for f, i in loss.grad_fn.next_functions])
print(loss.grad_fn.next_functions[0][0].next_functions[0][0].next_functions)
loss.backward()
print(x.grad)
