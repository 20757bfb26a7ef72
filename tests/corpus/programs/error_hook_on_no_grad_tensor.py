# Forum FAQ: "cannot register a hook on a tensor that doesn't require gradient"
import torch

x = torch.ones(2, requires_grad=True)
y = x * 2
y.register_hook(lambda g: print("grad of y:", g))
y.sum().backward()
with torch.no_grad():
    z = x * 3
print(z.requires_grad)
z.register_hook(lambda g: g)
