"""The course's cited tables and quiz banks, shipped in the wheel as ``b12course.course_data``.

Nothing to import here: read the files through ``b12course.sources.paths.data_dir()``.
"""
