# PyTorch tutorial: Neural Transfer (ContentLoss/StyleLoss modules, gram matrix, LBFGS on the input image)
import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim


class ContentLoss(nn.Module):
    def __init__(self, target):
        super(ContentLoss, self).__init__()
        self.target = target.detach()

    def forward(self, input):
        self.loss = F.mse_loss(input, self.target)
        return input


def gram_matrix(input):
    a, b, c, d = input.size()
    features = input.view(a * b, c * d)
    G = torch.mm(features, features.t())
    return G.div(a * b * c * d)


class StyleLoss(nn.Module):
    def __init__(self, target_feature):
        super(StyleLoss, self).__init__()
        self.target = gram_matrix(target_feature).detach()

    def forward(self, input):
        G = gram_matrix(input)
        self.loss = F.mse_loss(G, self.target)
        return input


conv = nn.Conv2d(3, 4, 3, padding=1)
for p in conv.parameters():
    p.requires_grad_(False)
content_img = torch.rand(1, 3, 6, 6)
style_img = torch.rand(1, 3, 6, 6)
content_loss = ContentLoss(conv(content_img))
style_loss = StyleLoss(conv(style_img))
model = nn.Sequential(conv, content_loss, style_loss)
input_img = content_img.clone()
input_img.requires_grad_(True)
optimizer = optim.LBFGS([input_img])
run = [0]
while run[0] <= 6:
    def closure():
        with torch.no_grad():
            input_img.clamp_(0, 1)
        optimizer.zero_grad()
        model(input_img)
        loss = 1e4 * style_loss.loss + content_loss.loss
        loss.backward()
        run[0] += 1
        return loss
    optimizer.step(closure)
with torch.no_grad():
    input_img.clamp_(0, 1)
print(run[0], round(style_loss.loss.item(), 6), round(content_loss.loss.item(), 6))
