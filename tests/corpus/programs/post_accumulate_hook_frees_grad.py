# PyTorch tutorial "optimizer step in backward": the hook updates the parameter and frees its .grad
import torch

torch.manual_seed(0)
model = torch.nn.Sequential(torch.nn.Linear(3, 3), torch.nn.Linear(3, 1))
lr = 0.1
updated = []


def sgd_in_backward(param):
    with torch.no_grad():
        param.add_(param.grad, alpha=-lr)
    updated.append(tuple(param.shape))
    param.grad = None


for p in model.parameters():
    p.register_post_accumulate_grad_hook(sgd_in_backward)
x = torch.randn(4, 3)
before = [p.detach().clone() for p in model.parameters()]
model(x).pow(2).mean().backward()
print(updated)
print([p.grad for p in model.parameters()])
print([not torch.equal(a, p.detach()) for a, p in zip(before, model.parameters())])
