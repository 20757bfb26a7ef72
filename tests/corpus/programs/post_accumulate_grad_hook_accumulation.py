# PyTorch docs Tensor.register_post_accumulate_grad_hook: runs after .grad is updated, on every backward
import torch

w = torch.tensor([1.0, 2.0], requires_grad=True)
log = []


def after_accumulate(param):
    log.append(param.grad.clone())


handle = w.register_post_accumulate_grad_hook(after_accumulate)
for step in range(3):
    loss = (w * (step + 1)).sum()
    loss.backward()
print([t.tolist() for t in log])
print(w.grad)
handle.remove()
(w * 10).sum().backward()
print(len(log), w.grad)
