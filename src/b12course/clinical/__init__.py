"""Pure clinical logic (no plotting, no widgets); ``schedule`` is the one dose-date engine."""
