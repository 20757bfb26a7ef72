# Blog post "PyTorch hooks": forward hooks printing which layer fired
import torch
import torch.nn as nn


def printnorm(self, input, output):
    # input is a tuple of packed inputs, output is a Tensor
    print('Inside ' + self.__class__.__name__ + ' forward')
    print('input: ', type(input))
    print('input[0]: ', type(input[0]))
    print('output: ', type(output))
    print('input size:', input[0].size())
    print('output size:', output.data.size())
    print('output norm:', round(output.data.norm().item(), 4))


net = nn.Sequential(nn.Conv2d(1, 2, 3), nn.ReLU(), nn.Flatten(), nn.Linear(8, 2))
net[0].register_forward_hook(printnorm)
inp = torch.randn(1, 1, 4, 4)
out = net(inp)
out.sum().backward()
print(net[0].weight.grad.shape)
