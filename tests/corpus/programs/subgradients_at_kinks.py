# Forum question "what is the gradient of relu/abs/max at 0 or at ties?": PyTorch's conventions
import torch
import torch.nn.functional as F

x = torch.tensor([-1.0, 0.0, 1.0], requires_grad=True)
for name, fn in [("relu", torch.relu), ("abs", torch.abs), ("sign", torch.sign),
                 ("leaky", lambda t: F.leaky_relu(t, 0.1)), ("hardtanh", F.hardtanh),
                 ("clamp", lambda t: t.clamp(0, 1)), ("sqrt_abs", lambda t: t.abs().sqrt())]:
    (g,) = torch.autograd.grad(fn(x).sum(), x)
    print(f"{name:9s}", g.tolist())

t = torch.tensor([2.0, 2.0, 1.0], requires_grad=True)
t.max().backward()
print("max ties", t.grad)
t.grad = None
torch.max(t, dim=0).values.backward()
print("max dim ties", t.grad)
t.grad = None
torch.maximum(t[:2], torch.tensor([2.0, 0.0])).sum().backward()
print("maximum ties", t.grad)
img = torch.tensor([[[[1.0, 1.0], [1.0, 1.0]]]], requires_grad=True)
F.max_pool2d(img, 2).backward(torch.ones(1, 1, 1, 1))
print(img.grad)
