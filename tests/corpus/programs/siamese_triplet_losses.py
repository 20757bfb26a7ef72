# Blog post on metric learning: a siamese encoder with triplet_margin_loss, pairwise_distance, cosine_similarity
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)
encoder = nn.Sequential(nn.Linear(6, 8), nn.ReLU(), nn.Linear(8, 4))
anchor, positive, negative = torch.randn(3, 5, 6).unbind(0)
a, p, n = encoder(anchor), encoder(positive), encoder(negative)
triplet = F.triplet_margin_loss(a, p, n, margin=1.0, p=2)
manual = F.relu(F.pairwise_distance(a, p) - F.pairwise_distance(a, n) + 1.0).mean()
print(f"{triplet.item():.5f} {manual.item():.5f}", torch.allclose(triplet, manual, atol=1e-5))
criterion = nn.TripletMarginLoss(margin=1.0)
cos = F.cosine_similarity(a, p, dim=1)
contrastive = (1 - cos).mean() + F.relu(F.cosine_similarity(a, n) - 0.2).mean()
loss = criterion(a, p, n) + contrastive
loss.backward()
print(cos.shape, encoder[0].weight.grad.norm() > 0)
emb = F.normalize(a, p=2, dim=1)
print(emb.norm(dim=1))
