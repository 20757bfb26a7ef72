# Blog post "convolution is a matrix multiply": F.unfold (im2col) gives the same output and gradients
import torch
import torch.nn.functional as F

torch.manual_seed(0)
inp = torch.randn(1, 3, 5, 5, requires_grad=True)
w = torch.randn(2, 3, 3, 3, requires_grad=True)
ref = F.conv2d(inp, w, padding=1)
inp_unf = F.unfold(inp, kernel_size=(3, 3), padding=1)
out_unf = inp_unf.transpose(1, 2).matmul(w.view(w.size(0), -1).t()).transpose(1, 2)
out = F.fold(out_unf, (5, 5), (1, 1))
print(inp_unf.shape, out.shape, (ref - out).abs().max() < 1e-4)
g_ref = torch.autograd.grad(ref.sum(), (inp, w))
g_out = torch.autograd.grad(out.sum(), (inp, w))
print(all(torch.allclose(a, b, atol=1e-4) for a, b in zip(g_ref, g_out)))
padded = F.pad(inp, (1, 1, 1, 1), mode="reflect")
print(padded.shape)
