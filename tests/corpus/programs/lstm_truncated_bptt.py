# Blog post on truncated backpropagation through time: detach the LSTM hidden state between chunks
import torch
import torch.nn as nn

torch.manual_seed(0)
lstm = nn.LSTM(input_size=3, hidden_size=5, num_layers=1, batch_first=True)
head = nn.Linear(5, 1)
opt = torch.optim.Adam(list(lstm.parameters()) + list(head.parameters()), lr=1e-2)
seq = torch.randn(2, 12, 3)
target = torch.randn(2, 12, 1)
hidden = (torch.zeros(1, 2, 5), torch.zeros(1, 2, 5))


def repackage_hidden(h):
    if isinstance(h, torch.Tensor):
        return h.detach()
    return tuple(repackage_hidden(v) for v in h)


for start in range(0, 12, 4):
    hidden = repackage_hidden(hidden)
    opt.zero_grad()
    out, hidden = lstm(seq[:, start:start + 4], hidden)
    loss = nn.functional.mse_loss(head(out), target[:, start:start + 4])
    loss.backward()
    opt.step()
    print(start, round(loss.item(), 5), hidden[0].requires_grad, hidden[0].grad_fn is not None)
h_n, c_n = hidden
print(h_n.shape, c_n.shape, lstm.weight_ih_l0.grad.shape)
