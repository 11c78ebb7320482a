"""The residents' forms, one module per feature."""
