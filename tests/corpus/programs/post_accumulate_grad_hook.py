# PyTorch tutorial: optimizer step in backward via register_post_accumulate_grad_hook
import torch
import torch.nn as nn

model = nn.Linear(3, 2)
optimizer_dict = {p: torch.optim.SGD([p], lr=0.1) for p in model.parameters()}


def optimizer_hook(parameter) -> None:
    optimizer_dict[parameter].step()
    optimizer_dict[parameter].zero_grad()


for p in model.parameters():
    p.register_post_accumulate_grad_hook(optimizer_hook)

before = model.weight.detach().clone()
x = torch.ones(4, 3)
model(x).sum().backward()
print(torch.allclose(model.weight.detach(), before - 0.1 * 4))
print(model.weight.grad, model.bias.grad)
