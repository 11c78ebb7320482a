"""The residents' pages at /my/, one module per feature."""
