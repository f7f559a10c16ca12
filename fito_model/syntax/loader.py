"""Path -> Program: read bytes safely, parse, and expand `include` in place.

Includes resolve against the including file's folder, then fito's standard
library (fito_model/stdlib). Cycles and missing files are diagnostics.
"""
from __future__ import annotations

from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path

from ..diagnostics import Diagnostic, FitoError, Note
from ..source import SourceFile, Span
from . import ast
from .parser import parse_text

MAX_BYTES = 8 * 1024 * 1024
STDLIB = Path(str(files("fito_model").joinpath("stdlib")))


@dataclass(frozen=True)
class Program:
    """Every declaration of a file and its includes, in textual order."""

    path: str
    decls: tuple[ast.Decl, ...]
    sources: dict[str, SourceFile]


def read_source(path: str) -> SourceFile:
    try:
        data = Path(path).read_bytes()
    except (OSError, ValueError) as exc:
        raise FitoError(Diagnostic("FITO111", f"cannot read {path}: {getattr(exc, 'strerror', None) or exc}",
                                   Span(path, 1, 1, 1, 1))) from None
    return decode_source(path, data)


def decode_source(path: str, data: bytes) -> SourceFile:
    if len(data) > MAX_BYTES:
        raise FitoError(Diagnostic("FITO106", f"file is {len(data):,} bytes; the limit is {MAX_BYTES:,}",
                                   Span(path, 1, 1, 1, 1)))
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        col = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise FitoError(Diagnostic("FITO100", f"byte 0x{data[exc.start]:02x} is not valid UTF-8 "
                                   "(.fito files are UTF-8 text)", Span(path, line, col, line, col))) from None
    nul = text.find("\0")
    if nul >= 0:
        line = text.count("\n", 0, nul) + 1
        col = nul - (text.rfind("\n", 0, nul) + 1) + 1
        raise FitoError(Diagnostic("FITO100", "NUL byte: this looks like a binary file, not .fito text",
                                   Span(path, line, col, line, col)))
    return SourceFile(path, text)


def load(path: str) -> Program:
    sources: dict[str, SourceFile] = {}
    decls = _load(path, sources, stack=())
    return Program(path, tuple(decls), sources)


def load_text(text: str, path: str = "<string>") -> Program:
    """A program from text in memory (tests, notebooks); includes resolve from the cwd."""
    sources = {path: SourceFile(path, text)}
    decls = _expand(parse_text(text, path), sources, stack=(path,))
    return Program(path, tuple(decls), sources)


def _load(path: str, sources: dict[str, SourceFile], stack: tuple[str, ...]) -> list[ast.Decl]:
    src = read_source(path)
    sources[path] = src
    return _expand(parse_text(src.text, path), sources, stack + (str(Path(path).resolve()),))


def _expand(module: ast.Module, sources: dict[str, SourceFile], stack: tuple[str, ...]) -> list[ast.Decl]:
    out: list[ast.Decl] = []
    errors: list[Diagnostic] = []
    here = Path(module.path).parent
    for decl in module.decls:
        if not isinstance(decl, ast.Include):
            out.append(decl)
            continue
        target = _resolve(here, decl.path)
        if target is None:
            errors.append(Diagnostic("FITO107", f"include file {decl.path!r} not found (looked in {here} "
                                     f"and the standard library)", decl.span))
            continue
        if str(target.resolve()) in stack:
            errors.append(Diagnostic("FITO108", f"include cycle: {decl.path!r} includes itself "
                                     "through the chain of includes", decl.span,
                                     tuple(Note(f"included from {p}") for p in stack)))
            continue
        try:
            out.extend(_load(str(target), sources, stack))
        except FitoError as exc:
            errors.extend(exc.diagnostics)
    if errors:
        raise FitoError(errors)
    return out


def _resolve(here: Path, name: str) -> Path | None:
    for base in (here, STDLIB):
        candidate = base / name
        if candidate.is_file():
            return candidate
    return None
