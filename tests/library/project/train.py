"""The training half of the two-file project: a dataclass config, argparse, an SGD loop.

Run plainly (``python train.py --steps 3 --dump out.json``) or under ``gradtrace run``;
``--dump`` writes the final loss and every parameter's value and ``.grad``, so a test can
compare the traced run with the plain one. ``--bad-input`` feeds the model a batch of the
wrong width (the error surfaces in model.py); ``--exit-code N`` ends with ``sys.exit(N)``.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from dataclasses import dataclass

import torch
from model import TwoLayer


@dataclass
class Config:
    """What one training run needs."""

    steps: int = 3
    lr: float = 0.1
    hidden: int = 4
    inputs: int = 3
    seed: int = 0


def train(config: Config, *, bad_input: bool = False) -> tuple[TwoLayer, torch.Tensor]:
    """Fit a small model to random data; the model and the last step's loss."""
    torch.manual_seed(config.seed)
    model = TwoLayer(config.inputs, config.hidden)
    optimizer = torch.optim.SGD(model.parameters(), lr=config.lr)
    batch = torch.randn(8, config.inputs + (1 if bad_input else 0))
    target = torch.randn(8, 1)
    loss = torch.zeros(())
    for _ in range(config.steps):
        optimizer.zero_grad()
        prediction = model(batch)
        error = prediction - target
        loss = (error ** 2).mean()
        loss.backward()
        optimizer.step()
    return model, loss


def dump(path: str, model: TwoLayer, loss: torch.Tensor) -> None:
    """The final loss, parameters and gradients as JSON (nested lists)."""
    out = {"loss": loss.item(),
           "params": {name: p.detach().tolist() for name, p in model.named_parameters()},
           "grads": {name: None if p.grad is None else p.grad.tolist()
                     for name, p in model.named_parameters()}}
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(out, handle)


def main(argv: Sequence[str] | None = None) -> None:
    """Parse the arguments, train, and dump or exit as asked."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--steps", type=int, default=Config.steps)
    parser.add_argument("--lr", type=float, default=Config.lr)
    parser.add_argument("--dump", help="write the final loss, parameters and grads here")
    parser.add_argument("--bad-input", action="store_true")
    parser.add_argument("--exit-code", type=int)
    args = parser.parse_args(argv)
    model, loss = train(Config(steps=args.steps, lr=args.lr), bad_input=args.bad_input)
    if args.dump:
        dump(args.dump, model, loss)
    print(f"final loss {loss.item():.6f}")
    if args.exit_code is not None:
        sys.exit(args.exit_code)


if __name__ == "__main__":
    main()
