# PyTorch docs nn.Dropout: scaling in training, identity in eval
import torch
import torch.nn as nn

torch.manual_seed(42)
m = nn.Dropout(p=0.5)
input = torch.ones(2, 6, requires_grad=True)
output = m(input)
print(output)
output.sum().backward()
print(input.grad)
m.eval()
print(torch.equal(m(input), input))
