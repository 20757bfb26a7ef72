# PyTorch tutorial (legacy "Forward and Backward Function Hooks"): a backward hook printing grads
import torch
import torch.nn as nn
import torch.nn.functional as F


class Net(nn.Module):
    def __init__(self):
        super(Net, self).__init__()
        self.conv1 = nn.Conv2d(1, 3, kernel_size=3)
        self.conv2 = nn.Conv2d(3, 4, kernel_size=3)
        self.fc1 = nn.Linear(4 * 2 * 2, 5)

    def forward(self, x):
        x = F.relu(self.conv1(x))
        x = F.relu(self.conv2(x))
        x = x.view(-1, 16)
        x = self.fc1(x)
        return F.log_softmax(x, dim=1)


def printgradnorm(self, grad_input, grad_output):
    print('Inside ' + self.__class__.__name__ + ' backward')
    print('grad_input size:', grad_input[0].size())
    print('grad_output size:', grad_output[0].size())
    print('grad_input norm:', round(grad_input[0].norm().item(), 4))


net = Net()
net.conv2.register_full_backward_hook(printgradnorm)
inp = torch.randn(1, 1, 6, 6)
out = net(inp)
err = F.nll_loss(out, torch.tensor([2]))
err.backward()
print(net.conv1.weight.grad.sum())
