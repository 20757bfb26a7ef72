# mypy: ignore-errors
"""Title: tensor.register_hook sees and replaces gradients
Topic: Hooks

A hook registered on a tensor is called with the gradient arriving at that tensor during
backward(). The first hook only prints it: d loss/dy = 2y = [4, 8, 12]. The second returns a
clamped copy, and whatever a hook returns replaces the gradient: [4, 5, 5] flows on, so
x.grad = 2 · [4, 5, 5] = [8, 10, 10] instead of [8, 16, 24]. Each hook's run is a step of
the timeline, and the inspector of y's node shows what each hook got and returned.
"""

import torch

x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
y = x * 2


def show(grad):
    print("gradient arriving at y:", grad)


def clip(grad):
    return grad.clamp(max=5.0)


y.register_hook(show)
y.register_hook(clip)
loss = (y**2).sum()
loss.backward()
print("x.grad =", x.grad)
