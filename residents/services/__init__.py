"""The residents' business actions, one module per feature (as ``models/``)."""
