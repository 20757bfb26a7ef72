"""The acceptance corpus of issue 16: tutorial-style programs compared with plain PyTorch.

``programs/`` holds one program per file, each opening with a comment naming the tutorial,
doc page, paper or blog post whose style it imitates. ``test_corpus.py`` traces each one in
the sandbox (policy + facade + tracer) and through a live server, and compares the trace
field by field with the same text run by plain PyTorch (``compare.py``, ``plain.py``).
``python -m tests.corpus.classify [substring ...]`` says, per program, pass / refused /
differs / crash and why: the way to keep ``KNOWN_GAPS`` current.
"""
