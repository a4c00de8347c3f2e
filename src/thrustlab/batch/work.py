"""What a Dask worker does with its share of files: read, analyse, never raise.

Runs on the workers, so a cluster's workers need thrustlab installed and the files at the
same paths (a shared file system).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from thrustlab.config import AnalysisConfig
from thrustlab.errors import ReadError, ThrustlabError
from thrustlab.findings import Findings
from thrustlab.pipeline import measure


@dataclass(frozen=True, slots=True)
class FileOutcome:
    """One file's result: its findings, or why it failed.

    ``retry`` marks an unexpected failure (not a ``ThrustlabError``: a bug, a vanished file,
    a worker that died): it is not saved for resuming, so the next run tries the file again.
    """

    content_hash: str
    findings: Findings | None = None
    error: str | None = None
    message: str | None = None
    retry: bool = False


def analyse_files(
    jobs: Sequence[tuple[str, str]], /, *, config: AnalysisConfig
) -> list[FileOutcome]:
    """The pipeline's findings for each ``(path, content_hash)`` (no plot traces: the batch
    keeps the figures); failures become outcomes."""
    return [_analyse_file(path, content_hash, config=config) for path, content_hash in jobs]


def _analyse_file(path: str, content_hash: str, /, *, config: AnalysisConfig) -> FileOutcome:
    try:
        findings = measure([path], config=config, plots=False)
    except ReadError as error:
        return FileOutcome(content_hash, error=type(error).__name__, message=error.problem)
    except ThrustlabError as error:
        return FileOutcome(content_hash, error=type(error).__name__, message=str(error))
    except Exception as error:  # one bad file never stops the batch: it is reported
        return FileOutcome(
            content_hash, error=type(error).__name__, message=str(error) or repr(error), retry=True
        )
    return FileOutcome(content_hash, findings=findings)  # one path: never None
