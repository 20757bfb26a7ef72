# PyTorch docs nn.TransformerEncoderLayer / nn.MultiheadAttention on a tiny batch
import torch
import torch.nn as nn

torch.manual_seed(0)
layer = nn.TransformerEncoderLayer(d_model=8, nhead=2, dim_feedforward=16, dropout=0.0,
                                   batch_first=True)
src = torch.randn(2, 3, 8)
out = layer(src)
out.mean().backward()
print(out.shape)
print(layer.self_attn.in_proj_weight.grad.shape)
mha = nn.MultiheadAttention(8, 2, batch_first=True)
attn_out, attn_weights = mha(src, src, src)
print(attn_weights.shape, attn_weights.sum(-1))
