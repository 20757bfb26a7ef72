# Forum answer: clip gradients per parameter with p.register_hook(lambda grad: grad.clamp(...))
import torch
import torch.nn as nn

torch.manual_seed(0)
model = nn.Linear(3, 2)
handles = []
for p in model.parameters():
    handles.append(p.register_hook(lambda grad: torch.clamp(grad, -0.1, 0.1)))

x = torch.randn(4, 3) * 10
loss = model(x).pow(2).sum()
loss.backward()
print(model.weight.grad.abs().max() <= 0.1, model.bias.grad)

for h in handles:
    h.remove()
model.zero_grad()
model(x).pow(2).sum().backward()
print(model.weight.grad.abs().max() > 0.1)

v = torch.tensor([0.0, 0.0, 0.0], requires_grad=True)
h = v.register_hook(lambda grad: grad * 2)
v.backward(torch.tensor([1.0, 2.0, 3.0]))
print(v.grad)
h.remove()
z = torch.ones(2, requires_grad=True)
y = z * 3
y.register_hook(print)
y.sum().backward()
print(z.grad)
