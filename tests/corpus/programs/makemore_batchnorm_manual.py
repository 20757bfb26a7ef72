# Karpathy makemore part 3: manual batchnorm with running buffers, kaiming init, update-to-data ratios
import torch
import torch.nn.functional as F

g = torch.Generator().manual_seed(2147483647)
n_embd, n_hidden, vocab_size = 4, 16, 7
W1 = torch.randn((n_embd, n_hidden), generator=g) * (5 / 3) / (n_embd ** 0.5)
W2 = torch.randn((n_hidden, vocab_size), generator=g) * 0.01
b2 = torch.randn(vocab_size, generator=g) * 0
bngain = torch.ones((1, n_hidden))
bnbias = torch.zeros((1, n_hidden))
bnmean_running = torch.zeros((1, n_hidden))
bnstd_running = torch.ones((1, n_hidden))
parameters = [W1, W2, b2, bngain, bnbias]
for p in parameters:
    p.requires_grad = True
Xtr = torch.randn((32, n_embd), generator=g)
Ytr = torch.randint(0, vocab_size, (32,), generator=g)
ud = []
for i in range(5):
    ix = torch.randint(0, Xtr.shape[0], (8,), generator=g)
    hpreact = Xtr[ix] @ W1
    bnmeani = hpreact.mean(0, keepdim=True)
    bnstdi = hpreact.std(0, keepdim=True)
    hpreact = bngain * (hpreact - bnmeani) / bnstdi + bnbias
    with torch.no_grad():
        bnmean_running = 0.999 * bnmean_running + 0.001 * bnmeani
        bnstd_running = 0.999 * bnstd_running + 0.001 * bnstdi
    h = torch.tanh(hpreact)
    logits = h @ W2 + b2
    loss = F.cross_entropy(logits, Ytr[ix])
    for p in parameters:
        p.grad = None
    loss.backward()
    lr = 0.1
    for p in parameters:
        p.data += -lr * p.grad
    with torch.no_grad():
        ud.append([((lr * p.grad).std() / p.data.std()).log10().item() for p in parameters])
    print(f"{i:7d}: {loss.item():.4f}")
print(len(ud), bnmean_running.shape, bnstd_running.requires_grad)
print(f"{(h.abs() > 0.97).float().mean() * 100:.1f}% saturated")
