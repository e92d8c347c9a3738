"""A shared __repr__ for frozen dataclasses, instead of a generated one.

dataclasses writes and compiles each generated method when the class is
created; for the model's classes that is several milliseconds of every start
of the command line. One generic __repr__ gives the same text for free.
"""

from __future__ import annotations

from dataclasses import fields
from typing import TypeVar

T = TypeVar("T")


def _repr(self) -> str:
    shown = ", ".join(f"{f.name}={getattr(self, f.name)!r}" for f in fields(self) if f.repr)
    return f"{type(self).__name__}({shown})"


def frozen_repr(cls: type[T]) -> type[T]:
    # Replacing a method on the class is this decorator's purpose; mypy forbids it in general.
    cls.__repr__ = _repr  # type: ignore[method-assign]
    return cls
