"""Grade submitted exercise notebooks into a gradebook (one fresh kernel per submission).

``b12course grade SUBMISSIONS... --out gradebook.csv`` is the command;
``b12course.grading.runner.grade(...)`` the API.
Modules: ``options`` (command-line arguments), ``discover`` (which file is whose), ``lms``
(Canvas / Moodle download names), ``archive`` (unpack a .zip safely), ``export`` (Canvas /
Moodle import CSVs), ``assemble``
(put the instructor's tests back by grade_id), ``worker`` (execute one notebook in its own
process and kernel), ``kernel_run`` (cell by cell: interrupt, output cap, restart a dead kernel),
``sandbox`` (the kernel's memory cap and no network), ``kernel_guard`` (inside the kernel: exit()
and tampered checking helpers), ``progress`` (the progress line, naming a stuck submission),
``runner`` (parallel batch with progress), ``report`` (CSV files, summary),
``samples`` (generated fake submissions for trying the grader and for the benchmark).
After grading: ``marking`` (written answers: marking sheet, marks folded into the gradebook),
``feedback`` (one HTML page per student), ``handback`` (``b12course grade marks|feedback``),
``sheets`` (gradebooks and marking sheets read tolerantly, as a spreadsheet may re-save them).
"""
