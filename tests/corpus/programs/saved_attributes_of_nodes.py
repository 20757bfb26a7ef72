# Blog-post idiom: the non-tensor values a node saves (_saved_dim, _saved_exponent, sizes) and dir()
import torch

x = torch.randn(3, 4, requires_grad=True)
p = x.pow(3)
print(p.grad_fn.name(), p.grad_fn._saved_exponent)
s = p.sum(dim=1, keepdim=True)
print(s.grad_fn.name(), s.grad_fn._saved_dim, s.grad_fn._saved_keepdim)
print(s.grad_fn._saved_self_sym_sizes)
m = s.mean()
saved = [name for name in dir(p.grad_fn) if name.startswith("_saved")]
print(sorted(saved))
c = torch.cat([x, x], dim=0)
print(c.grad_fn.name(), c.grad_fn._saved_dim)
m.backward()
print(torch.allclose(x.grad, 3 * x.detach() ** 2 / 3))
