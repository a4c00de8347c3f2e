"""``@record``: a frozen dataclass with slots, quicker to build at import.

Python 3.11 writes each method a dataclass generates as source text and compiles it, in every
process that imports the class: about 1.2 ms a class, a fifth of ``thrustlab analyze``'s own
start-up over the 50 records it imports. ``__repr__``, ``__eq__`` and ``__hash__`` do the same
for every record, so they are written once here and shared, and a record compiles only its
``__init__`` and the two methods that keep it frozen: half the time. They behave as the
generated ones: the fields with ``repr=True`` shown as ``Name(field=value, ...)``, equal when
of the same class with equal ``compare`` fields, hashed on the fields ``hash`` (or ``compare``)
selects. A record is still a dataclass: ``dataclasses.fields``, ``replace`` and ``asdict`` work
on it.
"""

from __future__ import annotations

import reprlib
from dataclasses import Field, dataclass, field, fields
from typing import Any, TypeVar, dataclass_transform

T = TypeVar("T")


@dataclass_transform(frozen_default=True, field_specifiers=(field, Field))
def record(cls: type[T], /) -> type[T]:
    """``@dataclass(frozen=True, slots=True)``, sharing ``__repr__``, ``__eq__`` and
    ``__hash__`` (a class that writes its own keeps it)."""
    made = dataclass(frozen=True, slots=True, repr=False, eq=False)(cls)
    for name, method in (("__repr__", _repr), ("__eq__", _eq), ("__hash__", _hash)):
        if name not in vars(made):
            setattr(made, name, method)
    return made


@reprlib.recursive_repr()
def _repr(self: Any) -> str:
    shown = ", ".join(f"{f.name}={getattr(self, f.name)!r}" for f in fields(self) if f.repr)
    return f"{type(self).__qualname__}({shown})"


def _eq(self: Any, other: object) -> Any:
    if other.__class__ is not self.__class__:
        return NotImplemented
    return _compared(self) == _compared(other)


def _hash(self: Any) -> int:
    return hash(tuple(getattr(self, f.name) for f in fields(self) if _hashed(f)))


def _compared(obj: Any) -> tuple[Any, ...]:
    return tuple(getattr(obj, f.name) for f in fields(obj) if f.compare)


def _hashed(f: Field[Any]) -> bool:
    return f.compare if f.hash is None else f.hash
