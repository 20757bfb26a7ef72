# Blog post "Transformer warmup schedule": a custom LRScheduler subclass (Noam schedule) and LambdaLR twin
import torch
from torch.optim.lr_scheduler import LRScheduler, LambdaLR


class NoamScheduler(LRScheduler):
    def __init__(self, optimizer, d_model, warmup_steps=4, last_epoch=-1):
        self.d_model = d_model
        self.warmup_steps = warmup_steps
        super().__init__(optimizer, last_epoch)

    def get_lr(self):
        step = max(self.last_epoch, 1)
        scale = self.d_model ** -0.5 * min(step ** -0.5, step * self.warmup_steps ** -1.5)
        return [base_lr * scale for base_lr in self.base_lrs]


w = torch.nn.Parameter(torch.ones(2))
opt = torch.optim.Adam([w], lr=1.0)
sched = NoamScheduler(opt, d_model=16)
twin_opt = torch.optim.Adam([torch.nn.Parameter(torch.ones(2))], lr=1.0)
twin = LambdaLR(twin_opt, lambda s: 16 ** -0.5 * min(max(s, 1) ** -0.5, max(s, 1) * 4 ** -1.5))
for step in range(6):
    opt.zero_grad()
    (w ** 2).sum().backward()
    opt.step()
    sched.step()
    twin_opt.step()
    twin.step()
    print(step, f"{sched.get_last_lr()[0]:.5f}", f"{twin.get_last_lr()[0]:.5f}")
print(w)
