# mypy: ignore-errors
# ruff: noqa: N812
"""Title: Forward-mode AD: a tangent rides along the forward pass
Topic: Beyond backward(): forward mode, torch.func, checkpointing

Reverse mode (backward) starts at the output and sends gradients back; forward mode starts at
the input with a direction, the tangent, and carries the directional derivative forward with
every op, in the same pass that computes the values. make_dual pairs x = [1, 2, 3] with the
tangent t = [1, 0, 0]; for y = x² sin x, unpack_dual gives the tangent of y, (2x sin x + x² cos x)
in the direction t: 2 sin 1 + cos 1 = 2.2232 in the first element and 0 elsewhere. There is no
backward pass. x requires grad only so that the graph is drawn: each op's value carries its
tangent (Inspector), and the ops that compute the tangents (cos, the products, the sum of the
product rule) sit beside the ops of the values.
"""

import torch
import torch.autograd.forward_ad as fwAD

x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
t = torch.tensor([1.0, 0.0, 0.0])
with fwAD.dual_level():
    dual_x = fwAD.make_dual(x, t)
    dual_y = dual_x**2 * torch.sin(dual_x)
    y, dy = fwAD.unpack_dual(dual_y)
print("y =", y)
print("directional derivative =", dy)
