# fast.ai book chapter 4 ("Under the Hood: Training a Digit Classifier"): mnist_loss, init_params, train_epoch
import torch


def init_params(size, std=1.0):
    return (torch.randn(size) * std).requires_grad_()


torch.manual_seed(42)
train_x = torch.randn(40, 16)
train_y = (train_x[:, 0] > 0).float().unsqueeze(1)
dset = list(zip(train_x, train_y))
x, y = dset[0]
print(x.shape, y)

weights = init_params((16, 1))
bias = init_params(1)


def linear1(xb):
    return xb @ weights + bias


def mnist_loss(predictions, targets):
    predictions = predictions.sigmoid()
    return torch.where(targets == 1, 1 - predictions, predictions).mean()


def calc_grad(xb, yb, model):
    preds = model(xb)
    loss = mnist_loss(preds, yb)
    loss.backward()


def train_epoch(model, lr, params):
    for i in range(0, len(train_x), 8):
        xb, yb = train_x[i:i + 8], train_y[i:i + 8]
        calc_grad(xb, yb, model)
        for p in params:
            p.data -= p.grad * lr
            p.grad.zero_()


def batch_accuracy(xb, yb):
    preds = xb.sigmoid()
    correct = (preds > 0.5) == yb
    return correct.float().mean()


def validate_epoch(model):
    accs = [batch_accuracy(model(train_x[i:i + 8]), train_y[i:i + 8]) for i in range(0, 40, 8)]
    return round(torch.stack(accs).mean().item(), 4)


params = weights, bias
print(validate_epoch(linear1))
for i in range(5):
    train_epoch(linear1, 1.0, params)
    print(validate_epoch(linear1), end=' ')
print()
calc_grad(train_x[:4], train_y[:4], linear1)
print(weights.grad.mean(), bias.grad)
