"""Findings as table rows: the columns of the sets, reps, errors and summary tables.

Columns follow the dataclasses in ``thrustlab.findings``, so a field added there shows up
here by itself (a field of an unknown kind is an error, not a silent omission):

- sets: ``path``, ``content_hash``, the source as ``source_kind``, ``source_format``,
  ``source_duration_s``, ``source_sample_rate_hz``; every field of ``SetMetrics`` under its
  own name, each leg's fields as ``left_<field>``/``right_<field>`` (null with one sensor);
  the other fields of ``Findings``: ``mode``, ``tremor_band_low_hz``/``_high_hz`` (and the
  fatigue band alike), a nested record such as ``form`` as ``form_<field>`` (null when not
  measured), any tuple of values as a JSON array; and ``quality``: a JSON array of
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
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, fields, is_dataclass
from functools import cache
from operator import itemgetter
from types import UnionType
from typing import Any, Literal, get_args, get_origin, get_type_hints

import pyarrow as pa
import pyarrow.compute as pc

from thrustlab.batch.work import FileOutcome
from thrustlab.findings import Findings, Legs, LegTremor, RepMetrics, SetMetrics, SourceSummary
from thrustlab.records import record

KEY = "content_hash"
ORDER = "_order"
SIDES = ("left", "right")


@record
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


@record
class Results:
    """Results keyed by content hash, before they are placed at their paths."""

    sets: pa.Table
    reps: pa.Table
    errors: pa.Table


# --- columns ---------------------------------------------------------------------------

Getter = Callable[[Any], Any]


@record
class Column:
    """One column: its name, its type, and how to get its value from the row's object."""

    name: str
    type: pa.DataType
    get: Getter


def _attr(get: Getter, name: str) -> Getter:
    def value(obj: Any) -> Any:
        parent = get(obj)
        return None if parent is None else getattr(parent, name)

    return value


def _json(get: Getter) -> Getter:
    def value(obj: Any) -> str | None:
        items = get(obj)
        if items is None:
            return None
        plain = [asdict(i) if is_dataclass(i) and not isinstance(i, type) else i for i in items]
        return json.dumps(plain, ensure_ascii=False)

    return value


def _nth(get: Getter, i: int) -> Getter:
    def value(obj: Any) -> Any:
        pair = get(obj)
        return None if pair is None else pair[i]

    return value


def _arrow_type(hint: Any) -> pa.DataType | None:
    """The column type of a scalar field (optional or not); None for anything else."""
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


def _dataclass_in(hint: Any) -> type | None:
    """The dataclass a field holds (``X`` or ``X | None``), if it holds one."""
    args = [a for a in get_args(hint) if a is not type(None)] if isinstance(hint, UnionType) else []
    base = args[0] if len(args) == 1 else hint
    return base if isinstance(base, type) and is_dataclass(base) else None


def columns_of(
    cls: type, /, *, prefix: str = "", get: Getter = lambda obj: obj, skip: Iterable[str] = ()
) -> list[Column]:
    """Flat columns of a dataclass: scalars as they are; ``Legs`` as ``left_*``/``right_*``;
    other dataclasses as ``<field>_*``; ``(low, high)`` bands as ``<band>_low_hz``/
    ``<band>_high_hz``; any other tuple as a JSON array. Anything else is an error."""
    hints = get_type_hints(cls)
    out: list[Column] = []
    for f in fields(cls):
        if f.name in skip:
            continue
        hint, at, name = hints[f.name], _attr(get, f.name), prefix + f.name
        inner, arrow = _dataclass_in(hint), _arrow_type(hint)
        if inner is Legs:
            for side in SIDES:
                out += columns_of(LegTremor, prefix=f"{prefix}{side}_", get=_attr(at, side))
        elif inner is not None:
            out += columns_of(inner, prefix=f"{name}_", get=at)
        elif arrow is not None:
            out.append(Column(name, arrow, at))
        elif name.endswith("_band_hz") and get_args(hint) == (float, float):
            base = name.removesuffix("_hz")
            out += [Column(f"{base}_{end}_hz", pa.float64(), _nth(at, i)) for i, end in _ENDS]
        elif get_origin(hint) is tuple:
            out.append(Column(name, pa.string(), _json(at)))
        else:
            raise TypeError(f"{cls.__name__}.{f.name}: no column for {hint!r}")
    return out


_ENDS = ((0, "low"), (1, "high"))


def _key() -> Column:
    return Column(KEY, pa.string(), lambda row: row[0])


@cache
def set_columns() -> tuple[Column, ...]:
    """Columns of the sets table (but ``path``), each read from ``(content_hash, findings)``:
    the source, the set's metrics, the rest of ``Findings`` (mode, bands, form...) and the
    quality entries as JSON."""
    findings: Getter = itemgetter(1)
    cols = [
        _key(),
        *columns_of(
            SourceSummary, prefix="source_", get=_attr(findings, "source"), skip=("paths",)
        ),
        *columns_of(SetMetrics, get=_attr(findings, "set")),
        *columns_of(Findings, get=findings, skip=("source", "set", "reps", "quality", "traces")),
        Column("quality", pa.string(), _json(_attr(findings, "quality"))),
        *ASSESSMENT_COLUMNS,
    ]
    return _unique(cols)


ASSESSMENT_COLUMNS = (
    Column("verdict", pa.string(), _attr(itemgetter(2), "verdict")),
    Column("causes", pa.string(), _json(_attr(itemgetter(2), "causes"))),
    Column("warning_signs", pa.string(), _json(_attr(itemgetter(2), "warning_signs"))),
)
"""What the pipeline made of the set without answers: the verdict, the causes' ids (most
likely first) and the warning signs' ids, as JSON arrays."""


@cache
def rep_columns() -> tuple[Column, ...]:
    """Columns of the reps table (but ``path``), each read from ``(content_hash, rep)``."""
    return _unique([_key(), *columns_of(RepMetrics, get=itemgetter(1))])


def _unique(cols: list[Column]) -> tuple[Column, ...]:
    names = [c.name for c in cols]
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:
        raise TypeError(f"two fields map to the same column: {', '.join(twice)}")
    return tuple(cols)


def set_schema() -> pa.Schema:
    """Columns of the sets table without ``path``."""
    return pa.schema([pa.field(c.name, c.type) for c in set_columns()])


def rep_schema() -> pa.Schema:
    """Columns of the reps table without ``path``."""
    return pa.schema([pa.field(c.name, c.type) for c in rep_columns()])


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


def set_row(
    content_hash: str, findings: Findings, /, outcome: FileOutcome | None = None
) -> dict[str, Any]:
    """The sets-table row of one file's findings (and its outcome's assessment columns)."""
    item = (content_hash, findings, outcome)
    return {c.name: c.get(item) for c in set_columns()}


def rep_rows(content_hash: str, findings: Findings, /) -> list[dict[str, Any]]:
    """The reps-table rows of one file's findings."""
    cols = rep_columns()
    return [{c.name: c.get((content_hash, rep)) for c in cols} for rep in findings.reps]


def results_from(outcomes: Sequence[FileOutcome], /) -> Results:
    """Tables of the given outcomes, keyed by content hash."""
    sets, reps, errors = [], [], []
    for o in outcomes:
        if o.findings is not None:
            sets.append(set_row(o.content_hash, o.findings, o))
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
