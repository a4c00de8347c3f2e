"""Helpers shared by the training-log tests (their fixtures are in ``conftest.py``).

``db_url`` runs a test once on SQLite (a file in the test's folder) and once on PostgreSQL
(a fresh schema made for the test and dropped after it, so parallel or repeated runs never
collide). PostgreSQL is ``$THRUSTLAB_TEST_POSTGRES_URL`` (default: the local server); the
PostgreSQL runs are skipped only when no server answers and ``$CI`` is not set.
"""

from __future__ import annotations

import functools
import os

import pytest
from sqlalchemy import create_engine, text

from thrustlab.analysis import Analysis
from thrustlab.explanation import explain
from thrustlab.findings import Findings, RepMetrics, SetMetrics, SourceSummary

POSTGRES_ENV = "THRUSTLAB_TEST_POSTGRES_URL"
LOCAL_POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
BACKENDS = ("sqlite", "postgresql")


def postgres_url() -> str:
    return os.environ.get(POSTGRES_ENV) or LOCAL_POSTGRES


@functools.cache
def postgres_problem() -> str | None:
    """Why PostgreSQL cannot be used here, or ``None`` when it answers."""
    engine = create_engine(postgres_url(), connect_args={"connect_timeout": 3})
    try:
        with engine.connect() as connection:
            connection.execute(text("select 1"))
    except Exception as error:  # any failure to connect means "no server"
        return f"{type(error).__name__}: {error}".splitlines()[0]
    finally:
        engine.dispose()
    return None


def require_postgres() -> None:
    problem = postgres_problem()
    if problem is None:
        return
    message = f"PostgreSQL at {POSTGRES_ENV} is not reachable ({problem})"
    if os.environ.get("CI"):
        pytest.fail(message + "; CI must run the PostgreSQL tests")
    pytest.skip(message)


def stored_analysis(
    tremor_rms_mps2: float, /, *, asymmetry_index_pct: float | None = None, reps: int = 8
) -> Analysis:
    """A hand-made analysed set for the log: ``reps`` reps of even shaking, explained."""
    rep_metrics = tuple(
        RepMetrics.from_phases(
            i + 1,
            3.0 * i + 2,
            3.0 * i + 3,
            3.0 * i + 3.5,
            3.0 * i + 4.5,
            rom_deg=40.0,
            tremor_rms_mps2=tremor_rms_mps2,
            tremor_peak_hz=8.5,
            fatigue_band_rms_mps2=0.3 * tremor_rms_mps2,
        )
        for i in range(reps)
    )
    metrics = SetMetrics(
        rep_count=reps,
        tremor_rms_mps2=tremor_rms_mps2,
        tremor_peak_hz=8.5,
        tremor_trend_ratio=1.0,
        tremor_onset_rep=None,
        post_set_tremor_rms_mps2=None,
        asymmetry_index_pct=asymmetry_index_pct,
        concentric_slowdown_pct=12.5,
        velocity_loss_pct=None,
    )
    findings = Findings(
        SourceSummary("sensor", "csv", 3.0 * reps + 4, 100.0), rep_metrics, metrics, ()
    )
    return Analysis(findings, explain(findings))
