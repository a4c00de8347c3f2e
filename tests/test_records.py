"""``@record`` behaves as ``@dataclass(frozen=True, slots=True)``: the shared ``__repr__``,
``__eq__`` and ``__hash__`` give what the generated ones give, on the same class bodies."""

from __future__ import annotations

import dataclasses
import os
import pickle
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from types import CodeType
from typing import Any, ClassVar

import pytest

from thrustlab.records import record


def _body() -> dict[str, Any]:
    return {
        "__annotations__": {
            "name": "str",
            "reps": "int",
            "note": "str",
            "seen": "int",
            "weights": "tuple[float, ...]",
            "kind": "ClassVar[str]",
        },
        "note": field(default="", repr=False),
        "seen": field(default=0, compare=False),
        "weights": field(default=(), hash=False),
        "kind": "set",
        "__module__": __name__,
        "__qualname__": "Set",
    }


Made = record(type("Set", (), _body()))
Generated = dataclass(frozen=True, slots=True)(type("Set", (), _body()))


@record
class Pair:
    reps: int
    weights: tuple[float, ...]


CASES = [
    ("a", 3, "x", 1, (1.0, 2.0)),
    ("a", 3, "y", 2, (1.0, 2.0)),  # differ only where compare=False or repr=False
    ("a", 3, "x", 1, (1.0,)),  # differs only where hash=False
    ("b", 3, "x", 1, ()),
    ("a", 4, "x", 1, ()),
]


@pytest.mark.parametrize("values", CASES)
def test_repr_and_hash_are_the_generated_ones(values: tuple[Any, ...]) -> None:
    assert repr(Made(*values)) == repr(Generated(*values))
    assert hash(Made(*values)) == hash(Generated(*values))


@pytest.mark.parametrize("left", CASES)
@pytest.mark.parametrize("right", CASES)
def test_equality_is_the_generated_one(left: tuple[Any, ...], right: tuple[Any, ...]) -> None:
    assert (Made(*left) == Made(*right)) == (Generated(*left) == Generated(*right))
    assert (Made(*left) != Made(*right)) == (Generated(*left) != Generated(*right))


def test_another_class_is_never_equal_and_a_record_stays_a_frozen_dataclass() -> None:
    made = Made("a", 3)
    assert made != Generated("a", 3)
    assert made != ("a", 3)
    assert dataclasses.is_dataclass(made)
    assert [f.name for f in dataclasses.fields(made)] == ["name", "reps", "note", "seen", "weights"]
    assert dataclasses.replace(made, reps=4) == Made("a", 4)
    assert dataclasses.asdict(made)["reps"] == 3
    assert pickle.loads(pickle.dumps(Pair(1, (2.0,)))) == Pair(1, (2.0,))
    with pytest.raises(dataclasses.FrozenInstanceError):
        made.reps = 5  # type: ignore[misc]
    with pytest.raises((AttributeError, TypeError)):  # slots: no attribute outside the fields
        object.__setattr__(made, "other", 1)


def test_a_record_keeps_the_methods_its_class_writes() -> None:
    @record
    class Named:
        name: str
        kind: ClassVar[str] = "named"

        def __repr__(self) -> str:
            return f"<{self.name}>"

    assert repr(Named("a")) == "<a>"
    assert Named("a") == Named("a")
    assert {Named("a"), Named("a")} == {Named("a")}


def test_a_record_that_holds_itself_is_shown_without_recursing() -> None:
    @record
    class Box:
        items: list[object]

    box = Box([])
    box.items.append(box)
    assert (
        repr(box)
        == "test_a_record_that_holds_itself_is_shown_without_recursing.<locals>.Box(items=[...])"
    )


# The compiled code kept between processes -----------------------------------------------


def _methods(cls: type) -> dict[str, Any]:
    """What a record's generated methods are made of: code, names, defaults, annotations."""
    out = {}
    for name in ("__init__", "__setattr__", "__delattr__"):
        function = vars(cls)[name]
        code = function.__code__
        out[name] = (
            code.co_code,
            code.co_consts,
            code.co_names,
            code.co_varnames,
            function.__defaults__,
            function.__kwdefaults__,
            function.__annotations__,
        )
    return out


def test_a_record_from_kept_code_has_the_methods_of_one_compiled_now(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from thrustlab import records

    monkeypatch.setattr(records, "_CODE", records._CompiledCode())
    monkeypatch.setattr(records._CompiledCode, "save", lambda self: None)  # no file here
    records._CODE.codes = {}
    compiled_now = record(type("Set", (), _body()))
    kept = dict(records._CODE.codes)
    assert len(kept) == 3 and all(isinstance(code, CodeType) for code in kept.values())
    records._CODE.codes = kept  # as the next process finds them
    records._CODE.new = False
    from_kept = record(type("Set", (), _body()))
    assert not records._CODE.new  # nothing compiled
    assert _methods(from_kept) == _methods(compiled_now) == _methods(Generated)
    # compiled without this module's __future__ import, as dataclasses compiles: under it the
    # annotation would read "_type_reps", the name of the value, not the value
    assert vars(from_kept)["__init__"].__annotations__["reps"] == "int"
    item = from_kept("a", 3)
    with pytest.raises(dataclasses.FrozenInstanceError):
        item.reps = 4  # type: ignore[misc]
    assert item == from_kept("a", 3, "", 5) and item != from_kept("a", 4)


IMPORT_ANALYSIS = "import thrustlab.pipeline, thrustlab.records as r; print(r._CODE.new)"


def _run(tmp_path: Path, *, write_bytecode: bool = True) -> str:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = str(tmp_path / "cache")  # this test's own bytecode folder
    if not write_bytecode:
        env["PYTHONDONTWRITEBYTECODE"] = "1"
    done = subprocess.run(
        [sys.executable, "-c", IMPORT_ANALYSIS], env=env, capture_output=True, text=True, check=True
    )
    return done.stdout.strip()


def _kept_file(tmp_path: Path) -> list[Path]:
    return list((tmp_path / "cache").rglob("records.*.methods"))


def test_the_next_process_compiles_nothing_and_a_broken_file_is_as_none(tmp_path: Path) -> None:
    assert _run(tmp_path, write_bytecode=False) == "True"
    assert _kept_file(tmp_path) == []  # Python writes no bytecode: nor does record
    assert _run(tmp_path) == "True"  # the first compiles, and keeps
    (kept,) = _kept_file(tmp_path)
    assert _run(tmp_path) == "False"  # the next compiles nothing
    kept.write_bytes(b"\x00 not marshal")
    assert _run(tmp_path) == "True"  # a broken file: compiled anew, and written whole
    assert _run(tmp_path) == "False"
