# Blog post: LayerNorm and RMSNorm by hand vs nn.LayerNorm / nn.RMSNorm, same outputs and gradients
import torch
import torch.nn as nn

torch.manual_seed(0)
x = torch.randn(2, 3, 4, requires_grad=True)
ln = nn.LayerNorm(4, eps=1e-5)
ref = ln(x)
mean = x.mean(-1, keepdim=True)
var = x.var(-1, keepdim=True, unbiased=False)
manual = (x - mean) / torch.sqrt(var + 1e-5) * ln.weight + ln.bias
print(torch.allclose(ref, manual, atol=1e-6))
g1, = torch.autograd.grad(ref.pow(2).sum(), x)
g2, = torch.autograd.grad(manual.pow(2).sum(), x)
print(torch.allclose(g1, g2, atol=1e-5))

rms = nn.RMSNorm(4, eps=1e-6)
manual_rms = x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + 1e-6) * rms.weight
print(torch.allclose(rms(x), manual_rms, atol=1e-6))
F_ln = nn.functional.layer_norm(x, (4,))
F_ln.sum().backward()
print(x.grad.abs().max() < 1e-5)
