# mypy: ignore-errors
"""Title: NaN in backward: sqrt at 0
Topic: Why a gradient is None, NaN, tiny or huge

Every forward value is finite (the lengths are 5 and 0), but the derivative of sqrt at 0 is
infinite, and 0 times infinity is NaN: points.grad holds NaN. The Problems panel points at
the first node whose gradient is not finite, SqrtBackward0, and says why.
"""

import torch

points = torch.tensor([[3.0, 4.0], [0.0, 0.0]], requires_grad=True)
lengths = (points ** 2).sum(dim=1).sqrt()  # 5 and 0: every value finite
loss = lengths.sum()
loss.backward()  # inf at sqrt, then 0 * inf = nan below it
print(lengths, points.grad)
