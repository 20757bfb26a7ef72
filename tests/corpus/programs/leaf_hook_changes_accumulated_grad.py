# Blog post on gradient hooks: a hook on a leaf changes what accumulates into .grad; hooks on a shared trunk
import torch

w = torch.tensor([1.0, 2.0], requires_grad=True)
w.register_hook(lambda g: g * 0 + 1)
trunk = w * 3
trunk.register_hook(lambda g: print("trunk grad", g))
head1 = (trunk ** 2).sum()
head2 = trunk.sum() * 10
(head1 + head2).backward()
print(w.grad)
print(trunk.requires_grad, trunk.is_leaf)
