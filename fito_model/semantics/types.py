"""Static types of .fito values, checked optimistically.

The type language follows FDR's: Int, Bool, Char, Proc, Event, tuples, sets,
sequences, datatypes, dotted values and functions. `ANY` means "not known
statically" and is compatible with everything, so the checker reports a
mismatch only between two types it knows for sure: a valid CSPm script must
never be rejected, even if that lets some errors through to evaluation.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Type:
    pass


@dataclass(frozen=True)
class Prim(Type):
    """A type without parts; `?` is ANY, the unknown type."""

    name: str

    def __str__(self) -> str:
        return self.name


ANY = Prim("?")
INT = Prim("Int")
BOOL = Prim("Bool")
CHAR = Prim("Char")
PROC = Prim("Proc")
EVENT = Prim("Event")


@dataclass(frozen=True)
class TTuple(Type):
    items: tuple[Type, ...]

    def __str__(self) -> str:
        return "(" + ", ".join(map(str, self.items)) + ")"


@dataclass(frozen=True)
class TSet(Type):
    elem: Type

    def __str__(self) -> str:
        return "{" + str(self.elem) + "}"


@dataclass(frozen=True)
class TSeq(Type):
    elem: Type

    def __str__(self) -> str:
        return "<" + str(self.elem) + ">"


STRING = TSeq(CHAR)


@dataclass(frozen=True)
class TData(Type):
    """A value of a declared datatype (nominal)."""

    name: str

    def __str__(self) -> str:
        return self.name


@dataclass(frozen=True)
class TDot(Type):
    """A channel or constructor still awaiting `fields` before it is a `result`.

    `fields` is None when the shape is not known statically (for example
    `c.x` with `x` of unknown type): such a value may already be complete.
    """

    fields: tuple[Type, ...] | None
    result: Type

    def __str__(self) -> str:
        if self.fields is None:
            return f"a partial {self.result}"
        return "=>".join(str(f) for f in (*self.fields, self.result))


@dataclass(frozen=True)
class TDotted(Type):
    """A plain dotted value such as `0.true` (the element type of `{0..1}.Bool`)."""

    parts: tuple[Type, ...]

    def __str__(self) -> str:
        return ".".join(str(p) for p in self.parts)


@dataclass(frozen=True)
class TFun(Type):
    """A function; `params` None for user functions (parameters are not inferred)."""

    arity: int | None
    params: tuple[Type, ...] | None
    result: Type

    def __str__(self) -> str:
        if self.params is not None:
            return "(" + ", ".join(map(str, self.params)) + f") -> {self.result}"
        n = "some" if self.arity is None else str(self.arity)
        return f"a function of {n} argument{'' if self.arity == 1 else 's'}"


@dataclass(frozen=True)
class TVar(Type):
    """A type variable, only inside built-in signatures."""

    name: str

    def __str__(self) -> str:
        return self.name


def dot(fields, result: Type) -> Type:
    """A value awaiting `fields`; with none left it is the result itself."""
    if fields is not None and not fields:
        return result
    return TDot(None if fields is None else tuple(fields), result)


def dotted(parts) -> Type:
    """`a.b.c` as a plain dotted value: nested dots flatten, one part is itself."""
    flat: list[Type] = []
    for p in parts:
        if p is ANY:
            return ANY
        flat.extend(p.parts if isinstance(p, TDotted) else (p,))
    return flat[0] if len(flat) == 1 else TDotted(tuple(flat))


def compatible(a: Type, b: Type) -> bool:
    """False only when `a` and `b` certainly cannot be the same type."""
    if a is ANY or b is ANY or isinstance(a, TVar) or isinstance(b, TVar):
        return True
    if isinstance(a, TDot) and a.fields is None:
        return _partial_fits(a, b)
    if isinstance(b, TDot) and b.fields is None:
        return _partial_fits(b, a)
    if type(a) is not type(b):
        return False
    if isinstance(a, Prim):
        return a == b
    if isinstance(a, (TSet, TSeq)):
        return compatible(a.elem, b.elem)
    if isinstance(a, TTuple):
        return len(a.items) == len(b.items) and all(map(compatible, a.items, b.items))
    if isinstance(a, TData):
        return a.name == b.name
    if isinstance(a, TDot):
        return (compatible(a.result, b.result) and len(a.fields) == len(b.fields)
                and all(map(compatible, a.fields, b.fields)))
    if isinstance(a, TDotted):
        return len(a.parts) == len(b.parts) and all(map(compatible, a.parts, b.parts))
    if isinstance(a, TFun):
        return a.arity is None or b.arity is None or a.arity == b.arity
    return True


def _partial_fits(partial: TDot, other: Type) -> bool:
    """A partial value of unknown shape may be complete, or partial with any fields."""
    if isinstance(other, TDot):
        return compatible(partial.result, other.result)
    if isinstance(other, TDotted):  # it may have been dotted with more values
        return compatible(partial.result, other.parts[0])
    return compatible(partial.result, other)


def join(a: Type, b: Type) -> Type | None:
    """The more precise of two compatible types (None if they are incompatible)."""
    if not compatible(a, b):
        return None
    if a is ANY or (isinstance(a, TDot) and a.fields is None):
        return b
    if b is ANY or (isinstance(b, TDot) and b.fields is None):
        return a
    if isinstance(a, TSet):
        return TSet(join(a.elem, b.elem))
    if isinstance(a, TSeq):
        return TSeq(join(a.elem, b.elem))
    if isinstance(a, TTuple):
        return TTuple(tuple(join(x, y) for x, y in zip(a.items, b.items)))
    if isinstance(a, TDotted):
        return TDotted(tuple(join(x, y) for x, y in zip(a.parts, b.parts)))
    return a


def unify(param: Type, actual: Type, subst: dict[str, Type]) -> bool:
    """Match an argument against a built-in's parameter, binding type variables."""
    if isinstance(param, TVar):
        bound = subst.get(param.name)
        if bound is None or bound is ANY:
            subst[param.name] = actual
            return True
        merged = join(bound, actual)
        if merged is None:
            return False
        subst[param.name] = merged
        return True
    if actual is ANY:
        return True
    if isinstance(param, (TSet, TSeq)):
        return type(actual) is type(param) and unify(param.elem, actual.elem, subst)
    return compatible(param, actual)


def substitute(t: Type, subst: dict[str, Type]) -> Type:
    if isinstance(t, TVar):
        return subst.get(t.name, ANY)
    if isinstance(t, TSet):
        return TSet(substitute(t.elem, subst))
    if isinstance(t, TSeq):
        return TSeq(substitute(t.elem, subst))
    return t


def mismatch_code(expected: Type, actual: Type) -> str:
    """FITO207 when a set stands where a sequence is needed or the reverse, else FITO208."""
    kinds = {type(expected), type(actual)}
    return "FITO207" if kinds == {TSet, TSeq} else "FITO208"


def describe(t: Type) -> str:
    """A type for messages: `a set {Int}`, `a process`..."""
    if isinstance(t, TSet):
        return "a set" if _unknown(t.elem) else f"a set {t}"
    if isinstance(t, TSeq):
        return "a string" if t == STRING else "a sequence" if _unknown(t.elem) else f"a sequence {t}"
    if isinstance(t, TTuple):
        return f"a {len(t.items)}-tuple" if all(map(_unknown, t.items)) else f"a tuple {t}"
    if isinstance(t, TDot):
        what = "event" if t.result == EVENT else f"{t.result} value"
        if t.fields is None:
            return f"a partial {what}"
        return f"an incomplete {what} (it still needs {'.'.join(map(str, t.fields))})"
    if isinstance(t, TFun):
        return str(t) if t.params is None else f"a function {t}"
    names = {"Proc": "a process", "Event": "an event", "Bool": "a Bool", "Int": "an Int", "Char": "a Char"}
    return names.get(str(t), f"a value of type {t}")


def _unknown(t: Type) -> bool:
    return t is ANY or isinstance(t, TVar)


# ----- built-ins ---------------------------------------------------------------------

_A = TVar("a")


def _fn(params: tuple[Type, ...], result: Type) -> TFun:
    return TFun(len(params), params, result)


def _any_fn(arity: int | None) -> TFun:
    return TFun(arity, None, ANY)


_PROC_TO_PROC = _fn((PROC,), PROC)

# FDR's compressions that keep a process's semantics (FDR's `transparent` functions): they
# exist to save FDR time and memory, so fito evaluates them as the identity.
COMPRESSIONS = frozenset({"normal", "normalise", "normalize", "sbisim", "wbisim", "dbisim", "diamond", "explicate",
                          "tau_loop_factor", "model_compress", "lazyenumerate"})

BUILTINS: dict[str, Type] = {
    # processes
    "STOP": PROC, "SKIP": PROC, "DIV": PROC,
    "CHAOS": _fn((TSet(EVENT),), PROC), "RUN": _fn((TSet(EVENT),), PROC),
    # type names (sets of all values of a type)
    "Int": TSet(INT), "Bool": TSet(BOOL), "Char": TSet(CHAR), "Proc": TSet(PROC), "Events": TSet(EVENT),
    "True": BOOL, "False": BOOL,  # FDR's deprecated spellings of true and false
    # sets
    "union": _fn((TSet(_A), TSet(_A)), TSet(_A)), "inter": _fn((TSet(_A), TSet(_A)), TSet(_A)),
    "diff": _fn((TSet(_A), TSet(_A)), TSet(_A)),
    "Union": _fn((TSet(TSet(_A)),), TSet(_A)), "Inter": _fn((TSet(TSet(_A)),), TSet(_A)),
    "member": _fn((_A, TSet(_A)), BOOL), "card": _fn((TSet(_A),), INT), "empty": _fn((TSet(_A),), BOOL),
    "set": _fn((TSeq(_A),), TSet(_A)), "Set": _fn((TSet(_A),), TSet(TSet(_A))),
    "Seq": _fn((TSet(_A),), TSet(TSeq(_A))), "seq": _fn((TSet(_A),), TSeq(_A)),
    # sequences
    "head": _fn((TSeq(_A),), _A), "tail": _fn((TSeq(_A),), TSeq(_A)), "length": _fn((TSeq(_A),), INT),
    "null": _fn((TSeq(_A),), BOOL), "elem": _fn((_A, TSeq(_A)), BOOL), "concat": _fn((TSeq(TSeq(_A)),), TSeq(_A)),
    # dotted values: the completions of a channel or constructor prefix
    "productions": _any_fn(1), "extensions": _any_fn(1),
    # FDR prelude: errors, strings, maps, relations
    "error": _fn((STRING,), ANY), "show": _fn((_A,), STRING),
    "emptyMap": ANY, "Map": _any_fn(2), "mapFromList": _any_fn(1), "mapToList": _any_fn(1),
    "mapLookup": _any_fn(2), "mapMember": _any_fn(2), "mapUpdate": _any_fn(3),
    "mapUpdateMultiple": _any_fn(2), "mapDelete": _any_fn(2),
    "mtransclose": _any_fn(2), "relational_image": _any_fn(1), "relational_inverse_image": _any_fn(1),
    "transpose": _any_fn(1),
    # FDR compressions and priority
    **{name: _PROC_TO_PROC for name in (*sorted(COMPRESSIONS), "chase", "chase_nocache", "deter")},
    "prioritise": _fn((PROC, TSeq(TSet(EVENT))), PROC),
    "prioritise_nocache": _fn((PROC, TSeq(TSet(EVENT))), PROC),
    "prioritisepo": _any_fn(4),
}

# Built-ins whose results are infinite sets (cannot be enumerated).
INFINITE_BUILTINS = frozenset({"Int", "Char", "Proc"})
