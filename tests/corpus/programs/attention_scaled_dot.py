# Paper "Attention Is All You Need" as blog posts write scaled dot-product attention
import math

import torch
import torch.nn.functional as F

torch.manual_seed(0)
q = torch.randn(1, 3, 4, requires_grad=True)
k = torch.randn(1, 3, 4, requires_grad=True)
v = torch.randn(1, 3, 4, requires_grad=True)
scores = q @ k.transpose(-2, -1) / math.sqrt(q.size(-1))
mask = torch.triu(torch.ones(3, 3, dtype=torch.bool), diagonal=1)
scores = scores.masked_fill(mask, float('-inf'))
attn = F.softmax(scores, dim=-1)
out = attn @ v
out.sum().backward()
ref = F.scaled_dot_product_attention(q.detach(), k.detach(), v.detach(), is_causal=True)
print(torch.allclose(ref, out.detach(), atol=1e-6))
print(attn)
print(v.grad)
