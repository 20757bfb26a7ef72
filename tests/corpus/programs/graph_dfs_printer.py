# Blog-post idiom: a recursive DFS over grad_fn that prints the whole backward graph as a tree
import torch
import torch.nn as nn

model = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 1))
x = torch.randn(2, 3)
loss = model(x).pow(2).mean()


def print_graph(fn, indent=0, seen=None):
    if seen is None:
        seen = set()
    if fn is None:
        return
    label = fn.name()
    if hasattr(fn, "variable"):
        label += " " + str(tuple(fn.variable.shape))
    print("    " * indent + label)
    if fn in seen:
        return
    seen.add(fn)
    for child, _ in fn.next_functions:
        print_graph(child, indent + 1, seen)


print_graph(loss.grad_fn)
loss.backward()
print([p.grad.shape for p in model.parameters()])
