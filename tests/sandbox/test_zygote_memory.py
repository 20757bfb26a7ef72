"""The zygote's heap in huge pages: workers forked from it still copy on write.

The zygote collapses its dense heap regions into 2 MiB pages so that fork and exit handle
far fewer page-table entries; a worker's writes must still stay its own.
"""

from __future__ import annotations

from gradtrace.sandbox.zygote import collapse_to_huge_pages
from tests.sandbox.child import in_child


def test_workers_forked_from_huge_pages_still_copy_on_write() -> None:
    def scenario() -> tuple[int, bool, bool]:
        block = bytearray(b"z" * (32 * 1024 * 1024))  # dense: collapsed into huge pages
        collapsed = collapse_to_huge_pages()
        seen_by_child = in_child(lambda: _scribble(block))
        return collapsed, seen_by_child, block == b"z" * len(block)

    collapsed, child_saw_original, parent_unchanged = in_child(scenario)
    assert collapsed >= 0  # 0 where the kernel has no MADV_COLLAPSE: nothing changes then
    assert child_saw_original and parent_unchanged


def _scribble(block: bytearray) -> bool:
    """What a worker does to memory it shares with the zygote: read it, then overwrite it."""
    original = block == b"z" * len(block)
    block[::4096] = b"w" * len(block[::4096])
    return original
