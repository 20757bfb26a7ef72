# Blog post: a graph printer that also shows what each node saved (try/except, no hasattr)
import torch

x = torch.tensor([0.5, 1.5], requires_grad=True)
w = torch.tensor([2.0, -1.0], requires_grad=True)
y = torch.sigmoid(x * w).pow(2).sum()


def show(fn, depth=0):
    line = "  " * depth + fn.name()
    for attr in ("_saved_self", "_saved_other", "_saved_result", "_saved_exponent"):
        try:
            value = getattr_saved(fn, attr)
        except AttributeError:
            continue
        line += f" {attr}={value}"
    print(line)
    for child, _ in fn.next_functions:
        if child is not None:
            show(child, depth + 1)


def getattr_saved(fn, attr):
    if attr == "_saved_self":
        return fn._saved_self
    if attr == "_saved_other":
        return fn._saved_other
    if attr == "_saved_result":
        return fn._saved_result
    return fn._saved_exponent


show(y.grad_fn)
y.backward()
print(x.grad, w.grad)
