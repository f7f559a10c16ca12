"""Free variables of an expression: what a process term must remember of its environment."""
from __future__ import annotations

import dataclasses

from ..syntax import ast

_cache: dict[int, frozenset] = {}


def free_vars(node) -> frozenset:
    key = id(node)
    fv = _cache.get(key)
    if fv is None:
        fv = _cache[key] = frozenset(_free(node))
        _keepalive.append(node)
    return fv


_keepalive: list = []  # ids stay unique while the nodes they name are alive


def pattern_names(p) -> set[str]:
    if isinstance(p, ast.PVar):
        return {p.name}
    out: set[str] = set()
    for f in dataclasses.fields(p):
        v = getattr(p, f.name)
        for item in (v if isinstance(v, tuple) else (v,)):
            if isinstance(item, ast.Pattern):
                out |= pattern_names(item)
    return out


def _free(node) -> set[str]:
    match node:
        case ast.Var(name=n):
            return {n}
        case ast.Prefix(base=base, fields=fields, body=body):
            out = _free(base)
            bound: set[str] = set()
            for f in fields:
                if isinstance(f, ast.Input):
                    if f.restriction is not None:
                        out |= _free(f.restriction) - bound
                    bound |= pattern_names(f.pattern)
                else:
                    out |= _free(f.value) - bound
            return out | (_free(body) - bound)
        case ast.SetComp() | ast.SeqComp() | ast.EventsComp():
            return _qualified(node.qualifiers, set().union(*(_free(x) for x in node.elements)))
        case ast.Rename(process=p, pairs=pairs, qualifiers=qs):
            inner = set().union(*(_free(x.old) | _free(x.new) for x in pairs))
            return _free(p) | _qualified(qs, inner)
        case ast.Replicated(binders=binders, body=body, sync=sync, alpha=alpha):
            out = _free(sync) if sync is not None else set()
            bound: set[str] = set()
            for b in binders:
                out |= _free(b.source) - bound
                bound |= pattern_names(b.pattern)
            inner = _free(body) | (_free(alpha) if alpha is not None else set())
            return out | (inner - bound)
        case ast.Lambda(params=params, body=body):
            return _free(body) - set().union(*(pattern_names(p) for p in params))
        case ast.Let(decls=decls, body=body):
            names = {d.name for d in decls if isinstance(d, ast.Definition)}
            out = _free(body)
            for d in decls:
                if isinstance(d, ast.Definition):
                    params = set().union(*(pattern_names(p) for p in d.params or ()))
                    out |= _free(d.body) - params
            return out - names
    out = set()
    if dataclasses.is_dataclass(node):
        for f in dataclasses.fields(node):
            v = getattr(node, f.name)
            for item in (v if isinstance(v, tuple) else (v,)):
                if isinstance(item, ast.Node) and not isinstance(item, ast.Pattern):
                    out |= _free(item)
    return out


def _qualified(qualifiers, inner: set[str]) -> set[str]:
    out: set[str] = set()
    bound: set[str] = set()
    for q in qualifiers:
        if isinstance(q, ast.Generator):
            out |= _free(q.source) - bound
            bound |= pattern_names(q.pattern)
        else:
            out |= _free(q.condition) - bound
    return out | (inner - bound)
