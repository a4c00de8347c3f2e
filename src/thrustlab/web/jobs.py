"""Analysis jobs: queued in the database, run by a pool of worker threads (or, with worker
processes, handed whole to one: read, analysed and stored there), stored in the log.

A job is claimed with one conditional UPDATE, so two workers (or two server processes)
never run the same job. The analysis and its log entry are written in the same transaction
that marks the job done: an accepted upload either ends as a stored analysis or as a
failed job with a message, never half of each. Jobs left ``running`` by a stopped server
are queued again when the next one starts. Worker processes end with the server, even
when it is killed (they watch their parent), so no analysis outlives it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import logging
import multiprocessing
import os
import signal
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Sequence
from concurrent.futures import Executor, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, select, update
from sqlalchemy.orm import Session

from thrustlab.errors import ThrustlabError, worded
from thrustlab.explanation.answers import Answers, answers_from_json, answers_to_json
from thrustlab.log import (
    AnalysisRecord,
    NewSet,
    RecordingRef,
    add_set,
    analysis_record,
    history_for,
    session_scope,
    write,
)
from thrustlab.log.models import utcnow
from thrustlab.log.recordings import log_answers
from thrustlab.records import record
from thrustlab.web.models import Job, User
from thrustlab.web.uploads import Upload

if TYPE_CHECKING:
    from thrustlab.pipeline import Progress

logger = logging.getLogger(__name__)
BACKGROUND_NICENESS = 10
POLL_S = 0.5
"""How often an idle worker looks for queued jobs it was not told about."""
PARENT_CHECK_S = 1.0
"""How often a worker process checks that the server that started it still runs."""
PR_SET_PDEATHSIG = 1
"""Linux's ``prctl`` option: a signal the kernel sends when the parent dies."""
PROGRESS_EVERY_S = 1.0
"""How often a running analysis writes its progress to its job row at most: the job page
polls once a second, and a write a second is nothing beside a video's analysis."""
WORKER_DIED = (
    "the analysis process ended before it finished (out of memory?); upload a shorter recording"
)


@record
class SetInfo:
    """What the form says about the set, beside the recording."""

    exercise: str = "barbell_hip_thrust"
    date: dt.date = dataclasses.field(default_factory=dt.date.today)
    answers: Answers = dataclasses.field(default_factory=Answers)
    notes: str = ""

    def as_json(self) -> dict[str, Any]:
        """What the queued job stores (the answers through ``answers_to_json``)."""
        answers = answers_to_json(self.answers)
        day = self.date.isoformat()
        return {"exercise": self.exercise, "date": day, "answers": answers, "notes": self.notes}


def new_job(engine: Engine, user: User, uploads: Sequence[Upload], info: SetInfo, /) -> str:
    """Queue the analysis of one set (one recording, or left and right); its id."""
    job_id = uuid.uuid4().hex
    with session_scope(engine) as session:
        session.add(
            Job(
                id=job_id,
                user_id=user.id,
                status="queued",
                error="",
                set_info=info.as_json(),
                file_names=[u.name for u in uploads],
                upload_left=uploads[0].data,
                upload_right=uploads[1].data if len(uploads) > 1 else None,
            )
        )
    return job_id


def requeue_interrupted(engine: Engine, /) -> int:
    """Queue again the jobs a stopped server left running; how many."""
    with session_scope(engine) as session:
        done = session.execute(
            update(Job).where(Job.status == "running").values(status="queued", updated_at=utcnow())
        )
        return int(getattr(done, "rowcount", 0) or 0)


def claim_next(engine: Engine, /) -> str | None:
    """Take the oldest queued job (``running`` from now on); ``None`` when there is none."""
    for _ in range(5):
        with session_scope(engine) as session:
            job_id = session.scalar(
                select(Job.id).where(Job.status == "queued").order_by(Job.created_at).limit(1)
            )
            if job_id is None:
                return None
            claimed = session.execute(
                update(Job)
                .where(Job.id == job_id, Job.status == "queued")
                .values(
                    status="running", progress_stage=None, progress_pct=None, updated_at=utcnow()
                )
            )
            if getattr(claimed, "rowcount", 0) == 1:
                return job_id
    return None


@dataclasses.dataclass
class JobProgress:
    """A pipeline ``Progress`` callback that writes the stage and its percent to the job's
    row, at most every ``PROGRESS_EVERY_S`` and when the percent changed, through the engine
    of the process running the job. A failed write is logged and the analysis goes on:
    progress is a courtesy, never a reason to fail a job."""

    engine: Engine
    job_id: str
    _written: tuple[str, int, float] = dataclasses.field(default=("", -1, 0.0), init=False)

    def __call__(self, stage: str, done: int, total: int | None) -> None:
        from thrustlab.pipeline import STAGES

        if not total:
            return
        pct = min(100, done * 100 // total)
        label = STAGES.get(stage, stage)
        last_label, last_pct, last_s = self._written
        now = time.monotonic()
        if (label, pct) == (last_label, last_pct) or (
            label == last_label and now - last_s < PROGRESS_EVERY_S and pct < 100
        ):
            return
        self._written = (label, pct, now)
        try:
            with session_scope(self.engine) as session:
                session.execute(
                    update(Job)
                    .where(Job.id == self.job_id, Job.status == "running")
                    .values(progress_stage=label, progress_pct=pct)
                )
        except Exception:
            logger.warning("cannot write the progress of job %s", self.job_id, exc_info=True)


def run_job(
    engine: Engine,
    job_id: str,
    /,
    *,
    executor: Executor | None = None,
    video_pose: bool = True,
    scratch: str | None = None,
) -> None:
    """Analyse a claimed job and store it in the log (or mark it failed with the reason).

    With an ``executor`` (a process pool) the whole job runs there, off the server's GIL:
    that process reads the upload, analyses it and stores the outcome with a connection of
    its own, so the server answering people hands it only the job's id."""
    if executor is None:
        _run(engine, job_id, video_pose=video_pose, scratch=scratch)
        return
    url = engine.url.render_as_string(hide_password=False)
    try:
        future = executor.submit(
            _run_in_process, url, job_id, video_pose=video_pose, scratch=scratch
        )
    except BrokenProcessPool:  # broken before this job (a process killed while idle)
        _set_status(engine, job_id, "queued")
        raise
    try:
        future.result()
    except BrokenProcessPool:  # the process running this job died (out of memory?)
        _fail(engine, job_id, WORKER_DIED)
        raise


_PROCESS_ENGINES: dict[str, Engine] = {}
"""In a worker process: its engine per database URL, made on its first job."""


def _run_in_process(url: str, job_id: str, /, *, video_pose: bool, scratch: str | None) -> None:
    from thrustlab.log import make_engine

    engine = _PROCESS_ENGINES.get(url)
    if engine is None:
        engine = _PROCESS_ENGINES[url] = make_engine(url)
    _run(engine, job_id, video_pose=video_pose, scratch=scratch)


def _run(engine: Engine, job_id: str, /, *, video_pose: bool, scratch: str | None) -> None:
    """``run_job``'s work, in whichever process runs it."""
    with session_scope(engine) as session:
        job = session.get(Job, job_id)
        assert job is not None
        user = session.get(User, job.user_id)
        assert user is not None
        lifter = user.lifter_name
        info = job.set_info
        files = [(job.file_names[0], job.upload_left or b"")]
        if job.upload_right is not None:
            files.append((job.file_names[1], job.upload_right))
        day = dt.date.fromisoformat(info["date"])
        answers = answers_from_json(info["answers"])
        history = history_for(session, lifter, before=day)
    progress = JobProgress(engine, job_id)
    try:
        outcome = analysis_outcome(
            files, answers, history, day, video_pose=video_pose, scratch=scratch, progress=progress
        )
    except Exception as error:  # a bug must not kill the worker; the job says what happened
        logger.exception("analysis job %s failed", job_id)
        _fail(engine, job_id, f"the analysis failed unexpectedly ({type(error).__name__})")
        return
    if isinstance(outcome, str):
        _fail(engine, job_id, outcome)
        return
    analysis, report_html = outcome
    _store(
        engine,
        job_id,
        lifter=lifter,
        info=info,
        day=day,
        answers=answers,
        files=files,
        analysis=analysis,
        report_html=report_html,
    )


def _store(
    engine: Engine,
    job_id: str,
    /,
    *,
    lifter: str,
    info: dict[str, Any],
    day: dt.date,
    answers: Answers,
    files: list[tuple[str, bytes]],
    analysis: AnalysisRecord,
    report_html: str,
) -> None:
    """The set ``info`` describes (its ``day`` and ``answers`` as ``_run`` read them), with
    its analysis and recordings, in the log, and the job done."""
    new = NewSet(
        exercise=info["exercise"],
        date=day,
        load_kg=answers.load_kg,
        reps=answers.reps,
        rpe=answers.rpe,
        rir=answers.rir,
        notes=str(info.get("notes") or ""),
        answers=log_answers(answers),
        uid=job_id,
    )
    refs = [
        RecordingRef(
            path=f"upload:{name}",
            sha256=hashlib.sha256(data).hexdigest(),
            size_bytes=len(data),
            blob=data,
        )
        for name, data in files
    ]

    def store(session: Session) -> None:
        row = add_set(session, new, lifter=lifter, analysis=analysis, recordings=refs)
        session.execute(
            update(Job)
            .where(Job.id == job_id)
            .values(
                status="done",
                set_id=row.id,
                verdict=analysis.verdict,
                report_html=report_html,
                upload_left=None,
                upload_right=None,
                updated_at=utcnow(),
            )
        )

    write(engine, store)  # a position taken by another writer meanwhile is tried again


def _set_status(engine: Engine, job_id: str, status: str, /) -> None:
    with session_scope(engine) as session:
        session.execute(
            update(Job).where(Job.id == job_id).values(status=status, updated_at=utcnow())
        )


def _fail(engine: Engine, job_id: str, message: str) -> None:
    with session_scope(engine) as session:
        session.execute(
            update(Job)
            .where(Job.id == job_id)
            .values(
                status="failed",
                error=message,
                upload_left=None,
                upload_right=None,
                updated_at=utcnow(),
            )
        )


def analysis_outcome(
    files: Sequence[tuple[str, bytes]],
    answers: Answers,
    history: Any,
    day: dt.date,
    /,
    *,
    video_pose: bool = True,
    scratch: str | None = None,
    progress: JobProgress | None = None,
) -> tuple[AnalysisRecord, str] | str:
    """``analyse_files``, with thrustlab's own errors as their one-line message."""
    try:
        return analyse_files(
            files, answers, history, day, video_pose=video_pose, scratch=scratch, progress=progress
        )
    except ThrustlabError as error:
        return worded(error, "web")


def analyse_files(
    files: Sequence[tuple[str, bytes]],
    answers: Answers,
    history: Any,
    day: dt.date,
    /,
    *,
    video_pose: bool = True,
    scratch: str | None = None,
    progress: Progress | None = None,
) -> tuple[AnalysisRecord, str]:
    """One set through the pipeline (one recording, a video, or the left and right thigh's):
    its record for the log (the JSON document and its key figures) and its HTML report. The
    files are copied into a folder under ``scratch`` (the server's scratch folder; ``None``:
    the system's temporary folder)."""
    from thrustlab.pipeline import VideoOptions, process
    from thrustlab.report.html import render_report

    with tempfile.TemporaryDirectory(prefix="analysis-", dir=scratch) as folder:
        paths = []
        for index, (name, data) in enumerate(files):
            path = Path(folder) / f"{index}-{name}"
            path.write_bytes(data)
            paths.append(path)
        analysis = process(
            paths,
            answers=answers,
            history=history,
            today=day,
            video=VideoOptions(view="side", pose=video_pose),
            progress=progress,
        )
    report = render_report(analysis, history=history, weight_unit=answers.weight_unit)
    return analysis_record(analysis), report


def _start_worker_process(server_pid: int, /) -> None:
    """In each worker process: yield the CPU to the server answering people, and end when
    the server ends, however it ends (a killed server runs no clean-up of its own)."""
    if hasattr(os, "nice"):
        os.nice(BACKGROUND_NICENESS)
    if sys.platform == "linux":  # the kernel ends us the moment the server dies
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    # Everywhere (and for a server that died before prctl above): watch the parent.
    threading.Thread(
        target=_exit_without_parent, args=(server_pid,), name="parent-watch", daemon=True
    ).start()


def _exit_without_parent(server_pid: int, /) -> None:
    while os.getppid() == server_pid:
        time.sleep(PARENT_CHECK_S)
    os._exit(1)


class WorkerPool:
    """``size`` threads that run queued jobs until ``stop()``; ``wake()`` after queueing one.
    With ``processes`` each thread hands the analysis to a pool of ``size`` processes."""

    def __init__(
        self,
        engine: Engine,
        /,
        *,
        size: int,
        processes: bool = False,
        video_pose: bool = True,
        scratch: Path | None = None,
    ) -> None:
        self._engine = engine
        self._video_pose = video_pose
        self._scratch = None if scratch is None else str(scratch)
        self._size = size
        self._processes = processes
        self._executor: ProcessPoolExecutor | None = None
        self._executor_lock = threading.Lock()
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._threads: list[threading.Thread] = []

    def start(self) -> None:
        requeue_interrupted(self._engine)
        if self._processes:
            self._executor = self._new_executor()
        for index in range(self._size):
            thread = threading.Thread(
                target=self._loop, name=f"thrustlab-worker-{index}", daemon=True
            )
            thread.start()
            self._threads.append(thread)

    def _new_executor(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(
            max_workers=self._size,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_start_worker_process,
            initargs=(os.getpid(),),
        )

    def _renew(self, broken: Executor | None, /) -> None:
        """A killed worker process breaks its pool for good: start a new one (once, however
        many threads saw it break)."""
        with self._executor_lock:
            current = self._executor
            if current is None or current is not broken or self._stop.is_set():
                return
            logger.warning("an analysis process died; starting new ones")
            current.shutdown(wait=False, cancel_futures=True)
            self._executor = self._new_executor()

    def wake(self) -> None:
        self._wake.set()

    def stop(self, *, timeout_s: float = 30.0) -> None:
        self._stop.set()
        self._wake.set()
        for thread in self._threads:
            thread.join(timeout_s)
        self._threads.clear()
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)
            self._executor = None

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                job_id = claim_next(self._engine)
            except Exception:  # the database may be briefly away; try again shortly
                logger.exception("cannot claim a job")
                job_id = None
            if job_id is None:
                self._wake.wait(POLL_S)
                self._wake.clear()
                continue
            executor = self._executor
            try:
                run_job(
                    self._engine,
                    job_id,
                    executor=executor,
                    video_pose=self._video_pose,
                    scratch=self._scratch,
                )
            except BrokenProcessPool:
                self._renew(executor)
            except Exception:  # storing failed: leave it for the next start to retry
                logger.exception("cannot store job %s", job_id)
