"""Text -> AST. The grammar is loaded once; every lark error becomes a Diagnostic.

After a syntax error the parser restarts at the next line that begins in
column 1 (where CSPm declarations begin), so one run reports several
independent errors. Errors found while building the AST (bad patterns, ...)
are all reported too.

Nesting is bounded twice, so that no later stage (all of which recurse over
the AST) can hit Python's recursion limit on a user's input:
- brackets nested more than MAX_NESTING deep are refused before parsing (a
  cheap scan; it also keeps pathological inputs from reaching lark), and
- ASTs deeper than MAX_DEPTH (operators chained without brackets, e.g.
  `- - - ... 1` or ten thousand `a -> a -> ...`) are refused after parsing.
"""
from __future__ import annotations

import gc
import re
import threading
from functools import lru_cache
from importlib.resources import files

from lark import Lark, Token
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken
from lark.lexer import ContextualLexer
from lark.parser_frontends import PostLexConnector

from ..diagnostics import Diagnostic, FitoError, Note
from ..source import Span
from . import ast
from .lalr import TableDriver
from .precedence import check_pending
from .transformer import ToAst

MAX_ERRORS = 20
MAX_NESTING = 200
MAX_DEPTH = 400

_TOKEN_NAMES = {
    "NAME": "a name", "INT": "an integer", "STRING": "a string", "REFINES": "[T=, [F= or [FD=",
    "$END": "end of file", "ASSERT_NOT": "assert not", "HAS_TRACE": "has trace",
    "_OPEN_SEQ": "'<' (a sequence)", "_CLOSE_SEQ": "'>' (closing the sequence)",
    "LESSTHAN": "'<'", "MORETHAN": "'>'",
}

# FDR constructs fito does not accept: a parse error on a line that matches one
# of these gets a note saying so (see "Where fito departs from FDR's CSPm" in
# docs/language.md).
_UNSUPPORTED = [
    (re.compile(r"^\s*subtype\b"), "`subtype` declarations are not supported by fito; "
                                   "declare a `datatype` or a `nametype` instead"),
    (re.compile(r"^\s*external\b"), "`external` functions (FDR's chase, prioritise, ...) change the semantics "
                                     "and are not supported by fito"),
    (re.compile(r"^\s*(module|exports|endmodule|instance)\b"), "FDR modules are not supported by fito"),
    (re.compile(r"^\s*Timed\b"), "timed sections (Timed(et) { ... }) are not supported by fito"),
    (re.compile(r"<->.*\].*@"), "the replicated link parallel ([a <-> b] x : s @ P) is not supported by fito; "
                                "chain the processes with the binary P [a <-> b] Q"),
    (re.compile(r"\|>"), "the exception operator (P [| A |> Q) is not supported by fito"),
    (re.compile(r"\$"), "nondeterministic input `$x` is not supported by fito; "
                        "write `|~| x:S @ c.x -> P` instead"),
    (re.compile(r"\[\s*(R|V|M|FD|T|F)\s*="), "fito checks the refinement models [T=, [F= and [FD= only"),
    (re.compile(r"tau\s+priority|partial\s+order\s+reduce"), "this FDR assertion option is not supported by fito"),
    (re.compile(r"'(\\.|[^'\\])'"), "character literals are not supported by fito; use a string or a datatype"),
]


class SequenceBrackets:
    """Post-lexer: tell sequence brackets `< >` from the comparisons `<` `>`, as FDR does.

    A `<` that starts an operand (it follows an operator, a keyword, an opening
    bracket or a comma, not an operand) opens a sequence. While a sequence is
    open at the current bracket level, `>` closes it; brackets nested inside
    the sequence start a new level where `>` compares again. So
    `<x | x <- S, even(x)>` and `<a, b>` need no brackets, and a comparison
    `x > 0` directly inside a sequence must be written `(x > 0)`, exactly as
    in FDR.
    """

    always_accept = ("LESSTHAN", "MORETHAN")
    OPENERS = frozenset({"(", "{", "{|", "[[", "[|", "[", ":["})
    CLOSERS = frozenset({")", "}", "|}", "]]", "|]", "]"})
    OPERAND_END = frozenset({")", "}", "|}", "]]", "true", "false"})
    OPERAND_END_TYPES = frozenset({"NAME", "INT", "STRING", "_CLOSE_SEQ"})

    def process(self, stream):
        open_seqs = [0]  # sequences open at each bracket level
        previous: Token | None = None
        before: Token | None = None
        for tok in stream:
            # `:[knows^2 <...>]`: the depth is not an operand that `<` could compare
            ends_operand = self._ends_operand(previous) and not (before is not None and before.type == "KNOWS")
            if tok.type == "LESSTHAN" and not ends_operand:
                open_seqs[-1] += 1
                tok = Token.new_borrow_pos("_OPEN_SEQ", tok.value, tok)
            elif tok.type == "MORETHAN" and open_seqs[-1]:
                open_seqs[-1] -= 1
                tok = Token.new_borrow_pos("_CLOSE_SEQ", tok.value, tok)
            elif tok.value in self.OPENERS:
                open_seqs.append(0)
            elif tok.value in self.CLOSERS and len(open_seqs) > 1:
                open_seqs.pop()
            previous, before = tok, previous
            yield tok

    def _ends_operand(self, tok: Token | None) -> bool:
        return tok is not None and (tok.type in self.OPERAND_END_TYPES or tok.value in self.OPERAND_END)


class FastLexer:
    """The lexer the parser uses: one compiled regex over the whole text, plus SequenceBrackets.

    It produces exactly the tokens of lark's contextual lexer followed by the
    SequenceBrackets post-lexer, at a fraction of the cost. It scans with one
    regex equivalent to the contextual lexer's root lexer (all terminals; the
    words that are keywords only somewhere are retyped from NAME by a dict,
    as lark's root lexer does). In a parser state whose own lexer accepts that
    token, the state's lexer would return the same token (its terminals are a
    subset of the root's, in the same order), so the token is used as it is.
    Otherwise (a word that is a keyword or a name only in some places, the
    property words after `:[`, `[T=` where a refinement cannot follow, a
    lexical error, ...) the token at that position is lexed by lark's own
    lexer for the state, so such cases and every lexical error come out
    exactly as before.
    """

    # Where two alternatives can match at one place, the first is the root lexer's choice.
    _KINDS = (r"[ \t\f\r]*(?:"
              r"(assert\s+not\b)"                       # 1 ASSERT_NOT
              r"|([A-Za-z_][A-Za-z0-9_']*)"             # 2 a word
              r"|(--[^\n]*)"                            # 3 line comment
              r"|(\{-(?:.|\n)*?-\})"                    # 4 block comment (parse_text blanks them first)
              r"|({punct})"                             # 5 punctuation
              r"|(\n[ \t\f\r\n]*)"                       # 6 newlines (and indentation)
              r"|([0-9]+)"                              # 7 INT
              r'|("(?:[^"\\\n]|\\.)*")'                 # 8 STRING
              r")")

    def __init__(self, contextual) -> None:
        self.contextual = contextual
        root = contextual.root_lexer
        names = {t.name for t in root.terminals}
        words: dict[str, str] = {}
        punct: dict[str, str] = {}
        for t in root.terminals:
            if t.pattern.type == "str":
                (words if t.pattern.value[0].isalpha() else punct)[t.pattern.value] = t.name
        refines = next(t for t in root.terminals if t.name == "REFINES")
        for alt in ("[FD=", "[T=", "[F="):
            punct[alt] = refines.name
        self.words = words
        self.punct = punct
        expected = {"NAME", "INT", "STRING", "ASSERT_NOT", "REFINES", "WS", "COMMENT", "BLOCK_COMMENT"}
        # every other regex terminal begins with a letter and is tried after NAME by the root lexer,
        # which so lexes its first word as NAME (the state's lexer, via the fallback, does the rest)
        order = [t.name for t in root.terminals]
        for t in root.terminals:
            if t.pattern.type == "re" and t.name not in expected:
                assert re.match(r"(?:\(\?:)?[a-z]", t.pattern.value) and order.index(t.name) > order.index("NAME"), t
        assert expected <= names
        assert all(re.fullmatch(r"[A-Za-z_][A-Za-z0-9_']*", w) for w in words), words
        assert not any(re.match(r"""[A-Za-z0-9_"\s]""", p) for p in punct), punct
        alts = sorted(punct, key=lambda s: (-len(s), s))
        self.regex = re.compile(self._KINDS.replace("{punct}", "|".join(re.escape(a) for a in alts)))
        self._tables_cache: tuple[dict, dict] | None = None

    def _tables(self) -> tuple[dict, dict]:
        """(parser state -> {terminal its lexer matches: class}, terminal -> class).

        A state's lexer matches the terminals the state accepts, the ignored
        ones and LESSTHAN, MORETHAN (always accepted, for SequenceBrackets).
        A terminal's class says what it is to SequenceBrackets (its value is
        fixed, except for NAME, INT, STRING): 1 opens a bracket level, 2 ends
        an operand, 4 closes a bracket level, 8 is KNOWS, 16 is LESSTHAN, 32
        is MORETHAN; 64 is always set, so that a class is never 0.
        """
        sb = SequenceBrackets
        kinds = {}
        for t in self.contextual.root_lexer.terminals:
            v = t.pattern.value if t.pattern.type == "str" else None
            kinds[t.name] = (64 | (1 if v in sb.OPENERS else 0) | (4 if v in sb.CLOSERS else 0)
                             | (2 if v in sb.OPERAND_END or t.name in sb.OPERAND_END_TYPES else 0)
                             | (8 if t.name == "KNOWS" else 0) | (16 if t.name == "LESSTHAN" else 0)
                             | (32 if t.name == "MORETHAN" else 0))
        for name in ("_OPEN_SEQ", "_CLOSE_SEQ"):
            kinds[name] = 64 | (2 if name in sb.OPERAND_END_TYPES else 0)
        accepts = {state: {t.name: kinds[t.name] for t in lexer.terminals}
                   for state, lexer in self.contextual.lexers.items()}
        return accepts, kinds

    def lex(self, lexer_state, parser_state):
        text = lexer_state.text.text
        end = lexer_state.text.end
        line_ctr = lexer_state.line_ctr
        if self._tables_cache is None:
            self._tables_cache = self._tables()
        accepts, kinds = self._tables_cache
        state_stack = parser_state.state_stack
        words, punct = self.words, self.punct
        new = str.__new__
        Tok = Token
        borrow = Token.new_borrow_pos
        open_seq_kind, close_seq_kind = kinds["_OPEN_SEQ"], kinds["_CLOSE_SEQ"]
        open_seqs = [0]
        compares = False  # a `<` here compares: the previous token ends an operand (not a `knows^` depth)
        after_knows = 0  # the previous token is KNOWS
        last = None  # the last token yielded
        pos, line, line_start = line_ctr.char_pos, line_ctr.line, line_ctr.line_start_pos
        match = self.regex.scanner(text, pos, end).match
        while True:
            m = match()
            k = None
            if m is not None:
                kind = m.lastindex
                if kind == 2:
                    v = m.group(2)
                    typ = words.get(v, "NAME")
                elif kind == 5:
                    v = m.group(5)
                    typ = punct[v]
                elif kind == 6:
                    v = m.group(6)
                    line += v.count("\n")
                    pos = m.end()
                    line_start = pos - (len(v) - v.rindex("\n") - 1)
                    continue
                elif kind == 7:
                    v = m.group(7)
                    typ = "INT"
                elif kind == 8:
                    v = m.group(8)
                    typ = "STRING"
                elif kind == 3:
                    pos = m.end()
                    continue
                elif kind == 4:
                    v = m.group(4)
                    if "\n" in v:
                        line += v.count("\n")
                        line_start = m.start(4) + v.rindex("\n") + 1
                    pos = m.end()
                    continue
                else:  # ASSERT_NOT, which may span lines: left to lark
                    v, typ = m.group(1), None
                pos = m.end()
                k = accepts[state_stack[-1]].get(typ)
                if k is not None:
                    tok = new(Tok, v)
                    tok.type = typ
                    tok.value = v
                    tok.start_pos = start = pos - len(v)
                    tok.line = tok.end_line = line
                    tok.column = start - line_start + 1
                    tok.end_column = pos - line_start + 1
                    tok.end_pos = pos
                else:
                    pos -= len(v)
            elif pos >= end:
                return
            if k is None:
                # lark's own lexer for this state (and its errors), from pos
                lexer_state.last_token = last
                line_ctr.char_pos, line_ctr.line, line_ctr.line_start_pos = pos, line, line_start
                line_ctr.column = pos - line_start + 1
                lexer = self.contextual.lexers[state_stack[-1]]
                try:
                    tok = lexer.next_token(lexer_state, parser_state)
                except EOFError:
                    return
                except UnexpectedCharacters as e:  # as ContextualLexer.lex
                    try:
                        last_token = lexer_state.last_token
                        token = self.contextual.root_lexer.next_token(lexer_state, parser_state)
                        raise UnexpectedToken(token, e.allowed, state=parser_state, token_history=[last_token],
                                              terminals_by_name=self.contextual.root_lexer.terminals_by_name)
                    except UnexpectedCharacters:
                        raise e from None
                pos, line, line_start = line_ctr.char_pos, line_ctr.line, line_ctr.line_start_pos
                match = self.regex.scanner(text, pos, end).match
                v = tok.value
                k = kinds[tok.type]
            # SequenceBrackets.process, inline
            if k & 53:
                if k & 16 and not compares:
                    open_seqs[-1] += 1
                    tok = borrow("_OPEN_SEQ", v, tok)
                    k = open_seq_kind
                elif k & 32 and open_seqs[-1]:
                    open_seqs[-1] -= 1
                    tok = borrow("_CLOSE_SEQ", v, tok)
                    k = close_seq_kind
                elif k & 1:
                    open_seqs.append(0)
                elif k & 4 and len(open_seqs) > 1:
                    open_seqs.pop()
            compares = k & 2 and not after_knows
            after_knows = k & 8
            last = tok
            yield tok

@lru_cache(maxsize=1)
def grammar() -> Lark:
    """The grammar, loaded once, with the AST builder applied inline at each reduction."""
    text = files(__package__).joinpath("fito.lark").read_text()
    parser = Lark(text, parser="lalr", lexer="contextual", maybe_placeholders=True, cache=True,
                  postlex=SequenceBrackets(), transformer=ToAst())
    missing = sorted({name for r in parser.rules
                      for name in [r.alias or r.origin.name] if not name.startswith("_")
                      if not (r.options.expand1 and len(r.expansion) == 1) and not hasattr(ToAst, name)})
    if missing:  # pragma: no cover - guards grammar drift
        raise NotImplementedError(f"no AST rule for grammar rules {missing}")
    frontend = parser.parser
    connector = frontend.lexer  # lark's contextual lexer + SequenceBrackets
    assert isinstance(connector, PostLexConnector) and isinstance(connector.lexer, ContextualLexer)
    frontend.lexer = FastLexer(connector.lexer)
    frontend.parser.parser = TableDriver(frontend.parser.parser)
    return parser


_PARSE_LOCK = threading.Lock()  # the inline builder has per-parse state


def parse_text(text: str, path: str = "<string>") -> ast.Module:
    """Parse one file's text; raise FitoError with every syntax error found."""
    text = blank_block_comments(text, path)
    _check_nesting(text, path)
    errors: list[Diagnostic] = []
    blanked = text
    decls = None
    parser = grammar()
    builder: ToAst = parser.options.transformer
    gc_was_enabled = gc.isenabled()
    with _PARSE_LOCK:
        gc.disable()  # the parse allocates many long-lived objects: collections would only cost time
        try:
            while True:
                builder.reset(path)
                err: UnexpectedInput | None = None
                try:
                    decls = parser.parse(blanked)
                except UnexpectedInput as exc:
                    err = exc
                    stack = getattr(getattr(exc, "state", None), "value_stack", None)
                    if stack:
                        check_pending(stack)
                if builder.violations:  # they all precede the token lark stopped at
                    tok, expected = min(builder.violations, key=lambda v: (v[0].line, v[0].column))
                    err = UnexpectedToken(tok, {_terminal_for(t) for t in expected})
                if err is not None:
                    errors.append(_diagnose(err, blanked, path))
                    restart = _restart_line(text, err)
                    if restart is None or len(errors) >= MAX_ERRORS:
                        break
                    lines = text.split("\n")
                    blanked = "\n" * (restart - 1) + "\n".join(lines[restart - 1:])
                    continue
                break
            build_errors = builder.errors
            builder.reset(path)  # drop references to this parse's objects
        finally:
            if gc_was_enabled:
                gc.enable()
    if errors:
        raise FitoError(errors)
    assert decls is not None
    _check_depth(decls, path)
    if build_errors:
        raise FitoError(build_errors)
    return ast.Module(path, tuple(decls), span=Span(path, 1, 1, 1, 1))


def parse_expr(text: str, path: str = "<expr>") -> ast.Expr:
    """Parse a single expression (used by the CLI's --process and by tests)."""
    module = parse_text(f"__fito_expr__ = {text}", path)
    (decl,) = module.decls
    assert isinstance(decl, ast.Definition)
    return decl.body


def _restart_line(text: str, err: UnexpectedInput) -> int | None:
    line = getattr(err, "line", None)
    if not isinstance(line, int) or line < 1:
        return None
    for i, row in enumerate(text.split("\n")[line:], start=line + 1):
        if row and not row[0].isspace() and not row.startswith("--"):
            return i
    return None


def _describe_expected(expected) -> str:
    expected = set(expected)
    if _terminal_named("==") not in expected:  # `<` `>` are always lexed (for sequences): not news
        expected -= {"LESSTHAN", "MORETHAN"}
    names = sorted({_TOKEN_NAMES.get(t, _literal(t)) for t in expected})
    if len(names) > 8:
        names = names[:8] + ["..."]
    return ", ".join(names)


@lru_cache(maxsize=None)
def _terminal_named(text: str) -> str | None:
    return next((t.name for t in grammar().terminals if t.pattern.value == text), None)


_NAMED = frozenset({"NAME", "INT", "STRING", "_OPEN_SEQ"})


def _terminal_for(text: str) -> str:
    """The terminal that matches `text` (a terminal's name is kept as it is)."""
    return text if text in _NAMED else _terminal_named(text) or text


def _literal(term: str) -> str:
    try:
        pattern = grammar().get_terminal(term).pattern
    except KeyError:
        return term
    if pattern.type == "str":
        return f"'{pattern.value}'"
    return term.lower().replace("_", " ")


def _diagnose(err: UnexpectedInput, text: str, path: str) -> Diagnostic:
    line, col = max(getattr(err, "line", 1), 1), max(getattr(err, "column", 1), 1)
    if isinstance(err, UnexpectedToken) and err.token.type != "$END":
        tok: Token = err.token
        span = Span(path, line, col, tok.end_line or line, max((tok.end_column or col + 1) - 1, col))
        notes = _hints(text, line)
        if tok.type in ("IF", "LET") and not notes:
            notes = (Note(f"`{tok.value}` cannot be the operand of a value operator (+, ==, and, ., ...) "
                          "or part of an event: put the whole `if`/`let` expression in parentheses"),)
        return Diagnostic("FITO101", f"unexpected {tok.value!r}; expected {_describe_expected(err.expected)}",
                          span, notes)
    if isinstance(err, (UnexpectedEOF, UnexpectedToken)):
        end = text.rstrip()
        eline = end.count("\n") + 1
        ecol = len(end) - (end.rfind("\n") + 1) + 1
        expected = getattr(err, "expected", None) or ()
        return Diagnostic("FITO103", f"unexpected end of file; expected {_describe_expected(expected)}",
                          Span(path, eline, ecol, eline, ecol))
    assert isinstance(err, UnexpectedCharacters)
    char = text[err.pos_in_stream] if err.pos_in_stream < len(text) else ""
    span = Span(path, line, col, line, col)
    if text.startswith("{-", err.pos_in_stream):
        return Diagnostic("FITO104", "unterminated block comment: '{-' has no matching '-}'", span)
    if char == '"':
        return Diagnostic("FITO104", "unterminated string: '\"' has no matching '\"' on this line", span)
    allowed = getattr(err, "allowed", None)
    hint = f"; expected {_describe_expected(allowed)}" if allowed else ""
    shown = repr(char) if char.isprintable() else f"U+{ord(char):04X}" if char else "end of input"
    return Diagnostic("FITO102", f"unexpected character {shown}{hint}", span, _hints(text, line))


def _hints(text: str, line: int) -> tuple[Note, ...]:
    start = 0
    for _ in range(line - 1):
        start = text.find("\n", start) + 1
        if start == 0:
            return ()
    end = text.find("\n", start)
    row = text[start:end if end >= 0 else len(text)]
    return tuple(Note(msg) for rx, msg in _UNSUPPORTED if rx.search(row))[:1]


_COMMENT_OR_STRING = re.compile(r'--[^\n]*|"(?:[^"\\\n]|\\.)*"|\{-')
_BLOCK_DELIMITER = re.compile(r"\{-|-\}")
_NOT_NEWLINE = re.compile(r"[^\n]")


def blank_block_comments(text: str, path: str = "<string>") -> str:
    """Replace each `{- -}` comment by spaces (newlines kept, so positions stay put).

    Block comments nest, as in FDR; `--` line comments and strings hide `{-`.
    An unterminated block comment is FITO104 at its `{-`.
    """
    if "{-" not in text:
        return text
    out: list[str] = []
    pos = 0
    while True:
        m = _COMMENT_OR_STRING.search(text, pos)
        if m is None:
            out.append(text[pos:])
            return "".join(out)
        if m.group() != "{-":
            out.append(text[pos:m.end()])
            pos = m.end()
            continue
        out.append(text[pos:m.start()])
        depth, end = 1, m.end()
        while depth:
            d = _BLOCK_DELIMITER.search(text, end)
            if d is None:
                raise FitoError(Diagnostic("FITO104", "unterminated block comment: '{-' has no matching '-}'",
                                           _offset_span(text, path, m.start(), 2)))
            depth += 1 if d.group() == "{-" else -1
            end = d.end()
        out.append(_NOT_NEWLINE.sub(" ", text[m.start():end]))
        pos = end


# Line comments and strings hide brackets; `[T=`, `[F=`, `[FD=` and `[>` open nothing.
_SCAN = re.compile(r'--[^\n]*|"(?:[^"\\\n]|\\.)*"|\[(?:FD|T|F)=|\[>|([(\[{])|([)\]}])')


def _check_nesting(text: str, path: str) -> None:
    """Refuse absurd bracket nesting up front: later stages recurse over the AST."""
    depth = 0
    for m in _SCAN.finditer(text):
        bracket = m.lastindex  # 1 opens, 2 closes, None: a comment, a string, `[T=`, ...
        if bracket == 1:
            depth += 1
            if depth > MAX_NESTING:
                raise FitoError(Diagnostic("FITO105", f"brackets nested more than {MAX_NESTING} deep",
                                           _offset_span(text, path, m.start())))
        elif bracket == 2 and depth:
            depth -= 1


def _check_depth(decls: list, path: str) -> None:
    """Refuse ASTs deeper than MAX_DEPTH (level by level, without recursion: the AST may be very deep)."""
    level, depth = list(decls), 2
    while level:
        if depth > MAX_DEPTH:
            span = level[0].span
            line, col = (span.line, span.column) if span is not None else (1, 1)
            raise FitoError(Diagnostic("FITO105", f"expression nested more than {MAX_DEPTH} levels deep "
                                       "(operators chained without brackets); split it into named definitions",
                                       Span(path, line, col, line, col)))
        below: list = []
        for node in level:
            for name in _CHILD_FIELDS[type(node)]:
                v = getattr(node, name)
                if type(v) is tuple:
                    below += [x for x in v if isinstance(x, ast.Node)]
                elif isinstance(v, ast.Node):
                    below.append(v)
        level, depth = below, depth + 1


# An annotation naming only these cannot hold an AST node.
_ATOMIC_FIELD = re.compile(r"(?:\s|[|,.\[\]]|\bstr\b|\bint\b|\bbool\b|\bNone\b|\btuple\b)*")


class _ChildFields(dict):
    """type -> names of the fields that may hold AST nodes (or tuples of them)."""

    def __missing__(self, cls):
        names = tuple(n for n, f in cls.__dataclass_fields__.items()
                      if n != "span" and not _ATOMIC_FIELD.fullmatch(str(f.type)))
        self[cls] = names
        return names


_CHILD_FIELDS = _ChildFields()


def _offset_span(text: str, path: str, offset: int, width: int = 1) -> Span:
    line = text.count("\n", 0, offset) + 1
    col = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return Span(path, line, col, line, col + width - 1)
