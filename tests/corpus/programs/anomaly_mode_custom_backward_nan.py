# PyTorch docs torch.autograd.detect_anomaly: a custom backward that returns NaN is named in the error
import torch


class MyFunc(torch.autograd.Function):
    @staticmethod
    def forward(ctx, inp):
        return inp.clone()

    @staticmethod
    def backward(ctx, gO):
        return gO * float("nan")


def run_fn(a):
    out = MyFunc.apply(a)
    return out.sum()


inp = torch.rand(10, 10, requires_grad=True)
out = run_fn(inp)
out.backward()
print(torch.isnan(inp.grad).all())

inp.grad = None
try:
    with torch.autograd.detect_anomaly():
        out = run_fn(inp)
        out.backward()
except RuntimeError as err:
    print("RuntimeError:", err)
print(torch.is_anomaly_enabled())
