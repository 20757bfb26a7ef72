"""Measurement 4: the library on your own code, against what a user would reach for instead.

One training step of the 24-layer encoder (forward, loss, ``backward()``), four ways in
the same process, interleaved: plainly; inside ``with gradtrace.trace():`` (default
options); with torchviz's ``make_dot(loss, params, show_saved=True)`` between forward and
backward (its DOT text assembled with ``.source``, not rendered by Graphviz); and with
TorchLens capturing the forward and then ``log_backward`` (full run only, measured after the
others with its own plain runs: one step takes seconds, too long for the CI's quick run).

All four run the same module on the same input: the encoder of ``bench/programs/encoder.py``
wrapped with its loss, so TorchLens logs the loss ops too and every contender does the same
work. TorchLens is asked to unwrap torch's functions after each capture; left wrapped (its
default) they slow every later plain call in the process, the other contenders included.
"""

from __future__ import annotations

import gc
import importlib.util
import sys
from collections.abc import Callable

import torch
from torch import nn
from torchviz import make_dot

import gradtrace
from bench.common import Row, Samples, interleave
from bench.overhead import run_plain
from bench.sources import encoder, without_backward

__all__ = ["LIMIT", "measure"]

LIMIT = 2.0  # the target: gradtrace.trace() at most 2x the plain step
_LAYERS = 24


class _WithLoss(nn.Module):
    """The program's encoder and its loss as one module, so TorchLens logs the loss too."""

    def __init__(self, model: nn.Module) -> None:
        super().__init__()
        self.model = model

    def forward(self, tokens: torch.Tensor) -> torch.Tensor:
        loss: torch.Tensor = self.model(tokens).pow(2).mean()
        return loss


def _built() -> tuple[_WithLoss, torch.Tensor]:
    namespace = run_plain(without_backward(encoder(_LAYERS)))
    model, tokens = namespace["encoder"], namespace["tokens"]
    assert isinstance(model, nn.Module) and isinstance(tokens, torch.Tensor)
    return _WithLoss(model), tokens


def _contenders(model: _WithLoss, tokens: torch.Tensor) -> dict[str, Callable[[], object]]:
    params = dict(model.model.named_parameters())

    def plain() -> None:
        model(tokens).backward()

    def traced() -> gradtrace.Trace:
        with gradtrace.trace() as recorded:
            model(tokens).backward()
        return recorded

    def torchviz() -> str:
        loss = model(tokens)
        source: str = make_dot(loss, params=params, show_saved=True).source
        loss.backward()
        return source

    return {"plain": plain, "gradtrace": traced, "torchviz": torchviz}


def _torchlens_step(model: _WithLoss, tokens: torch.Tensor) -> None:
    """TorchLens' forward capture with gradients, then its logged backward from the loss.

    Its log is a web of reference cycles; collecting it here charges TorchLens for its own
    garbage instead of whichever contender's allocation next triggers a full collection.
    """
    import torchlens as tl

    options = tl.options.CaptureOptions(save_grads=True, unwrap_when_done=True)
    log = tl.trace(model, tokens, capture=options)
    log.log_backward(log[log.output_layers[0]].out)
    del log
    gc.collect()


def _nodes(recorded: object) -> int:
    """How many graph nodes the trace holds; a trace cut by a cap would not be comparable."""
    assert isinstance(recorded, gradtrace.Trace) and recorded.ok, "the trace was cut"
    return len(recorded.data["graph"]["nodes"])


def _row(key: str, label: str, ours: Samples, plain: Samples, target: str = "(info)",
         met: bool | None = None, guard: str = "none") -> Row:
    return Row(f"library.{key}{_LAYERS}",
               f"{_LAYERS}-layer encoder forward+backward: {label}", ours.median * 1e3, "ms",
               plain.median * 1e3, "plain step, same process", target, met,
               f"{ours.spread_ms()}; plain {plain.spread_ms()}", guard=guard)


def _rows(samples: dict[str, Samples], nodes: int) -> list[Row]:
    plain, ours = samples["plain"], samples["gradtrace"]
    return [
        _row("trace", f"with gradtrace.trace() ({nodes} nodes)", ours, plain, f"<= {LIMIT:g}x",
             ours.median <= LIMIT * plain.median, "ratio"),
        _row("torchviz", "torchviz make_dot(show_saved=True).source", samples["torchviz"], plain),
    ]


def _torchlens_rows(model: _WithLoss, tokens: torch.Tensor,
                    traced: Callable[[], object], rounds: int) -> list[Row]:
    """TorchLens against the plain step and against gradtrace.trace(), interleaved.

    Run after the other rows: importing TorchLens adds ~170,000 objects to the collector's
    heap, which every later full collection (the tracer's included) has to scan.
    """
    contenders: dict[str, Callable[[], object]] = {
        "plain": lambda: model(tokens).backward(), "gradtrace": traced,
        "torchlens": lambda: _torchlens_step(model, tokens)}
    for contender in contenders.values():
        contender()  # warm-up: TorchLens wraps torch's functions on its first call
    samples = interleave(contenders, rounds)
    plain, ours, theirs = samples["plain"], samples["gradtrace"], samples["torchlens"]
    return [
        _row("torchlens", "TorchLens trace(save_grads) + log_backward", theirs, plain),
        Row(f"library.vs_torchlens{_LAYERS}",
            f"{_LAYERS}-layer encoder forward+backward: gradtrace.trace() against TorchLens",
            ours.median * 1e3, "ms", theirs.median * 1e3, "TorchLens, same process",
            "faster (ratio < 1)", ours.median < theirs.median,
            f"{ours.spread_ms()}; TorchLens {theirs.spread_ms()}", guard="none"),
    ]


def measure(quick: bool) -> list[Row]:
    """Plain, gradtrace and torchviz always; TorchLens in the full run only."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # as bench/overhead.py: one intra-op thread, steadier on 2 cores
    try:
        model, tokens = _built()
        contenders = _contenders(model, tokens)
        for contender in contenders.values():
            contender()  # warm-up: lazy imports, allocator growth
        nodes = _nodes(contenders["gradtrace"]())
        rows = _rows(interleave(contenders, 7 if quick else 9), nodes)
        if not quick and importlib.util.find_spec("torchlens") is None:
            print("skipping TorchLens rows: torchlens not installed (the bench extra)",
                  file=sys.stderr)
        elif not quick:
            rows += _torchlens_rows(model, tokens, contenders["gradtrace"], 3)
    finally:
        torch.set_num_threads(threads)
    return rows
