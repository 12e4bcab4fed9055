"""What a student sees: course-styled figures, readable tables, alt text and captions, explorers.

Builders here take facts from ``b12course.clinical`` and draw or word them; they compute no
clinical fact themselves. ``show.widgets`` holds the interactive explorers.
"""
