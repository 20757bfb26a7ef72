# Blog post on grad modes: is_grad_enabled, is_inference_mode_enabled, and what each mode records
import torch

x = torch.tensor([1.0, 2.0], requires_grad=True)
print(torch.is_grad_enabled(), torch.is_inference_mode_enabled())
with torch.no_grad():
    print(torch.is_grad_enabled())
    a = x * 2
    with torch.enable_grad():
        b = x * 2
print(a.requires_grad, a.grad_fn, b.requires_grad, b.grad_fn.name())
with torch.set_grad_enabled(False):
    c = x + 1
print(c.requires_grad)
torch.set_grad_enabled(False)
d = x + 1
torch.set_grad_enabled(True)
print(d.requires_grad, torch.is_grad_enabled())
with torch.inference_mode():
    e = x * 5
    print(torch.is_inference_mode_enabled(), e.is_inference())
print(e.requires_grad, x.is_inference())
(b.sum() + (x * x).sum()).backward()
print(x.grad)
