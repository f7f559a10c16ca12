"""A small clean spec and random token edits of it, for the tests that feed parsers bad input."""
from __future__ import annotations

import random
import re

CLEAN = """\
-- a small but complete spec: channels, data, processes, assertions, FITO layer
N = 2
nametype Node = {0..N-1}
datatype Msg = Data.{0..1} | Ack
channel send, recv : Node.Msg
channel step, write, load : Node.{0..2}
channel crash, tick

SENDER(i) = send.i?m -> recv.i!Ack -> SENDER(i)
    [] tick -> SENDER(i)
NODE(i, e) = e < 2 & step.i.(e + 1) -> write.i.(e + 1) -> NODE(i, e + 1)
    [] crash -> load.i?r -> NODE(i, r)
SYS = (||| i : Node @ NODE(i, 0)) [| {| crash |} |] (crash -> STOP)

domains Node
observe { advance = step, persist = write, crash = crash, restore = load }

assert SYS :[deadlock free [F]]
assert SYS \\ {| tick |} [T= SYS
assert SYS :[atomic snapshot]
"""


TOKENS = ["->", "[]", "|~|", "|||", "[|", "|]", "[", "]", "||", "\\", ";", "/\\", "[>", "&", "?", "!", ".",
          ",", ":", "@", "(", ")", "{", "}", "{|", "|}", "<", ">", "<-", "..", "=", "==", "+", "-", "#", "^",
          "[[", "]]", "if", "then", "else", "let", "within", "channel", "assert", "not", "STOP", "P", "x",
          "1", '"s"', "{-", "-}", "--", ":[", "deadlock free", "[T=", "observe", "optimizer", "<->",
          "transparent", "normal", "\n"]


def _tokens(src: str) -> list[str]:
    return re.findall(r"\s+|\w+'*|[^\w\s]", src)


def mutate(rng: random.Random, src: str, edits: int) -> str:
    toks = _tokens(src)
    for _ in range(edits):
        i = rng.randrange(len(toks) + 1)
        kind = rng.randrange(3)
        if kind == 0 and toks:
            del toks[min(i, len(toks) - 1)]
        elif kind == 1:
            toks.insert(i, rng.choice(TOKENS) + rng.choice(["", " "]))
        elif len(toks) > 1:
            j = rng.randrange(len(toks))
            i = min(i, len(toks) - 1)
            toks[i], toks[j] = toks[j], toks[i]
    return "".join(toks)
