# mypy: ignore-errors
"""Title: Hooks on one graph node
Topic: Hooks

Every grad_fn is a torch.autograd.graph.Node, and nodes take hooks too: a prehook sees the
gradient arriving at the node (its grad_outputs), a hook sees what it sends to its inputs
(grad_inputs) as well. This is how a tool can show the gradient on every edge, which is what
Gradtrace draws. MulBackward0 for y = x * x receives [1, 1] and sends x along each of its two
edges, both into the same leaf, which adds them up: x.grad = 2x = [2, 4]. Each run of the
program's own node hooks is a step of the timeline too, with what the hook got.
"""

import torch

x = torch.tensor([1.0, 2.0], requires_grad=True)
y = x * x
out = y.sum()


def show_arrival(grad_outputs):
    print("SumBackward0 receives", grad_outputs[0])


def show_edges(grad_inputs, grad_outputs):
    print("MulBackward0 received", grad_outputs[0], "and sent", grad_inputs[0], grad_inputs[1])


pre = out.grad_fn.register_prehook(show_arrival)
post = y.grad_fn.register_hook(show_edges)
out.backward()
pre.remove()
post.remove()
print("x.grad =", x.grad)
