"""The JSON contract ``thrustlab.analysis/1`` (PRODUCT.md), from Findings and an Assessment."""

from __future__ import annotations

import dataclasses
from typing import Any

from thrustlab.explain import Assessment, assessment_to_dict
from thrustlab.findings import Findings, Legs

SCHEMA = "thrustlab.analysis/1"
DECIMALS = 4
"""Floats are rounded to 4 decimals: 0.1 mg, 0.1 ms, 0.0001 Hz, far below what is measured."""

EMPTY_ASSESSMENT: dict[str, Any] = {
    "verdict": None,
    "causes": [],
    "red_flags": [],
    "strategies": [],
}


def analysis_json(findings: Findings, assessment: Assessment | None = None, /) -> dict[str, Any]:
    """The analysis as PRODUCT.md's JSON object (values that could not be measured are null,
    with a quality entry saying why). Beside the contract's fields: ``mode``, ``bands`` and
    ``form`` (video only)."""
    return {
        "schema": SCHEMA,
        "source": _plain(dataclasses.asdict(findings.source)),
        "mode": findings.mode,
        "bands": {
            "tremor_hz": list(findings.tremor_band_hz),
            "fatigue_hz": list(findings.fatigue_band_hz),
        },
        "reps": [_with_legs(rep) for rep in findings.reps],
        "set": _with_legs(findings.set),
        "quality": [_plain(dataclasses.asdict(flag)) for flag in findings.quality],
        "form": None if findings.form is None else _plain(dataclasses.asdict(findings.form)),
        "assessment": dict(EMPTY_ASSESSMENT)
        if assessment is None
        else assessment_to_dict(assessment),
    }


def _with_legs(item: Any) -> dict[str, Any]:
    fields = {f.name: getattr(item, f.name) for f in dataclasses.fields(item) if f.name != "legs"}
    out: dict[str, Any] = _plain(fields)
    legs: Legs | None = item.legs
    out["legs"] = None if legs is None else _plain(dataclasses.asdict(legs))
    return out


def _plain(value: Any) -> Any:
    """Tuples to lists and floats rounded, recursively."""
    if isinstance(value, float):
        return round(value, DECIMALS)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value
