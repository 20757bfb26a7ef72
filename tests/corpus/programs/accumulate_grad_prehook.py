# PyTorch docs Node.register_prehook on the AccumulateGrad node of a leaf: rescale before accumulation
import torch

w = torch.tensor([1.0, -2.0, 3.0], requires_grad=True)
y = (w * w).sum()
acc = y.grad_fn.next_functions[0][0].next_functions[0][0]
print(acc.name(), acc.variable is w)


def prehook(grad_outputs):
    print("prehook sees", grad_outputs[0])
    return (grad_outputs[0] / 2,)


def hook(grad_inputs, grad_outputs):
    print("hook grad_outputs", grad_outputs[0])


h1 = acc.register_prehook(prehook)
h2 = acc.register_hook(hook)
y.backward()
print(w.grad)
h1.remove()
h2.remove()
w.grad.zero_()
(w * w).sum().backward()
print(w.grad)
