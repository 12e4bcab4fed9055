"""A volume shown to a student is computed from a product's strength, or is a cited limit or size.

Every volume written as "N mL" (or a range "N–M mL") in a notebook's markdown or in a quiz bank
must be one of:

- a per-site limit from ``data/site_volumes.csv`` (either end of its range);
- the amount of product that holds the stated strength in ``data/products.csv`` (the ampoule or
  vial volume, e.g. the 1 mL ampoule);
- a sourced dose divided by its product's strength (``products.volume_ml``) for a row of
  ``data/regimens.csv``.

The allowed numbers are computed from the tables, never typed here.

A number alone cannot catch the error this file was written for: "a standard dose is 1 mL
[SMPC-OHCBL-EMC; FDA-CNCBL-LABEL]" uses an allowed number (1 mL is the UK dose) but attributes it to
the US label, whose dose (100 micrograms of a 1000 micrograms/mL vial) is a tenth of that. So a
sentence that gives the volume of a *dose* must also say whose dose it is: the product's substance
is named, the volume is followed by a citation, and every cited source that gives an injectable
dose gives one of that volume.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path

import pytest

from b12course.clinical import products
from b12course.sources import data, units
from b12course.sources.cells import is_blank
from b12course.sources.paths import REPO_ROOT, data_dir
from b12course.sources.references import split_keys

NOTEBOOKS = sorted((REPO_ROOT / "notebooks").glob("*.ipynb")) + sorted(
    (REPO_ROOT / "solutions").glob("*.ipynb")) + sorted((REPO_ROOT / "exercises").glob("*.ipynb"))
BANKS = sorted((data_dir() / "quizzes").glob("*.json"))
TEXT_FIELDS = ("question", "stem", "explanation", "answer", "feedback")

VOLUME = re.compile(r"(?<![\w.])(\d+(?:\.\d+)?)(?:\s*(?:–|-|to)\s*(\d+(?:\.\d+)?))?\s*(?:mL|ml)\b")
CITATION = re.compile(r"\[([A-Z0-9][A-Za-z0-9-]*(?:;\s*[A-Z0-9][A-Za-z0-9-]*)*)\]")
SENTENCE_BREAK = re.compile(r"(?<=[.!?])\s+(?=[A-Z*(\"'<])|\n+|\s\|\s")
DOSE_WORD = re.compile(r"\bdoses?\b", re.IGNORECASE)


def _key(value: float) -> float:
    return round(float(value), 6)


def _present(value) -> bool:
    return not is_blank(value)


@lru_cache(maxsize=1)
def injection_products() -> dict[str, str]:
    """product_id -> substance, for products measured in mL with a strength in the sources."""
    frame = data.load("products")
    rows = frame[(frame["per_unit"] == "mL") & frame["strength"].notna()]
    return dict(zip(rows["product_id"], rows["substance"], strict=True))


@lru_cache(maxsize=1)
def site_limits() -> frozenset[float]:
    frame = data.load("site_volumes")
    values = list(frame["volume_max_ml"]) + list(frame["volume_min_ml"].dropna())
    return frozenset(_key(v) for v in values)


@lru_cache(maxsize=1)
def site_keys() -> frozenset[str]:
    return frozenset(k for s in data.load("site_volumes")["source"] for k in split_keys(s))


@lru_cache(maxsize=1)
def product_sizes() -> frozenset[float]:
    frame = data.load("products")
    return frozenset(_key(v) for v in frame[frame["per_unit"] == "mL"]["per_amount"].dropna())


@lru_cache(maxsize=1)
def dose_volumes_by_key() -> dict[str, frozenset[float]]:
    """source key -> every volume (dose ÷ strength) of the injectable doses that key gives."""
    found: dict[str, set[float]] = {}
    for row in data.records("regimens"):
        if row["product_id"] not in injection_products():
            continue
        for dose in (row["dose"], row["dose_max"]):
            if not _present(dose):
                continue
            mcg = units.convert(float(dose), row["dose_unit"], "mcg")
            volume = _key(products.volume_ml(mcg, row["product_id"]))
            for key in split_keys(row["source"]):
                found.setdefault(key, set()).add(volume)
    return {k: frozenset(v) for k, v in found.items()}


@lru_cache(maxsize=1)
def substances_by_key() -> dict[str, frozenset[str]]:
    found: dict[str, set[str]] = {}
    for row in data.records("regimens"):
        substance = injection_products().get(row["product_id"])
        if substance and _present(row["dose"]):
            for key in split_keys(row["source"]):
                found.setdefault(key, set()).add(substance)
    return {k: frozenset(v) for k, v in found.items()}


def allowed_volumes() -> frozenset[float]:
    doses = {v for vs in dose_volumes_by_key().values() for v in vs}
    return site_limits() | product_sizes() | frozenset(doses)


def _volumes(match) -> list[float]:
    return [_key(g) for g in match.groups() if g is not None]


def _keys(text: str) -> list[str]:
    return [k for group in CITATION.findall(text) for k in split_keys(group)]


def _unlisted(text: str, where: str) -> list[str]:
    """Volumes that are neither a site limit, a product size nor a sourced dose ÷ strength."""
    allowed = allowed_volumes()
    return [f"{where}: {m.group(0)!r} is not a site limit (site_volumes.csv), a product size "
            f"(products.csv) or a sourced dose ÷ strength: compute it, or cite the row "
            f"(…{text[max(0, m.start() - 60):m.end() + 20]}…)"
            for m in VOLUME.finditer(text) if any(v not in allowed for v in _volumes(m))]


def _dose_attribution(segment: str, volumes: list[float], keys: list[str], where: str,
                      context: str, strict: bool) -> list[str]:
    """Problems with a dose volume: no source that gives a dose, wrong source, unnamed product."""
    doses = dose_volumes_by_key()
    dose_keys = [k for k in keys if k in doses]
    volumes = [v for v in volumes
               if not (v in site_limits() and set(keys) & site_keys() and
                       not any(v in doses[k] for k in dose_keys))]
    if not volumes:
        return []
    if not dose_keys:
        return [f"{where}: a dose volume ({', '.join(f'{v:g} mL' for v in volumes)}) must cite "
                f"whose dose it is (a source of a dose in regimens.csv): {segment.strip()!r}"]
    problems = []
    for v in volumes:
        if strict:  # every source cited right after the volume must give a dose of that volume
            wrong = [k for k in dose_keys if v not in doses[k]]
        else:  # a question's whole source list: one of them must give it
            wrong = [] if any(v in doses[k] for k in dose_keys) else dose_keys
        for k in wrong:
            problems.append(f"{where}: {v:g} mL is attributed to {k}, whose doses give "
                            f"{', '.join(f'{x:g} mL' for x in sorted(doses[k]))} "
                            f"(dose ÷ strength): {segment.strip()!r}")
    named = {s for k in dose_keys for s in substances_by_key().get(k, ())}
    if named and not any(s in context.lower() for s in named):
        problems.append(f"{where}: a dose volume must name the product's substance "
                        f"({' or '.join(sorted(named))}), not 'a B12 dose': {segment.strip()!r}")
    return problems


def markdown_problems(text: str, where: str = "markdown") -> list[str]:
    """Both rules for one markdown text (a cell, or a line quoted from one)."""
    problems = _unlisted(text, where)
    for sentence in SENTENCE_BREAK.split(text):
        if not DOSE_WORD.search(sentence):
            continue
        for m in VOLUME.finditer(sentence):
            cite = CITATION.search(sentence, m.end())
            before = list(CITATION.finditer(sentence, 0, m.start()))
            start = before[-1].end() if before else 0
            segment = sentence[start:cite.end() if cite else len(sentence)]
            keys = _keys(cite.group(0)) if cite else []
            problems += _dose_attribution(segment, _volumes(m), keys, where, segment, strict=True)
    return problems


def notebook_problems(path: Path) -> list[str]:
    nb = json.loads(Path(path).read_text(encoding="utf-8"))
    problems = []
    for i, cell in enumerate(nb["cells"], start=1):
        if cell["cell_type"] == "markdown":
            source = cell["source"]
            text = "".join(source) if isinstance(source, list) else source
            problems += markdown_problems(text, f"{Path(path).name}, cell {i}")
    return problems


def _question_problems(q: dict, where: str, outer: str = "", outer_source: str = "") -> list[str]:
    problems = []
    source = q.get("source") or outer_source
    context = " ".join([outer, q.get("stem", ""), q.get("question", "")])
    texts = [q.get(f, "") for f in ("question", "stem", "explanation")]
    for answer in q.get("answers", []):
        texts += [answer.get("answer", ""), answer.get("feedback", "")]
        if answer.get("correct") and answer.get("unit") in ("mL", "ml"):
            texts.append(f"{answer['value']:g} mL")
    texts += q.get("steps", [])
    for text in filter(None, texts):
        problems += _unlisted(text, where)
        if DOSE_WORD.search(text):
            for m in VOLUME.finditer(text):
                keys = _keys(text) or split_keys(source)
                problems += _dose_attribution(text, _volumes(m), keys, where,
                                              context + " " + text, strict=False)
    for part in q.get("parts", []):
        problems += _question_problems(part, f"{where} > {part['id']}", context, source)
    return problems


def bank_problems(path: Path) -> list[str]:
    bank = json.loads(Path(path).read_text(encoding="utf-8"))
    return [p for q in bank["questions"]
            for p in _question_problems(q, f"{Path(path).name} > {q['id']}")]


# ------------------------------------------------------------------------------------ tests


def test_allowed_volumes_are_computed_from_the_tables():
    uk = data.load("products").set_index("product_id").loc["ohcbl-inj-uk"]
    label = [r for r in data.records("regimens") if r["regimen_id"] == "us-label-cncbl-maint"][0]
    label_volume = _key(products.volume_ml(units.convert(float(label["dose"]), label["dose_unit"],
                                                         "mcg"), label["product_id"]))
    assert _key(uk["per_amount"]) in allowed_volumes()
    assert label_volume in dose_volumes_by_key()["FDA-CNCBL-LABEL"]
    assert _key(uk["per_amount"]) not in dose_volumes_by_key()["FDA-CNCBL-LABEL"]
    assert max(site_limits()) == _key(data.load("site_volumes")["volume_max_ml"].max())


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_notebook_volumes_are_limits_sizes_or_computed_doses(path):
    assert notebook_problems(path) == []


@pytest.mark.parametrize("path", BANKS, ids=lambda p: p.name)
def test_quiz_bank_volumes_are_limits_sizes_or_computed_doses(path):
    assert bank_problems(path) == []


# The two sentences of notebook 04 that a clinical review flagged (quoted from the notebook as it
# was before the fix): the checker must catch both.
OLD_NOTEBOOK_04 = [
    "For B12 this debate rarely bites: a standard dose is **1 mL** [SMPC-OHCBL-EMC; "
    "FDA-CNCBL-LABEL], within every limit in the figure.",
    "- Volume limits vary by source [JBI-MURCIA; MEDSCHOOL-IM], but a B12 dose is 1 mL, within "
    "all of them [SMPC-OHCBL-EMC].",
]


@pytest.mark.parametrize("text", OLD_NOTEBOOK_04, ids=["attributed-to-us-label", "generic-b12"])
def test_the_reviewed_notebook_04_sentences_are_caught(text):
    assert markdown_problems(text) != []


@pytest.mark.parametrize("text, caught", [
    ("The US cyanocobalamin label dose of 100 micrograms is 0.1 mL [FDA-CNCBL-LABEL].", False),
    ("The UK hydroxocobalamin 1 mg dose fills the 1 mL ampoule [SMPC-OHCBL-EMC; FORM-NI].", False),
    ("The US cyanocobalamin label dose is 1 mL [FDA-CNCBL-LABEL].", True),
    ("The hydroxocobalamin dose is 1 mL.", True),
    ("A deltoid takes 0.5–1 mL in children.", True),
    ("Give the 7 mL dose of hydroxocobalamin [SMPC-OHCBL-EMC].", True),
    ("The deltoid takes up to 2 mL [JBI-MURCIA].", False),
])
def test_checker_tells_computed_volumes_from_invented_or_misattributed_ones(text, caught):
    assert bool(markdown_problems(text)) is caught, markdown_problems(text)
