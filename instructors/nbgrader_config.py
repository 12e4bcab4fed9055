"""nbgrader settings for the course's exercises: copy this file into your nbgrader course folder.

See instructors/README.md, "Using nbgrader". tests/grading/test_nbgrader.py runs nbgrader with it.
"""

c = get_config()  # noqa: F821 (nbgrader provides get_config)

# The placeholder the course's exercises put in a written answer
# (b12course.exercises.build.MARKDOWN_PLACEHOLDER). With the same text here, the checksum nbgrader
# stores for a written answer matches an untouched one, so nbgrader scores it 0 instead of
# waiting for a hand mark.
c.ClearSolutions.text_stub = "_YOUR ANSWER HERE: replace this line with your answer._"
