# PyTorch recipe: Automatic Mixed Precision on CPU with torch.autocast(bfloat16)
import torch
import torch.nn as nn

model = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 2))
opt = torch.optim.SGD(model.parameters(), lr=0.1)
x = torch.randn(3, 4)
target = torch.tensor([0, 1, 1])
with torch.autocast(device_type="cpu", dtype=torch.bfloat16):
    output = model(x)
    loss = nn.functional.cross_entropy(output, target)
print(output.dtype, loss.dtype)
loss.backward()
opt.step()
print(model[0].weight.grad.dtype, model[0].weight.grad.shape)
