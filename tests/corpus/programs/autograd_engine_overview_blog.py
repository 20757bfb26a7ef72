# PyTorch blog "Overview of PyTorch Autograd Engine": y = log(x1 * x2) * sin(x2), the graph and its Jacobian
import torch

x = torch.tensor([0.5, 0.75], requires_grad=True)
y = torch.log(x[0] * x[1]) * torch.sin(x[1])
y.backward()
print(x.grad)

print(y.grad_fn)
print(y.grad_fn.name())
for fn, index in y.grad_fn.next_functions:
    print(fn.name() if fn is not None else None, index)

log_node = y.grad_fn.next_functions[0][0]
print(log_node.next_functions[0][0].name())

x2 = x.detach()
expected = torch.tensor([
    torch.sin(x2[1]) / x2[0],
    torch.sin(x2[1]) / x2[1] + torch.log(x2[0] * x2[1]) * torch.cos(x2[1]),
])
print(torch.allclose(x.grad, expected))
jac = torch.autograd.functional.jacobian(lambda t: torch.log(t[0] * t[1]) * torch.sin(t[1]), x)
print(torch.allclose(jac, expected))
