# PyTorch tutorial: Jacobians, Hessians, hvp, vhp, and more: composing function transforms
from functools import partial

import torch
import torch.nn.functional as F
from torch.func import jacrev, jacfwd, vmap, hessian, vjp, jvp, grad

torch.manual_seed(0)


def predict(weight, bias, x):
    return F.linear(x, weight, bias).tanh()


D = 4
weight = torch.randn(D, D)
bias = torch.randn(D)
x = torch.randn(D)

jacobian = jacrev(predict, argnums=2)(weight, bias, x)
print(jacobian.shape)

_, vjp_fn = vjp(partial(predict, weight, bias), x)
unit_vectors = torch.eye(D)
ft_jacobian, = vmap(vjp_fn)(unit_vectors)
print(torch.allclose(ft_jacobian, jacobian))

jacfwd_result = jacfwd(predict, argnums=2)(weight, bias, x)
print(torch.allclose(jacobian, jacfwd_result, atol=1e-6))

ft_jac_weight, ft_jac_bias = jacrev(predict, argnums=(0, 1))(weight, bias, x)
print(ft_jac_weight.shape, ft_jac_bias.shape)

batch_size = 3
xb = torch.randn(batch_size, D)
compute_batch_jacobian = vmap(jacrev(predict, argnums=2), in_dims=(None, None, 0))
batch_jacobian0 = compute_batch_jacobian(weight, bias, xb)
print(batch_jacobian0.shape)

hess_api = hessian(predict, argnums=2)(weight, bias, x)
hess_fwdrev = jacfwd(jacrev(predict, argnums=2), argnums=2)(weight, bias, x)
print(torch.allclose(hess_api, hess_fwdrev, atol=1e-6))


def hvp(f, primals, tangents):
    return jvp(grad(f), primals, tangents)[1]


def f(x):
    return x.sin().sum()


v = torch.randn(D)
result = hvp(f, (x,), (v,))
print(torch.allclose(result, -x.sin() * v, atol=1e-6))
