# Forum answer: gradients flow through sort/topk values to the selected elements only
import torch

x = torch.tensor([0.3, -1.2, 2.5, 0.9, 1.1], requires_grad=True)
values, indices = torch.sort(x, descending=True)
print(values, indices)
top = torch.topk(x, k=2)
print(top.values, top.indices)
kth = torch.kthvalue(x, 2)
srt = x.argsort()
loss = values[0] * 3 + top.values.sum() + kth.values
loss.backward()
print(x.grad)
print(srt.tolist(), x.grad.nonzero().flatten().tolist())
m, i = x.detach().max(0)
print(m.item(), i.item())
