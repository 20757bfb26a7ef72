# Blog post on dynamic computation graphs: define-by-run, a new graph each iteration, shaped by the data
import torch


def depth(fn):
    if fn is None:
        return 0
    return 1 + max([depth(child) for child, _ in fn.next_functions] or [0])


w = torch.tensor(0.9, requires_grad=True)
for start in [0.5, 3.0, 20.0]:
    h = torch.tensor(start)
    steps = 0
    while h.abs() > 1.0 or steps == 0:
        h = h * w - 0.1 if h > 0 else h * w + 0.1
        steps += 1
        if steps > 50:
            break
    h.backward()
    print(start, steps, h.grad_fn.name(), depth(h.grad_fn), round(w.grad.item(), 4))
    w.grad = None
