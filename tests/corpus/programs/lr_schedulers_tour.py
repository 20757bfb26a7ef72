# PyTorch docs torch.optim.lr_scheduler: StepLR, LambdaLR, CosineAnnealingLR, OneCycleLR, ReduceLROnPlateau
import math
import torch

w = torch.nn.Parameter(torch.tensor([1.0, -1.0]))


def make(lr=0.1):
    return torch.optim.SGD([w], lr=lr)


def run(opt, sched, steps, metric=None):
    lrs = []
    for step in range(steps):
        opt.zero_grad()
        loss = (w ** 2).sum()
        loss.backward()
        opt.step()
        if metric is None:
            sched.step()
        else:
            sched.step(metric)
        lrs.append(round(opt.param_groups[0]["lr"], 5))
    return lrs


opt = make()
print("step", run(opt, torch.optim.lr_scheduler.StepLR(opt, step_size=2, gamma=0.5), 6))
opt = make()
print("lambda", run(opt, torch.optim.lr_scheduler.LambdaLR(opt, lambda epoch: 0.95 ** epoch), 4))
opt = make()
cos = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=4, eta_min=0.001)
print("cosine", run(opt, cos, 4), [round(x, 5) for x in cos.get_last_lr()])
opt = make()
print("onecycle", run(opt, torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=1.0, total_steps=5), 5))
opt = make()
print("plateau", run(opt, torch.optim.lr_scheduler.ReduceLROnPlateau(opt, patience=0, factor=0.1), 4, metric=1.0))
print(0.1 * (1 + math.cos(math.pi * 1 / 4)) / 2)
print(w)
