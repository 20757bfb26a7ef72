# PyTorch docs torch.autograd.backward: several roots with grad_tensors, and the inputs= argument
import torch

w = torch.tensor([1.0, -1.0], requires_grad=True)
b = torch.tensor([0.5], requires_grad=True)
x = torch.tensor([2.0, 3.0])
y1 = (w * x).sum() + b
y2 = (w ** 2)
torch.autograd.backward([y1, y2], grad_tensors=[torch.ones(1), torch.tensor([1.0, 0.1])])
print(w.grad, b.grad)

w.grad = None
b.grad = None
loss = (w * x).sum() + b.sum() * 2
loss.backward(inputs=[w])
print(w.grad, b.grad)
torch.autograd.backward(loss * 3, inputs=[b])
print(w.grad, b.grad)
