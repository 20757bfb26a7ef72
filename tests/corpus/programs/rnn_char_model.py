# PyTorch tutorial style (char-RNN): a manual RNN cell unrolled over a short sequence
import torch
import torch.nn as nn


class RNN(nn.Module):
    def __init__(self, input_size, hidden_size, output_size):
        super(RNN, self).__init__()
        self.hidden_size = hidden_size
        self.i2h = nn.Linear(input_size, hidden_size)
        self.h2h = nn.Linear(hidden_size, hidden_size)
        self.h2o = nn.Linear(hidden_size, output_size)
        self.softmax = nn.LogSoftmax(dim=1)

    def forward(self, input, hidden):
        hidden = torch.tanh(self.i2h(input) + self.h2h(hidden))
        output = self.h2o(hidden)
        output = self.softmax(output)
        return output, hidden

    def initHidden(self):
        return torch.zeros(1, self.hidden_size)


n_letters, n_hidden, n_categories = 5, 8, 3
rnn = RNN(n_letters, n_hidden, n_categories)
criterion = nn.NLLLoss()
line_tensor = torch.zeros(4, 1, n_letters)
for li, letter in enumerate([1, 3, 0, 2]):
    line_tensor[li][0][letter] = 1
category_tensor = torch.tensor([2])

hidden = rnn.initHidden()
rnn.zero_grad()
for i in range(line_tensor.size()[0]):
    output, hidden = rnn(line_tensor[i], hidden)
loss = criterion(output, category_tensor)
loss.backward()
learning_rate = 0.005
for p in rnn.parameters():
    p.data.add_(p.grad.data, alpha=-learning_rate)
print(output, loss.item())
