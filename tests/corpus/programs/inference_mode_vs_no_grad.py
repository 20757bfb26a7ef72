# PyTorch docs torch.inference_mode / is_inference / is_grad_enabled, compared with no_grad
import torch

x = torch.ones(3, requires_grad=True)
with torch.inference_mode():
    y = x * 2
print(y.requires_grad, y.is_inference())

with torch.no_grad():
    z = x * 2
print(z.requires_grad, z.is_inference())

print(torch.is_grad_enabled(), torch.is_inference_mode_enabled())
with torch.inference_mode(mode=False):
    w = x * 3
print(w.requires_grad)


@torch.inference_mode()
def predict(t):
    return (t ** 2).sum()


out = predict(x)
print(out, out.requires_grad)

torch.set_grad_enabled(False)
q = x + 1
torch.set_grad_enabled(True)
r = x + 1
print(q.requires_grad, r.requires_grad)
r.sum().backward()
print(x.grad)
