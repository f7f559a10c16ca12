"""Path -> Program: read bytes safely, parse, and expand `include` in place.

Includes resolve against the including file's folder, then fito's standard
library (fito_model/stdlib). Cycles and missing files are diagnostics.
"""
from __future__ import annotations

import os
import re
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
        if Path(path).is_dir():
            raise FitoError(Diagnostic("FITO111", f"{path} is a directory with no .fito files in it",
                                       Span(path, 1, 1, 1, 1)))
        with open(path, "rb") as f:  # never more than the limit: the path may be /dev/zero
            size = os.fstat(f.fileno()).st_size
            data = f.read(MAX_BYTES + 1)
    except (OSError, ValueError) as exc:
        raise FitoError(Diagnostic("FITO111", f"cannot read {path}: {getattr(exc, 'strerror', None) or exc}",
                                   Span(path, 1, 1, 1, 1))) from None
    if len(data) > MAX_BYTES:
        told = f"{size:,} bytes" if size > MAX_BYTES else f"more than {MAX_BYTES:,} bytes"
        raise FitoError(Diagnostic("FITO106", f"file is {told}; the limit is {MAX_BYTES:,}",
                                   Span(path, 1, 1, 1, 1)))
    return decode_source(path, data)


def display_source(path: str) -> SourceFile | None:
    """The text of a file for showing diagnostics, even when it is not valid .fito input.

    Bytes that are not UTF-8 become U+FFFD, so the caret under a FITO100 still
    points at the right column; None when the file cannot be read at all.
    """
    try:
        if Path(path).is_dir():
            return None
        with open(path, "rb") as f:
            data = f.read(MAX_BYTES + 1)
    except (OSError, ValueError):
        return None
    text = data.decode("utf-8", errors="replace").removeprefix("\ufeff")
    return SourceFile(path, _CONTROL.sub("\ufffd", text))


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x0c\x0e-\x1f\x7f]")  # shown as U+FFFD, never sent to a terminal


def decode_source(path: str, data: bytes) -> SourceFile:
    if len(data) > MAX_BYTES:
        raise FitoError(Diagnostic("FITO106", f"file is {len(data):,} bytes; the limit is {MAX_BYTES:,}",
                                   Span(path, 1, 1, 1, 1)))
    try:
        text = data.decode("utf-8").removeprefix("\ufeff")  # a byte-order mark is not part of the text
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        line_start = data.rfind(b"\n", 0, exc.start) + 1
        col = len(data[line_start:exc.start].decode("utf-8", errors="replace").removeprefix("\ufeff")) + 1
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
