# Blog post: a learnable initial hidden state for an nn.GRU, expanded over the batch
import torch
import torch.nn as nn

torch.manual_seed(0)


class Encoder(nn.Module):
    def __init__(self, input_size=3, hidden_size=4, num_layers=2):
        super().__init__()
        self.gru = nn.GRU(input_size, hidden_size, num_layers, batch_first=True)
        self.h0 = nn.Parameter(torch.zeros(num_layers, 1, hidden_size))

    def forward(self, x):
        h0 = self.h0.expand(-1, x.size(0), -1).contiguous()
        out, h_n = self.gru(x, h0)
        return out[:, -1], h_n


enc = Encoder()
last, h_n = enc(torch.randn(5, 7, 3))
loss = last.pow(2).sum() + h_n.sum()
loss.backward()
print(last.shape, h_n.shape)
print(enc.h0.grad.shape, enc.h0.grad.abs().sum() > 0)
print([name for name, _ in enc.named_parameters()])
