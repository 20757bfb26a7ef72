# Blog post: SGD with momentum and Nesterov written by hand, checked against torch.optim.SGD
import torch

torch.manual_seed(0)
target = torch.tensor([3.0, -2.0])


def loss_fn(p):
    return ((p - target) ** 2).sum()


p_torch = torch.zeros(2, requires_grad=True)
opt = torch.optim.SGD([p_torch], lr=0.1, momentum=0.9, nesterov=True, weight_decay=0.01)
p_manual = torch.zeros(2, requires_grad=True)
buf = None
for step in range(5):
    opt.zero_grad()
    loss_fn(p_torch).backward()
    opt.step()

    loss = loss_fn(p_manual)
    loss.backward()
    with torch.no_grad():
        g = p_manual.grad + 0.01 * p_manual
        buf = g.clone() if buf is None else 0.9 * buf + g
        p_manual -= 0.1 * (g + 0.9 * buf)
        p_manual.grad.zero_()
    print(step, p_torch.detach(), torch.allclose(p_torch, p_manual))

state = opt.state_dict()
print(list(state.keys()), state["param_groups"][0]["momentum"])
print(opt.state[p_torch]["momentum_buffer"])
