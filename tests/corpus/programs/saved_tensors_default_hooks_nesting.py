# PyTorch tutorial "Hooks for saved tensors": nested saved_tensors_hooks, the innermost one wins
import torch

log = []


def make(tag):
    def pack(t):
        log.append(f"pack {tag} {tuple(t.shape)}")
        return t

    def unpack(t):
        log.append(f"unpack {tag}")
        return t

    return pack, unpack


a = torch.ones(3, requires_grad=True)
with torch.autograd.graph.saved_tensors_hooks(*make("outer")):
    b = a * a
    with torch.autograd.graph.saved_tensors_hooks(*make("inner")):
        c = b.exp()
    d = c * 2
(d.sum() + b.sum()).backward()
print("\n".join(log))
print(a.grad)
