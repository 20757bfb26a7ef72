# Forum FAQ: "One of the differentiated Tensors appears to not have been used in the graph"
import torch

a = torch.tensor(1.0, requires_grad=True)
b = torch.tensor(2.0, requires_grad=True)
out = a * 3
ga, = torch.autograd.grad(out, a, retain_graph=True)
print(ga)
ga, gb = torch.autograd.grad(out, (a, b))
