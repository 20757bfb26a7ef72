# PyTorch docs nn.GRU: a two-layer GRU over a batch_first sequence
import torch
import torch.nn as nn

gru = nn.GRU(input_size=3, hidden_size=4, num_layers=2, batch_first=True)
x = torch.randn(2, 5, 3)
out, h = gru(x)
print(out.shape, h.shape)
print(gru.weight_ih_l1.shape, gru.weight_hh_l1.shape)
target = torch.zeros(2, 4)
loss = nn.functional.mse_loss(out[:, -1, :], target)
loss.backward()
print(gru.weight_ih_l1.grad.abs().sum() > 0)
print(torch.allclose(out[:, -1, :], h[-1]))
