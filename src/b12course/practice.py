"""A one-question practice quiz for notebook 00: learn how Check and feedback work."""

from __future__ import annotations

import ipywidgets as widgets

QUESTION = "A vial label reads 1 mg/mL. How many micrograms (mcg, µg) are in 1 mL?"
OPTIONS = ("1 microgram", "100 micrograms", "1000 micrograms", "10 000 micrograms")
CORRECT = "1000 micrograms"
WHY = (
    "1 mg = 1000 micrograms, so a 1 mg/mL solution holds 1000 micrograms in every mL. "
    "Writing 'micrograms' in full avoids mg/mcg mix-ups (source: SMPC-OHCBL-EPG)."
)


def practice_quiz() -> widgets.VBox:
    """Build the practice question; every callback closes over its own widgets."""
    choices = widgets.RadioButtons(options=OPTIONS, value=None, description="Answer:",
                                   layout=widgets.Layout(width="auto"))
    check = widgets.Button(description="Check", tooltip="Check your answer")
    feedback = widgets.HTML(value="<i>Choose an answer, then press Check.</i>")

    def on_check(_button) -> None:
        if choices.value is None:
            feedback.value = "ℹ️ Please choose an answer first."
        elif choices.value == CORRECT:
            feedback.value = f"✅ <b>Correct.</b> {WHY}"
        else:
            feedback.value = f"❌ <b>Not quite</b> ({choices.value}). Try again. {WHY}"

    check.on_click(on_check)
    return widgets.VBox([widgets.HTML(f"<b>{QUESTION}</b>"), choices, check, feedback])
