# Blog post on saliency maps: gradient of a class score with respect to the input image
import torch
import torch.nn as nn

model = nn.Sequential(nn.Conv2d(3, 4, 3, padding=1), nn.ReLU(), nn.AdaptiveAvgPool2d(1),
                      nn.Flatten(), nn.Linear(4, 5))
model.eval()
image = torch.rand(1, 3, 6, 6)
image.requires_grad_()
scores = model(image)
score_max_index = scores.argmax()
score_max = scores[0, score_max_index]
score_max.backward()
saliency, _ = torch.max(image.grad.data.abs(), dim=1)
print(saliency.shape)
print(saliency[0, :2])
