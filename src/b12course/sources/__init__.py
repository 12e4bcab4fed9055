"""The bottom layer: the cited tables and course files (load, schema, references, units, paths).

Nothing here imports matplotlib, ipywidgets or IPython; every layer above reads data through it.
"""
