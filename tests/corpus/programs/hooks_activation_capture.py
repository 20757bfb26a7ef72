# Forum/blog classic: capture intermediate activations with a dict of forward hooks
import torch
import torch.nn as nn

activation = {}


def get_activation(name):
    def hook(model, input, output):
        activation[name] = output.detach()
    return hook


class MyModel(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(4, 6)
        self.fc2 = nn.Linear(6, 3)

    def forward(self, x):
        return self.fc2(torch.relu(self.fc1(x)))


model = MyModel()
handles = [
    model.fc1.register_forward_hook(get_activation('fc1')),
    model.fc2.register_forward_hook(get_activation('fc2')),
]
x = torch.randn(2, 4)
output = model(x)
for name, act in activation.items():
    print(name, tuple(act.shape), act.requires_grad)
print(activation['fc2'])
for h in handles:
    h.remove()
fc1_out = activation['fc1']
