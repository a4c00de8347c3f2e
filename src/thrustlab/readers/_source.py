"""Where a reader's bytes come from: one file, a folder, or a zip read in memory.

A zip is never extracted to disk. Its central directory is checked before any member is
read: member names that climb out of the archive are refused, and so are archives that
declare more than ``MAX_UNZIPPED_BYTES`` in total or large members compressed more than
``MAX_RATIO`` times (zip bombs). A member is never read past its declared size.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from thrustlab.errors import ReadError
from thrustlab.records import record

if TYPE_CHECKING:
    import zipfile

MAX_FILE_BYTES = 2 * 1024**3
"""Largest plain file read (a 1-hour 400 Hz CSV is about 150 MB)."""
MAX_UNZIPPED_BYTES = 1024**3
"""Largest total a zip may declare uncompressed."""
MAX_RATIO = 100
"""Largest compression ratio allowed on members over ``RATIO_MIN_BYTES``."""
RATIO_MIN_BYTES = 1024**2
MAX_MEMBERS = 10_000
HEAD_BYTES = 64 * 1024
"""How much of a file is looked at to sniff its format, and the longest header line."""
START_BYTES = 8 * 1024**2
"""A plain file up to this size (10 minutes of a phone's accelerometer and gyroscope at
100 Hz are 4 MB) is read whole when it is parsed, into pyarrow's memory, checked and parsed
there (``_csv.parse_csv``); a larger one is streamed. When it is opened, only its first
``HEAD_BYTES + 1`` bytes are read, for sniffing and its header: read whole into a Python
``bytes`` then, a 1-minute file cost fresh pages from the system at every read (up to 165
page faults), pyarrow's memory pool keeps its pages."""

ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")


def _zip_errors() -> tuple[type[Exception], ...]:
    """What a damaged zip raises. The zip modules load for a zip only: a CSV does not need
    them."""
    import lzma
    import zipfile
    import zlib

    return (
        zipfile.BadZipFile,
        zlib.error,
        lzma.LZMAError,
        EOFError,
        OSError,
        NotImplementedError,  # an unsupported compression method
        RuntimeError,  # an encrypted member
        ValueError,
    )


def one_line(exc: BaseException) -> str:
    """An exception's message squeezed onto one short line."""
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text if len(text) <= 160 else text[:157] + "..."


def unsafe_member_name(name: str) -> bool:
    """True when a zip member's name is absolute or climbs out of the archive."""
    norm = name.replace("\\", "/")
    return (
        "\x00" in norm
        or norm.startswith("/")
        or (len(norm) > 1 and norm[1] == ":")
        or ".." in norm.split("/")
    )


@record
class Source:
    """Named byte blobs under one path: a file (one member), a folder or a zip.

    Sizes are checked before anything large is read whole: of a plain file only the start
    is read when it is opened, ``head`` reads only the start, ``read`` refuses a
    member over its limit from its size on disk (or declared in the zip), and ``file_path``
    lets a parser stream a plain file instead of holding it in memory.
    """

    path: str
    kind: str  # "file" | "dir" | "zip"
    names: tuple[str, ...]
    _zip: zipfile.ZipFile | None = None
    _file_start: bytes = b""
    """A plain file's first ``HEAD_BYTES + 1`` bytes (all of a smaller one), read when it was
    opened: sniffing and the reader's header use them without opening the file again."""
    _file_whole: bool = False
    """True when ``_file_start`` is the whole file."""

    @property
    def csv_names(self) -> tuple[str, ...]:
        """The members named ``*.csv``; a file given alone, whatever its name ends with."""
        if self.kind == "file":
            return self.names
        return tuple(n for n in self.names if n.lower().endswith(".csv"))

    def label(self, name: str) -> str:
        """How a member is named in messages: the path, plus the member inside it."""
        return self.path if self.kind == "file" else f"{self.path} [{name}]"

    def file_path(self, name: str, /) -> str | None:
        """The member's path on disk, None inside a zip."""
        if self._zip is not None:
            return None
        return self.path if self.kind == "file" else str(Path(self.path, name))

    def size(self, name: str, /) -> int:
        """Bytes on disk, or declared uncompressed in the zip (checked when read)."""
        if self._file_whole:
            return len(self._file_start)
        if self._zip is not None:
            try:
                return int(self._zip.getinfo(name).file_size)
            except KeyError as exc:
                raise ReadError(self.label(name), "is not in the zip") from exc
        try:
            return Path(self.file_path(name) or self.path).stat().st_size
        except OSError as exc:
            raise ReadError(self.label(name), f"cannot be read ({one_line(exc)})") from exc

    def check_size(self, name: str, /, limit: int = MAX_FILE_BYTES) -> int:
        """The member's size; ReadError, before any reading, when it is over ``limit``."""
        size = self.size(name)
        if size > limit:
            raise ReadError(
                self.label(name),
                f"is {size / 1024**3:.1f} GiB, over the {limit / 1024**3:g} GiB a recording "
                "may be; split the recording",
            )
        return size

    def head(self, name: str, /, n_bytes: int = HEAD_BYTES) -> bytes:
        if n_bytes <= len(self._file_start) or self._file_whole:
            return self._file_start[:n_bytes]
        return self._read(name, limit=n_bytes)

    def read(self, name: str, /, *, limit: int = MAX_FILE_BYTES) -> bytes:
        """The whole member, after its size was checked against ``limit``."""
        self.check_size(name, limit)
        return self._read(name, limit=None)

    def _read(self, name: str, *, limit: int | None) -> bytes:
        if limit is None and self._file_whole:
            return self._file_start
        if self._zip is not None:
            return _read_member(self._zip, name, path=self.path, limit=limit)
        file = Path(self.file_path(name) or self.path)
        try:
            with file.open("rb") as fh:
                data = _read_up_to(fh, MAX_FILE_BYTES + 1 if limit is None else limit)
        except OSError as exc:
            raise ReadError(self.label(name), f"cannot be read ({one_line(exc)})") from exc
        if len(data) > MAX_FILE_BYTES:  # it grew after its size was checked
            raise ReadError(self.label(name), "is larger than 2 GiB; split the recording")
        return data


@contextmanager
def open_source(path: str, /) -> Iterator[Source]:
    """Open ``path`` as a Source; a zip stays open (in memory terms: only its index) inside."""
    p = Path(path)
    try:
        is_dir, is_file = p.is_dir(), p.is_file()
    except OSError as exc:
        raise ReadError(path, f"cannot be opened ({one_line(exc)})") from exc
    if is_dir:
        yield Source(path, "dir", _folder_names(p, path))
        return
    if not is_file:
        raise ReadError(path, "does not exist (or is not a file or folder); check the path")
    start, whole = _read_start(path)
    if not start:
        raise ReadError(path, "is empty; export the recording again")
    if start[:4] not in ZIP_MAGIC:
        yield Source(path, "file", (p.name,), _file_start=start, _file_whole=whole)
        return
    import zipfile

    try:
        archive = zipfile.ZipFile(p)
    except _zip_errors() as exc:
        raise ReadError(path, f"is a damaged zip ({one_line(exc)}); export it again") from exc
    with archive:
        yield Source(path, "zip", _checked_members(archive, path), archive)


def _read_start(path: str, /) -> tuple[bytes, bool]:
    """A plain file's first ``HEAD_BYTES + 1`` bytes, and True when they are the whole
    file."""
    try:
        with open(path, "rb") as fh:
            start = _read_up_to(fh, HEAD_BYTES + 1)
    except OSError as exc:
        raise ReadError(path, f"cannot be read ({one_line(exc)})") from exc
    return start, len(start) <= HEAD_BYTES


def _read_up_to(fh: BinaryIO, limit: int) -> bytes:
    """At most ``limit`` bytes of an open file, read into a buffer sized to the file:
    ``read(n)`` allocates n bytes first, and fresh memory costs a page fault per 4 KiB
    touched (``read(2 GiB)`` of a 1-minute CSV took 0.2 ms, ``read(1 MiB)`` 0.3 ms more
    than the read sized to it). A file that grew since its size was taken is read on."""
    size = os.fstat(fh.fileno()).st_size
    data = fh.read(min(size + 1, limit))
    if size < len(data) < limit:
        data += fh.read(limit - len(data))
    return data


def _folder_names(folder: Path, path: str) -> tuple[str, ...]:
    """Files in the folder and in its direct subfolders (e.g. phyphox ``meta/``)."""
    names: list[str] = []
    try:
        for child in sorted(folder.iterdir()):
            if child.is_file():
                names.append(child.name)
            elif child.is_dir():
                names.extend(
                    f"{child.name}/{g.name}" for g in sorted(child.iterdir()) if g.is_file()
                )
            if len(names) > MAX_MEMBERS:
                raise ReadError(path, f"holds more than {MAX_MEMBERS} files; point at one export")
    except OSError as exc:
        raise ReadError(path, f"cannot be listed ({one_line(exc)})") from exc
    return tuple(names)


def _checked_members(archive: zipfile.ZipFile, path: str) -> tuple[str, ...]:
    infos = archive.infolist()
    if len(infos) > MAX_MEMBERS:
        raise ReadError(path, f"holds more than {MAX_MEMBERS} members; not a sensor export")
    total = 0
    names: list[str] = []
    for info in infos:
        if unsafe_member_name(info.filename):
            raise ReadError(
                path,
                f"zip member {info.filename!r} points outside the archive; refusing an unsafe zip",
            )
        total += info.file_size
        big = info.file_size > RATIO_MIN_BYTES
        if big and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise ReadError(
                path,
                f"zip member {info.filename!r} is compressed more than {MAX_RATIO}:1; "
                "refusing a possible zip bomb",
            )
        if info.is_dir() or _is_junk(info.filename):
            continue
        names.append(info.filename)
    if total > MAX_UNZIPPED_BYTES:
        raise ReadError(
            path, f"zip declares {total} bytes uncompressed (limit 1 GiB); refusing to read it"
        )
    return tuple(names)


def _is_junk(name: str) -> bool:
    base = name.rsplit("/", 1)[-1]
    return name.startswith("__MACOSX/") or base.startswith("._") or base == ".DS_Store"


def _read_member(archive: zipfile.ZipFile, name: str, *, path: str, limit: int | None) -> bytes:
    label = f"{path} [{name}]"
    try:
        info = archive.getinfo(name)
        with archive.open(info) as fh:
            data = fh.read(info.file_size + 1 if limit is None else limit)
    except KeyError as exc:
        raise ReadError(label, "is not in the zip") from exc
    except _zip_errors() as exc:
        raise ReadError(label, f"is damaged in the zip ({one_line(exc)}); export again") from exc
    if limit is None and len(data) > info.file_size:
        raise ReadError(label, "holds more data than the zip declares; refusing the zip")
    return data
