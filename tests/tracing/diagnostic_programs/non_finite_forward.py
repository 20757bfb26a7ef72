# non_finite (forward): log(0) is -inf, and 0 * -inf is NaN.
import torch

x = torch.tensor([1.0, 0.5, 0.0], requires_grad=True)
probs = x / x.sum()
logp = torch.log(probs)  # the first -inf: probs holds a 0
entropy = -(probs * logp).sum()  # 0 * -inf = nan
entropy.backward()
print(entropy, x.grad)
