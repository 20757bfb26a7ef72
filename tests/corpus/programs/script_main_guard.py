# Blog post / example-script style: argparse-free main() behind the __main__ guard
import torch
import torch.nn as nn


def train(model, x, y, steps=3, lr=0.1):
    opt = torch.optim.SGD(model.parameters(), lr=lr)
    for step in range(steps):
        opt.zero_grad()
        loss = nn.functional.mse_loss(model(x), y)
        loss.backward()
        opt.step()
        print(f"step {step}: loss={loss.item():.4f}")
    return loss


def main():
    torch.manual_seed(1)
    model = nn.Linear(2, 1)
    x = torch.randn(8, 2)
    y = x.sum(1, keepdim=True)
    final = train(model, x, y)
    print(f"{final.item()=:.4f}")
    print(f"{model.bias.grad=}")


if __name__ == "__main__":
    main()
