"""Delimited text to numpy columns, parsed by pyarrow.csv (imported only when parsing)."""

from __future__ import annotations

import csv
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from thrustlab.errors import FormatError, ReadError
from thrustlab.readers._source import HEAD_BYTES, one_line

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

NUMBER_RE = r"^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$|^[+-]?(?:inf|infinity|nan)$"
_NUMBER = re.compile(NUMBER_RE, re.IGNORECASE)
_INTEGER_RE = r"^[+-]?\d{1,19}$"
_BOM = b"\xef\xbb\xbf"
_DELIMITERS = (",", ";", "\t")


@dataclass(frozen=True, slots=True)
class TextLayout:
    """What the first line of a delimited text says: delimiter, fields, header or data."""

    delimiter: str
    fields: tuple[str, ...]
    has_header: bool
    decimal_comma: bool


def is_number(text: str) -> bool:
    return bool(_NUMBER.match(text.strip()))


def first_line(data: bytes, /, *, label: str) -> str:
    """The first line as text; ReadError for empty, binary or endless-line content."""
    body = data[3:] if data.startswith(_BOM) else data
    head = body[:HEAD_BYTES]
    if not head.strip():
        raise ReadError(label, "is empty; export the recording again")
    if b"\x00" in head:
        raise FormatError(label, "holds binary data, not text; give the exported CSV file")
    ends = [i for i in (head.find(b"\n"), head.find(b"\r")) if i >= 0]  # \r: old Mac lines
    end = min(ends, default=-1)
    if end < 0:
        if len(body) > HEAD_BYTES:
            raise FormatError(
                label, f"has a first line longer than {HEAD_BYTES // 1024} KiB; not a sensor CSV"
            )
        end = len(head)
    try:
        return head[:end].decode("utf-8")
    except UnicodeDecodeError as exc:
        raise FormatError(label, "starts with bytes that are not UTF-8 text; not a CSV") from exc


def text_layout(data: bytes, /, *, label: str) -> TextLayout:
    """Sniff the delimiter and header of delimited text from its first line."""
    line = first_line(data, label=label)
    counts = {d: line.count(d) for d in _DELIMITERS}
    delimiter = max(_DELIMITERS, key=lambda d: counts[d])
    if counts[delimiter] == 0:
        delimiter = ","
    try:
        fields = tuple(f.strip() for f in next(csv.reader([line], delimiter=delimiter), []))
    except csv.Error as exc:
        raise FormatError(label, f"has a first line that is not delimited text ({exc})") from exc
    numeric = sum(is_number(f) for f in fields)
    has_header = numeric * 2 < len(fields)
    decimal_comma = False
    if delimiter == ";":
        sample = data[len(line) : len(line) + HEAD_BYTES]
        decimal_comma = b"," in sample and b"." not in sample
    return TextLayout(delimiter, fields, has_header, decimal_comma)


@dataclass(frozen=True, slots=True)
class Parsed:
    """The kept columns of a parsed CSV (by original column index) and what was skipped."""

    table: Any  # pyarrow.Table with columns named c<index>
    unparsed_rows: int

    @property
    def n_rows(self) -> int:
        return int(self.table.num_rows)

    def floats(self, index: int, /) -> FloatArray:
        return float_column(self.table.column(f"c{index}"))

    def times(self, index: int, /) -> tuple[FloatArray | IntArray, BoolArray]:
        return time_column(self.table.column(f"c{index}"))


def parse_csv(
    data: bytes, layout: TextLayout, /, *, label: str, n_fields: int, keep: Sequence[int]
) -> Parsed:
    """Parse ``data`` with pyarrow, keeping the columns at ``keep``.

    Rows with the wrong number of fields are skipped and counted. If a column turns out not
    to be numeric past the rows pyarrow looked at, the file is read again as text and the
    cells that are not numbers become NaN (so the rows holding them are dropped later).
    """
    import pyarrow as pa

    if layout.decimal_comma:
        data = data.replace(b",", b".")
    if data.startswith(_BOM):
        data = data[3:]
    if not data.isascii():
        try:
            data.decode("utf-8")  # pyarrow hands bad rows over as str: they must decode
        except UnicodeDecodeError:
            data = data.decode("utf-8", errors="replace").encode("utf-8")
    try:
        return _parse(data, layout, n_fields=n_fields, keep=keep, as_text=False)
    except pa.ArrowException:
        pass
    try:
        return _parse(data, layout, n_fields=n_fields, keep=keep, as_text=True)
    except pa.ArrowException as exc:
        raise ReadError(label, f"cannot be parsed as CSV ({one_line(exc)})") from exc


def _parse(
    data: bytes, layout: TextLayout, *, n_fields: int, keep: Sequence[int], as_text: bool
) -> Parsed:
    import pyarrow as pa
    import pyarrow.csv as pcsv

    names = [f"c{i}" for i in range(n_fields)]
    kept = [names[i] for i in keep]
    unparsed = 0

    def skip_row(_row: object) -> str:
        nonlocal unparsed
        unparsed += 1
        return "skip"

    table = pcsv.read_csv(
        pa.py_buffer(data),
        read_options=pcsv.ReadOptions(column_names=names, skip_rows=int(layout.has_header)),
        parse_options=pcsv.ParseOptions(delimiter=layout.delimiter, invalid_row_handler=skip_row),
        convert_options=pcsv.ConvertOptions(
            include_columns=kept,
            column_types={n: pa.string() for n in kept} if as_text else None,
            strings_can_be_null=True,
            quoted_strings_can_be_null=True,
        ),
    )
    return Parsed(table, unparsed)


def float_column(col: Any, /) -> FloatArray:
    """A pyarrow column as float64; nulls and cells that are not numbers become NaN."""
    import pyarrow as pa

    kind = col.type
    if kind == pa.float64():  # as is: a cast, even to itself, imports pyarrow.compute
        return _numbers(col, np.float64)
    if pa.types.is_floating(kind) or pa.types.is_integer(kind):
        return _numbers(col.cast(pa.float64(), safe=False), np.float64)
    if pa.types.is_string(kind) or pa.types.is_large_string(kind):
        import pyarrow.compute as pc  # only for text cells: importing it takes 0.05 s

        text = pc.utf8_trim_whitespace(col)
        ok = pc.match_substring_regex(text, NUMBER_RE, ignore_case=True)
        numbers = pc.if_else(ok, text, pa.scalar(None, pa.string()))
        try:
            return _numbers(numbers.cast(pa.float64()), np.float64)
        except pa.ArrowInvalid:  # e.g. an exponent out of range: convert cell by cell
            return np.array([_cell(v) for v in numbers.to_pylist()], dtype=np.float64)
    return np.full(len(col), np.nan)


def _numbers(col: Any, dtype: Any, fill: float = float("nan")) -> FloatArray:
    """A numeric pyarrow column as a numpy array, nulls as ``fill``. The chunks' buffers are
    read directly: pyarrow's own ``to_numpy`` imports pandas when it is installed, which
    alone costs a third of a second."""
    import pyarrow as pa

    chunks = (
        [chunk.fill_null(pa.scalar(fill, chunk.type)) for chunk in col.chunks]
        if col.null_count
        else col.chunks
    )
    parts = [
        np.frombuffer(
            chunk.buffers()[1],
            dtype=dtype,
            count=len(chunk),
            offset=chunk.offset * np.dtype(dtype).itemsize,
        )
        for chunk in chunks
    ]
    return np.concatenate(parts) if parts else np.empty(0, dtype=dtype)


def _cell(text: str | None) -> float:
    try:
        return float(text) if text is not None else float("nan")
    except (ValueError, OverflowError):
        return float("nan")


def time_column(col: Any, /) -> tuple[FloatArray | IntArray, BoolArray]:
    """A time column as int64 when it holds integers (ns epochs need all 64 bits), else float64.

    Returns the values and a mask of the usable ones.
    """
    import pyarrow as pa

    kind = col.type
    if pa.types.is_string(kind) or pa.types.is_large_string(kind):
        import pyarrow.compute as pc  # only for text cells: importing it takes 0.05 s

        text = pc.utf8_trim_whitespace(col)
        is_int = pc.match_substring_regex(text, _INTEGER_RE)
        if pc.sum(is_int).as_py() * 2 > len(col):  # mostly integers: the others are bad cells
            try:
                col = pc.if_else(is_int, text, pa.scalar(None, pa.string())).cast(pa.int64())
                kind = col.type
            except pa.ArrowInvalid:  # beyond int64: keep it as floats
                pass
    if pa.types.is_integer(kind) and not pa.types.is_uint64(kind):
        valid = _numbers(col.is_valid().cast(pa.uint8()), np.uint8).astype(np.bool_)
        ints = _numbers(col.cast(pa.int64()), np.int64, fill=0)
        return ints, valid
    floats = float_column(col)
    return floats, np.isfinite(floats)
