"""Gradtrace: run a small PyTorch program and see what autograd did."""

__all__ = ["__version__"]

__version__ = "0.1.0"
