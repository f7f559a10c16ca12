"""Front end: grammar, parser, AST, printer, include loader."""
from .loader import Program, load, load_text
from .parser import parse_expr, parse_text
from .printer import print_decl, print_expr, print_module, print_pattern

__all__ = ["Program", "load", "load_text", "parse_expr", "parse_text",
           "print_decl", "print_expr", "print_module", "print_pattern"]
