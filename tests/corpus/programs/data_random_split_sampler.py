# PyTorch docs torch.utils.data: random_split, Subset, WeightedRandomSampler and a collate_fn
import torch
from torch.utils.data import DataLoader, Subset, TensorDataset, WeightedRandomSampler, random_split

X = torch.arange(20, dtype=torch.float32).unsqueeze(1)
Y = (X.squeeze(1) % 3 == 0).long()
ds = TensorDataset(X, Y)
train_ds, val_ds = random_split(ds, [15, 5], generator=torch.Generator().manual_seed(42))
print(len(train_ds), len(val_ds), sorted(val_ds.indices))
first_five = Subset(ds, range(5))
print([int(first_five[i][0]) for i in range(len(first_five))])

weights = [3.0 if int(y) == 1 else 1.0 for _, y in train_ds]
sampler = WeightedRandomSampler(weights, num_samples=8, replacement=True)


def collate(batch):
    xs, ys = zip(*batch)
    return torch.stack(xs), torch.stack(ys)


loader = DataLoader(train_ds, batch_size=4, sampler=sampler, collate_fn=collate)
w = torch.zeros(1, requires_grad=True)
for xb, yb in loader:
    loss = ((xb.squeeze(1) * w - yb.float()) ** 2).mean()
    loss.backward()
print(w.grad, len(loader))
