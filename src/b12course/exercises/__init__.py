"""Exercise notebooks: ``build`` (solutions -> student copies), ``tasks`` (expected answers),
``compare`` (answer comparators) and ``checks`` (self-checks and hidden tests by task id).

Imports point one way: checks -> tasks -> compare.
"""
