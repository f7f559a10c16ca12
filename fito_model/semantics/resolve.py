"""Resolver and type checker (placeholder entry point, filled in by the resolver work)."""
from __future__ import annotations

from ..syntax.loader import Program


def check_program(program: Program) -> None:
    """Raise FitoError with every name/type diagnostic in the program."""
    return None
