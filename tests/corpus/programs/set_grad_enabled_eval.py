# PyTorch docs torch.set_grad_enabled: one function for train and eval phases
import torch
import torch.nn as nn

model = nn.Linear(3, 1)
x = torch.randn(4, 3)
y = torch.randn(4, 1)
for phase in ['train', 'val']:
    is_train = phase == 'train'
    model.train(is_train)
    with torch.set_grad_enabled(is_train):
        out = model(x)
        loss = nn.functional.mse_loss(out, y)
        print(phase, out.requires_grad, round(loss.item(), 5))
        if is_train:
            loss.backward()
torch.set_grad_enabled(False)
frozen = model(x)
torch.set_grad_enabled(True)
print(frozen.requires_grad, model.weight.grad.shape)
