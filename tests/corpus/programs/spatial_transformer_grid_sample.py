# PyTorch tutorial: Spatial Transformer Networks (affine_grid + grid_sample) and F.interpolate
import torch
import torch.nn.functional as F

torch.manual_seed(0)
img = torch.arange(16.0).view(1, 1, 4, 4)
theta = torch.tensor([[[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]]], requires_grad=True)
grid = F.affine_grid(theta, img.size(), align_corners=False)
out = F.grid_sample(img, grid, align_corners=False)
print(torch.allclose(out, img, atol=1e-5))
(out * torch.randn_like(out)).sum().backward()
print(theta.grad)

small = torch.randn(1, 2, 3, 3, requires_grad=True)
up = F.interpolate(small, scale_factor=2, mode="bilinear", align_corners=True)
near = F.interpolate(small, size=(5, 5), mode="nearest")
print(up.shape, near.shape)
(up.sum() + near.pow(2).sum()).backward()
print(small.grad.shape, small.grad[0, 0])
