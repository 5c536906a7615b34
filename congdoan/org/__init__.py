"""Organisation tree: units, tree operations, roles scoped to subtrees, scoping querysets."""
