# mypy: ignore-errors
"""A TransformerEncoder of width 64 (the topics' model): forward and backward.

With dropout 0.1 (NativeDropoutBackward nodes) and an input that requires grad, this records
exactly 1,827 grad_fn nodes at 24 layers and 7,299 at 96 (76 per layer + 3); nhead and the
feed-forward width do not change the count. The benchmark rewrites the ``LAYERS`` line.
"""

import torch
import torch.nn as nn

LAYERS = 24
layer = nn.TransformerEncoderLayer(
    d_model=64, nhead=4, dim_feedforward=128, dropout=0.1, batch_first=True
)
encoder = nn.TransformerEncoder(layer, num_layers=LAYERS, enable_nested_tensor=False)
tokens = torch.randn(2, 5, 64, requires_grad=True)
encoded = encoder(tokens)
loss = encoded.pow(2).mean()
loss.backward()
