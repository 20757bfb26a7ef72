# mypy: ignore-errors
"""Title: MAML: differentiate through an inner training step
Topic: create_graph and higher-order derivatives

Model-agnostic meta-learning takes one gradient step on a task, w' = w - alpha * dL_task/dw, with
create_graph=True so that the step itself stays in the graph. The outer loss is measured with
the adapted weights w' and backpropagated to the original w: the gradient flows through the
inner gradient computation, so the graph contains double-backward nodes.
"""

import torch

w = torch.tensor([0.5, -0.3], requires_grad=True)
x_task = torch.tensor([[1.0, 2.0], [0.5, -1.0]])
y_task = torch.tensor([1.0, 0.0])
x_val = torch.tensor([[2.0, 1.0], [-1.0, 0.5]])
y_val = torch.tensor([2.0, -1.0])
alpha = 0.1
inner_loss = ((x_task @ w - y_task) ** 2).mean()
(inner_grad,) = torch.autograd.grad(inner_loss, w, create_graph=True)
w_adapted = w - alpha * inner_grad
outer_loss = ((x_val @ w_adapted - y_val) ** 2).mean()
outer_loss.backward()
print("adapted weights:", w_adapted)
print("meta-gradient w.grad:", w.grad)
