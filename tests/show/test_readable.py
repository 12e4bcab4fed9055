"""Narrow tables: the same facts as the wide course table, in fewer, worded columns."""

import math
from types import SimpleNamespace

import pytest

from b12course.clinical import technique
from b12course.show import readable
from b12course.show.tables import readable as styled


def _row(low_inch, high_inch):
    low_mm = float("nan") if math.isnan(low_inch) else technique.to_mm(low_inch)
    return SimpleNamespace(length_min_inch=low_inch, length_max_inch=high_inch,
                           length_min_mm=low_mm, length_max_mm=technique.to_mm(high_inch))


@pytest.mark.parametrize(("low", "high", "text"), [
    (0.625, 1.0, "5/8-1 inch (15.875-25.4 mm)"),
    (1.0, 1.0, "1 inch (25.4 mm)"),
    (1.0, 1.5, "1-1 1/2 inch (25.4-38.1 mm)"),
    (float("nan"), 3.0, "up to 3 inch (76.2 mm)"),
])
def test_needle_length_text_gives_inches_and_unrounded_millimetres(low, high, text):
    assert readable.needle_length_text(_row(low, high)) == text


def test_needle_lengths_keeps_every_row_in_six_columns():
    wide = technique.needle_table()
    narrow = readable.needle_lengths()
    assert list(narrow.columns) == readable.NEEDLE_COLUMNS
    assert len(narrow) == len(wide)
    assert list(narrow["source"]) == list(wide["source"])
    assert list(narrow["guide"]) == list(wide["guide"])
    first = narrow.iloc[0]
    assert first["weight"] == "under 60 kg (130 lb)"
    assert first["needle length"] == "5/8-1 inch (15.875-25.4 mm)"
    assert "60-70 kg (130-152 lb)" in set(narrow["weight"])


def test_needle_lengths_shows_without_an_empty_header():
    html = styled(readable.needle_lengths()).to_html()
    assert "needle length" in html and "<th></th>" not in html.replace(" ", "")


# ------------------------------------------------------------------------------ doses in words

@pytest.mark.parametrize(("mcg", "text"), [(1000.0, "1000 micrograms"), (1000, "1000 micrograms"),
                                           (100.0, "100 micrograms"), (2.5, "2.5 micrograms")])
def test_a_dose_reads_in_micrograms_without_a_trailing_zero(mcg, text):
    assert readable.dose_text(mcg) == text
    assert "mcg" not in readable.dose_with_mg(mcg) and ".0 " not in readable.dose_with_mg(mcg)


def test_a_dose_with_mg_gives_both_units():
    assert readable.dose_with_mg(1000.0) == "1000 micrograms (1 mg)"


# ------------------------------------------------------------- long source text as short points

def _every_uncertainty():
    import itertools

    from b12course.clinical import regimens

    for cause, neuro, region in itertools.product(regimens.CAUSES, (False, True),
                                                  regimens.REGIONS):
        text = regimens.recommend(cause, neuro, region).uncertainty
        if text:
            yield text


def test_points_keep_every_word_of_every_uncertainty_text_in_order():
    texts = list(_every_uncertainty())
    assert texts
    for text in texts:
        found = readable.points(text)
        assert [w for p in found for w in p.words()] == text.split()
        assert found


def test_citations_stay_whole_and_also_stated_lists_one_option_per_line():
    text = ("Loading differs between sources. Shown first: 1 mg IM daily [A-1; B-2]. Also "
            "stated: 250 micrograms weekly (UK SmPC, x; y) [C-3; D-4]; 100 micrograms daily "
            "[E-5]. 'every 2-3 months' is a range. Not confirmed (UNVERIFIED): a. [F-6] "
            "Injection regimens are listed.")
    found = readable.points(text)
    assert [p.text for p in found] == [
        "Loading differs between sources.", "'every 2-3 months' is a range.",
        "Not confirmed (UNVERIFIED): a. [F-6]", "Injection regimens are listed."]
    shown, also = found[0].under
    assert shown.text == "Shown first: 1 mg IM daily [A-1; B-2]." and not shown.under
    assert also.text == "Also stated:"
    assert [p.text for p in also.under] == [
        "250 micrograms weekly (UK SmPC, x; y) [C-3; D-4];", "100 micrograms daily [E-5]."]


def test_points_html_folds_comparisons_and_keeps_warnings_visible():
    html = readable.points_html("Loading differs between sources. Shown first: a [K-1]. "
                                "No source gives a regimen for this cause [K-2].",
                                "Where the sources differ")
    visible, folded = html.split("<details>")
    assert "No source gives a regimen for this cause [K-2]." in visible  # review AK02
    assert folded.startswith("<summary>Where the sources differ (1 point)</summary>")
    assert "Shown first: a [K-1]." in folded and html.endswith("</details>")
    assert readable.points_html("", "x") == ""
    assert "&lt;b&gt;" in readable.points_html("A <b> tag.", "x")


def test_an_option_is_never_cut_from_its_conditions_and_citation():
    """Review AK01: 'Also stated' splits only after a closing citation, so every option
    bullet carries its source (e.g. the oral option with nerve involvement keeps its limit)."""
    options = 0
    for text in _every_uncertainty():
        for point in readable.points(text):
            for under in point.under:
                if under.text == "Also stated:":
                    for option in under.under:
                        options += 1
                        assert "[" in option.text and option.text.rstrip(";.").endswith("]"), \
                            option.text
    assert options > 30


def test_warnings_that_are_not_comparisons_stay_visible_in_every_plan():
    """Review AK02: e.g. 'no separate regimen for neurological involvement' (US) is never
    folded away."""
    import html
    import itertools
    import re

    from b12course.clinical import regimens
    from b12course.show import worked
    from b12course.show.widgets.regimen_explorer import regimen_html

    seen = 0
    for cause, neuro, region in itertools.product(regimens.CAUSES, (False, True),
                                                  regimens.REGIONS):
        regimen = regimens.recommend(cause, neuro, region)
        explorer = regimen_html(regimen).split("<details>")[0]
        page = re.sub(r"<details>.*?</details>", "",
                      worked.plan(cause, neurological=neuro, region=region), flags=re.S)
        for point in readable.points(regimen.uncertainty):
            if not point.text.endswith("differs between sources."):
                seen += 1
                assert html.escape(point.text) in explorer, (cause, neuro, region)
                assert html.escape(point.text) in page, (cause, neuro, region)  # AL05
    assert seen >= 8


# ------------------------------------------------------------------ laboratory schemes by name

def test_every_b12_scheme_in_the_data_has_a_name_read_from_its_own_citation():
    import re

    from b12course.clinical import labs
    from b12course.sources import data

    table, refs = data.load("lab_thresholds"), data.load("references").set_index("key")
    skip = {"laboratory", "historical", "and", "guideline", "clinical", "ranges", "after", "its"}
    for code in dict.fromkeys(labs.schemes("total_b12") + labs.schemes("active_b12")):
        name = readable.scheme_name(code)
        assert name != code and not re.search(r"\b[A-Z]{2,}-[A-Z0-9]", name), code
        keys = readable.SCHEME_SOURCE[code]
        region = " ".join(table.loc[table["scheme"] == code, "region"].unique())
        cited = " ".join([*keys, region, *(f"{refs.loc[k, 'citation']} {refs.loc[k, 'year']}"
                                           for k in keys)]).lower()
        for word in re.findall(r"[A-Za-z0-9]+", name):
            assert word.lower() in skip or word.lower() in cited, (code, word)
        assert ("historical" in name) == labs.is_historical(code)


def test_an_unnamed_scheme_keeps_its_code_rather_than_an_invented_name():
    assert readable.scheme_name("NEW-LAB-2030") == "NEW-LAB-2030"
    name = "North Bristol NHS Trust (Severn Pathology) laboratory"
    assert readable.scheme_options(["NBT-B12"]) == [(name, "NBT-B12")]
