"""Graph nodes, one per file, named by what they do."""
