# PyTorch docs nn.Module.register_full_backward_pre_hook: rescale the gradient entering a layer
import torch
import torch.nn as nn

torch.manual_seed(0)
net = nn.Sequential(nn.Linear(3, 3), nn.Tanh(), nn.Linear(3, 1))


def halve(module, grad_output):
    print(type(module).__name__, [tuple(g.shape) for g in grad_output])
    return (grad_output[0] * 0.5,)


h = net[2].register_full_backward_pre_hook(halve)
x = torch.randn(2, 3)
net(x).sum().backward()
scaled = net[0].weight.grad.clone()
h.remove()
net.zero_grad()
net(x).sum().backward()
print(torch.allclose(scaled, net[0].weight.grad * 0.5))
print(net[2].weight.grad)
