"""Where a batch's tables go: ``--out results.parquet`` (or ``.csv``) and its siblings.

- ``results.parquet``: sets, one row per analysed file (a set), every Findings field;
- ``results.reps.parquet``: reps, one row per rep;
- ``results.summary.parquet``: count, mean, std, min, median and max of each numeric column;
- ``results.errors.parquet``: one row per file that failed (always written, maybe empty);
- ``results.checkpoint/``: results saved as they arrive, for resuming (always Parquet).

With ``.csv``, the four tables are CSV files under the same names.
"""

from __future__ import annotations

import os
from pathlib import Path

from thrustlab.batch.tables import BatchResult
from thrustlab.errors import OptionError
from thrustlab.records import record

SUFFIXES = (".parquet", ".csv")


@record
class OutputPaths:
    sets: Path
    reps: Path
    summary: Path
    errors: Path
    checkpoint: Path

    def tables(self) -> tuple[Path, Path, Path, Path]:
        return self.sets, self.reps, self.summary, self.errors


def output_paths(out: str | os.PathLike[str], /) -> OutputPaths:
    """The files (and checkpoint folder) a batch writes for ``--out``."""
    path = Path(out)
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise OptionError(f"--out must end in .parquet or .csv, not {path.name!r}")
    stem = path.with_suffix("")
    return OutputPaths(
        sets=path,
        reps=stem.with_name(f"{stem.name}.reps{suffix}"),
        summary=stem.with_name(f"{stem.name}.summary{suffix}"),
        errors=stem.with_name(f"{stem.name}.errors{suffix}"),
        checkpoint=stem.with_name(f"{stem.name}.checkpoint"),
    )


def write_outputs(result: BatchResult, out: str | os.PathLike[str], /) -> OutputPaths:
    """Write the four tables next to ``out``, each whole or not at all."""
    paths = output_paths(out)
    tables = (result.sets, result.reps, result.summary, result.errors)
    try:
        paths.sets.parent.mkdir(parents=True, exist_ok=True)
        for path, table in zip(paths.tables(), tables, strict=True):
            tmp = path.with_name(f".{path.name}.tmp")
            _write(table, tmp)
            tmp.replace(path)
    except OSError as error:
        raise OptionError(f"cannot write the results to {out}: {error.strerror}") from None
    return paths


def _write(table: object, path: Path) -> None:
    if path.name.removesuffix(".tmp").endswith(".csv"):
        import pyarrow.csv as pa_csv

        pa_csv.write_csv(table, path)
    else:
        import pyarrow.parquet as pq

        pq.write_table(table, path)
