# Blog-post idiom: saved tensors are freed by backward(); reading one afterwards raises
import torch

x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
y = x * x
node = y.grad_fn
print(torch.equal(node._saved_self, x))
y.sum().backward(retain_graph=True)
print(torch.equal(node._saved_self, x))
y.sum().backward()
print(x.grad)
try:
    node._saved_self
except RuntimeError as err:
    print("RuntimeError:", str(err).split(".")[0])
