"""Which files a batch covers, and the content hash that keys each file's results."""

from __future__ import annotations

import glob
import os
import stat
from collections.abc import Iterable
from pathlib import Path

from blake3 import blake3

from thrustlab.errors import OptionError
from thrustlab.pipeline import RECORDING_SUFFIXES

_CHUNK_BYTES = 1 << 20
HASH_NAME = "BLAKE3"
"""The content hash: BLAKE3, 256 bits, on one thread. It hashes 7.6 GB/s here where SHA-256
does 2.0 (with the processor's SHA instructions): a batch hashes every input before any work
goes out, and on a machine whose cores all run workers that time is taken from them."""


def find_recordings(
    inputs: Iterable[str | os.PathLike[str]],
    /,
    *,
    exclude: Iterable[str | os.PathLike[str]] = (),
) -> tuple[str, ...]:
    """The recordings named by ``inputs``, in order, each once.

    Each input is a file; a folder, whose visible entries are taken one level deep (files
    ending in one of ``RECORDING_SUFFIXES``, and sub-folders as export folders); or a glob
    pattern (``**`` matches across folders), whose matches are taken as they are.
    ``exclude``: paths never taken (a batch's own outputs, when they sit among the inputs).
    """
    skip = {os.path.realpath(p) for p in exclude}
    found: dict[str, None] = {}
    for item in inputs:
        where = os.fspath(item)
        if os.path.isdir(where):
            entries = sorted(Path(where).iterdir())
            matches = [
                str(p)
                for p in entries
                if not p.name.startswith(".")
                and (p.is_dir() or p.suffix.lower() in RECORDING_SUFFIXES)
            ]
        elif os.path.exists(where):
            matches = [where]
        else:
            matches = sorted(glob.glob(where, recursive=True))
            if not matches:
                raise OptionError(f"{where}: no such file or folder, and no file matches it")
        found.update(dict.fromkeys(m for m in matches if os.path.realpath(m) not in skip))
    for path in found:
        _check_readable_kind(path)
    if not found:
        raise OptionError("no recordings found in the given inputs")
    return tuple(found)


def _check_readable_kind(path: str) -> None:
    """A recording is a regular file or a folder: reading a pipe, a device or a socket could
    wait for ever (a FIFO with no writer) or never end (``/dev/zero``)."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return  # a vanished or unreadable file becomes that file's error row
    if not (stat.S_ISREG(mode) or stat.S_ISDIR(mode)):
        raise OptionError(
            f"{path}: not a regular file (a pipe, device or socket); leave it out of the inputs"
        )


def content_hash(path: str | os.PathLike[str], /) -> str:
    """``HASH_NAME`` (hex) of a file's bytes; of a folder's file names, sizes and bytes."""
    digest = blake3(max_threads=1)
    root = Path(path)
    if root.is_dir():
        for file in sorted(p for p in root.rglob("*") if p.is_file()):
            name = file.relative_to(root).as_posix()
            digest.update(f"{name}\0{file.stat().st_size}\0".encode())
            _feed(digest, file)
    else:
        _feed(digest, root)
    return digest.hexdigest()


def _feed(digest: blake3, file: Path) -> None:
    with file.open("rb") as handle:
        while chunk := handle.read(_CHUNK_BYTES):
            digest.update(chunk)
