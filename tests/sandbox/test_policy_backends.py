"""``torch.backends.cudnn`` switches and ``torch.cuda.manual_seed_all`` (the seed-everything
header): they work as in PyTorch, and nothing else of ``torch.backends`` is reachable."""

from __future__ import annotations

import pytest

from gradtrace.sandbox.errors import PolicyError
from gradtrace.sandbox.policy import check
from tests.sandbox.test_attacks_static import run_isolated

LIMIT = 20_000


def test_the_seed_everything_header_runs_and_reads_back() -> None:
    source = ("import torch\ntorch.cuda.manual_seed_all(0)\n"
              "torch.backends.cudnn.deterministic = True\n"
              "torch.backends.cudnn.benchmark = False\n"
              "print(torch.backends.cudnn.deterministic, torch.backends.cudnn.benchmark)")
    assert run_isolated(source) == ("ok", "True False\n")


def test_a_switch_takes_only_a_bool_and_nothing_else_is_there() -> None:
    outcome, detail = run_isolated("import torch\ntorch.backends.cudnn.deterministic = print")
    assert outcome != "ok" and "True or False" in detail
    outcome, detail = run_isolated("import torch\ntorch.backends.cudnn.is_available()")
    assert outcome != "ok" and "no attribute" in detail


@pytest.mark.parametrize(
    "source",
    ["import torch\ntorch.backends.cudnn.version = 1", "import torch\ntorch.backends.mps",
     "import torch\nc = torch.backends.cudnn\nc.deterministic = True",
     "import torch\ntorch.backends.cudnn.__class__", "import torch.backends.cudnn",
     "import torch\ntorch.backends.opt_einsum"],
)
def test_nothing_else_of_torch_backends_is_offered(source: str) -> None:
    with pytest.raises(PolicyError):
        check(source, LIMIT)
