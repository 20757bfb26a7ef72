# PyTorch docs torch.autograd.backward: several roots, each with its own gradient, and inputs=
import torch

x = torch.tensor([1.0, 2.0], requires_grad=True)
w = torch.tensor([0.5, -1.0], requires_grad=True)
l1 = (x * w).sum()
l2 = x.pow(2)
torch.autograd.backward([l1, l2], [torch.tensor(1.0), torch.tensor([0.1, 0.2])])
print(x.grad, w.grad)
l3 = (x * w * 3).sum()
l3.backward(inputs=[w])
print(x.grad, w.grad)
