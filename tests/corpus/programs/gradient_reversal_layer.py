# Paper "Domain-Adversarial Training of Neural Networks" (gradient reversal layer) as blog posts write it
import torch
import torch.nn as nn
from torch.autograd import Function


class GradReverse(Function):
    @staticmethod
    def forward(ctx, x, alpha):
        ctx.alpha = alpha
        return x.view_as(x)

    @staticmethod
    def backward(ctx, grad_output):
        output = grad_output.neg() * ctx.alpha
        return output, None


def grad_reverse(x, alpha=1.0):
    return GradReverse.apply(x, alpha)


features = nn.Linear(4, 3)
label_head = nn.Linear(3, 2)
domain_head = nn.Linear(3, 1)
x = torch.randn(5, 4)
f = features(x)
label_loss = nn.functional.cross_entropy(label_head(f), torch.tensor([0, 1, 0, 1, 1]))
domain_loss = nn.functional.binary_cross_entropy_with_logits(
    domain_head(grad_reverse(f, 0.5)).squeeze(1), torch.tensor([0.0, 0.0, 1.0, 1.0, 1.0]))
(label_loss + domain_loss).backward()
print(features.weight.grad)
print(domain_head.weight.grad)
