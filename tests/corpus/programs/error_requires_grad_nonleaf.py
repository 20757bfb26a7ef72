# Forum FAQ: "you can only change requires_grad flags of leaf variables"
import torch

a = torch.randn(3, requires_grad=True)
b = a * 2
c = b.detach()
c.requires_grad = True
print(c.is_leaf, c.requires_grad)
b.requires_grad = False
