"""What a Dask worker does with its share of files: read, analyse, never raise.

Runs on the workers, so a cluster's workers need thrustlab installed and the files at the
same paths (a shared file system).
"""

from __future__ import annotations

from collections.abc import Sequence

from thrustlab.config import AnalysisConfig
from thrustlab.errors import ReadError, ThrustlabError
from thrustlab.findings import Findings
from thrustlab.pipeline import process
from thrustlab.records import record


@record
class FileOutcome:
    """One file's result: its findings, or why it failed.

    ``retry`` marks an unexpected failure (not a ``ThrustlabError``: a bug, a vanished file,
    a worker that died): it is not saved for resuming, so the next run tries the file again.
    """

    content_hash: str
    findings: Findings | None = None
    verdict: str | None = None
    causes: tuple[str, ...] = ()
    warning_signs: tuple[str, ...] = ()
    error: str | None = None
    message: str | None = None
    retry: bool = False


def analyse_files(
    jobs: Sequence[tuple[str, str]], /, *, config: AnalysisConfig
) -> list[FileOutcome]:
    """Each ``(path, content_hash)`` through the pipeline (no plot traces: the batch keeps
    the figures, the verdict, the causes and the warning signs); failures become outcomes."""
    return [_analyse_file(path, content_hash, config=config) for path, content_hash in jobs]


def _analyse_file(path: str, content_hash: str, /, *, config: AnalysisConfig) -> FileOutcome:
    try:
        analysis = process([path], config=config, plots=False)
    except ReadError as error:
        return FileOutcome(content_hash, error=type(error).__name__, message=error.problem)
    except ThrustlabError as error:
        return FileOutcome(content_hash, error=type(error).__name__, message=str(error))
    except Exception as error:  # one bad file never stops the batch: it is reported
        return FileOutcome(
            content_hash, error=type(error).__name__, message=str(error) or repr(error), retry=True
        )
    assessment = analysis.assessment
    return FileOutcome(
        content_hash,
        findings=analysis.findings,
        verdict=assessment.verdict,
        causes=tuple(c.id for c in assessment.causes),
        warning_signs=tuple(f.id for f in assessment.red_flags),
    )
