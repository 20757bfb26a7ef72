# non_finite (backward): sqrt is fine at 0, its derivative 1/(2*sqrt(x)) is not.
import torch

points = torch.tensor([[3.0, 4.0], [0.0, 0.0]], requires_grad=True)
lengths = (points ** 2).sum(dim=1).sqrt()  # 5 and 0: every value finite
loss = lengths.sum()
loss.backward()  # inf at sqrt, then 0 * inf = nan below it
print(lengths, points.grad)
