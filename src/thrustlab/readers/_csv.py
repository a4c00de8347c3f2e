"""Delimited text to numpy columns, parsed by pyarrow.csv (imported only when parsing)."""

from __future__ import annotations

import atexit
import codecs
import csv
import re
import time
import weakref
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any, TypeVar

import numpy as np
import numpy.typing as npt

from thrustlab.errors import FormatError, ReadError
from thrustlab.readers._source import HEAD_BYTES, START_BYTES, Source, one_line
from thrustlab.records import record

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]
_T = TypeVar("_T")

NUMBER_RE = r"^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$|^[+-]?(?:inf|infinity|nan)$"
_NUMBER = re.compile(NUMBER_RE, re.IGNORECASE)
_INTEGER_RE = r"^[+-]?\d{1,19}$"
_POINT_DECIMAL = re.compile(rb"[+-]?(?:\d+\.\d*|\.\d+)(?:[eE][+-]?\d+)?")
_QUOTED_COMMA_DECIMAL = re.compile(rb'"([+-]?\d*),(\d+(?:[eE][+-]?\d+)?)"')
"""A number with a decimal comma in quotes, as a spreadsheet set to a decimal-comma
language may write it into a comma-separated file (``"0,125","9,81"``)."""
_BOM = b"\xef\xbb\xbf"
_COMMENTS = (b"#", b"//")
"""What comment lines before a header start with (research loggers write ``// Sample rate``)."""
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
_DELIMITERS = (",", ";", "\t")
TYPED_BLOCK_BYTES = 256 * 1024
"""pyarrow's block size when every kept column's type is given: a 1-minute file (0.4 MB)
is parsed as two blocks, one per core, instead of one (4-12% of its parse). When a type
is guessed, pyarrow's own 1 MiB: a guess made on smaller blocks could come out otherwise."""
GUESSED_BLOCK_BYTES = 1024**2
RELEASE_MIN_BYTES = 16 * 1024**2
"""Tables larger than this (about 300,000 rows of 7 columns) give their parse memory back
once the columns are copied out (``Parsed.release``). Not before the copies as well: those
then took fresh pages where the parse's freed ones were at hand, and a 100-minute file read
in 1.29-1.34x its parse rather than 1.20-1.27x (three interleaved runs of 15 repeats,
session 26), for a peak of 199 bytes a row instead of 173 (the parse alone: 213)."""


@record
class TextLayout:
    """What the start of a delimited text says: delimiter, fields, header or data.

    ``fields`` are those of the first line that is neither blank nor a comment (``#``, ``//``);
    ``data_offset`` is where the data rows start (after a BOM, comments and the header);
    ``decimal_comma``: the numbers are written with decimal commas (beside ";" or tabs, or
    quoted in a comma-separated file)."""

    delimiter: str
    fields: tuple[str, ...]
    has_header: bool
    decimal_comma: bool
    data_offset: int = 0
    comment_lines: int = 0


def is_number(text: str) -> bool:
    return bool(_NUMBER.match(text.strip()))


def _next_line(head: bytes, start: int) -> tuple[int, int] | None:
    """End of the line starting at ``start`` and the start of the next; None if it does not
    end inside ``head``. ``\r\n``, ``\n`` and a lone ``\r`` (old Mac files) end a line.
    A ``\r`` is looked for only before the first ``\n`` (not through all of ``head``)."""
    newline = head.find(b"\n", start)
    end = head.find(b"\r", start, newline if newline >= 0 else len(head))
    if end < 0:
        end = newline
    if end < 0:
        return None
    after = end + 2 if head[end : end + 2] == b"\r\n" else end + 1
    return end, after


def header_line(data: bytes, /, *, label: str) -> tuple[str, int, int, int]:
    """The first line that is not blank, a comment (``_COMMENTS``) or a preamble line
    (``_is_preamble``) followed by a line of three fields or more: its text (UTF-8, else
    Windows text), where it starts, where the next line starts and how many lines were
    skipped before it; ReadError for empty, binary, UTF-16, endless-line or undecodable
    starts."""
    start = 3 if data.startswith(_BOM) else 0
    head = data[: start + HEAD_BYTES]
    text = head[start:]
    if not text or text.isspace():  # as ``not text.strip()``, without copying it
        raise ReadError(label, "is empty; export the recording again")
    if data.startswith(_UTF16_BOMS):
        raise FormatError(label, "is UTF-16 text; save it as a CSV in UTF-8 (Excel: CSV UTF-8)")
    if b"\x00" in head:
        raise FormatError(label, "holds binary data, not text; give the exported CSV file")
    start, end, after, comments = _header_place(data, head, start, label=label)
    decoded = _as_text(head[start:end])
    if decoded is None:
        raise FormatError(label, "starts with bytes that are not text; not a CSV")
    return decoded, start, after, comments


def _as_text(line: bytes, /) -> str | None:
    """``line`` decoded as UTF-8, else as Windows text (as spreadsheets save it: "m/s²" is
    one byte, not UTF-8's two) if printable; None for bytes that are not text."""
    try:
        return line.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        decoded = line.decode("cp1252")
    except UnicodeDecodeError:
        return None
    return decoded if decoded and all(c.isprintable() or c == "\t" for c in decoded) else None


def _header_place(
    data: bytes, head: bytes, start: int, /, *, label: str
) -> tuple[int, int, int, int]:
    """Where ``header_line``'s line starts and ends in ``head`` (the start of ``data``),
    where the next line starts, and how many lines that are not blank come before it."""
    comments = 0
    preamble: tuple[int, int, int, int] | None = None  # the first preamble line's place
    while True:
        bounds = _next_line(head, start)
        if bounds is None:
            if len(data) > len(head):
                if preamble is not None:  # an endless line after a preamble
                    return preamble
                raise FormatError(
                    label,
                    f"has no header line in its first {HEAD_BYTES // 1024} KiB "
                    "(a line too long, or only comments); not a sensor CSV",
                )
            bounds = (len(head), len(head))
        end, after = bounds
        stripped = head[start:end].strip()
        if stripped and not stripped.startswith(_COMMENTS):
            if not _is_preamble(stripped):
                return start, end, after, comments
            preamble = preamble or (start, end, after, comments)
        if after >= len(head):
            if preamble is None:
                raise ReadError(label, "holds only comments or blank lines, no data")
            return preamble  # no line of three fields or more: the first line it is
        comments += int(bool(stripped))
        start = after


def _is_preamble(line: bytes, /) -> bool:
    """A line a logger writes above its header: Excel's ``sep=,``, or a line of one or two
    fields (``DeviceTag:,thigh``, ``StartTime: ,2021-08-30_17:05:05_000``, a title), where a
    sensor's header and rows have three fields or more (Xsens DOT exports open with ten)."""
    if line.lower().lstrip(b'"').startswith(b"sep="):
        return True
    if max(line.count(d.encode()) for d in _DELIMITERS) >= 2:
        return False
    return _as_text(line) is not None  # bytes that are no text are said to be so, not skipped


def first_line(data: bytes, /, *, label: str) -> str:
    """The first line that is not blank or a comment, as text (see ``header_line``)."""
    return header_line(data, label=label)[0]


def text_layout(data: bytes, /, *, label: str) -> TextLayout:
    """Sniff the delimiter and header of delimited text from its first line (after comments)."""
    line, start, after, comments = header_line(data, label=label)
    counts = {d: line.count(d) for d in _DELIMITERS}
    delimiter = max(_DELIMITERS, key=lambda d: counts[d])
    if counts[delimiter] == 0:
        delimiter = ","
    other = max(("\t", ";"), key=lambda d: counts[d])
    if delimiter == "," and counts[other] and _comma_decimals(line, other):
        delimiter = other  # a row of numbers with decimal commas, parted by ";" or tabs
    try:
        fields = tuple(f.strip() for f in next(csv.reader([line], delimiter=delimiter), []))
    except csv.Error as exc:
        raise FormatError(label, f"has a first line that is not delimited text ({exc})") from exc
    # beside ";" or a tab, a comma can only be a decimal comma (phyphox's "decimal comma")
    comma_decimals = delimiter != ","
    numeric = sum(is_number(f.replace(",", ".") if comma_decimals else f) for f in fields if f)
    has_header = numeric * 2 < len([f for f in fields if f])
    offset = after if has_header else start
    decimal_comma = False
    if comma_decimals:
        sample = data[offset : offset + HEAD_BYTES]
        decimal_comma = b"," in sample and b"." not in sample
    elif has_header:
        decimal_comma = _quoted_comma_decimals(data, offset)
    return TextLayout(delimiter, fields, has_header, decimal_comma, offset, comments)


def _quoted_comma_decimals(data: bytes, offset: int, /) -> bool:
    """True when the first data row (from ``offset``) is numbers, some quoted with a decimal
    comma (``"0,01","9,81"``)."""
    bounds = _next_line(data, offset)
    line = data[offset : len(data) if bounds is None else bounds[0]]
    if not _QUOTED_COMMA_DECIMAL.search(line):
        return False
    text = _as_text(line)
    fields = next(csv.reader([text]), []) if text is not None else []
    return bool(fields) and all(is_number(f.replace(",", ".")) for f in fields if f.strip())


def _comma_decimals(line: str, delimiter: str, /) -> bool:
    """True when ``line`` parted by ``delimiter`` is numbers, some written with a decimal
    comma (``0,01;9,81``): its commas outnumber the delimiters, yet part no field."""
    fields = [f.strip() for f in line.split(delimiter) if f.strip()]
    return bool(fields) and all(is_number(f.replace(",", ".")) for f in fields)


def with_units_row(
    data: bytes, layout: TextLayout, /, *, is_unit: Callable[[str], bool]
) -> TextLayout:
    """``layout`` with its first data line taken as the header's units when it is one (each
    field blank, a unit, ``[s]``, ``m/s^2``, or other words, no number, at least one a unit,
    as some loggers write under their header: Shimmer's ``ms;m/(s^2);...;local_flux*``): the
    fields become ``"name (unit)"`` and the data start below it."""
    bounds = _next_line(data, layout.data_offset) if layout.has_header else None
    if bounds is None:
        return layout
    try:
        line = data[layout.data_offset : bounds[0]].decode("utf-8")
        units = [
            u.strip().strip("[]()") for u in next(csv.reader([line], delimiter=layout.delimiter))
        ]
    except (UnicodeDecodeError, csv.Error, StopIteration):
        return layout
    stated = [u for u in units if u and u != "-"]
    words = all(is_unit(u) or not is_number(u) for u in stated)
    if len(units) != len(layout.fields) or not words or not any(map(is_unit, stated)):
        return layout
    named = zip(layout.fields, units, strict=True)
    fields = tuple(f"{f} ({u})" if u and u != "-" else f for f, u in named)
    return replace(layout, fields=fields, data_offset=bounds[1])


def point_decimal_fields(data: bytes, layout: TextLayout, /) -> set[int]:
    """The fields of the first data row written as decimals with a point (``-0.125``).

    pyarrow may be told that such a column is float64 instead of guessing its type, and
    the values come out the same: no guess but float64 fits a column with a decimal point
    in it. (Told float64, a column of integers would differ: guessed, it is int64, and
    ``-0`` in it becomes 0, not -0.0.) Empty unless that row is plain: the header's number
    of fields, no quotes."""
    bounds = _next_line(data, layout.data_offset)
    if bounds is None:
        return set()
    line = data[layout.data_offset : bounds[0]]
    cells = line.split(layout.delimiter.encode())
    if b'"' in line or len(cells) != len(layout.fields):
        return set()
    return {i for i, cell in enumerate(cells) if _POINT_DECIMAL.fullmatch(cell)}


@dataclass(slots=True)
class Parsed:
    """The kept columns of a parsed CSV (by original column index) and what was skipped."""

    table: Any  # pyarrow.Table with columns named c<index>
    unparsed_rows: int

    @property
    def n_rows(self) -> int:
        return int(self.table.num_rows)

    def floats(self, index: int, /) -> FloatArray:
        return float_column(self.table.column(f"c{index}"))

    def times(self, index: int, /) -> tuple[FloatArray | IntArray, BoolArray, str | None]:
        return time_column(self.table.column(f"c{index}"))

    def first_text(self, index: int, /) -> str | None:
        """The first cell of a column of text that is not blank, looked for among its first
        64 cells that hold something (None: numbers, or none)."""
        import pyarrow as pa

        col = self.table.column(f"c{index}")
        if not (pa.types.is_string(col.type) or pa.types.is_large_string(col.type)):
            return None
        cells = col.drop_null().slice(0, 64).to_pylist()
        return next((c.strip() for c in cells if c.strip()), None)

    def stacked(self, indices: Sequence[int], /) -> FloatArray:
        """Columns side by side as one (N, k) float64 array: each chunk pyarrow parsed is
        written straight into place (one copy; nulls and cells that are not numbers: NaN).
        Columns that are all float64 (the usual file) are written by pyarrow in one call."""
        import pyarrow as pa

        columns = self.table.select([f"c{index}" for index in indices])
        if all(kind == pa.float64() for kind in columns.schema.types):
            stacked: FloatArray = np.asarray(columns.to_tensor(null_to_nan=True))
            return stacked
        out = np.empty((self.n_rows, len(indices)), dtype=np.float64)
        for k, index in enumerate(indices):
            col = self.table.column(f"c{index}")
            if not (pa.types.is_floating(col.type) or pa.types.is_integer(col.type)):
                out[:, k] = float_column(col)
                continue
            start = 0
            for chunk in col.chunks:
                # as is when float64: a cast, even to itself, imports pyarrow.compute
                as_float = chunk
                if chunk.type != pa.float64():
                    as_float = chunk.cast(pa.float64(), safe=False)
                out[start : start + len(chunk), k] = _chunk_numbers(as_float, np.float64)
                start += len(chunk)
        return out

    def release(self) -> None:
        """Drop the table; after a large parse, hand its memory back to the system (a small
        one keeps it: the next parse reuses it instead of faulting in fresh pages)."""
        import pyarrow as pa

        large = self.table is not None and _table_bytes(self.table) > RELEASE_MIN_BYTES
        self.table = None
        if large:
            pa.default_memory_pool().release_unused()


def parse_csv(
    src: Source,
    name: str,
    layout: TextLayout,
    /,
    *,
    n_fields: int,
    keep: Sequence[int],
    floats: Sequence[int] = (),
) -> Parsed:
    """Parse member ``name`` of ``src`` with pyarrow, keeping the columns at ``keep``.

    A plain file is first parsed as it is, pyarrow reading it (``_parse_as_is``): in the
    usual file every row has its fields and every cell kept is a number or UTF-8 text, and
    that is all. Otherwise, and for a zip member, see ``_parse_repairing``. The columns at
    ``floats`` (see ``point_decimal_fields``) are first parsed as float64: pyarrow then skips
    guessing their type, a fixed cost of 7% of the parse of a 1-minute file."""
    import pyarrow as pa

    label = src.label(name)
    size = src.check_size(name)
    path = src.file_path(name)
    if path is not None and not layout.decimal_comma:
        as_floats = {f"c{i}": pa.float64() for i in floats} or None
        try:
            return _parse_as_is(path, layout, n_fields=n_fields, keep=keep, types=as_floats)
        except pa.ArrowException:
            pass  # a row to skip, a cell that is not a number or not UTF-8: as below
        except OSError as exc:
            raise ReadError(label, f"cannot be read ({one_line(exc)})") from exc
    return _parse_repairing(
        src,
        name,
        layout,
        label=label,
        path=path,
        size=size,
        n_fields=n_fields,
        keep=keep,
        floats=floats,
    )


def _parse_repairing(
    src: Source,
    name: str,
    layout: TextLayout,
    /,
    *,
    label: str,
    path: str | None,
    size: int,
    n_fields: int,
    keep: Sequence[int],
    floats: Sequence[int],
) -> Parsed:
    """``parse_csv`` of a file that needs more than a parse as it is (or a zip member):
    ``label``, ``path`` and ``size`` as ``parse_csv`` found them.

    A plain file over ``START_BYTES`` is streamed from disk (never held whole in memory); a
    smaller one is read whole into pyarrow's memory (``_read_whole``), and a zip member is
    parsed from its bytes. Rows with the wrong number of fields are skipped and counted.
    If a cell in ``floats`` is not a number, the file is parsed again with every type
    guessed. If a column turns out not to be numeric past the rows pyarrow looked at, the
    file is read again as text and the cells that are not numbers become NaN (so their rows
    are dropped later). Decimal commas and bytes that are not UTF-8 are repaired on a copy
    in memory: a streamed file is checked block by block as pyarrow reads it
    (``_Utf8Blocks``), and parsed again from memory when a block is not UTF-8.
    """
    import pyarrow as pa

    rows: Any = None  # a small plain file's rows, read whole, when they need no repair
    data = b""
    if path is not None and size <= START_BYTES:
        whole = _read_whole(path, label=label)
        if not layout.decimal_comma and _is_ascii(whole):  # as ``_repaired``'s first case
            rows = whole.slice(layout.data_offset)
        else:
            data = whole.to_pybytes()  # repaired on a copy
        path = None
    elif path is None or layout.decimal_comma:
        path, data = None, src.read(name)  # a zip member, or repaired on a copy
    as_floats = {f"c{i}": pa.float64() for i in floats}
    as_text = {f"c{i}": pa.string() for i in keep}
    attempts = [as_floats, None, as_text] if floats else [None, as_text]  # None: guessed
    for types in attempts:
        try:
            if path is not None:
                try:
                    return _parse_file(path, layout, n_fields=n_fields, keep=keep, types=types)
                except _NotUtf8:
                    path, data = None, src.read(name)  # repaired on a copy, this attempt again
            body = rows if rows is not None else pa.py_buffer(_repaired(data, layout))
            return _parse(body, layout, n_fields=n_fields, keep=keep, types=types)
        except pa.ArrowException as exc:
            if types is as_text and "straddl" in str(exc):  # a row longer than a block
                raise ReadError(
                    label,
                    f"has a line over {TYPED_BLOCK_BYTES // 1024} KiB long, which no sensor "
                    "export writes: check that it is the recording's CSV",
                ) from exc
            if types is as_text:
                raise ReadError(label, f"cannot be parsed as CSV ({one_line(exc)})") from exc
        except OSError as exc:
            raise ReadError(label, f"cannot be read ({one_line(exc)})") from exc
    raise ReadError(label, "cannot be parsed as CSV")  # pragma: no cover - loop returns


def _parse_as_is(
    path: str,
    layout: TextLayout,
    *,
    n_fields: int,
    keep: Sequence[int],
    types: dict[str, Any] | None,
) -> Parsed:
    """Parse a plain file's rows as pyarrow reads them, with no row to skip: an error
    (``pa.ArrowInvalid``) at a row of the wrong number of fields, or a kept cell that is not
    UTF-8 or not of its type. Nothing is done before: reading the file whole and checking
    that it is UTF-8 (which only a row handed over to be skipped needs, see ``_Utf8Blocks``)
    made a read 3-5 % slower at 1, 10 and 100 minutes, and an hour at 400 Hz (182 MB)
    peaks at the same 540 MB either way. A file that fails here is parsed
    again from the first attempt of ``_parse_repairing``: twice the parse for a file cut off
    in its last row, as a crashed recording is."""
    import pyarrow as pa

    with pa.OSFile(path) as file:
        file.seek(layout.data_offset)
        return _parse(file, layout, n_fields=n_fields, keep=keep, types=types, skip_rows=False)


def _read_whole(path: str, /, *, label: str) -> Any:
    """A small plain file, read whole into pyarrow's memory: its pool keeps its pages from
    file to file, where a Python ``bytes`` of the file took fresh ones (a page fault per
    4 KiB, up to 165 a 1-minute file)."""
    import pyarrow as pa

    try:
        with pa.OSFile(path) as file:
            return file.read_buffer()
    except OSError as exc:
        raise ReadError(label, f"cannot be read ({one_line(exc)})") from exc


class _NotUtf8(Exception):
    """A block of a streamed file is not UTF-8 text (see ``_Utf8Blocks``)."""


class _Utf8Blocks:
    """A plain file as pyarrow reads it (``read_buffer(n)``), each block checked to be UTF-8
    text before pyarrow gets it: pyarrow hands a bad row to the skip handler as text, and
    bytes that do not decode there are an error it cannot pass on. An ASCII block (the usual
    case) is passed by its highest byte alone, others go through an incremental decoder; the
    end of the file is checked before pyarrow is told of it. The check runs as pyarrow reads
    ahead of its parse, and the file is read once (checked beforehand, it was read twice: 4%
    of the parse of a 100-minute file). The blocks are read into pyarrow's memory, whose
    pool keeps its pages (as Python ``bytes``, a 100-minute file cost 3,700 more page faults).
    ``failed`` says a block was not UTF-8: the parse then stops, having seen none of it."""

    closed = False  # what pyarrow asks of a Python file before reading it

    def __init__(self, file: Any, /) -> None:
        self._file = file  # a pyarrow NativeFile
        self._decoder = codecs.getincrementaldecoder("utf-8")()
        self.failed = False

    def read_buffer(self, n_bytes: int, /) -> Any:
        """The next block, a pyarrow Buffer (pyarrow takes it without a copy)."""
        block = self._file.read_buffer(n_bytes)
        try:
            if not block.size:
                self._decoder.decode(b"", final=True)
            elif not _is_ascii(block) or self._decoder.getstate()[0]:
                self._decoder.decode(memoryview(block))
        except UnicodeDecodeError as exc:
            self.failed = True
            raise _NotUtf8 from exc
        return block

    def read(self, n_bytes: int, /) -> bytes:
        return bytes(self.read_buffer(n_bytes))

    def close(self) -> None:
        """The file is closed by whoever opened it."""


def _is_ascii(data: Any, /) -> bool:
    """True when no byte of ``data`` (any buffer) is over 0x7F: numpy's highest byte, 4x
    faster than ``bytes.isascii`` and with no copy."""
    return len(memoryview(data)) == 0 or int(np.frombuffer(data, dtype=np.uint8).max()) < 0x80


def _parse_file(
    path: str,
    layout: TextLayout,
    *,
    n_fields: int,
    keep: Sequence[int],
    types: dict[str, Any] | None,
) -> Parsed:
    """Parse a plain file's rows, streamed from disk; ``_NotUtf8`` when they are not UTF-8."""
    import pyarrow as pa

    with pa.OSFile(path) as file:
        file.seek(layout.data_offset)
        blocks = _Utf8Blocks(file)
        _handed_over(blocks)
        try:
            return _parse(
                pa.PythonFile(blocks, mode="r"), layout, n_fields=n_fields, keep=keep, types=types
            )
        except Exception:
            if blocks.failed:  # however pyarrow passed the error on
                raise _NotUtf8 from None
            raise


def _repaired(data: bytes, layout: TextLayout) -> bytes | memoryview:
    """The rows (``data`` past its header) as pyarrow may parse them: as they are, without a
    copy, when they are ASCII with decimal points; else a copy with the commas made points and
    the bytes that are not UTF-8 replaced."""
    if not layout.decimal_comma and data.isascii():
        return memoryview(data)[layout.data_offset :]
    body = data[layout.data_offset :]
    if layout.decimal_comma and layout.delimiter == ",":  # quoted: "0,125" -> 0.125
        body = _QUOTED_COMMA_DECIMAL.sub(rb"\1.\2", body)
    elif layout.decimal_comma:
        body = body.replace(b",", b".")
    if not body.isascii():
        try:
            body.decode("utf-8")  # pyarrow hands bad rows over as str: they must decode
        except UnicodeDecodeError:
            body = body.decode("utf-8", errors="replace").encode("utf-8")
    return body


def _parse(
    source: Any,
    layout: TextLayout,
    *,
    n_fields: int,
    keep: Sequence[int],
    types: dict[str, Any] | None,
    skip_rows: bool = True,
) -> Parsed:
    """``source``'s rows parsed; those with the wrong number of fields skipped and counted
    (``skip_rows``), else an error."""
    import pyarrow as pa
    import pyarrow.csv as pcsv

    names = [f"c{i}" for i in range(n_fields)]
    kept = [names[i] for i in keep]
    typed = types is not None and all(n in types for n in kept)
    block_bytes = TYPED_BLOCK_BYTES if typed else GUESSED_BLOCK_BYTES
    unparsed = [0]  # the rows skipped; the handler holds it, not the other way round
    skip_row = _handed_over(_SkipRow(unparsed)) if skip_rows else None
    parse_options = pcsv.ParseOptions(delimiter=layout.delimiter, invalid_row_handler=skip_row)
    del skip_row  # held by the options and pyarrow alone from here (``_handed_over``)
    try:
        table = pcsv.read_csv(
            source,
            read_options=pcsv.ReadOptions(column_names=names, block_size=block_bytes),
            parse_options=parse_options,
            convert_options=pcsv.ConvertOptions(
                include_columns=kept,
                column_types=types,
                strings_can_be_null=True,
                quoted_strings_can_be_null=True,
            ),
        )
    except pa.ArrowInvalid as exc:
        if "Empty CSV" not in str(exc):
            raise
        table = pa.table({n: pa.array([], type=pa.float64()) for n in kept})  # a header only
    finally:
        del parse_options
    return Parsed(table, unparsed[0])


class _SkipRow:
    """pyarrow's handler of rows with the wrong number of fields: skips them, and counts
    them in ``skipped[0]``."""

    def __init__(self, skipped: list[int], /) -> None:
        self._skipped = skipped

    def __call__(self, _row: object) -> str:
        self._skipped[0] += 1
        return "skip"


_HANDED = weakref.WeakSet[object]()
"""Python objects given to pyarrow's parse (the row handler, a streamed file's reader) that
its threads may still hold. A threaded parse lets go of them on a worker thread shortly
after ``read_csv`` returns (in 313 of 2,000 parses of a 1-minute file, within 0.6 ms), and
takes the GIL to do so: at the interpreter's shutdown that ends the thread inside C++ and
aborts the process ('terminate called without an active exception'; 3 of 180 quick runs
under load, a Sensor Logger file read in no time). So before shutting down the process
waits, at most ``LET_GO_S``, for pyarrow to let go of them (``_wait_for_pyarrow``)."""
LET_GO_S = 1.0


def _handed_over(thing: _T, /) -> _T:
    """``thing``, to be given to pyarrow: the process will not shut down while it holds it."""
    _HANDED.add(thing)
    return thing


@atexit.register
def _wait_for_pyarrow() -> None:
    deadline = time.monotonic() + LET_GO_S
    while _HANDED and time.monotonic() < deadline:
        time.sleep(0.0001)  # with the GIL released: pyarrow's thread takes it to let go


def _table_bytes(table: Any) -> int:
    """The bytes of a table's buffers. ``Table.nbytes`` gives the same for a parsed table
    (no buffer is shared) but takes 46 us on a 1-minute file, searching for shared ones."""
    return int(table.get_total_buffer_size())


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
    alone costs a third of a second. One chunk (a file under pyarrow's 1 MiB block) comes
    back as a read-only view of its buffer, not a copy."""

    parts = [_chunk_numbers(chunk, dtype, fill) for chunk in col.chunks]
    if len(parts) == 1:
        only: FloatArray = parts[0]
        return only
    return np.concatenate(parts) if parts else np.empty(0, dtype=dtype)


def _chunk_numbers(chunk: Any, dtype: Any, fill: float = float("nan")) -> Any:
    """One numeric chunk as a numpy view of its buffer (a copy only when it holds nulls)."""
    import pyarrow as pa

    if chunk.null_count:
        chunk = chunk.fill_null(pa.scalar(fill, chunk.type))
    return np.frombuffer(
        chunk.buffers()[1],
        dtype=dtype,
        count=len(chunk),
        offset=chunk.offset * np.dtype(dtype).itemsize,
    )


def _cell(text: str | None) -> float:
    try:
        return float(text) if text is not None else float("nan")
    except (ValueError, OverflowError):
        return float("nan")


def time_column(col: Any, /) -> tuple[FloatArray | IntArray, BoolArray, str | None]:
    """A time column as int64 when it holds integers (ns epochs need all 64 bits), else float64.

    Returns the values, a mask of the usable ones and the unit the cells state: dates and
    clock times (``2026-11-30T08:00:00.125``, with or without a zone; ``08:00:00.125``)
    become nanoseconds ("ns"); numbers state none (None).
    """
    import pyarrow as pa

    kind = col.type
    if pa.types.is_timestamp(kind):  # pyarrow found dates itself
        return (*_integers(col.cast(pa.timestamp("ns", kind.tz))), "ns")
    if pa.types.is_time(kind):  # or clock times (of whole seconds)
        return (*_clock_times(col.cast(pa.time64("ns"))), "ns")
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
        else:
            dates = _dates(text)
            if dates is not None:
                cells, clock = dates
                return (*(_clock_times(cells) if clock else _integers(cells)), "ns")
    if pa.types.is_integer(kind) and not pa.types.is_uint64(kind):
        return (*_integers(col), None)
    floats = float_column(col)
    return floats, np.abs(floats) <= MAX_TIME, None  # NaN and infinities fail it too


MAX_TIME = 1e19
"""A time cell beyond this is no clock's (nanoseconds since 1970 reach 9.2e18 in 2262): its
row is dropped, as one with no time; left in, -1e308 overflowed the sums over the steps."""


_DAY = r"\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])"
_HOUR_MINUTE = r"(?:[01]\d|2[0-3]):[0-5]\d"  # that exist: 25:61 is no time
_SECONDS = r"(?::[0-5]\d(?:\.\d+)?)?"
_DATE = rf"^{_DAY}[T ]{_HOUR_MINUTE}{_SECONDS}"
_CLOCK = rf"^{_HOUR_MINUTE}:[0-5]\d"
_DIGITS_DAY = r"^(\d{2})[./](\d{2})[./](\d{4})[ T]"
_TWO_DIGITS = ((r"^(\d)([./])", r"0\1\2"), (r"^(\d\d[./])(\d)([./])", r"\10\2\3"))
"""The day's first two numbers given two digits: 1/5/2026 as 01/05/2026."""
_ON_DAY_ONE = ("^", "1970-01-01T")


@record
class DateForm:
    """Cells matching ``pattern`` are read as ISO 8601 once rewritten (``readings``: each a
    list of regex replacements; the first that gives dates wins); ``zone``: they state one;
    ``clock``: times of a day, not dates."""

    pattern: str
    readings: tuple[tuple[tuple[str, str], ...], ...] = ((),)
    zone: str | None = None
    clock: bool = False


_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_MONTH_NUMBERS = tuple((f"-{m}-", f"-{i:02d}-") for i, m in enumerate(_MONTHS, start=1))

DATE_FORMS = (
    DateForm(_DATE + "$"),
    DateForm(_DATE + r"(?:Z|[+-]\d{2}(?::?\d{2})?)$", zone="UTC"),
    DateForm(_CLOCK + r"(?:\.\d+)?$", ((_ON_DAY_ONE,),), clock=True),
    DateForm(  # 13:05:10:125 (Physics Toolbox)
        _CLOCK + r":\d{3}$", (((r":(\d{3})$", r".\1"), _ON_DAY_ONE),), clock=True
    ),
    DateForm(  # 30/11/2026 08:00:00.125, 30.11.2026: day first, else month first (05/11:
        # either reading gives the same times within a day, which is all a set needs);
        # 11/30/2026 and 1.12.2026, as spreadsheets write them, with one digit
        rf"^\d{{1,2}}[./]\d{{1,2}}[./]\d{{4}}[ T]{_HOUR_MINUTE}{_SECONDS}$",
        (
            (*_TWO_DIGITS, (_DIGITS_DAY, r"\3-\2-\1T")),
            (*_TWO_DIGITS, (_DIGITS_DAY, r"\3-\1-\2T")),
        ),
    ),
    DateForm(  # 30-Nov-2026 08:00:00.125, as MATLAB writes its datetimes
        rf"^\d{{2}}-(?:{'|'.join(_MONTHS)})-\d{{4}} {_HOUR_MINUTE}{_SECONDS}$",
        ((*_MONTH_NUMBERS, (r"^(\d{2})-(\d{2})-(\d{4}) ", r"\3-\2-\1T")),),
    ),
)
"""Dates and times as loggers and spreadsheets write them in a time column."""


def _dates(text: Any, /) -> tuple[Any, bool] | None:
    """The cells of ``text`` as timestamps (ns) when most are in one of ``DATE_FORMS``
    (others null), and whether they are clock times; else None. Hours of one digit
    (``8:00:00``) and of a 12-hour clock (``8:00:00.125 PM``) are read too."""
    import pyarrow as pa
    import pyarrow.compute as pc

    head = [cell.strip() for cell in text.slice(0, 64).to_pylist() if cell]
    if not any(":" in cell for cell in head):
        return None  # every form holds a time: numbers written as text need no regex passes
    text, shift = _on_24_hour_clock(text, head)
    for form in DATE_FORMS:
        matches = pc.match_substring_regex(text, form.pattern)
        if pc.sum(matches).as_py() * 2 <= len(text):
            continue
        matched = pc.if_else(matches, text, pa.scalar(None, pa.string()))
        for reading in form.readings:
            cells = matched
            for pattern, replacement in reading:
                cells = pc.replace_substring_regex(cells, pattern, replacement)
            try:
                stamps = cells.cast(pa.timestamp("ns", form.zone))
            except pa.ArrowInvalid:  # a 13th month, a 30th of February: not in this reading
                continue
            return (stamps if shift is None else pc.add(stamps, shift)), form.clock
        return None
    return None


_ONE_DIGIT_HOUR = (r"(^|[ T])(\d):", r"\10\2:")
"""``8:00:00`` as ``08:00:00`` (a spreadsheet's ``h:mm:ss``), at the start or after the day."""
_AM_PM = r"\d ?([AaPp])\.? ?[Mm]\.?$"
"""A 12-hour clock's mark after the time: ``AM``, ``pm``, ``p.m.``."""
_HOUR_TWELVE = r"(?:^|[ T])12:"
HOUR_NS = 3_600 * 10**9


def _on_24_hour_clock(text: Any, head: list[str], /) -> tuple[Any, Any]:
    """``text`` (its first cells ``head``) with hours of one digit given two, and, when
    they end in AM or PM, without the mark, beside the shift (a pyarrow duration per cell)
    that takes the times read to a 24-hour clock: 12 hours on after noon but for 12 PM, back
    for 12 AM (None: no mark). Whole-column passes only where the first cells, or cells of
    unequal length (9:59 to 10:00, 23:59 to 0:00), call for them: ISO dates pay one pass."""
    import pyarrow as pa
    import pyarrow.compute as pc

    one_digit = any(re.search(_ONE_DIGIT_HOUR[0], cell) for cell in head)
    if one_digit or len(set(pc.min_max(pc.utf8_length(text)).values())) > 1:
        text = pc.replace_substring_regex(text, *_ONE_DIGIT_HOUR)
    if not any(re.search(_AM_PM, cell) for cell in head):
        return text, None
    marked = pc.match_substring_regex(text, _AM_PM)
    afternoon = _mask(pc.match_substring_regex(text, r"[Pp]\.? ?[Mm]\.?$"))
    twelve = _mask(pc.match_substring_regex(text, _HOUR_TWELVE))
    hours = np.where(afternoon, np.where(twelve, 0, 12), np.where(twelve, -12, 0))
    shift = pa.array(hours.astype(np.int64) * HOUR_NS, type=pa.duration("ns"))
    bare = pc.replace_substring_regex(text, r" ?[AaPp]\.? ?[Mm]\.?$", "")
    return pc.if_else(marked, bare, pa.scalar(None, pa.string())), shift


def _mask(matches: Any, /) -> BoolArray:
    """A pyarrow boolean column as numpy (nulls False)."""
    import pyarrow as pa

    return _numbers(matches.fill_null(False).cast(pa.uint8()), np.uint8).astype(np.bool_)


DAY_NS = 86_400 * 10**9


def _clock_times(col: Any, /) -> tuple[FloatArray | IntArray, BoolArray]:
    """Clock times (ns since midnight) as ``_integers``, going on past midnight instead of
    back a day (``unwrapped``: a clock that starts again every day)."""
    ns, valid = _integers(col)
    return unwrapped(ns, valid, wraps_at=DAY_NS), valid


def unwrapped(
    times: IntArray | FloatArray, ok: BoolArray, /, *, wraps_at: int
) -> IntArray | FloatArray:
    """``times`` of a counter that starts again from 0 after ``wraps_at`` (a clock's day,
    Xsens' 32-bit microseconds), counted on: a step back of more than half the count
    between usable rows is a wrap. Rows in the order written (as such clocks write them)."""
    kept = times[ok]
    wraps = np.cumsum(np.diff(kept) < -(wraps_at // 2))
    if not wraps.size or not wraps[-1]:
        return times
    dtype = np.int64 if kept.dtype.kind in "iu" else np.float64
    out: Any = times.astype(dtype)
    out[ok] = kept + np.concatenate([[0], wraps]) * wraps_at
    return out  # type: ignore[no-any-return]


def _integers(col: Any, /) -> tuple[FloatArray | IntArray, BoolArray]:
    """An integer or timestamp column as int64 (nulls 0) and a mask of its valid cells."""
    import pyarrow as pa

    valid = _numbers(col.is_valid().cast(pa.uint8()), np.uint8).astype(np.bool_)
    ints = _numbers(col.cast(pa.int64()), np.int64, fill=0)
    return ints, valid
