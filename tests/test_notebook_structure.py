"""Course notebooks follow the template: header, objectives, quizzes, key points, references."""

import json
import re

import pytest

from b12course.sources import coursemap, references
from b12course.sources.paths import REPO_ROOT, data_dir

NOTEBOOK_DIR = REPO_ROOT / "notebooks"
COURSE = sorted(p for p in NOTEBOOK_DIR.glob("[0-9][0-9]_*.ipynb"))
SESSIONS = {s.filename: s for s in coursemap.sessions()}
MAX_CODE_LINES = 25


def _cells(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    for cell in nb["cells"]:
        source = cell["source"]
        yield cell["cell_type"], "".join(source) if isinstance(source, list) else source


def _markdown(path):
    return [text for kind, text in _cells(path) if kind == "markdown"]


def _code(path):
    return [text for kind, text in _cells(path) if kind == "code"]


def _leaf_questions(bank):
    for question in bank["questions"]:
        if question.get("type") == "case":
            yield from question.get("parts", [])
        else:
            yield question


ids = {"ids": lambda p: p.name}


def test_course_notebooks_exist():
    assert COURSE, "no numbered notebooks in notebooks/"


@pytest.mark.parametrize("path", COURSE, **ids)
def test_notebook_is_in_the_course_map(path):
    assert path.name in SESSIONS, f"{path.name} has no row in data/course_map.csv"


@pytest.mark.parametrize("path", COURSE, **ids)
def test_header_has_title_audience_time_prerequisites_and_disclaimer(path):
    first = _markdown(path)[0]
    number = path.name[:2]
    assert re.match(rf"# {number} · \S", first), f"{path.name}: start with '# {number} · Title'"
    assert "**Audience:**" in first and "**Prerequisites:**" in first
    minutes = re.search(r"\*\*Estimated time:\*\* (\d+) minutes", first)
    assert minutes, f"{path.name}: missing '**Estimated time:** N minutes.'"
    assert int(minutes.group(1)) == SESSIONS[path.name].minutes, (
        f"{path.name}: estimated time differs from data/course_map.csv"
    )
    assert "> **For education only.**" in first and "dose a patient" in first


@pytest.mark.parametrize("path", COURSE, **ids)
def test_three_to_five_measurable_objectives(path):
    cell = next((t for t in _markdown(path) if t.startswith("## Learning objectives")), None)
    assert cell, f"{path.name}: no '## Learning objectives' cell"
    objectives = re.findall(r"^\d+\. \*\*([A-Z][a-z]+)\*\*", cell, flags=re.M)
    assert 3 <= len(objectives) <= 5, f"{path.name}: {len(objectives)} objectives"


@pytest.mark.parametrize("path", COURSE, **ids)
def test_sections_in_template_order(path):
    headings = [line for text in _markdown(path) for line in text.splitlines()
                if line.startswith("## ")]
    assert headings[0] == "## Learning objectives"
    assert "## Key points" in headings and headings[-1] == "## References"
    assert headings.index("## Key points") == len(headings) - 2


@pytest.mark.parametrize("path", COURSE, **ids)
def test_references_are_rendered_not_typed_and_all_resolve(path):
    name = path.stem
    assert f'citations.show_for_notebook("{name}")' in _code(path)[-1]
    cited = references.cited_in_notebook(name)
    assert cited, f"{path.name} cites no sources"
    assert references.unresolved(cited) == []


@pytest.mark.parametrize("path", [p for p in COURSE if not p.name.startswith("00_")], **ids)
def test_quiz_bank_has_five_questions_and_a_case_and_is_used(path):
    bank_path = data_dir() / "quizzes" / f"{path.stem}.json"
    assert bank_path.exists(), f"no quiz bank {bank_path.name}"
    bank = json.loads(bank_path.read_text(encoding="utf-8"))
    assert len(list(_leaf_questions(bank))) >= 5
    assert any(q.get("type") == "case" for q in bank["questions"]), "no case-study question"
    shows = [c for c in _code(path) if f'quiz.show("{path.stem}"' in c]
    assert len(shows) >= 2, f"{path.name}: use formative quiz checks through the notebook"


@pytest.mark.parametrize("path", COURSE, **ids)
def test_code_cells_are_short_and_location_independent(path):
    for text in _code(path):
        assert len(text.splitlines()) <= MAX_CODE_LINES, f"{path.name}: long code cell:\n{text}"
        assert "sys.path" not in text and "../" not in text and "os.chdir" not in text
