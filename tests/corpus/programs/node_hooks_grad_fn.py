# PyTorch docs, Autograd mechanics (backward hooks): hooks registered on a grad_fn Node
import torch

a = torch.tensor([1.0, 2.0], requires_grad=True)
b = a * 3
c = b.sum()


def node_hook(grad_inputs, grad_outputs):
    print("node hook in:", grad_inputs)
    print("node hook out:", grad_outputs)


def pre_hook(grad_outputs):
    print("pre hook:", grad_outputs)
    return (grad_outputs[0] * 2,)


b.grad_fn.register_hook(node_hook)
b.grad_fn.register_prehook(pre_hook)
c.backward()
print(a.grad)
