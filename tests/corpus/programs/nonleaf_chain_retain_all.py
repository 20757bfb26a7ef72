# Blog post "backprop by hand": retain every intermediate and check each local derivative
import torch

a = torch.tensor(2.0, requires_grad=True)
b = torch.tensor(-3.0, requires_grad=True)
c = torch.tensor(10.0, requires_grad=True)
f = torch.tensor(-2.0, requires_grad=True)
e = a * b
d = e + c
L = d * f
for t in (e, d, L):
    t.retain_grad()
L.backward()
for name, t in [("L", L), ("d", d), ("e", e), ("c", c), ("f", f), ("a", a), ("b", b)]:
    print(f"{name}: data={t.item():.1f} grad={t.grad.item():.1f}")
