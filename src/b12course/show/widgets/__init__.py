"""Interactive explorers for the notebooks; each module exposes one factory function."""
