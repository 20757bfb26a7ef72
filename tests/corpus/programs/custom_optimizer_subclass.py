# Blog post "write your own optimizer": subclass torch.optim.Optimizer with per-parameter state
import torch


class SGDMomentum(torch.optim.Optimizer):
    def __init__(self, params, lr=1e-2, momentum=0.9):
        if lr < 0.0:
            raise ValueError(f"Invalid learning rate: {lr}")
        defaults = dict(lr=lr, momentum=momentum)
        super().__init__(params, defaults)

    @torch.no_grad()
    def step(self, closure=None):
        loss = None
        if closure is not None:
            with torch.enable_grad():
                loss = closure()
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is None:
                    continue
                state = self.state[p]
                if len(state) == 0:
                    state["velocity"] = torch.zeros_like(p)
                v = state["velocity"]
                v.mul_(group["momentum"]).add_(p.grad)
                p.add_(v, alpha=-group["lr"])
        return loss


torch.manual_seed(0)
model = torch.nn.Linear(3, 1)
opt = SGDMomentum(model.parameters(), lr=0.05)
ref = torch.nn.Linear(3, 1)
ref.load_state_dict(model.state_dict())
ref_opt = torch.optim.SGD(ref.parameters(), lr=0.05, momentum=0.9)
x, y = torch.randn(8, 3), torch.randn(8, 1)
for step in range(3):
    for m, o in ((model, opt), (ref, ref_opt)):
        o.zero_grad()
        loss = torch.nn.functional.mse_loss(m(x), y)
        loss.backward()
        o.step()
    print(step, f"{loss.item():.5f}", torch.allclose(model.weight, ref.weight, atol=1e-6))


def closure():
    opt.zero_grad()
    out = torch.nn.functional.mse_loss(model(x), y)
    out.backward()
    return out


print(f"{opt.step(closure).item():.5f}", len(opt.state), opt.defaults)
