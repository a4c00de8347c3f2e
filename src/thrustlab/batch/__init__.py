"""Batch analysis of many recordings on Dask: locally by default, or on a cluster.

``run_batch(paths, ...)`` reads and analyses every file on Dask workers and returns a
:class:`~thrustlab.batch.tables.BatchResult`: pyarrow tables of sets (one row per file),
reps (one row per rep), a summary and the per-file errors. One bad file never stops the
batch. With a ``checkpoint_dir``, finished results are saved as they arrive and a later run
skips files whose content (SHA-256) was already analysed with the same configuration.

Nothing heavy happens on import: Dask and pyarrow load when a batch runs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from thrustlab.batch.engine import BatchProgress, run_batch
    from thrustlab.batch.inputs import find_recordings
    from thrustlab.batch.output import output_paths, write_outputs
    from thrustlab.batch.tables import BatchResult

__all__ = [
    "BatchProgress",
    "BatchResult",
    "find_recordings",
    "output_paths",
    "run_batch",
    "write_outputs",
]

_HOMES = {
    "BatchProgress": "thrustlab.batch.engine",
    "run_batch": "thrustlab.batch.engine",
    "find_recordings": "thrustlab.batch.inputs",
    "output_paths": "thrustlab.batch.output",
    "write_outputs": "thrustlab.batch.output",
    "BatchResult": "thrustlab.batch.tables",
}


def __getattr__(name: str) -> Any:
    if name in _HOMES:
        from importlib import import_module

        return getattr(import_module(_HOMES[name]), name)
    raise AttributeError(f"module 'thrustlab.batch' has no attribute {name!r}")
