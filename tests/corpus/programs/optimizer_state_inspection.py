# Blog post "what is inside Adam": exp_avg / exp_avg_sq state per parameter, checked by hand
import torch

torch.manual_seed(0)
w = torch.nn.Parameter(torch.randn(3))
opt = torch.optim.Adam([w], lr=0.1, betas=(0.9, 0.999), eps=1e-8)
m = torch.zeros(3)
v = torch.zeros(3)
w_manual = w.detach().clone()
for t in range(1, 4):
    opt.zero_grad()
    loss = (w ** 2).sum()
    loss.backward()
    g = 2 * w_manual
    m = 0.9 * m + 0.1 * g
    v = 0.999 * v + 0.001 * g * g
    m_hat = m / (1 - 0.9 ** t)
    v_hat = v / (1 - 0.999 ** t)
    w_manual = w_manual - 0.1 * m_hat / (v_hat.sqrt() + 1e-8)
    opt.step()
    print(t, torch.allclose(w, w_manual, atol=1e-6))
state = opt.state[w]
print(sorted(state.keys()), state["step"])
print(torch.allclose(state["exp_avg"], m), torch.allclose(state["exp_avg_sq"], v))
