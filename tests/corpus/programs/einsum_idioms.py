# Blog post "einsum is all you need": matmul, batch matmul, bilinear, trace, outer with gradients
import torch

torch.manual_seed(0)
a = torch.randn(2, 3, requires_grad=True)
b = torch.randn(3, 4, requires_grad=True)
c = torch.einsum("ik,kj->ij", a, b)
print(torch.allclose(c, a @ b))
batch = torch.randn(5, 2, 3)
bm = torch.einsum("bij,jk->bik", batch, b)
outer = torch.einsum("i,j->ij", a[0], b[:, 0])
trace = torch.einsum("ii", torch.randn(3, 3))
W = torch.randn(4, 3, 2, requires_grad=True)
bil = torch.einsum("bn,anm,bm->ba", torch.randn(6, 3), W, torch.randn(6, 2))
total = c.sum() + bm.pow(2).mean() + outer.sum() + bil.sum()
total.backward()
print(a.grad.shape, b.grad.shape, W.grad.shape, trace.shape)
print(torch.einsum("ij,ij->", a, a).item() == (a * a).sum().item())
