"""The checkpoint that makes a batch resumable: finished results saved as they arrive.

A checkpoint folder holds ``part-*`` folders, each written whole and then renamed into
place (a crash leaves at most a ``*.tmp`` folder, ignored), with ``sets.parquet``,
``reps.parquet`` and ``errors.parquet`` keyed by content hash, plus ``analysis_key.txt``:
results are reused only for the same analysis key (thrustlab version, configuration and
columns).
Unexpected failures (``retry``) are never saved.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import time
import uuid
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from thrustlab import __version__
from thrustlab.batch.inputs import HASH_NAME
from thrustlab.batch.tables import KEY, Results, concat, error_schema, only, rep_schema, set_schema
from thrustlab.config import AnalysisConfig

_KEY_FILE = "analysis_key.txt"
_TABLES = ("sets", "reps", "errors")


def analysis_key(config: AnalysisConfig, /) -> str:
    """What else, beside a file's content, decides its saved rows: thrustlab's version, the
    configuration, the tables' columns and the hash that names the content."""
    text = f"thrustlab {__version__}\n{config!r}\n{set_schema()}\n{rep_schema()}\n{HASH_NAME}\n"
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def load(folder: str | os.PathLike[str], /, *, key: str) -> Results:
    """Every saved result for ``key``; a content hash saved twice counts once (the first)."""
    root = Path(folder)
    if not root.is_dir():
        return concat([])
    parts: list[Results] = []
    seen = pa.array([], pa.string())
    for part in sorted(p for p in root.glob("part-*") if not p.name.endswith(".tmp")):
        key_file = part / _KEY_FILE
        if not key_file.is_file() or key_file.read_text(encoding="utf-8").strip() != key:
            continue
        tables = [pq.read_table(part / f"{name}.parquet") for name in _TABLES]
        result = only(
            Results(
                tables[0].cast(set_schema()),
                tables[1].cast(rep_schema()),
                tables[2].cast(error_schema()),
            ),
            seen,
            keep=False,
        )
        parts.append(result)
        seen = pa.concat_arrays([seen, result.sets[KEY].combine_chunks()])
        seen = pa.concat_arrays([seen, result.errors[KEY].combine_chunks()])
    return concat(parts)


def clear(folder: str | os.PathLike[str], /) -> None:
    """Forget every saved result (the ``part-*`` folders; nothing else is touched)."""
    root = Path(folder)
    if root.is_dir():
        for part in root.glob("part-*"):
            shutil.rmtree(part)


def save(folder: str | os.PathLike[str], results: Results, /, *, key: str) -> None:
    """Add ``results`` (less unexpected failures) as a new part, atomically."""
    errors = results.errors.filter(pc.invert(results.errors["retry"]))
    if results.sets.num_rows == 0 and errors.num_rows == 0:
        return
    root = Path(folder)
    root.mkdir(parents=True, exist_ok=True)
    name = f"part-{time.time_ns():020d}-{uuid.uuid4().hex[:8]}"
    tmp = root / f"{name}.tmp"
    tmp.mkdir()
    try:
        for table_name, table in zip(_TABLES, (results.sets, results.reps, errors), strict=True):
            pq.write_table(table, tmp / f"{table_name}.parquet")
        (tmp / _KEY_FILE).write_text(key + "\n", encoding="utf-8")
        tmp.rename(root / name)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
