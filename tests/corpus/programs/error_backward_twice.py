# Forum/blog FAQ: "Trying to backward through the graph a second time" (retain_graph demo)
import torch

x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
y = (x ** 2).sum()
y.backward()
print(x.grad)
y.backward()
print(x.grad)
