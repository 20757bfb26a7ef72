# PyTorch docs torch.optim (optimizer.step(closure)): LBFGS on the Rosenbrock function
import torch


def rosenbrock(xy):
    x, y = xy
    return (1 - x) ** 2 + 100 * (y - x ** 2) ** 2


xy = torch.tensor([-1.5, 2.0], requires_grad=True)
optimizer = torch.optim.LBFGS([xy], lr=1, max_iter=20, line_search_fn="strong_wolfe")


def closure():
    optimizer.zero_grad()
    loss = rosenbrock(xy)
    loss.backward()
    return loss


for i in range(3):
    loss = optimizer.step(closure)
    print(i, round(loss.item(), 6))
print(xy.detach().round(decimals=3))
