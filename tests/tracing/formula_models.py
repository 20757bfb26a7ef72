"""Small models of the kinds people trace, for the rule table's coverage.

Each is a whole program (its forward pass, a loss and ``backward()``) as a learner or an
engineer would write it; the coverage test and ``python -m gradtrace.tracing.formulas
--coverage`` trace them and count the graph nodes whose op has a rule.
"""

from __future__ import annotations

__all__ = ["MODELS"]

MLP = """import torch
import torch.nn as nn
import torch.nn.functional as F

model = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 8), nn.Tanh(), nn.Linear(8, 3))
x = torch.randn(5, 4)
y = torch.tensor([0, 2, 1, 1, 0])
loss = F.cross_entropy(model(x), y)
loss.backward()
"""

CNN = """import torch
import torch.nn as nn
import torch.nn.functional as F


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 4, 3, padding=1)
        self.bn = nn.BatchNorm2d(4)
        self.conv2 = nn.Conv2d(4, 6, 3)
        self.pool = nn.MaxPool2d(2)
        self.drop = nn.Dropout(0.25)
        self.fc = nn.Linear(6 * 2 * 2, 3)

    def forward(self, x):
        x = self.pool(F.relu(self.bn(self.conv1(x))))
        x = F.relu(self.conv2(x))
        x = self.drop(torch.flatten(x, 1))
        return self.fc(x)


model = Net()
images = torch.randn(2, 1, 8, 8)
labels = torch.tensor([1, 2])
loss = F.cross_entropy(model(images), labels)
loss.backward()
"""

LSTM = """import torch
import torch.nn as nn


class Tagger(nn.Module):
    def __init__(self):
        super().__init__()
        self.embed = nn.Embedding(10, 6)
        self.lstm = nn.LSTM(6, 8, batch_first=True)
        self.head = nn.Linear(8, 4)

    def forward(self, tokens):
        out, _ = self.lstm(self.embed(tokens))
        return self.head(out)


model = Tagger()
tokens = torch.tensor([[1, 4, 2, 7], [3, 3, 9, 0]])
tags = torch.tensor([[0, 1, 2, 3], [3, 2, 1, 0]])
logits = model(tokens)
loss = nn.functional.cross_entropy(logits.reshape(-1, 4), tags.reshape(-1))
loss.backward()
"""

LSTM_CELL = """import torch
import torch.nn as nn

cell = nn.LSTMCell(3, 5)
head = nn.Linear(5, 1)
xs = torch.randn(4, 2, 3)
h = torch.zeros(2, 5)
c = torch.zeros(2, 5)
for x in xs:
    h, c = cell(x, (h, c))
loss = nn.functional.mse_loss(head(h), torch.ones(2, 1))
loss.backward()
"""

TRANSFORMER = """import torch
import torch.nn as nn

layer = nn.TransformerEncoderLayer(d_model=8, nhead=2, dim_feedforward=16, dropout=0.1,
                                   batch_first=True)
encoder = nn.TransformerEncoder(layer, num_layers=2, enable_nested_tensor=False)
head = nn.Linear(8, 2)
x = torch.randn(2, 5, 8)
logits = head(encoder(x).mean(dim=1))
loss = nn.functional.cross_entropy(logits, torch.tensor([0, 1]))
loss.backward()
"""

VAE = """import torch
import torch.nn as nn
import torch.nn.functional as F


class VAE(nn.Module):
    def __init__(self):
        super().__init__()
        self.enc = nn.Linear(12, 16)
        self.mu = nn.Linear(16, 2)
        self.logvar = nn.Linear(16, 2)
        self.dec1 = nn.Linear(2, 16)
        self.dec2 = nn.Linear(16, 12)

    def forward(self, x):
        h = F.relu(self.enc(x))
        mu, logvar = self.mu(h), self.logvar(h)
        z = mu + torch.exp(0.5 * logvar) * torch.randn_like(mu)
        return torch.sigmoid(self.dec2(F.relu(self.dec1(z)))), mu, logvar


model = VAE()
x = torch.rand(4, 12)
recon, mu, logvar = model(x)
bce = F.binary_cross_entropy(recon, x, reduction="sum")
kld = -0.5 * torch.sum(1 + logvar - mu.pow(2) - logvar.exp())
loss = bce + kld
loss.backward()
"""

MODELS: dict[str, str] = {
    "mlp": MLP,
    "cnn": CNN,
    "lstm": LSTM,
    "lstm_cell": LSTM_CELL,
    "transformer_encoder": TRANSFORMER,
    "vae": VAE,
}
