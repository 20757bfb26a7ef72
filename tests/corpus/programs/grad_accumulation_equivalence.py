# Blog post: gradient accumulation gives the same gradient as one big batch (loss / accumulation_steps)
import torch
import torch.nn as nn

torch.manual_seed(0)
model = nn.Linear(3, 1)
x = torch.randn(8, 3)
y = torch.randn(8, 1)
criterion = nn.MSELoss()

criterion(model(x), y).backward()
full = [p.grad.clone() for p in model.parameters()]
model.zero_grad()

accumulation_steps = 4
for i, (xb, yb) in enumerate(zip(x.chunk(accumulation_steps), y.chunk(accumulation_steps))):
    loss = criterion(model(xb), yb) / accumulation_steps
    loss.backward()
    if (i + 1) % accumulation_steps == 0:
        print("step at", i)
accumulated = [p.grad for p in model.parameters()]
print(all(torch.allclose(a, b, atol=1e-6) for a, b in zip(full, accumulated)))
