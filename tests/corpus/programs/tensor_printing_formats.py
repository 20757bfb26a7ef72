# Blog/tutorial habit: printing tensors and losses with f-strings, format specs and set_printoptions
import torch

torch.manual_seed(0)
w = torch.randn(3, requires_grad=True)
loss = (w ** 2).sum()
loss.backward()
print(f"loss: {loss.item():.4f}")
print(f"loss: {loss:.3f}")
print("loss = {:.2e}".format(loss.item()))
print("%.5f" % loss.item())
print(f"{w.grad=}")
print(repr(w))
print(str(w.grad))
print(w.grad.tolist(), [round(v, 3) for v in w.grad.tolist()])
torch.set_printoptions(precision=2)
print(w)
torch.set_printoptions(profile="default")
print(f"{w.shape}, {w.dtype}, {w.device}, {w.requires_grad}")
print(f"{'param':>8}|{'grad':>8}")
for p, g in zip(w.detach(), w.grad):
    print(f"{p.item():8.3f}|{g.item():8.3f}")
print(round(torch.tensor(3.14159).item(), 2), format(w.sum().item(), ".1f"))
