# mypy: ignore-errors
"""Title: Leaves, grad_fn and next_functions
Topic: Leaves, requires_grad and the graph

Tensors you create with requires_grad=True are leaves; tensors computed from them carry a
grad_fn, the node that knows how to send gradients back to the inputs. The program walks
grad_fn.next_functions by hand, the same walk Gradtrace does to draw the graph, and finds the
AccumulateGrad nodes whose .variable is the leaf itself. After backward(), only the leaves get a
.grad: a.grad = 9a² = [36, 81] and b.grad = -2b = [-12, -8].
"""

import torch

a = torch.tensor([2.0, 3.0], requires_grad=True)
b = torch.tensor([6.0, 4.0], requires_grad=True)
q = 3 * a**3 - b**2
total = q.sum()
print("a.is_leaf:", a.is_leaf, "| q.is_leaf:", q.is_leaf)
print("total.grad_fn:", total.grad_fn.name())
node = total.grad_fn
while node is not None:
    print("node:", node.name())
    inputs = [fn for fn, index in node.next_functions if fn is not None]
    for fn in inputs:
        if fn.name() == "AccumulateGrad":
            print("  reaches a leaf; is it b?", fn.variable is b)
    node = inputs[0] if inputs else None
total.backward()
print("a.grad =", a.grad)
print("b.grad =", b.grad)
