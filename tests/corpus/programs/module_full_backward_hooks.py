# PyTorch docs nn.Module.register_full_backward_hook / register_full_backward_pre_hook: printing grad shapes
import torch
import torch.nn as nn

torch.manual_seed(1)


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(3, 4)
        self.act = nn.ReLU()
        self.fc2 = nn.Linear(4, 2)

    def forward(self, x):
        return self.fc2(self.act(self.fc1(x)))


def backward_hook(module, grad_input, grad_output):
    print(f"{module.__class__.__name__}: grad_input {[None if g is None else tuple(g.shape) for g in grad_input]}")
    print(f"{module.__class__.__name__}: grad_output {[tuple(g.shape) for g in grad_output]}")


def backward_pre_hook(module, grad_output):
    print("pre-hook", type(module).__name__, grad_output[0].norm().item() > 0)
    return (grad_output[0] * 0.5,)


net = Net()
handles = [net.fc1.register_full_backward_hook(backward_hook),
           net.fc2.register_full_backward_hook(backward_hook),
           net.fc2.register_full_backward_pre_hook(backward_pre_hook)]
x = torch.randn(5, 3, requires_grad=True)
out = net(x).sum()
out.backward()
print(net.fc2.bias.grad)
for h in handles:
    h.remove()
net.zero_grad()
net(x).sum().backward()
print(net.fc2.bias.grad)
