# Engine behaviour: with retain_graph, each backward reruns the nodes and their hooks
import torch

x = torch.tensor([1.0, 2.0], requires_grad=True)
y = x.sin()
z = y * 2
runs = {"y": 0, "node": 0}


def count_tensor(g):
    runs["y"] += 1


def count_node(grad_inputs, grad_outputs):
    runs["node"] += 1


y.register_hook(count_tensor)
z.grad_fn.register_hook(count_node)
z.sum().backward(retain_graph=True)
z.sum().backward(retain_graph=True)
(z * z).sum().backward()
print(runs)
print(x.grad)
