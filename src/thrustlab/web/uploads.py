"""Checking uploads before anything is stored: type, size, empty files and zip bombs."""

from __future__ import annotations

import io
import zipfile
from pathlib import PurePath

from thrustlab.records import record
from thrustlab.web.errors import UploadError
from thrustlab.web.settings import WebSettings

RATIO_MIN_BYTES = 1024 * 1024
"""Members smaller than this may compress as well as they like (tiny CSVs compress well)."""


@record
class Upload:
    """An accepted file: its name (no folders) and its bytes."""

    name: str
    data: bytes

    @property
    def is_video(self) -> bool:
        return is_video_name(self.name)


def is_video_name(name: str, /) -> bool:
    from thrustlab.pipeline import is_video_file  # when asked: the pipeline loads numpy

    return is_video_file(name)


def accept_list(*, videos: bool) -> str:
    """A file input's ``accept`` list: the sensor exports, and the videos where ``videos``."""
    from thrustlab.pipeline import RECORDING_SUFFIXES, VIDEO_SUFFIXES  # loads numpy: when asked

    return ",".join(RECORDING_SUFFIXES + (VIDEO_SUFFIXES if videos else ()))


def safe_name(name: str | None, /) -> str:
    """The last part of a client's file name, without anything that could climb folders."""
    base = PurePath((name or "").replace("\\", "/")).name.strip()
    cleaned = "".join(c for c in base if c.isalnum() or c in "._- ")[:100].strip(" .")
    return cleaned or "recording"


def check_upload(name: str | None, data: bytes, /, *, settings: WebSettings) -> Upload:
    """The upload, if it can be a sensor export; else an ``UploadError`` saying why."""
    from thrustlab.pipeline import (
        RECORDING_SUFFIXES,
        SPREADSHEET,
        SPREADSHEET_SUFFIXES,
        SQLITE_START,
    )

    clean = safe_name(name)
    suffix = PurePath(clean).suffix.lower()
    video = is_video_name(clean)
    if suffix not in RECORDING_SUFFIXES and not video:
        if suffix in SPREADSHEET_SUFFIXES:
            raise UploadError(f"{clean}: {SPREADSHEET}", status_code=415)
        raise UploadError(
            f"{clean}: not a sensor export or a video ({suffix or 'no extension'}); upload a "
            "Sensor Logger or phyphox export (.zip), a .csv, .json or .sqlite file, or an "
            ".mp4/.mov video",
            status_code=415,
        )
    if not data:
        raise UploadError(f"{clean}: the file is empty (0 bytes); export the recording again")
    limit = max_bytes(clean, settings)
    if len(data) > limit:
        raise UploadError(
            f"{clean}: the file is larger than the {limit // 1024**2} MB "
            "limit; trim the recording to the set",
            status_code=413,
        )
    if video:
        return Upload(clean, data)
    if suffix == ".zip" or data[:4] == b"PK\x03\x04":
        _check_zip(clean, data, settings=settings)
    elif b"\x00" in data[:4096] and not data.startswith(SQLITE_START):
        raise UploadError(
            f"{clean}: a binary file, not a text export; upload the CSV or the export's zip",
            status_code=415,
        )
    return Upload(clean, data)


def max_bytes(name: str, settings: WebSettings, /) -> int:
    """The size limit for a file of this name (videos are larger)."""
    return settings.max_video_bytes if is_video_name(name) else settings.max_upload_bytes


def _check_zip(name: str, data: bytes, /, *, settings: WebSettings) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise UploadError(f"{name}: a damaged zip; export the recording again") from None
    declared = sum(info.file_size for info in infos)
    if declared > settings.max_unzipped_bytes:
        raise UploadError(
            f"{name}: the zip unpacks to more than {settings.max_unzipped_bytes // 1024**2} MB "
            "(a zip bomb?); upload the export of one set",
            status_code=413,
        )
    for info in infos:
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > RATIO_MIN_BYTES and ratio > settings.max_zip_ratio:
            raise UploadError(
                f"{name}: {info.filename!r} is compressed {ratio:.0f} times (a zip bomb?); "
                "upload the export as the app wrote it",
                status_code=413,
            )
