"""Findings as table rows: the columns of the sets, reps, errors and summary tables.

Columns follow the dataclasses in ``thrustlab.findings``, so a field added there shows up
here by itself (a field of an unknown kind is an error, not a silent omission):

- sets: ``path``, ``content_hash``, ``source_kind``, ``source_format``,
  ``source_duration_s``, ``source_sample_rate_hz``, ``mode``, ``tremor_band_low_hz``,
  ``tremor_band_high_hz``, ``fatigue_band_low_hz``, ``fatigue_band_high_hz``, every field of
  ``SetMetrics`` under its own name, each leg's fields as ``left_<field>``/``right_<field>``
  (null with one sensor), and ``quality``: the quality entries as a JSON array of
  ``{"code", "severity", "message"}``;
- reps: ``path``, ``content_hash``, every field of ``RepMetrics`` (``index`` counts from 1),
  and the legs as above;
- errors: ``path``, ``content_hash``, ``error`` (the exception's name), ``message``, and
  ``retry`` (true when the failure was unexpected, so a resumed run tries the file again);
- summary: one row per numeric column of sets and reps: ``table``, ``metric``, ``count``
  (non-null values), ``mean``, ``std`` (n - 1), ``min``, ``median``, ``max``.

A value that could not be measured is null, as in the JSON output.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields, is_dataclass
from functools import cache
from types import UnionType
from typing import Any, Literal, get_args, get_origin, get_type_hints

import pyarrow as pa
import pyarrow.compute as pc

from thrustlab.batch.work import FileOutcome
from thrustlab.findings import Findings, Legs, LegTremor, RepMetrics, SetMetrics, SourceSummary

KEY = "content_hash"
ORDER = "_order"
SIDES = ("left", "right")
_FINDINGS_FIELDS = {
    "source",
    "reps",
    "set",
    "quality",
    "mode",
    "tremor_band_hz",
    "fatigue_band_hz",
}


@dataclass(frozen=True, slots=True)
class BatchResult:
    """A batch's tables (pyarrow), rows in the order of the input paths.

    ``sets``, ``reps``, ``errors`` and ``summary`` are described in
    :mod:`thrustlab.batch.tables`; ``files_total`` counts the input paths,
    ``files_reused`` those whose results came from an earlier run's checkpoint.
    Call ``.to_pandas()`` on a table for a DataFrame (pandas installed).
    """

    sets: pa.Table
    reps: pa.Table
    errors: pa.Table
    summary: pa.Table
    files_total: int
    files_reused: int


@dataclass(frozen=True, slots=True)
class Results:
    """Results keyed by content hash, before they are placed at their paths."""

    sets: pa.Table
    reps: pa.Table
    errors: pa.Table


# --- schemas ---------------------------------------------------------------------------


def _arrow_type(hint: Any) -> pa.DataType | None:
    """The column type of a scalar field (optional or not); None for anything else."""
    if get_origin(hint) is Literal:
        return pa.string()
    args = [a for a in get_args(hint) if a is not type(None)] if isinstance(hint, UnionType) else []
    base = args[0] if len(args) == 1 else hint
    if get_origin(base) is Literal:
        return pa.string()
    known: dict[Any, pa.DataType] = {
        float: pa.float64(),
        int: pa.int64(),
        str: pa.string(),
        bool: pa.bool_(),
    }
    return known.get(base)


def _is_legs(hint: Any) -> bool:
    return hint is Legs or (isinstance(hint, UnionType) and Legs in get_args(hint))


def _flat_fields(cls: type, *, prefix: str = "", skip: Iterable[str] = ()) -> list[pa.Field]:
    """Columns of a dataclass's scalar fields, and of its legs; anything else is an error."""
    hints = get_type_hints(cls)
    out: list[pa.Field] = []
    for f in fields(cls):
        if f.name in skip:
            continue
        hint = hints[f.name]
        if _is_legs(hint):
            out += [
                pa.field(f"{side}_{leg.name}", leg.type)
                for side in SIDES
                for leg in _flat_fields(LegTremor)
            ]
            continue
        arrow = _arrow_type(hint)
        if arrow is None:
            raise TypeError(f"{cls.__name__}.{f.name}: no column type for {hint!r}")
        out.append(pa.field(prefix + f.name, arrow))
    return out


def _band_names(name: str) -> tuple[str, str]:
    base = name.removesuffix("_hz")
    return f"{base}_low_hz", f"{base}_high_hz"


@cache
def set_schema() -> pa.Schema:
    """Columns of the sets table without ``path``."""
    names = {f.name for f in fields(Findings)}
    if names != _FINDINGS_FIELDS:
        raise TypeError(f"Findings fields changed: {sorted(names ^ _FINDINGS_FIELDS)}; map them")
    bands = [
        pa.field(n, pa.float64())
        for band in ("tremor_band_hz", "fatigue_band_hz")
        for n in _band_names(band)
    ]
    return pa.schema(
        [
            pa.field(KEY, pa.string()),
            *_flat_fields(SourceSummary, prefix="source_", skip=("paths",)),
            pa.field("mode", pa.string()),
            *bands,
            *_flat_fields(SetMetrics),
            pa.field("quality", pa.string()),
        ]
    )


@cache
def rep_schema() -> pa.Schema:
    """Columns of the reps table without ``path``."""
    return pa.schema([pa.field(KEY, pa.string()), *_flat_fields(RepMetrics)])


@cache
def error_schema() -> pa.Schema:
    """Columns of the errors table without ``path``."""
    return pa.schema(
        [
            pa.field(KEY, pa.string()),
            pa.field("error", pa.string()),
            pa.field("message", pa.string()),
            pa.field("retry", pa.bool_()),
        ]
    )


# --- rows ------------------------------------------------------------------------------


def _flat(obj: Any, *, prefix: str = "", skip: Iterable[str] = ()) -> dict[str, Any]:
    row: dict[str, Any] = {}
    for f in fields(obj):
        if f.name in skip:
            continue
        value = getattr(obj, f.name)
        if isinstance(value, Legs) or (value is None and _is_legs(f.type)):
            for side in SIDES:
                leg = getattr(value, side) if value is not None else None
                for g in fields(LegTremor):
                    row[f"{side}_{g.name}"] = getattr(leg, g.name) if leg is not None else None
        elif is_dataclass(value):
            raise TypeError(f"{type(obj).__name__}.{f.name}: nested dataclass not mapped")
        else:
            row[prefix + f.name] = value
    return row


def set_row(content_hash: str, findings: Findings, /) -> dict[str, Any]:
    """The sets-table row of one file's findings."""
    row: dict[str, Any] = {KEY: content_hash}
    row |= _flat(findings.source, prefix="source_", skip=("paths",))
    row["mode"] = findings.mode
    for band in ("tremor_band_hz", "fatigue_band_hz"):
        low, high = _band_names(band)
        row[low], row[high] = getattr(findings, band)
    row |= _flat(findings.set)
    row["quality"] = json.dumps(
        [{"code": q.code, "severity": q.severity, "message": q.message} for q in findings.quality],
        ensure_ascii=False,
    )
    return row


def rep_rows(content_hash: str, findings: Findings, /) -> list[dict[str, Any]]:
    """The reps-table rows of one file's findings."""
    return [{KEY: content_hash} | _flat(rep) for rep in findings.reps]


def results_from(outcomes: Sequence[FileOutcome], /) -> Results:
    """Tables of the given outcomes, keyed by content hash."""
    sets, reps, errors = [], [], []
    for o in outcomes:
        if o.findings is not None:
            sets.append(set_row(o.content_hash, o.findings))
            reps += rep_rows(o.content_hash, o.findings)
        else:
            errors.append(
                {KEY: o.content_hash, "error": o.error, "message": o.message, "retry": o.retry}
            )
    return Results(
        pa.Table.from_pylist(sets, schema=set_schema()),
        pa.Table.from_pylist(reps, schema=rep_schema()),
        pa.Table.from_pylist(errors, schema=error_schema()),
    )


def concat(parts: Sequence[Results], /) -> Results:
    """One ``Results`` of many (an empty one of none)."""
    return Results(
        pa.concat_tables([p.sets for p in parts]) if parts else set_schema().empty_table(),
        pa.concat_tables([p.reps for p in parts]) if parts else rep_schema().empty_table(),
        pa.concat_tables([p.errors for p in parts]) if parts else error_schema().empty_table(),
    )


def only(results: Results, hashes: pa.Array, /, *, keep: bool = True) -> Results:
    """The rows whose content hash is (``keep``) or is not among ``hashes``."""

    def pick(table: pa.Table) -> pa.Table:
        inside = pc.is_in(table[KEY], value_set=hashes)
        return table.filter(inside if keep else pc.invert(inside))

    return Results(pick(results.sets), pick(results.reps), pick(results.errors))


# --- placing rows at their paths -------------------------------------------------------


def place(
    results: Results,
    inputs: pa.Table,
    unhashable: pa.Table,
    /,
    *,
    files_reused: int,
) -> BatchResult:
    """Rows for every input path (``inputs``: path, content_hash, order), in input order.

    A content hash shared by several paths gives each of them its rows; ``unhashable``
    (see :func:`unhashable_table`) are files that could not even be opened.
    """

    def placed(table: pa.Table, schema: pa.Schema, *, by_index: bool = False) -> pa.Table:
        joined = inputs.join(table, keys=KEY, join_type="inner")
        keys = [(ORDER, "ascending")] + ([("index", "ascending")] if by_index else [])
        return joined.sort_by(keys).select(["path", *schema.names])

    sets = placed(results.sets, set_schema())
    reps = placed(results.reps, rep_schema(), by_index=True)
    columns = ["path", *error_schema().names, ORDER]
    failed = inputs.join(results.errors, keys=KEY, join_type="inner").select(columns)
    errors = pa.concat_tables([failed, unhashable.select(columns).cast(failed.schema)])
    errors = errors.sort_by(ORDER).select(columns[:-1])
    return BatchResult(
        sets=sets,
        reps=reps,
        errors=errors,
        summary=summary(sets, reps),
        files_total=inputs.num_rows + unhashable.num_rows,
        files_reused=files_reused,
    )


def summary(sets: pa.Table, reps: pa.Table, /) -> pa.Table:
    """Count, mean, standard deviation, min, median and max of every numeric column."""
    rows = []
    for name, table in (("sets", sets), ("reps", reps)):
        for field in table.schema:
            if field.name == "index" or not (
                pa.types.is_floating(field.type) or pa.types.is_integer(field.type)
            ):
                continue
            column = table[field.name]
            count = int(pc.count(column).as_py())
            median = pc.quantile(column, q=0.5) if count else None
            rows.append(
                {
                    "table": name,
                    "metric": field.name,
                    "count": count,
                    "mean": pc.mean(column).as_py() if count else None,
                    "std": pc.stddev(column, ddof=1).as_py() if count > 1 else None,
                    "min": float(pc.min(column).as_py()) if count else None,
                    "median": median[0].as_py() if median is not None else None,
                    "max": float(pc.max(column).as_py()) if count else None,
                }
            )
    return pa.Table.from_pylist(rows, schema=SUMMARY_SCHEMA)


SUMMARY_SCHEMA = pa.schema(
    [
        pa.field("table", pa.string()),
        pa.field("metric", pa.string()),
        pa.field("count", pa.int64()),
        *(pa.field(n, pa.float64()) for n in ("mean", "std", "min", "median", "max")),
    ]
)


def unhashable_table(failures: Sequence[tuple[int, str, str, str]], /) -> pa.Table:
    """Error rows of files that could not be opened: ``(order, path, error, message)``."""
    return pa.table(
        {
            "path": pa.array([f[1] for f in failures], pa.string()),
            KEY: pa.nulls(len(failures), pa.string()),
            "error": pa.array([f[2] for f in failures], pa.string()),
            "message": pa.array([f[3] for f in failures], pa.string()),
            "retry": pa.array([True] * len(failures), pa.bool_()),
            ORDER: pa.array([f[0] for f in failures], pa.int64()),
        }
    )
