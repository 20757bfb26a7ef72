# PyTorch docs torch.nn.functional losses: a tour with gradients w.r.t. the logits
import torch
import torch.nn.functional as F

torch.manual_seed(0)
logits = torch.randn(4, 3, requires_grad=True)
target = torch.tensor([0, 2, 1, 2])
losses = {
    "ce": F.cross_entropy(logits, target),
    "ce_smooth": F.cross_entropy(logits, target, label_smoothing=0.1),
    "ce_weight": F.cross_entropy(logits, target, weight=torch.tensor([1.0, 2.0, 0.5])),
    "nll": F.nll_loss(F.log_softmax(logits, dim=1), target, reduction="sum"),
    "bce_logits": F.binary_cross_entropy_with_logits(logits, torch.ones(4, 3), pos_weight=torch.full((3,), 2.0)),
    "bce": F.binary_cross_entropy(torch.sigmoid(logits), torch.zeros(4, 3)),
    "mse": F.mse_loss(logits, torch.zeros(4, 3)),
    "l1": F.l1_loss(logits, torch.zeros(4, 3), reduction="mean"),
    "smooth_l1": F.smooth_l1_loss(logits, torch.zeros(4, 3), beta=0.5),
    "huber": F.huber_loss(logits, torch.zeros(4, 3), delta=0.5),
    "kl": F.kl_div(F.log_softmax(logits, -1), F.softmax(torch.randn(4, 3), -1), reduction="batchmean"),
    "margin": F.multi_margin_loss(logits, target),
    "soft_margin": F.soft_margin_loss(logits, torch.ones(4, 3)),
    "cos_emb": F.cosine_embedding_loss(logits, torch.ones(4, 3), torch.tensor([1, -1, 1, -1])),
    "poisson": F.poisson_nll_loss(logits, torch.ones(4, 3)),
    "gauss": F.gaussian_nll_loss(logits, torch.zeros(4, 3), torch.ones(4, 3)),
}
for name, loss in losses.items():
    (g,) = torch.autograd.grad(loss, logits, retain_graph=True)
    print(f"{name:12s} {loss.item():+.4f} grad norm {g.norm():.4f}")
total = sum(losses.values())
total.backward()
print(logits.grad)
