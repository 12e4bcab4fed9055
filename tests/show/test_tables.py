"""Tables shown to students: full text, plain numbers, and text shown as text (escaped)."""

import pandas as pd

from b12course.show.tables import readable


def test_table_shows_symbols_as_text_and_numbers_plainly():
    frame = pd.DataFrame({"band": ["< 180 ng/L", "<b>not bold</b>"], "value": [1.5, float("nan")]})
    html = readable(frame, caption="Bands").to_html()
    assert "&lt; 180 ng/L" in html and "&lt;b&gt;not bold&lt;/b&gt;" in html
    assert ">1.5<" in html and "nan" not in html.lower().replace("nan-", "")
    assert "Bands" in html
