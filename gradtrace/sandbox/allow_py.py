"""Allow-listed Python builtins, ``math`` and numpy names (data only).

numpy is limited to array creation, math and ``np.random``: no file I/O (``save``, ``load``,
``genfromtxt``, ``tofile``, ``dump``), no ``ctypeslib``, no ``lib.stride_tricks``, no array
``ctypes``/``strides``. Builtins are an allow-list too: ``eval``, ``exec``, ``open``,
``getattr`` and friends are never even present in a program's namespace.
"""

from __future__ import annotations

from gradtrace.sandbox.allow_names import names as _names

__all__ = [
    "BUILTIN_NAMES",
    "MATH_MEMBERS",
    "NDARRAY_ATTRS",
    "NUMPY_LINALG_MEMBERS",
    "NUMPY_MEMBERS",
    "NUMPY_RANDOM_MEMBERS",
    "NUMPY_UNINITIALISED_SUBSTITUTES",
    "PYTHON_ATTRS",
]



# ``type`` is replaced by a one-argument wrapper in the facade; ``object`` and ``super`` are
# needed for classes; ``setattr``/``delattr`` are checked stand-ins (``facade_attrs``: only on
# nn.Module instances, only data names); ``hasattr``/``dir``/``id`` too (``facade_introspect``:
# a bool for readable names, strings, a counter). Not here on purpose: eval exec compile open
# getattr globals locals vars input breakpoint help exit quit memoryview __import__
# (replaced), BaseException/KeyboardInterrupt/SystemExit (a program must not swallow the
# sandbox's own limit exceptions).
BUILTIN_NAMES = _names("""
    print range len enumerate zip map filter sum min max abs round sorted reversed all any iter
    next list tuple dict set frozenset int float bool str complex bytes slice isinstance
    issubclass callable super object type property staticmethod classmethod repr hash format
    pow divmod chr ord bin oct hex ascii NotImplemented Ellipsis
    Exception ArithmeticError AssertionError AttributeError IndexError KeyError LookupError
    NameError NotImplementedError OverflowError RuntimeError StopIteration TypeError ValueError
    ZeroDivisionError UserWarning Warning setattr delattr hasattr dir id
""")

MATH_MEMBERS = _names("""
    pi e tau inf nan sqrt cbrt exp exp2 expm1 log log2 log10 log1p sin cos tan asin acos atan
    atan2 sinh cosh tanh asinh acosh atanh floor ceil trunc fabs factorial comb perm gcd lcm
    isclose isfinite isinf isnan pow hypot dist prod fsum degrees radians copysign fmod modf
    frexp ldexp erf erfc gamma lgamma isqrt
""")

NUMPY_MEMBERS = _names("""
    __version__ array asarray zeros ones full empty zeros_like ones_like full_like empty_like
    arange linspace logspace eye identity diag meshgrid concatenate stack hstack vstack split
    reshape transpose
    squeeze expand_dims where clip abs absolute exp log log2 log10 log1p expm1 sqrt square sin
    cos tan arcsin arccos arctan arctan2 sinh cosh tanh sum mean std var prod cumsum cumprod max
    min maximum minimum amax amin argmax argmin sort argsort dot matmul outer inner einsum
    allclose isclose array_equal isnan isinf isfinite floor ceil round around sign power add
    subtract multiply divide tile repeat flip roll unique count_nonzero nonzero trace tril triu
    median percentile quantile histogram cross diff abs float16 float32 float64 int8 int16 int32
    int64 uint8 bool_ complex64 complex128 pi e inf nan newaxis ndarray random linalg
""")

NUMPY_RANDOM_MEMBERS = _names("""
    seed rand randn randint random normal uniform choice permutation shuffle standard_normal
    default_rng
""")

NUMPY_LINALG_MEMBERS = _names("norm inv det solve eig eigh eigvals svd qr pinv matrix_rank lstsq")

NUMPY_UNINITIALISED_SUBSTITUTES = {"empty": "zeros", "empty_like": "zeros_like"}

# Methods of numpy arrays and of ``default_rng()`` generators beyond the torch-shared names.
NDARRAY_ATTRS = _names("""
    astype ravel flatten copy fill size integers choice permutation shuffle normal uniform random
    standard_normal ptp
""")

# Methods of str, bytes, numbers, list, tuple, dict, set and exceptions.
PYTHON_ATTRS = _names("""
    append extend insert pop remove clear index count sort reverse copy keys values items get
    update setdefault popitem add discard union intersection difference symmetric_difference
    issubset issuperset isdisjoint join split rsplit splitlines strip lstrip rstrip upper lower
    title capitalize casefold replace startswith endswith find rfind center ljust rjust zfill
    isdigit isalpha isalnum isspace isupper islower partition rpartition encode decode
    is_integer bit_length real imag conjugate numerator denominator as_integer_ratio args
    start stop fget setter getter deleter
""")
