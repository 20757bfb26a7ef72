# PyTorch tutorial "What is a state_dict?": copy weights between models and optimizers in memory
import copy
import torch
import torch.nn as nn
import torch.optim as optim

torch.manual_seed(0)


class TheModelClass(nn.Module):
    def __init__(self):
        super(TheModelClass, self).__init__()
        self.fc1 = nn.Linear(4, 3)
        self.bn = nn.BatchNorm1d(3)
        self.fc2 = nn.Linear(3, 2)

    def forward(self, x):
        return self.fc2(torch.relu(self.bn(self.fc1(x))))


model = TheModelClass()
optimizer = optim.SGD(model.parameters(), lr=0.001, momentum=0.9)
print("Model's state_dict:")
for param_tensor in model.state_dict():
    print(param_tensor, "\t", model.state_dict()[param_tensor].size())
x = torch.randn(5, 4)
model(x).sum().backward()
optimizer.step()
print("Optimizer's state_dict:")
for var_name in optimizer.state_dict():
    print(var_name, "\t", optimizer.state_dict()[var_name])

clone = TheModelClass()
print(clone.load_state_dict(model.state_dict()))
model.eval()
clone.eval()
print(torch.equal(model(x), clone(x)))
twin = copy.deepcopy(model)
twin.fc1.weight.data.fill_(0.0)
print(model.fc1.weight.abs().sum() > 0, twin.fc1.weight.sum().item())
partial = {k: v for k, v in model.state_dict().items() if k.startswith("fc1")}
result = clone.load_state_dict(partial, strict=False)
print(result.missing_keys, result.unexpected_keys)
