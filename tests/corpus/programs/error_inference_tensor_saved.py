# Forum FAQ: "Inference tensors cannot be saved for backward" (a tensor made under inference_mode)
import torch

model = torch.nn.Linear(3, 1)
with torch.inference_mode():
    features = torch.randn(4, 3) * 2
print(features.is_inference())
out = model(features.clone())
out.sum().backward()
print(model.weight.grad)
w = torch.ones(3, requires_grad=True)
loss = (w * features).sum()
