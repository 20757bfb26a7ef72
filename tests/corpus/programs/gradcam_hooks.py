# Blog post on Grad-CAM: a forward hook stores the activation and registers a hook on it for the gradient
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)


class SmallCNN(nn.Module):
    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(nn.Conv2d(3, 4, 3, padding=1), nn.ReLU(),
                                      nn.Conv2d(4, 6, 3, padding=1), nn.ReLU())
        self.classifier = nn.Linear(6, 5)

    def forward(self, x):
        x = self.features(x)
        x = F.adaptive_avg_pool2d(x, 1).flatten(1)
        return self.classifier(x)


class GradCAM:
    def __init__(self, model, target_layer):
        self.model = model
        self.activations = None
        self.gradients = None
        target_layer.register_forward_hook(self.save_activation)

    def save_activation(self, module, input, output):
        self.activations = output.detach()
        output.register_hook(self.save_gradient)

    def save_gradient(self, grad):
        self.gradients = grad.detach()

    def __call__(self, x, class_idx=None):
        logits = self.model(x)
        if class_idx is None:
            class_idx = logits.argmax(dim=1).item()
        self.model.zero_grad()
        logits[0, class_idx].backward()
        weights = self.gradients.mean(dim=(2, 3), keepdim=True)
        cam = F.relu((weights * self.activations).sum(dim=1))
        cam = cam / (cam.max() + 1e-8)
        return cam, class_idx


model = SmallCNN()
cam_fn = GradCAM(model, model.features[2])
image = torch.randn(1, 3, 6, 6)
cam, idx = cam_fn(image)
print(cam.shape, idx, round(cam.max().item(), 4))
print(model.classifier.weight.grad[idx].norm() > 0)
