# PyTorch docs nn.Module.register_buffer: buffers are saved state but not parameters
import torch
import torch.nn as nn


class RunningNorm(nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.register_buffer('mean', torch.zeros(dim))
        self.register_buffer('count', torch.tensor(0))
        self.scale = nn.Parameter(torch.ones(dim))

    def forward(self, x):
        if self.training:
            with torch.no_grad():
                self.count += 1
                self.mean += (x.mean(0) - self.mean) / self.count
        return (x - self.mean) * self.scale


norm = RunningNorm(3)
x = torch.randn(5, 3)
out = norm(x)
out.pow(2).sum().backward()
print([n for n, _ in norm.named_parameters()], [n for n, _ in norm.named_buffers()])
print(norm.mean, norm.count)
print(norm.scale.grad)
print(sorted(norm.state_dict().keys()))
