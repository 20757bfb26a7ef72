# PyTorch docs Node.register_hook: a hook that returns new grad_inputs replaces them downstream
import torch

x = torch.tensor([1.0, 2.0], requires_grad=True)
y = torch.tensor([3.0, 4.0], requires_grad=True)
z = x * y
out = z.sum()


def clip_hook(grad_inputs, grad_outputs):
    print("grad_outputs", grad_outputs)
    print("grad_inputs", grad_inputs)
    return tuple(g.clamp(max=3.5) if g is not None else None for g in grad_inputs)


handle = z.grad_fn.register_hook(clip_hook)
out.backward(retain_graph=True)
print(x.grad, y.grad)
handle.remove()
x.grad = None
y.grad = None
out.backward()
print(x.grad, y.grad)
