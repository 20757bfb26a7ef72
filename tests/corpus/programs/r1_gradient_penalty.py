# Paper "Which Training Methods for GANs do actually Converge?" (R1 penalty) as blog posts write it
import torch
import torch.nn as nn

torch.manual_seed(0)
D = nn.Sequential(nn.Linear(2, 16), nn.Softplus(), nn.Linear(16, 1))
real = torch.randn(8, 2).requires_grad_()
logits = D(real)
grad_real, = torch.autograd.grad(outputs=logits.sum(), inputs=real, create_graph=True)
r1 = grad_real.pow(2).reshape(grad_real.shape[0], -1).sum(1).mean()
d_loss = nn.functional.softplus(-logits).mean() + 10 / 2 * r1
d_loss.backward()
print(f"R1 = {r1.item():.5f}")
print(D[0].weight.grad.abs().sum() > 0, real.grad.shape)
