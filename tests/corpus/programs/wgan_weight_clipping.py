# Paper "Wasserstein GAN" (original, weight clipping) as PyTorch implementations write the critic step
import torch
import torch.nn as nn

torch.manual_seed(0)
netD = nn.Sequential(nn.Linear(2, 8), nn.LeakyReLU(0.2), nn.Linear(8, 1))
netG = nn.Sequential(nn.Linear(3, 8), nn.ReLU(), nn.Linear(8, 2))
optimizerD = torch.optim.RMSprop(netD.parameters(), lr=5e-5)
clamp_lower, clamp_upper = -0.01, 0.01
for p in netD.parameters():
    p.data.clamp_(clamp_lower, clamp_upper)
for i in range(3):
    for p in netD.parameters():
        p.requires_grad = True
    netD.zero_grad()
    real = torch.randn(4, 2) + 2
    errD_real = netD(real).mean()
    noise = torch.randn(4, 3)
    with torch.no_grad():
        fake = netG(noise)
    errD_fake = netD(fake).mean()
    errD = errD_real - errD_fake
    errD.backward()
    optimizerD.step()
    for p in netD.parameters():
        p.data.clamp_(clamp_lower, clamp_upper)
    print(i, f"{errD.item():.6f}", max(p.abs().max().item() for p in netD.parameters()) <= 0.01)
print(netG[0].weight.grad)
