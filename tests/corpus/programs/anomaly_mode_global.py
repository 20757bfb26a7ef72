# Forum debugging advice: torch.autograd.set_detect_anomaly(True) called once at the top of a script
import torch

torch.autograd.set_detect_anomaly(True)
print(torch.is_anomaly_enabled())
w = torch.tensor([0.5, 1.5], requires_grad=True)
loss = (w.log() * w).sum()
loss.backward()
print(w.grad)
torch.autograd.set_detect_anomaly(False)
print(torch.is_anomaly_enabled())
with torch.autograd.detect_anomaly(check_nan=False):
    out = torch.sqrt(w).sum()
    out.backward()
print(w.grad)
