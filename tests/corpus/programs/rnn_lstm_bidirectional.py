# PyTorch docs nn.LSTM: two layers, bidirectional, and its per-layer weights
import torch
import torch.nn as nn

rnn = nn.LSTM(4, 5, num_layers=2, bidirectional=True)
input = torch.randn(3, 2, 4)
h0 = torch.randn(4, 2, 5)
c0 = torch.randn(4, 2, 5)
output, (hn, cn) = rnn(input, (h0, c0))
print(output.shape, hn.shape, cn.shape)
print(rnn.weight_ih_l1.shape)
print(rnn.weight_hh_l0_reverse.shape)
loss = output[-1].sum()
loss.backward()
print(round(rnn.weight_ih_l0.grad.norm().item(), 4))
print(round(rnn.bias_hh_l1_reverse.grad.norm().item(), 4))
for name, param in rnn.named_parameters():
    if 'l1' in name and 'reverse' not in name:
        print(name, tuple(param.shape))
