"""Allow-listed ``torch.utils.data``: in-memory datasets and the single-process loader.

``DataLoader(TensorDataset(x, y), batch_size=8, shuffle=True)`` is how the tutorials write
a training loop. With ``num_workers=0`` (the default) the loader is a plain Python iterator
over the program's own tensors. ``num_workers > 0`` starts worker *processes*: the worker's
seccomp filter refuses ``fork`` anyway, but the error would be an obscure ``OSError``, so the
playground's ``DataLoader`` (``facade_guards.SandboxDataLoader``, a subclass that answers
``isinstance`` like the real one) refuses it up front with a sentence saying why.

What stays out, and why:

==========================================  ===========================================
refused                                     reason
==========================================  ===========================================
``get_worker_info``, ``DistributedSampler``  worker processes / distributed training
``default_collate``/``default_convert``      internals of the loader (it uses them itself)
``*DataPipe``, ``functional_datapipe``       deprecated; registers names process-wide
loader options ``multiprocessing_context``,  only meaningful with worker processes
``worker_init_fn``, ``persistent_workers``,
``prefetch_factor``, ``pin_memory``
==========================================  ===========================================
"""

from __future__ import annotations

from gradtrace.sandbox.allow_names import names as _names

__all__ = ["DATA_ATTRS", "DATA_MEMBERS"]



DATA_MEMBERS = _names("""
    Dataset IterableDataset TensorDataset ConcatDataset StackDataset ChainDataset Subset
    DataLoader random_split Sampler SequentialSampler RandomSampler SubsetRandomSampler
    WeightedRandomSampler BatchSampler
""")

# Fields of loaders, datasets and samplers a training loop reads (``len(loader.dataset)``);
# ``generator`` is a ``torch.Generator`` (reachable anyway), ``timeout`` a number.
DATA_ATTRS = _names("""
    dataset datasets tensors batch_size drop_last sampler batch_sampler num_workers
    collate_fn data_source num_samples replacement cumulative_sizes generator timeout
""")
