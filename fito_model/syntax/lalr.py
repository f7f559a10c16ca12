"""The LALR loop the parser runs: lark's own tables and callbacks, driven by a tighter loop.

lark's `ParserState.feed_token` looks up `(action, arg)` pairs, compares
grammar rules with `==` in an `assert` (one `Rule.__eq__` call per token) and
checks for terminal callbacks on every shift. Flattening the same table into
one int per entry (a state to shift or go to, or the bitwise complement of a
reduction's index) keeps the per-token work to a dict lookup and a list push.
The tables, callbacks, state and value stacks are lark's, so an error leaves
exactly the `ParserState` lark would (the parser reads its value stack), and
the shifts and reductions happen in the same order. A `?rule` with one
symbol (lark's ExpandSingleChild on one child returns that child) only
changes the state.
"""
from __future__ import annotations

from lark import Token
from lark.exceptions import UnexpectedInput, UnexpectedToken
from lark.parse_tree_builder import ExpandSingleChild
from lark.parsers.lalr_analysis import Shift
from lark.parsers.lalr_parser import _Parser
from lark.parsers.lalr_parser_state import ParserState


class TableDriver(_Parser):
    """A drop-in for lark's `_Parser` (LALR without terminal callbacks), with flattened tables."""

    def __init__(self, parser: _Parser) -> None:
        super().__init__(parser.parse_table, parser.callbacks, parser.debug)
        if any(isinstance(key, str) for key in self.callbacks):
            raise ValueError("TableDriver does not run terminal callbacks")
        states = self.parse_table.states
        rules: dict = {}  # rule -> index into self.reductions
        self.reductions: list[tuple] = []  # (symbols popped, callback or None, rule's origin)
        self.table: list[dict[str, int]] = [{} for _ in range(max(states) + 1)]
        for state, actions in states.items():
            row = self.table[state]
            for symbol, (action, arg) in actions.items():
                if action is Shift:
                    row[symbol] = arg
                else:
                    if arg not in rules:
                        rules[arg] = len(self.reductions)
                        callback = self.callbacks[arg]
                        if len(arg.expansion) == 1 and type(callback) is ExpandSingleChild:
                            callback = None  # `?rule` with one symbol: the child is the value
                        self.reductions.append((len(arg.expansion), callback, arg.origin.name))
                    row[symbol] = ~rules[arg]

    def parse_from_state(self, state: ParserState, last_token: Token | None = None):
        """lark's main loop (`_Parser.parse_from_state` with `feed_token` inlined)."""
        table, reductions = self.table, self.reductions
        states, values = state.state_stack, state.value_stack
        end_state = state.parse_conf.end_state
        for token in _ending(state.lexer.lex(state), last_token):
            kind = token.type
            while True:
                act = table[states[-1]].get(kind)
                if act is None:
                    raise self._unexpected(token, state)
                if act >= 0:
                    states.append(act)
                    values.append(token)
                    break
                size, callback, origin = reductions[~act]
                if callback is None:  # a unit rule that passes its one child on: only the state changes
                    states[-1] = table[states[-2]][origin]
                else:
                    if size:
                        children = values[-size:]
                        del states[-size:]
                        del values[-size:]
                    else:
                        children = []
                    values.append(callback(children))
                    states.append(table[states[-1]][origin])
                if states[-1] == end_state:  # only a reduction at $END gets here
                    return values[-1]
        raise AssertionError("the token stream ended without $END")  # pragma: no cover

    def _unexpected(self, token: Token, state: ParserState) -> UnexpectedInput:
        expected = {s for s in self.parse_table.states[state.state_stack[-1]] if s.isupper()}
        return UnexpectedToken(token, expected, state=state, interactive_parser=None)


def _ending(tokens, last: Token | None):
    """The tokens, then `$END` placed as lark places it."""
    token = last
    for token in tokens:
        yield token
    yield Token.new_borrow_pos("$END", "", token) if token else Token("$END", "", 0, 1, 1)
