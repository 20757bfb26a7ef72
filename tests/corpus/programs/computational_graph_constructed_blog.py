# PyTorch blog "How Computational Graphs are Constructed in PyTorch": saved tensors on the nodes
import torch

x = torch.tensor([0.5, 0.75], requires_grad=True)
y = torch.tensor([0.1, 0.90], requires_grad=True)
z = torch.mul(x, y)
print(z.grad_fn)
print(z.grad_fn._saved_self is x, z.grad_fn._saved_other is y)
print(torch.equal(z.grad_fn._saved_self, x))

w = torch.sin(z)
print(w.grad_fn.name(), torch.equal(w.grad_fn._saved_self, z))

e = torch.exp(w)
print(e.grad_fn.name(), torch.equal(e.grad_fn._saved_result, e))
print(e.grad_fn._saved_result is e)

acc_x = z.grad_fn.next_functions[0][0]
acc_y = z.grad_fn.next_functions[1][0]
print(acc_x.name(), acc_x.variable is x, acc_y.variable is y)
print(x.grad_fn, x.is_leaf, z.is_leaf)

e.sum().backward()
print(x.grad)
print(y.grad)
