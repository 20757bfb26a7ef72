# PyTorch docs torch.autograd.graph.Node: isinstance checks, name(), metadata dict shared with hooks
import torch

a = torch.tensor([1.0, 2.0], requires_grad=True)
b = a.exp()
c = b * a
print(isinstance(c.grad_fn, torch.autograd.graph.Node))
print(isinstance(a, torch.autograd.graph.Node), a.grad_fn is None)
print(issubclass(type(b.grad_fn), torch.autograd.graph.Node))

c.grad_fn.metadata["label"] = "product"
b.grad_fn.metadata["label"] = "exponential"
print(c.grad_fn.metadata)


def hook(grad_inputs, grad_outputs):
    print("backward through", c.grad_fn.metadata["label"])


c.grad_fn.register_hook(hook)
c.sum().backward()
print(a.grad)
print(b.grad_fn.metadata)
