# PyTorch docs torch.linalg: qr, eigh, svd, slogdet and their named-tuple fields, differentiated
import torch

a = torch.tensor([[2.0, 1.0, 0.0], [1.0, 3.0, 1.0], [0.0, 1.0, 4.0]], requires_grad=True)
q = torch.linalg.qr(a).Q
print(q.shape)
L = torch.linalg.eigh(a).eigenvalues
print(L)
U, S, Vh = torch.linalg.svd(a)
usv = torch.linalg.svd(a, full_matrices=False)
print(torch.allclose(usv.U @ torch.diag(usv.S) @ usv.Vh, a))
sign, logabsdet = torch.linalg.slogdet(a)
res = torch.linalg.slogdet(a)
print(sign, res.logabsdet)
loss = L.sum() + S.sum() + res.logabsdet + q.abs().sum()
loss.backward()
print(a.grad)
