# Blog post on saved tensors: reading a saved result that was modified in place raises the version error
import torch

x = torch.tensor([0.0, 1.0], requires_grad=True)
y = x.exp()
print(y.grad_fn._saved_result)
y.mul_(2)
print(y._version, y.grad_fn.name())
try:
    print(y.grad_fn.next_functions[0][0]._saved_result)
except RuntimeError as err:
    print("RuntimeError:", str(err)[:80])
z = x.sigmoid()
z2 = z * 1
print(torch.equal(z2.grad_fn.next_functions[0][0]._saved_result, z))
z2.sum().backward()
print(x.grad)
