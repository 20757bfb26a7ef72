# PyTorch tutorial: Datasets & DataLoaders (a custom Dataset class, in memory)
import torch
from torch.utils.data import Dataset, DataLoader


class SquaresDataset(Dataset):
    def __init__(self, n):
        self.x = torch.arange(n, dtype=torch.float32).unsqueeze(1)

    def __len__(self):
        return len(self.x)

    def __getitem__(self, idx):
        return self.x[idx], self.x[idx] ** 2


ds = SquaresDataset(10)
print(len(ds), ds[3])
loader = DataLoader(ds, batch_size=4, shuffle=False)
w = torch.zeros(1, requires_grad=True)
for xb, yb in loader:
    loss = ((w * xb - yb) ** 2).mean()
    loss.backward()
print(w.grad)
batches = [tuple(b[0].shape) for b in loader]
print(batches)
