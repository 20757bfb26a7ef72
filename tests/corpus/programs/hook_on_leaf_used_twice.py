# Engine behaviour: a leaf used twice gets one AccumulateGrad node; its hook fires once, with the sum
import torch

x = torch.tensor(2.0, requires_grad=True)
seen = []
x.register_hook(lambda g: seen.append(g.item()))
a = x * 3
b = x ** 2
acc_a = a.grad_fn.next_functions[0][0]
acc_b = b.grad_fn.next_functions[0][0]
print(acc_a is acc_b, acc_a.name())
(a + b).backward()
print(seen, x.grad)

c = x.exp()
d = c * x
print(d.grad_fn.next_functions[1][0] is acc_a)
d.backward()
print(seen, x.grad)
