"""Pure clinical logic from the cited tables (no plotting, no widgets, no display).

``schedule`` is the one dose-date engine; regimens, labs, diagnosis, technique, products, stores,
trajectories, physiology and pitfalls compute the course's clinical facts.
"""
