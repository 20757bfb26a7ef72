"""Allow-listed standard-library names that tutorials import for structure only.

Allowed name by name, never a whole module: a standard-library helper can hand a program
the very primitives the policy forbids (a function that calls ``getattr`` or ``eval`` for
it, a string some API evaluates, a wrapper that writes dunder attributes). For each name:

- ``collections``: ``OrderedDict``, ``defaultdict``, ``Counter``, ``deque`` are containers.
  ``namedtuple`` builds its class with ``eval``, but from field names it checks itself
  (identifiers, no keywords, no leading underscore) into a namespace whose builtins are
  empty, so the program controls no code. ``UserDict``/``UserList``/``ChainMap`` are left
  out (rare; plain dicts and lists do the same).
- ``dataclasses``: ``dataclass`` generates ``__init__``/``__repr__``/``__eq__`` with ``exec``
  from field names that come from ``name: type`` lines of a class body, which the policy
  checks like any other name (no underscores); it looks up ``sys.modules[cls.__module__]``
  (the real ``__main__``) only to compare it with ``typing``/``dataclasses``, never to hand it
  out. ``field``, ``fields``, ``asdict``, ``astuple``, ``replace``, ``is_dataclass`` read and
  copy the program's own objects. ``make_dataclass`` is refused: it takes field names as
  strings and would let a program define ``__del__`` or ``__getattr__``.
- ``functools``: ``partial`` (keeps the callable the program gave it), ``reduce``,
  ``lru_cache``/``cache`` (the cache lives in the program's function), ``cached_property``,
  ``cmp_to_key``. ``wraps``/``update_wrapper`` are refused: they write ``__name__``,
  ``__module__``, ``__wrapped__`` and ``__dict__`` onto whatever object they are given,
  including shared library functions and classes (the policy forbids underscore writes);
  ``total_ordering`` writes comparison methods onto the class it is given, likewise;
  ``singledispatch`` keeps a type registry the program needs no access to.
- ``itertools``: every function; they only iterate and call the callables the program
  passes (like ``map``). Infinite iterators are stopped by the time limit.
- ``typing``: the annotation names. ``get_type_hints`` and ``ForwardRef`` are refused: they
  ``eval`` annotation strings. ``Type`` is refused (its origin is the real ``type``). Generic
  aliases forward attribute reads to their origin (``List[int].append`` is ``list.append``),
  which goes through the same attribute-name rule as ``list.append``.
- ``copy``: ``copy``/``deepcopy`` rebuild objects the program already holds through their
  own ``__reduce_ex__``/``__deepcopy__``; tensors copy through ``clone()`` (never
  uninitialised memory) and the facades cannot be copied (their member table is a
  mappingproxy, which does not pickle). ``deepcopy`` is served without its ``memo``
  argument (``facade_guards.deepcopy``): the memo collects the originals of everything
  copied, real ``__dict__`` of library objects included.
- ``random``: seeded generator functions. ``Random``/``SystemRandom`` (``os.urandom``),
  ``getstate``/``setstate`` and ``randbytes`` are left out. The state is the process's and a
  fresh process serves each program; the tracer seeds it like numpy and torch.
- ``operator``: the functions of Python's own operators (``operator.mul`` in
  ``reduce(operator.mul, shape)``), each doing exactly what ``a * b``, ``a[i]`` or ``not a``
  already do in a program, and ``itemgetter`` (``a[i]`` as a function). ``attrgetter`` and
  ``methodcaller`` are refused: they read attributes named by a *string*, around the
  attribute rules (``attrgetter('__class__')``), as ``getattr`` would. The in-place
  ``i``-forms, ``setitem``/``delitem`` and ``call`` are left out (rare in lessons).
- ``json``: ``dumps``/``loads`` turn data into text and back (scripts print their config);
  the callables they accept (``default=``, ``object_hook=``, ``cls=``) are called with
  plain data, as the program could call them itself. ``dump``/``load`` (file objects) are
  left out.
- ``pprint``: ``pprint``/``pformat`` print or format with ``repr``, like ``print``.
- ``warnings``: ``warn``, ``filterwarnings``, ``simplefilter``. Notebooks start with
  ``warnings.filterwarnings("ignore")``; the tracer runs every program inside its own
  ``catch_warnings`` block, which restores the filters when the program ends, so the
  setting does not outlive it. ``catch_warnings`` and ``showwarning`` are left out.
- ``abc``: ``ABC`` (a base class for the program's abstract models) and ``abstractmethod``,
  served checked (``facade_attrs.checked_abstractmethod``): it writes
  ``__isabstractmethod__`` onto the function it is given, so only the program's own
  functions are accepted. ``ABCMeta.register`` is reserved (``register``).
- ``string``: the character-class constants (``ascii_lowercase``, ``digits``...) that
  character-level models build their vocabulary from. ``Formatter`` (its ``get_field``
  follows ``{0.attr}`` lookups) and ``Template`` are left out.
- ``statistics``: ``mean``, ``fmean``, ``median``, ``stdev``, ``pstdev``, ``variance``,
  ``pvariance``: arithmetic over the numbers a program logged.
- ``contextlib``: ``nullcontext`` only (``with ctx:`` where ``ctx`` is autocast on a GPU,
  as nanoGPT writes it); it enters and exits doing nothing. ``contextmanager`` is left out:
  a generator-based block can catch the playground's limit exceptions around its ``yield``.
- ``enum``: ``Enum`` for ``class Mode(Enum):`` and ``auto``. ``Enum`` is served by a
  stand-in (``facade_enum.CheckedEnum``) whose call is a value lookup only: the functional
  form ``Enum("E", [(name, value)])`` builds a class from strings, which could give it a
  ``__del__`` the policy refuses in a class statement.
- ``time``: the clocks ``time``, ``perf_counter``, ``monotonic``, ``process_time`` (read only;
  tutorials time their loops). ``sleep`` is refused: it only holds a worker.
"""

from __future__ import annotations

from gradtrace.sandbox.allow_names import names as _names

__all__ = ["STDLIB_ATTRS", "STDLIB_MODULES"]



STDLIB_MODULES: dict[str, frozenset[str]] = {
    "collections": _names("OrderedDict defaultdict Counter deque namedtuple"),
    "dataclasses": _names("dataclass field fields asdict astuple replace is_dataclass"),
    "functools": _names("partial reduce lru_cache cache cached_property cmp_to_key"),
    "itertools": _names("""
        accumulate chain combinations combinations_with_replacement compress count cycle
        dropwhile filterfalse groupby islice pairwise permutations product repeat starmap
        takewhile tee zip_longest
    """),
    "typing": _names("""
        Any Optional Union List Dict Tuple Set FrozenSet Callable Iterable Iterator Sequence
        Mapping NamedTuple Literal ClassVar Final TYPE_CHECKING cast
    """),
    "copy": _names("copy deepcopy"),
    "random": _names("""
        seed random randint randrange uniform choice choices shuffle sample gauss
        normalvariate
    """),
    "time": _names("time perf_counter monotonic process_time"),
    "json": _names("dumps loads"),
    "string": _names("""
        ascii_lowercase ascii_uppercase ascii_letters digits hexdigits octdigits punctuation
        whitespace printable
    """),
    "statistics": _names("mean fmean median stdev pstdev variance pvariance"),
    "contextlib": _names("nullcontext"),
    "enum": _names("Enum auto"),
    "pprint": _names("pprint pformat"),
    "warnings": _names("warn filterwarnings simplefilter"),
    "abc": _names("ABC abstractmethod"),
    "operator": _names("""
        add sub mul truediv floordiv mod pow neg pos abs matmul eq ne lt le gt ge not_ truth
        and_ or_ xor invert index concat contains getitem itemgetter
    """),
}

# Methods and fields of the objects above: deque, Counter, defaultdict, OrderedDict,
# partial, lru_cache wrappers and their ``cache_info()``, dataclass fields (``hash``,
# ``repr``, ``compare`` are their flags), ``itertools.chain.from_iterable``.
STDLIB_ATTRS = _names("""
    appendleft popleft extendleft rotate maxlen most_common elements subtract total
    default_factory move_to_end func keywords cache_info cache_clear from_iterable
    default hash repr compare kw_only hits misses currsize maxsize
""")
