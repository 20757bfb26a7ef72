# mypy: ignore-errors
"""Title: A small TransformerEncoder
Topic: Models

Two encoder layers of width 16 with two attention heads. Even this small model records hundreds
of grad_fn nodes, so the graph opens grouped by module: layers.0.self_attn, layers.0.linear1,
layers.1.norm2 and so on. Expand a group to see the matrix products, softmax and layer norms
inside it; every weight and bias receives a .grad after backward().
"""

import torch
import torch.nn as nn

layer = nn.TransformerEncoderLayer(
    d_model=16, nhead=2, dim_feedforward=32, dropout=0.0, batch_first=True
)
encoder = nn.TransformerEncoder(layer, num_layers=2, enable_nested_tensor=False)
tokens = torch.randn(1, 5, 16)
encoded = encoder(tokens)
loss = encoded.pow(2).mean()
loss.backward()
print("loss =", loss.item())
