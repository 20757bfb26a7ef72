# Blog post on 1D CNNs for time series: Conv1d + BatchNorm1d + MaxPool1d + AdaptiveAvgPool1d
import torch
import torch.nn as nn

torch.manual_seed(0)


class SignalNet(nn.Module):
    def __init__(self, channels=2, classes=3):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv1d(channels, 8, kernel_size=3, padding=1),
            nn.BatchNorm1d(8),
            nn.ReLU(inplace=True),
            nn.MaxPool1d(2),
            nn.Conv1d(8, 8, kernel_size=3, padding="same", dilation=2),
            nn.AdaptiveAvgPool1d(1),
        )
        self.fc = nn.Linear(8, classes)

    def forward(self, x):
        x = self.features(x)
        return self.fc(x.flatten(1))


net = SignalNet()
x = torch.randn(4, 2, 16)
y = torch.tensor([0, 1, 2, 1])
loss = nn.CrossEntropyLoss()(net(x), y)
loss.backward()
print(f"loss {loss.item():.4f}")
bn = net.features[1]
print(bn.running_mean.shape, bn.num_batches_tracked.item(), bn.weight.grad.shape)
net.eval()
with torch.no_grad():
    print(net(x).argmax(dim=1).shape)
print(sum(p.numel() for p in net.parameters() if p.requires_grad))
