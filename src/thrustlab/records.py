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

What is left, compiling each record's ``__init__`` and frozen ``__setattr__`` and
``__delattr__`` (three quarters of the rest), is kept from one process to the next as Python
keeps a module's bytecode: the code compiled from each generated source text is saved beside
this module's bytecode (``__pycache__``; not when Python writes no bytecode) and taken from
there by the next process, about 40 ms less for ``thrustlab analyze``. The source text is the
key, so a changed record compiles anew.
"""

from __future__ import annotations

import atexit
import builtins
import contextlib
import dataclasses
import marshal
import os
import reprlib
import sys
from dataclasses import Field, dataclass, field, fields
from pathlib import Path
from types import CodeType
from typing import Any, TypeVar, dataclass_transform

T = TypeVar("T")


@dataclass_transform(frozen_default=True, field_specifiers=(field, Field))
def record(cls: type[T], /) -> type[T]:
    """``@dataclass(frozen=True, slots=True)``, sharing ``__repr__``, ``__eq__`` and
    ``__hash__`` (a class that writes its own keeps it)."""
    dataclasses.exec = _CODE.exec  # type: ignore[attr-defined]  # looked up before builtins
    try:
        made = dataclass(frozen=True, slots=True, repr=False, eq=False)(cls)
    finally:
        vars(dataclasses).pop("exec", None)
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


class _CompiledCode:
    """The code compiled from each source text ``dataclasses`` generates for a record,
    loaded from the last process's file on first use and written back at exit when a text
    was new. A file that cannot be read is as no file; one that cannot be written is left."""

    MAX_TEXTS = 2000
    """Past this many texts (records changed often: a developer's copy), the file keeps only
    what its last writer used."""

    def __init__(self) -> None:
        self.codes: dict[str, CodeType] | None = None
        self.used: set[str] = set()
        self.new = False

    def exec(self, text: str, globals_: dict[str, Any], locals_: dict[str, Any], /) -> None:
        """``exec(text, globals_, locals_)``, compiling ``text`` only if no process has."""
        if self.codes is None:
            self.codes = _load(_path())
        code = self.codes.get(text)
        if not isinstance(code, CodeType):
            # as exec compiles text in dataclasses: without the caller's __future__ flags
            code = compile(text, "<string>", "exec", dont_inherit=True)
            self.codes[text] = code
            if not self.new:
                self.new = True
                atexit.register(self.save)
        self.used.add(text)
        builtins.exec(code, globals_, locals_)

    def save(self) -> None:
        """Write the codes to the file, unless Python writes no bytecode."""
        path = _path()
        if path is None or sys.dont_write_bytecode or self.codes is None:
            return
        codes = {**_load(path), **self.codes}
        if len(codes) > self.MAX_TEXTS:
            codes = {text: self.codes[text] for text in self.used}
        temporary = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            temporary.write_bytes(marshal.dumps((_magic(), codes)))
            os.replace(temporary, path)  # whole or not at all, whoever else writes it
        except OSError:  # a folder this user cannot write: left as it is
            with contextlib.suppress(OSError):
                temporary.unlink()


def _path() -> Path | None:
    """Where this module's bytecode goes, with the suffix ``.methods`` (None where Python
    keeps no bytecode)."""
    from importlib.util import cache_from_source

    try:
        return Path(cache_from_source(__file__)).with_suffix(".methods")
    except NotImplementedError:  # sys.implementation.cache_tag is None
        return None


def _load(path: Path | None, /) -> dict[str, CodeType]:
    """The file's codes, if it holds this Python's (its bytecode's magic number)."""
    if path is None:
        return {}
    try:
        magic, codes = marshal.loads(path.read_bytes())
    except (OSError, EOFError, ValueError, TypeError):
        return {}
    return codes if magic == _magic() and isinstance(codes, dict) else {}


def _magic() -> bytes:
    from importlib.util import MAGIC_NUMBER

    return MAGIC_NUMBER


_CODE = _CompiledCode()
