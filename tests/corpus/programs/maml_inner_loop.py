# Paper "Model-Agnostic Meta-Learning" (MAML) as blog posts write the inner loop with create_graph
import torch
import torch.nn.functional as F

torch.manual_seed(1)
w = torch.randn(1, 1, requires_grad=True)
b = torch.zeros(1, requires_grad=True)
meta_opt = torch.optim.SGD([w, b], lr=0.01)
inner_lr = 0.1

for step in range(3):
    meta_opt.zero_grad()
    meta_loss = 0.0
    for amp in (1.0, 2.0):
        xs = torch.linspace(-1, 1, 6).unsqueeze(1)
        ys = amp * xs
        loss = F.mse_loss(F.linear(xs, w, b), ys)
        gw, gb = torch.autograd.grad(loss, (w, b), create_graph=True)
        fast_w, fast_b = w - inner_lr * gw, b - inner_lr * gb
        meta_loss = meta_loss + F.mse_loss(F.linear(xs, fast_w, fast_b), ys)
    meta_loss.backward()
    meta_opt.step()
    print(step, round(meta_loss.item(), 5), w.grad.item())
