# PyTorch docs torch.utils.checkpoint: reentrant checkpoint with dropout (RNG state preserved for recompute)
import torch
import torch.nn as nn
from torch.utils.checkpoint import checkpoint

torch.manual_seed(0)
block = nn.Sequential(nn.Linear(5, 5), nn.Dropout(0.5), nn.Tanh())
x = torch.randn(3, 5, requires_grad=True)
out_ckpt = checkpoint(block, x, use_reentrant=True, preserve_rng_state=True)
out_ckpt.sum().backward()
g_ckpt = x.grad.clone()
print(out_ckpt.requires_grad, g_ckpt.shape)
x.grad = None
torch.manual_seed(0)
block2 = nn.Sequential(nn.Linear(5, 5), nn.Dropout(0.5), nn.Tanh())
out = block2(x)
out.sum().backward()
print(torch.allclose(out, out_ckpt), torch.allclose(x.grad, g_ckpt))
