"""Grade submitted exercise notebooks into a gradebook (one fresh kernel per submission).

``b12course grade SUBMISSIONS... --out gradebook.csv`` is the command;
``b12course.grading.runner.grade(...)`` the API.
Modules: ``options`` (command-line arguments), ``discover`` (which file is whose), ``assemble``
(put the instructor's tests back by grade_id), ``worker`` (execute one notebook in its own
process and kernel), ``runner`` (parallel batch with progress), ``report`` (CSV files, summary),
``samples`` (generated fake submissions for trying the grader and for the benchmark).
"""
