"""Names, types and values: the resolver/type checker and the expression evaluator."""
