"""Which files a batch covers, and the content hash that keys each file's results."""

from __future__ import annotations

import glob
import hashlib
import os
from collections.abc import Iterable
from pathlib import Path

from thrustlab.errors import OptionError

RECORDING_SUFFIXES = (".csv", ".json", ".zip", ".txt")
"""Files taken from a folder: the formats ``thrustlab.read`` knows (sniffed by content)."""

_CHUNK_BYTES = 1 << 20


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
    if not found:
        raise OptionError("no recordings found in the given inputs")
    return tuple(found)


def content_hash(path: str | os.PathLike[str], /) -> str:
    """SHA-256 (hex) of a file's bytes; of a folder's file names, sizes and bytes."""
    digest = hashlib.sha256()
    root = Path(path)
    if root.is_dir():
        for file in sorted(p for p in root.rglob("*") if p.is_file()):
            name = file.relative_to(root).as_posix()
            digest.update(f"{name}\0{file.stat().st_size}\0".encode())
            _feed(digest, file)
    else:
        _feed(digest, root)
    return digest.hexdigest()


def _feed(digest: hashlib._Hash, file: Path) -> None:
    with file.open("rb") as handle:
        while chunk := handle.read(_CHUNK_BYTES):
            digest.update(chunk)
