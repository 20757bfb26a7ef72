# Paper "Improved Training of Wasserstein GANs" (WGAN-GP), as blog posts implement compute_gradient_penalty
import torch
import torch.nn as nn
import torch.autograd as autograd

critic = nn.Sequential(nn.Linear(4, 8), nn.LeakyReLU(0.2), nn.Linear(8, 1))
real_samples = torch.randn(5, 4)
fake_samples = torch.randn(5, 4)


def compute_gradient_penalty(D, real_samples, fake_samples):
    alpha = torch.rand(real_samples.size(0), 1)
    interpolates = (alpha * real_samples + ((1 - alpha) * fake_samples)).requires_grad_(True)
    d_interpolates = D(interpolates)
    fake = torch.ones(real_samples.shape[0], 1, requires_grad=False)
    gradients = autograd.grad(
        outputs=d_interpolates,
        inputs=interpolates,
        grad_outputs=fake,
        create_graph=True,
        retain_graph=True,
        only_inputs=True,
    )[0]
    gradients = gradients.view(gradients.size(0), -1)
    return ((gradients.norm(2, dim=1) - 1) ** 2).mean()


lambda_gp = 10
d_loss = -critic(real_samples).mean() + critic(fake_samples).mean()
gp = compute_gradient_penalty(critic, real_samples, fake_samples)
total = d_loss + lambda_gp * gp
total.backward()
print(round(gp.item(), 5))
print(critic[0].weight.grad.norm())
