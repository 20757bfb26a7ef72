# PyTorch docs torch.func: linearize, jacfwd with has_aux, vmap with chunk_size
import torch
from torch.func import jacfwd, linearize, vmap

x = torch.randn(4)
output, jvp_fn = linearize(torch.sin, x)
print(torch.allclose(jvp_fn(torch.ones(4)), x.cos()))


def f(x):
    y = x.exp()
    return y.sum(), {"max": y.max()}


jac, aux = jacfwd(f, has_aux=True)(x)
print(torch.allclose(jac, x.exp()), torch.allclose(aux["max"], x.exp().max()))
batched = vmap(lambda row: (row ** 2).sum(), chunk_size=2)(torch.arange(12.0).reshape(6, 2))
print(batched)
