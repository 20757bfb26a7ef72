# PyTorch tutorial: Adversarial Example Generation (FGSM attack on a tiny classifier)
import torch
import torch.nn as nn
import torch.nn.functional as F


class Net(nn.Module):
    def __init__(self):
        super(Net, self).__init__()
        self.fc1 = nn.Linear(16, 8)
        self.fc2 = nn.Linear(8, 3)

    def forward(self, x):
        x = torch.flatten(x, 1)
        x = F.relu(self.fc1(x))
        return F.log_softmax(self.fc2(x), dim=1)


def fgsm_attack(image, epsilon, data_grad):
    sign_data_grad = data_grad.sign()
    perturbed_image = image + epsilon * sign_data_grad
    perturbed_image = torch.clamp(perturbed_image, 0, 1)
    return perturbed_image


model = Net()
model.eval()
data = torch.rand(1, 1, 4, 4)
target = torch.tensor([1])
data.requires_grad = True
output = model(data)
init_pred = output.max(1, keepdim=True)[1]
loss = F.nll_loss(output, target)
model.zero_grad()
loss.backward()
data_grad = data.grad.data
for epsilon in [0, 0.05, 0.1]:
    perturbed_data = fgsm_attack(data, epsilon, data_grad)
    output = model(perturbed_data)
    final_pred = output.max(1, keepdim=True)[1]
    print(epsilon, init_pred.item(), final_pred.item(), round(output[0, 1].item(), 4))
