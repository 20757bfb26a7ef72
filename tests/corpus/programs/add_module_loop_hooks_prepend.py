# PyTorch docs nn.Module.add_module in a loop, and forward hooks with prepend=True / always_call=True
import torch
import torch.nn as nn

torch.manual_seed(0)


class Stack(nn.Module):
    def __init__(self, sizes):
        super().__init__()
        for i, (a, b) in enumerate(zip(sizes, sizes[1:])):
            self.add_module(f"layer{i}", nn.Linear(a, b))

    def forward(self, x):
        for name, layer in self.named_children():
            x = torch.tanh(layer(x))
        return x


net = Stack([3, 4, 2])
order = []
net.layer0.register_forward_hook(lambda m, i, o: order.append("second"))
net.layer0.register_forward_hook(lambda m, i, o: order.append("first"), prepend=True)
net.layer1.register_forward_hook(lambda m, i, o: o * 2, always_call=True)
out = net(torch.randn(5, 3))
out.sum().backward()
print(order, [n for n, _ in net.named_children()], out.shape)
print(net.layer1.weight.grad.norm() > 0, net.layer0.bias.grad.shape)
