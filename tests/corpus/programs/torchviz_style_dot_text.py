# torchviz README style: build a graphviz dot description of the graph by hand (no graphviz needed)
import torch

x = torch.randn(1, 8)
w = torch.randn(8, 2, requires_grad=True)
bias = torch.zeros(2, requires_grad=True)
y = (x @ w + bias).softmax(dim=1)
params = {"w": w, "bias": bias}
names = {id(v): k for k, v in params.items()}

node_ids = {}
lines = ["digraph {"]


def node_id(fn):
    if fn not in node_ids:
        node_ids[fn] = "n%d" % len(node_ids)
    return node_ids[fn]


def add(fn):
    if fn in node_ids:
        return
    nid = node_id(fn)
    if hasattr(fn, "variable"):
        label = names.get(id(fn.variable), "?") + " " + str(list(fn.variable.shape))
    else:
        label = type(fn).__name__
    lines.append(f'  {nid} [label="{label}"]')
    for child, _ in fn.next_functions:
        if child is not None:
            add(child)
            lines.append(f"  {node_id(child)} -> {nid}")


add(y.grad_fn)
lines.append("}")
print("\n".join(lines))
y[0, 0].backward()
print(w.grad.shape, bias.grad)
