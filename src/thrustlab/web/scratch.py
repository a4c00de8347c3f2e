"""The server's scratch folder: where uploads are copied while they are checked and analysed.

Each server process keeps its temporary files in a folder of its own, ``<root>/<pid>-<random>``,
and removes it when it stops. A server killed with SIGKILL never gets to, so a server starting
removes the folders whose process is gone (a pid that is alive, or reused, keeps its folder
until a later start: nothing of a running server is ever removed).
"""

from __future__ import annotations

import os
import shutil
import stat
import tempfile
from pathlib import Path

ROOT_PREFIX = "thrustlab-web"


def default_root() -> Path:
    """``thrustlab-web-<uid>`` in the system's temporary folder (one per user)."""
    uid = os.getuid() if hasattr(os, "getuid") else 0
    return Path(tempfile.gettempdir()) / f"{ROOT_PREFIX}-{uid}"


def open_scratch(root: Path | None = None, /) -> Path:
    """A new scratch folder for this process under ``root``, after removing the folders of
    servers that died without cleaning up."""
    root = root or default_root()
    root.mkdir(mode=0o700, parents=True, exist_ok=True)
    _check_private(root)
    remove_orphans(root)
    return Path(tempfile.mkdtemp(prefix=f"{os.getpid()}-", dir=root))


def close_scratch(folder: Path, /) -> None:
    shutil.rmtree(folder, ignore_errors=True)


def remove_orphans(root: Path, /) -> list[str]:
    """Remove the folders under ``root`` whose server process is gone; their names."""
    removed = []
    for folder in root.iterdir():
        pid_text = folder.name.split("-", 1)[0]
        if folder.is_dir() and pid_text.isdigit() and not _alive(int(pid_text)):
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder.name)
    return removed


def _alive(pid: int, /) -> bool:
    if os.name != "posix":  # os.kill(pid, 0) would end the process on Windows
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process
        return True
    return True


def _check_private(root: Path, /) -> None:
    """Refuse a root that is a symlink or someone else's (a shared temporary folder)."""
    info = root.lstat()
    mine = not hasattr(os, "getuid") or info.st_uid == os.getuid()
    if stat.S_ISLNK(info.st_mode) or not stat.S_ISDIR(info.st_mode) or not mine:
        raise OSError(f"{root} is not a folder of this user; remove it or set scratch_dir")
