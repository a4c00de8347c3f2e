"""The JSON contract ``thrustlab.analysis/2`` (PRODUCT.md): one pair of functions turns an
``Analysis`` into it and back. The log, the web app and the batch store and read analyses
through these two, never by reaching into the dict.

``/2`` added ``assessment.basis`` and ``red_flags[].urgency``; ``stop`` now means a warning
sign of urgency ``now``. Documents of ``/1`` are read too: what they lack (names, urgency) is
filled in from the knowledge base. ``traces.angle`` (the thigh's angle) was added within
``/2`` as an optional field: documents without it read with none.
"""

from __future__ import annotations

import dataclasses
import datetime
import functools
import types
import typing
from collections.abc import Mapping, Sequence
from typing import Any

from thrustlab.analysis import Analysis
from thrustlab.errors import DocumentError
from thrustlab.explanation.assessment import Assessment
from thrustlab.explanation.knowledge import load_knowledge
from thrustlab.explanation.scoring import strength_of
from thrustlab.findings import Findings, FormMetrics, RepMetrics, SetMetrics, SourceSummary, Traces
from thrustlab.quality import QualityFlag
from thrustlab.schema import ANALYSIS_SCHEMA

SCHEMA = ANALYSIS_SCHEMA
READABLE = ("thrustlab.analysis/1", SCHEMA)
DECIMALS = 4
"""Floats are given to 4 decimals (0.1 mg, 0.1 ms, 0.0001 Hz, far below what is measured),
and smaller ones to 4 significant digits (spectra)."""
NUMPY_FROM = 16
"""Runs of floats this long or longer are rounded by numpy (``_rounded``)."""


def to_document(analysis: Analysis, /) -> dict[str, Any]:
    """The analysis as PRODUCT.md's JSON object: values that could not be measured are null,
    with a quality entry saying why. Beside the contract's fields: ``mode``, ``bands``,
    ``form`` (video only) and ``traces`` (what the report draws)."""
    return (
        {"schema": SCHEMA}
        | _findings_part(analysis.findings)
        | {"assessment": _plain(analysis.assessment)}
    )


def at_contract_precision(findings: Findings, /) -> Findings:
    """``findings`` as the contract holds them (floats to its precision), so that what is
    explained, shown and stored are the same numbers."""
    built = _findings(_findings_part(findings))
    assert built is not None  # findings in, findings out
    return built


def _findings_part(f: Findings | None, /) -> dict[str, Any]:
    return {
        "source": None if f is None else _plain(f.source),
        "mode": None if f is None else f.mode,
        "bands": None
        if f is None
        else {"tremor_hz": list(f.tremor_band_hz), "fatigue_hz": list(f.fatigue_band_hz)},
        "reps": [] if f is None else [_plain(rep) for rep in f.reps],
        "set": None if f is None else _plain(f.set),
        "quality": [] if f is None else [_plain(q) for q in f.quality],
        "form": None if f is None or f.form is None else _plain(f.form),
        "traces": None if f is None or f.traces is None else _plain(f.traces),
    }


def from_document(document: Mapping[str, Any], /) -> Analysis:
    """The ``Analysis`` a document holds (``DocumentError`` when it is not one)."""
    assessment = assessment_of(document)
    try:
        return Analysis(findings=_findings(document), assessment=assessment)
    except (KeyError, TypeError, ValueError) as error:
        raise DocumentError(f"a broken thrustlab analysis document ({error})") from None


def assessment_of(document: Mapping[str, Any], /) -> Assessment:
    """The ``Assessment`` a document holds, without building its findings (a page that shows
    only the verdict); ``DocumentError`` when it is not one."""
    schema = document.get("schema")
    if schema not in READABLE:
        raise DocumentError(f"not a thrustlab analysis (schema {schema!r}; expected {SCHEMA})")
    try:
        raw = dict(document["assessment"])
        built: Assessment = _build(Assessment, raw if schema == SCHEMA else _upgraded(raw))
    except (KeyError, TypeError, ValueError) as error:
        raise DocumentError(f"a broken thrustlab analysis document ({error})") from None
    return built


def _findings(doc: Mapping[str, Any]) -> Findings | None:
    if doc.get("source") is None:
        return None
    bands = doc["bands"]
    return Findings(
        source=_build(SourceSummary, doc["source"]),
        reps=tuple(_build(RepMetrics, r) for r in doc["reps"]),
        set=_build(SetMetrics, doc["set"]),
        quality=tuple(_build(QualityFlag, q) for q in doc["quality"]),
        mode=doc["mode"],
        tremor_band_hz=_build(tuple[float, float], bands["tremor_hz"]),
        fatigue_band_hz=_build(tuple[float, float], bands["fatigue_hz"]),
        form=_build(FormMetrics | None, doc.get("form")),
        traces=_build(Traces | None, doc.get("traces")),
    )


def _upgraded(raw: dict[str, Any]) -> dict[str, Any]:
    """A ``/1`` assessment block with the texts ``/2`` carries, from the knowledge base."""
    kb = load_knowledge()
    raw["red_flags"] = [
        {
            "name": kb.red_flag(f["id"]).name,
            "urgency": kb.red_flag(f["id"]).urgency,
            "advice": kb.red_flag(f["id"]).advice,
            **f,
        }
        for f in raw.get("red_flags", [])
    ]
    raw["causes"] = [
        {
            "name": kb.cause(c["id"]).name,
            "short": kb.cause(c["id"]).short,
            "long": kb.cause(c["id"]).long,
            "strength": strength_of(float(c.get("likelihood", 0.0))),
            **c,
        }
        for c in raw.get("causes", [])
    ]
    raw["strategies"] = [
        {"name": kb.strategy(s["id"]).name, "causes": [], **s} for s in raw.get("strategies", [])
    ]
    raw.setdefault("headline", "")
    for group in ("causes", "red_flags"):
        for item in raw[group]:
            for e in item.get("evidence", []):
                e.setdefault("weight", 0.0)
    return raw


def _plain(value: Any) -> Any:
    """Dataclasses to dicts, tuples to lists, dates to ISO text, floats rounded. Floats and
    their tuples (the traces: thousands of them) are tried first."""
    if isinstance(value, float):
        return _one(value)
    if isinstance(value, list | tuple):
        plain_floats = all(type(v) is float for v in value)
        return _rounded(value) if plain_floats else [_plain(v) for v in value]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def _rounded(values: Sequence[float]) -> list[float]:
    """Floats to the contract's precision: 4 decimals, or 4 significant digits under 0.01.

    A long run (the traces' thousands: ``round`` takes 0.3 us a value) is rounded by numpy,
    to the same doubles: away from a tie, ``rint(x * 1e4)`` picks the decimal ``round``
    picks (the product's error is under 1.2e-7 below 1e5) and dividing by 1e4 gives the
    double nearest it, as ``round`` does. Values within 1e-6 of a tie, under 0.01, from 1e5
    up or not finite go to ``round`` (or ``.4g``) one by one."""
    if len(values) < NUMPY_FROM:
        return [_one(v) for v in values]
    import numpy as np

    x = np.asarray(values, dtype=np.float64)
    with np.errstate(over="ignore", invalid="ignore"):  # those go to round below
        scaled = x * 10.0**DECIMALS
        out: list[float] = (np.rint(scaled) / 10.0**DECIMALS).tolist()
        from_tie = np.abs(np.abs(np.modf(scaled)[0]) - 0.5)
        size = np.abs(x)
        plain = (size >= 0.01) & (size < 1e5) & (from_tie > 1e-6)
    for i in np.flatnonzero(~plain).tolist():
        out[i] = _one(values[i])
    return out


def _one(value: float) -> float:
    return round(value, DECIMALS) if abs(value) >= 0.01 else float(f"{value:.4g}")


def _build(kind: Any, data: Any) -> Any:
    """``data`` (plain JSON) as a value of the type ``kind``, nested dataclasses included.
    Floats (the traces' thousands) are tried first."""
    if kind is float:
        return float(data)
    origin = typing.get_origin(kind)
    if origin in (typing.Union, types.UnionType):
        return None if data is None else _build(_shaped(kind), data)
    if dataclasses.is_dataclass(kind) and isinstance(kind, type):
        hints = _fields(kind)
        return kind(**{name: _build(hint, data[name]) for name, hint in hints if name in data})
    if origin is tuple:
        return _built_tuple(typing.get_args(kind), data)
    if kind is datetime.date:
        return datetime.date.fromisoformat(data)
    return data


def _built_tuple(args: tuple[Any, ...], data: Any) -> tuple[Any, ...]:
    if args == (float, Ellipsis):  # the traces: one pass, no call per float
        return tuple(map(float, data))
    kinds = [args[0]] * len(data) if args[1:] == (Ellipsis,) else list(args)
    return tuple(_build(k, item) for k, item in zip(kinds, data, strict=True))


@functools.cache
def _fields(kind: type) -> tuple[tuple[str, Any], ...]:
    """A dataclass's fields with their resolved types (resolved once per class)."""
    hints = typing.get_type_hints(kind)
    return tuple((f.name, hints[f.name]) for f in dataclasses.fields(kind))


def _shaped(union: Any) -> Any:
    """The member of an optional union to build: its dataclass or tuple, else any (plain
    JSON values are already what they say)."""
    options = [a for a in typing.get_args(union) if a is not type(None)]
    shaped = [a for a in options if dataclasses.is_dataclass(a) or typing.get_origin(a)]
    return shaped[0] if shaped else Any
