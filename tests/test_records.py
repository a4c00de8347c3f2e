"""``@record`` behaves as ``@dataclass(frozen=True, slots=True)``: the shared ``__repr__``,
``__eq__`` and ``__hash__`` give what the generated ones give, on the same class bodies."""

from __future__ import annotations

import dataclasses
import pickle
from dataclasses import dataclass, field
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
