# PyTorch docs nn.GRUCell / nn.LSTMCell: stepping a cell over a sequence in a Python loop
import torch
import torch.nn as nn

torch.manual_seed(0)
rnn = nn.GRUCell(10, 20)
input = torch.randn(6, 3, 10)
hx = torch.randn(3, 20)
output = []
for i in range(6):
    hx = rnn(input[i], hx)
    output.append(hx)
output = torch.stack(output, dim=0)
print(output.shape)

cell = nn.LSTMCell(10, 20)
hx, cx = torch.zeros(3, 20), torch.zeros(3, 20)
for i in range(input.size()[0]):
    hx, cx = cell(input[i], (hx, cx))
loss = output.mean() + hx.pow(2).mean()
loss.backward()
print(rnn.weight_hh.grad.shape, cell.bias_ih.grad.norm() > 0)
