# Blog post style model code: properties, extra_repr, __repr__ of a config, named_modules/children
import torch
import torch.nn as nn


class ScaledLinear(nn.Module):
    def __init__(self, in_features, out_features, scale=0.5):
        super().__init__()
        self.linear = nn.Linear(in_features, out_features)
        self._scale = scale

    @property
    def scale(self):
        return self._scale

    @scale.setter
    def scale(self, value):
        if value <= 0:
            raise ValueError("scale must be positive")
        self._scale = value

    @property
    def num_params(self):
        return sum(p.numel() for p in self.parameters())

    def extra_repr(self):
        return f"scale={self.scale}"

    def forward(self, x):
        return self.linear(x) * self.scale


class Config:
    def __init__(self, hidden=8, scale=1.0):
        self.hidden = hidden
        self.scale = scale

    def __repr__(self):
        return f"Config(hidden={self.hidden!r}, scale={self.scale!r})"


cfg = Config(hidden=4, scale=2.0)
print(cfg)
torch.manual_seed(0)
model = nn.Sequential(ScaledLinear(3, cfg.hidden, cfg.scale), nn.GELU(), ScaledLinear(cfg.hidden, 1))
print(model)
print(model[0].num_params, model[0].scale)
model[2].scale = 3.0
try:
    model[2].scale = -1
except ValueError as e:
    print("error:", e)
for name, module in model.named_modules():
    print(repr(name), type(module).__name__)
print([type(c).__name__ for c in model.children()])
x = torch.randn(2, 3)
model(x).sum().backward()
print(model[2].linear.weight.grad)
