"""Tables shown to students: full text, plain numbers, and text shown as text (escaped)."""

import pandas as pd

from b12course.show.tables import readable


def test_table_shows_symbols_as_text_and_numbers_plainly():
    frame = pd.DataFrame({"band": ["< 180 ng/L", "<b>not bold</b>"], "value": [1.5, float("nan")]})
    html = readable(frame, caption="Bands").to_html()
    assert "&lt; 180 ng/L" in html and "&lt;b&gt;not bold&lt;/b&gt;" in html
    assert ">1.5<" in html and "nan" not in html.lower().replace("nan-", "")
    assert "Bands" in html


def test_headers_are_words_with_the_unit_in_brackets():
    frame = pd.DataFrame({"dose_mcg": [1000.0], "retained_percent": [75.0], "dose_max": [None],
                          "needle length": ["1 inch"], "usual_route": ["IM"], 3: [1]})
    html = readable(frame).to_html()
    for shown in ("dose (micrograms)", "retained (%)", "dose max", "needle length",
                  "usual route"):
        assert f">{shown}</th>" in html, shown
    assert "_" not in "".join(str(c) for c in readable(frame).data.columns)
    assert ">1000<" in html and "1000.0" not in html
    assert list(frame.columns)[0] == "dose_mcg"  # the caller's frame is not changed
