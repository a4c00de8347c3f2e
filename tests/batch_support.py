"""Helpers and checks shared by the batch tests (the ``batch_corpus`` fixture is in
``conftest.py``).

``batch_corpus`` writes, once per session, 1,000 recordings into a temporary folder: simulated
sets (short: 2-5 reps, about 20-30 s at 50, 60 or 100 Hz, to keep the session lean), one
recording too short to hold a rep, and a few broken files; and it keeps, for each file, what
the single-file path ``analyse(read(path))`` gives (findings, or the exception).

``expected_set_row`` and ``expected_rep_row`` state, independently of the batch code, what a
row must hold for a ``Findings``: they walk the dataclasses by hand and say which columns
they accounted for, so a column nobody checked is an error too.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import asdict, dataclass, fields, replace
from pathlib import Path
from typing import Any

from thrustlab.explanation import explain
from thrustlab.findings import Findings, Legs, RepMetrics, SetMetrics, SourceSummary
from thrustlab.pipeline import process
from thrustlab.recording import Recording
from thrustlab.simulate import random_spec, simulate_set, to_csv_text

N_FILES = 1000
HEADER = "time_s,acc_x_m_s2,acc_y_m_s2,acc_z_m_s2\n"
BROKEN = {
    "broken_empty.csv": b"",
    "broken_garbage.csv": b"this is not a recording\n",
    "broken_header_only.csv": HEADER.encode(),
    "broken_one_row.csv": (HEADER + "0.0,0.1,0.2,9.8\n").encode(),
    "broken_nan.csv": (
        HEADER + "".join(f"{i / 50:.3f},nan,nan,nan\n" for i in range(200))
    ).encode(),
    "broken_text.json": b"{not json",
    "broken_junk.zip": bytes(range(256)) * 2,
}
SHORT = "short_no_reps.csv"
"""One second of samples: read fine, analysed to zero reps (quality entries say why)."""


@dataclass(frozen=True)
class Corpus:
    folder: Path
    paths: tuple[str, ...]
    """Every file, sorted (the order ``find_recordings`` gives for the folder)."""
    reference: dict[str, Findings | Exception]
    """``analyse(read(path))`` of each file, or what it raised."""

    def good(self) -> list[str]:
        return [p for p in self.paths if isinstance(self.reference[p], Findings)]

    def broken(self) -> list[str]:
        return [p for p in self.paths if isinstance(self.reference[p], Exception)]


def simulated_recording(seed: int) -> Recording:
    """A short simulated set (one sensor)."""
    spec = replace(
        random_spec(seed),
        rate_hz=(50.0, 60.0, 100.0)[seed % 3],
        n_reps=2 + seed % 4,
        setup_s=3.0,
        rest_before_s=2.0,
        rest_after_s=2.5,
        stand_up=False,
        two_legs=False,
    )
    recording, _ = simulate_set(spec)
    assert isinstance(recording, Recording)
    return recording


def write_corpus(folder: Path, n_simulated: int, *, first_seed: int = 0) -> None:
    """``n_simulated`` simulated CSVs, the short one and the broken files, into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    for seed in range(first_seed, first_seed + n_simulated):
        text = to_csv_text(simulated_recording(seed))
        (folder / f"set_{seed:05d}.csv").write_text(text, encoding="utf-8")
    rows = "".join(f"{i / 50:.3f},0.1,0.2,9.8\n" for i in range(50))
    (folder / SHORT).write_text(HEADER + rows, encoding="utf-8")
    for name, content in BROKEN.items():
        (folder / name).write_bytes(content)


def single_file(path: str) -> Findings | Exception:
    """The single-file path (the pipeline, as ``analyze`` runs it, without the plots), or the
    exception it raises."""
    try:
        findings = process([path], plots=False).findings
    except Exception as error:
        return error
    assert findings is not None
    return findings


# --- what a row must hold --------------------------------------------------------------


def _legs(legs: Legs | None) -> dict[str, Any]:
    row: dict[str, Any] = {}
    for side in ("left", "right"):
        leg = getattr(legs, side) if legs is not None else None
        row[f"{side}_tremor_rms_mps2"] = leg.tremor_rms_mps2 if leg else None
        row[f"{side}_tremor_peak_hz"] = leg.tremor_peak_hz if leg else None
    return row


def _metrics(obj: SetMetrics | RepMetrics) -> dict[str, Any]:
    row: dict[str, Any] = {}
    for f in fields(obj):
        value = getattr(obj, f.name)
        if f.name == "legs":
            row |= _legs(value)
        else:
            row[f.name] = value
    return row


def expected_set_row(findings: Findings, actual: dict[str, Any]) -> dict[str, Any]:
    """The sets row ``findings`` must give, for the columns of ``actual``.

    Findings fields added after these tests were written (such as video form metrics) must
    be null for a sensor recording, and so must every column named after them.
    """
    row: dict[str, Any] = {
        f"source_{f.name}": getattr(findings.source, f.name)
        for f in fields(SourceSummary)
        if f.name != "paths"
    }
    row |= _metrics(findings.set)
    row["mode"] = findings.mode
    row["tremor_band_low_hz"], row["tremor_band_high_hz"] = findings.tremor_band_hz
    row["fatigue_band_low_hz"], row["fatigue_band_high_hz"] = findings.fatigue_band_hz
    row["quality"] = [asdict(q) for q in findings.quality]
    known = {"source", "reps", "set", "quality", "mode", "tremor_band_hz", "fatigue_band_hz"}
    known |= {"traces"}  # for plots; not a column
    for f in fields(Findings):
        if f.name not in known:
            assert getattr(findings, f.name) is None, f"{f.name}: expected None for a sensor"
            row |= {k: None for k in actual if k == f.name or k.startswith(f"{f.name}_")}
    return row


def by_path(table: Any) -> dict[str, list[dict[str, Any]]]:
    rows: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in table.to_pylist():
        rows[row["path"]].append(row)
    return rows


def assert_matches_single_file_path(
    sets_table: Any, reps_table: Any, errors_table: Any, paths: Sequence[str]
) -> None:
    """Every file's rows (or error) are what ``analyse(read(path))`` gives for it, in order."""
    sets, reps, errors = (by_path(t) for t in (sets_table, reps_table, errors_table))
    assert [r["path"] for r in sets_table.to_pylist()] == [p for p in paths if p in sets]
    assert set(sets) | set(errors) == set(paths)
    for path in paths:
        expected = single_file(path)
        if isinstance(expected, Findings):
            assert len(sets[path]) == 1 and path not in errors, path
            assert_set_row(sets[path][0], expected, path)
            assert_rep_rows(reps.get(path, []), expected, path)
        else:
            assert path not in sets and path not in reps, path
            [error] = errors[path]
            assert error["error"] == type(expected).__name__
            assert error["message"] in str(expected)
            assert error["retry"] is False


ASSESSMENT_KEYS = ("verdict", "causes", "warning_signs")


def assert_set_row(actual: dict[str, Any], findings: Findings, path: str) -> None:
    """The row holds the findings; its assessment columns (present only in a batch's
    tables) hold what ``explain`` makes of them."""
    if actual.get("verdict") is not None:
        assessment = explain(findings)
        assert actual["verdict"] == assessment.verdict, path
        assert json.loads(actual["causes"]) == [c.id for c in assessment.causes], path
        assert json.loads(actual["warning_signs"]) == [f.id for f in assessment.red_flags]
    skipped = ("path", "content_hash", *ASSESSMENT_KEYS)
    got = {k: v for k, v in actual.items() if k not in skipped}
    got["quality"] = json.loads(got["quality"])
    assert actual["path"] == path
    assert got == expected_set_row(findings, got), path


def assert_rep_rows(actual: list[dict[str, Any]], findings: Findings, path: str) -> None:
    assert len(actual) == len(findings.reps), path
    for row, rep in zip(actual, findings.reps, strict=True):
        assert row["path"] == path
        got = {k: v for k, v in row.items() if k not in ("path", "content_hash")}
        assert got == _metrics(rep), (path, rep.index)
