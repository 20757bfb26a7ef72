"""What a program sets for itself ends with it, in-process too (``gradtrace trace``, tests).

A worker runs one program and exits; in-process runs share the process with the next
program, so process-wide settings a program may change are put back by the runner.
"""

from __future__ import annotations

import torch

from gradtrace.tracing import trace_source

PRECISE = ("import torch\ntorch.set_printoptions(precision=1, sci_mode=True)\n"
           "print(torch.tensor([1/3]))\n")


def test_print_options_set_by_a_program_end_with_it() -> None:
    before = torch._tensor_str.get_printoptions()
    result = trace_source(PRECISE)
    after = torch._tensor_str.get_printoptions()
    torch.set_printoptions(precision=1, sci_mode=True)  # plain torch, for the program's print
    try:
        expected = str(torch.tensor([1 / 3]))
    finally:
        torch.set_printoptions(**before)
    assert result["ok"], result["error"]
    assert result["stdout"] == expected + "\n"  # the program's setting held while it ran
    assert after == before  # and ended with it
