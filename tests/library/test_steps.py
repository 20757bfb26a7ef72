"""A trace of chosen steps shows those steps' gradients, not what later steps left."""

from __future__ import annotations

import numpy as np
import torch

import gradtrace


def _model() -> tuple[torch.nn.Module, torch.optim.Optimizer, torch.Tensor]:
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.Tanh(), torch.nn.Linear(4, 1))
    return model, torch.optim.SGD(model.parameters(), lr=0.1), torch.randn(8, 3)


def _step(model: torch.nn.Module, opt: torch.optim.Optimizer, x: torch.Tensor) -> None:
    opt.zero_grad()
    model(x).pow(2).mean().backward()
    opt.step()


def test_leaf_grads_are_those_of_the_last_recorded_step() -> None:
    model, opt, x = _model()
    plain: list[dict[str, torch.Tensor]] = []
    for _ in range(4):
        _step(model, opt, x)
        plain.append({n: p.grad.clone() for n, p in model.named_parameters()
                      if p.grad is not None})
    model, opt, x = _model()
    with gradtrace.trace(steps=[1], max_values=100) as t:
        for _ in range(4):
            _step(model, opt, x)
    data = t.to_dict()
    leaves = {n["label"]: n for n in data["graph"]["nodes"] if n["op"] == "AccumulateGrad"}
    assert set(leaves) == set(plain[1])
    for name, expected in plain[1].items():
        got = np.asarray(data["tensors"][leaves[name]["grad"]]["values"], dtype=np.float64)
        assert np.allclose(got, expected.double().numpy(), rtol=1e-5, atol=1e-7), name
        assert not np.allclose(got, plain[3][name].double().numpy()), name  # not the live one
