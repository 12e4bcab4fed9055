"""Helper package for the adult vitamin B12 IM injection dosing course.

Education only: nothing here is for dosing a real patient. Clinical rules live once, in tested
Python, and every number is read from the cited tables in ``data/``.
"""

__version__ = "0.1.0"

DISCLAIMER = (
    "For education only: this course teaches principles and does not replace local guidelines, "
    "product information or a prescriber's judgement. Do not use it to dose a patient."
)

__all__ = ["DISCLAIMER", "__version__"]
