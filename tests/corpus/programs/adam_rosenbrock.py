# Blog post: minimising a function with torch.optim.Adam and tracking the path
import torch

p = torch.tensor([-1.0, 1.0], requires_grad=True)
opt = torch.optim.Adam([p], lr=0.1)
path = []
for step in range(30):
    opt.zero_grad()
    f = (1 - p[0]) ** 2 + 5 * (p[1] - p[0] ** 2) ** 2
    f.backward()
    opt.step()
    path.append(round(f.item(), 4))
print(path[::5])
print(p)
