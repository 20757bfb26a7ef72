"""The package's version, in a module of its own so that any module may read it without
importing the package's face (which would import back into the reader)."""

__all__ = ["__version__"]

__version__ = "0.1.0"
