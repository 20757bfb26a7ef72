# mypy: ignore-errors
"""Title: Module hooks capture a class activation map
Topic: Hooks

Forward pre-hooks see a module's inputs, forward hooks its output, and full backward hooks the
gradients leaving it. Class activation maps (Grad-CAM) are built exactly this way: keep the
conv layer's activation and the gradient of one class score with respect to it, weight the
channels by the average gradient and sum. handle.remove() takes each hook away again, so the
last forward pass prints nothing. Each hook's run is a step of the timeline, with the shapes
of the tensors it was handed.
"""

import torch
import torch.nn as nn


class TinyNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(1, 2, kernel_size=3, padding=1)
        self.fc = nn.Linear(2, 3)

    def forward(self, x):
        fmap = torch.relu(self.conv(x))
        pooled = fmap.mean(dim=(2, 3))
        return self.fc(pooled)


model = TinyNet()
captured = {}


def see_input(module, inputs):
    print("conv input shape:", inputs[0].shape)


def keep_activation(module, inputs, output):
    captured["activation"] = output.detach()


def keep_gradient(module, grad_input, grad_output):
    captured["gradient"] = grad_output[0].detach()


pre = model.conv.register_forward_pre_hook(see_input)
fwd = model.conv.register_forward_hook(keep_activation)
bwd = model.conv.register_full_backward_hook(keep_gradient)
image = torch.randn(1, 1, 5, 5)
scores = model(image)
scores[0, 1].backward()
channel_weights = captured["gradient"].mean(dim=(2, 3), keepdim=True)
cam = torch.relu((channel_weights * captured["activation"]).sum(dim=1))
print("class activation map:", cam)
pre.remove()
fwd.remove()
bwd.remove()
scores_again = model(image)
