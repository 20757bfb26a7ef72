# Blog post walking a model's graph down to its parameters: AccumulateGrad.variable is the Parameter
import torch
import torch.nn as nn

torch.manual_seed(0)
layer = nn.Linear(2, 1)
out = layer(torch.tensor([[1.0, -1.0]]))
print(out.grad_fn.name())
for fn, _ in out.grad_fn.next_functions:
    if fn is None:
        continue
    print(fn.name())
    for sub, _ in fn.next_functions:
        if sub is not None and sub.name().endswith("AccumulateGrad"):
            print(sub.variable)
            print(sub.variable is layer.weight)
acc_bias = out.grad_fn.next_functions[0][0]
print(acc_bias.variable is layer.bias)
out.backward()
print(layer.weight.grad, layer.bias.grad)
