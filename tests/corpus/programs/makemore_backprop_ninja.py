# "Neural Networks: Zero to Hero" makemore part 4 (becoming a backprop ninja): retain_grad on every intermediate
import torch
import torch.nn.functional as F

g = torch.Generator().manual_seed(2147483647)
n_embd, n_hidden, vocab_size, block_size, batch = 3, 8, 5, 2, 4
C = torch.randn((vocab_size, n_embd), generator=g)
W1 = torch.randn((n_embd * block_size, n_hidden), generator=g) * 0.2
b1 = torch.randn(n_hidden, generator=g) * 0.1
W2 = torch.randn((n_hidden, vocab_size), generator=g) * 0.1
b2 = torch.randn(vocab_size, generator=g) * 0.1
parameters = [C, W1, b1, W2, b2]
for p in parameters:
    p.requires_grad = True

Xb = torch.randint(0, vocab_size, (batch, block_size), generator=g)
Yb = torch.randint(0, vocab_size, (batch,), generator=g)
emb = C[Xb]
embcat = emb.view(emb.shape[0], -1)
hprebn = embcat @ W1 + b1
h = torch.tanh(hprebn)
logits = h @ W2 + b2
logit_maxes = logits.max(1, keepdim=True).values
norm_logits = logits - logit_maxes
counts = norm_logits.exp()
counts_sum = counts.sum(1, keepdims=True)
counts_sum_inv = counts_sum**-1
probs = counts * counts_sum_inv
logprobs = probs.log()
loss = -logprobs[range(batch), Yb].mean()

for p in parameters:
    p.grad = None
for t in [logprobs, probs, counts, counts_sum, counts_sum_inv, norm_logits, logit_maxes,
          logits, h, hprebn, embcat, emb]:
    t.retain_grad()
loss.backward()


def cmp(s, dt, t):
    ex = torch.all(dt == t.grad).item()
    app = torch.allclose(dt, t.grad)
    maxdiff = (dt - t.grad).abs().max().item()
    print(f'{s:15s} | exact: {str(ex):5s} | approximate: {str(app):5s} | maxdiff: {maxdiff:.2e}')


dlogprobs = torch.zeros_like(logprobs)
dlogprobs[range(batch), Yb] = -1.0 / batch
dprobs = (1.0 / probs) * dlogprobs
dlogits = F.softmax(logits, 1)
dlogits[range(batch), Yb] -= 1
dlogits /= batch
cmp('logprobs', dlogprobs, logprobs)
cmp('probs', dprobs, probs)
cmp('logits', dlogits, logits)
print(loss.item())
