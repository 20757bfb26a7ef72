# mypy: ignore-errors
"""Title: A small Transformer encoder, attention written out
Topic: Models

Two post-norm encoder layers of width 16 with two attention heads, built from nn.Linear and
nn.LayerNorm so that attention is on the graph step by step: q @ k.T / sqrt(8) (a
BmmBackward0 and a DivBackward0), a SoftmaxBackward0, then the weights times v (a second
BmmBackward0). (nn.TransformerEncoderLayer would run one fused attention kernel, a single node.)
The graph has 108 nodes, 24 of them AccumulateGrad nodes for the weights and biases, so it opens
grouped by module: layers.0.qkv, layers.0.norm1, layers.1.linear2 and so on. Expand a box to
see its matrix products (AddmmBackward0), softmax and layer norms (NativeLayerNormBackward0).
The loss is the mean squared error against a random target (MseLossBackward0), so every
weight's .grad has a norm between 0.01 and 1, big enough to read in the Gradients panel.
"""

import math

import torch
import torch.nn as nn

torch.manual_seed(0)


class EncoderLayer(nn.Module):
    """A post-norm Transformer encoder layer with its attention written out."""

    def __init__(self, d_model=16, nhead=2, dim_feedforward=32):
        super().__init__()
        self.nhead = nhead
        self.qkv = nn.Linear(d_model, 3 * d_model)
        self.out_proj = nn.Linear(d_model, d_model)
        self.norm1 = nn.LayerNorm(d_model)
        self.linear1 = nn.Linear(d_model, dim_feedforward)
        self.linear2 = nn.Linear(dim_feedforward, d_model)
        self.norm2 = nn.LayerNorm(d_model)

    def forward(self, x):
        batch, length, width = x.shape
        head = width // self.nhead
        qkv = self.qkv(x).view(batch, length, 3, self.nhead, head).permute(2, 0, 3, 1, 4)
        q, k, v = qkv.unbind(0)
        scores = q @ k.transpose(-2, -1) / math.sqrt(head)
        weights = scores.softmax(dim=-1)  # how much each token attends to each other token
        mixed = (weights @ v).transpose(1, 2).reshape(batch, length, width)
        x = self.norm1(x + self.out_proj(mixed))
        return self.norm2(x + self.linear2(torch.relu(self.linear1(x))))


class Encoder(nn.Module):
    def __init__(self, num_layers=2):
        super().__init__()
        self.layers = nn.ModuleList(EncoderLayer() for _ in range(num_layers))

    def forward(self, x):
        for layer in self.layers:
            x = layer(x)
        return x


encoder = Encoder()
tokens = torch.randn(1, 5, 16)
target = torch.randn(1, 5, 16)
encoded = encoder(tokens)
loss = nn.functional.mse_loss(encoded, target)
loss.backward()
print("loss =", round(loss.item(), 4))
print("largest .grad norm:", round(max(p.grad.norm().item() for p in encoder.parameters()), 4))
