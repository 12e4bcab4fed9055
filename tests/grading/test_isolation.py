"""Per-task isolation and scores that agree with the student's self-checks (issue 16, items 2, 3,
6 and 8): one runaway cell, a dead kernel, a memory hog, a network call, a stray error, a pasted
answer cell, tampering or exit() spoils only its own task, and every run gives the same bytes."""

from __future__ import annotations

import io
import json
import socket
import time

import nbformat
import pytest

from b12course.exercises import build
from b12course.grading import assemble, progress, runner, samples, sandbox
from grading_fixtures import ALPHA, answer_cell, solution_notebook, variant, write_solutions

TIMEOUT = 4
REAL = "03_regimens_by_cause_exercises"  # a real exercise: its tests call checks.require


def _save(folder, nb, name=f"{ALPHA}.ipynb"):
    folder.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, folder / name)


def _class(root, port):
    sol = solution_notebook("a")
    students = root / "class"
    fixtures = {
        "loop": dict(a_one_answer="while True:\n    pass"),
        "deaf": dict(a_one_answer=("import time\nwhile True:\n    try:\n        time.sleep(0.2)\n"
                                   "    except KeyboardInterrupt:\n        pass")),
        "flood": dict(a_one_answer="a_one = 6\nprint('x' * 3_000_000)"),
        "osexit": dict(a_one_answer="import os\nos._exit(1)"),
        "segfault": dict(a_one_answer="import ctypes\nctypes.string_at(0)"),
        "hog": dict(a_one_answer="block = bytearray(3 * 2**30)\na_one = 6"),
        "net": dict(a_one_answer=(f"import socket\nsocket.create_connection(('127.0.0.1', {port}),"
                                  " timeout=5).close()\na_one = 6")),
        "stray": dict(a_one_answer="a_one = 6\nprint(undefined_name)"),
        "exits": dict(a_one_answer="a_one = 6\nexit()"),
        "builtin": dict(a_one_answer="import builtins\nbuiltins.sum = lambda *args: 6\n"
                                     "a_one = 5"),
    }
    for name, answers in fixtures.items():
        _save(students / name, variant(sol, **answers))
    pasted = variant(sol, a_one_answer="a_one = 5")
    copy = nbformat.from_dict(json.loads(json.dumps(answer_cell(pasted, "a-one-answer"))))
    copy.source, copy["id"] = "a_one = base * 3", "pasted-copy"
    pasted.cells.insert(pasted.cells.index(answer_cell(pasted, "a-one-answer")) + 2, copy)
    _save(students / "pasted", pasted)
    real = build.load_solutions()[REAL]
    for kind in ("tamper", "memory-hog", "correct"):
        _save(students / f"real-{kind}", samples.submission(kind, real), f"{REAL}.ipynb")
    renamed = samples.submission("tamper", real)  # a wrong answer, then the name rebound
    first = next(c for c in renamed.cells if build.nbgrader_meta(c).get("solution"))
    first.source = first.source.replace(
        "checks.require = lambda *args, **kwargs: None",
        "import types\nchecks = types.SimpleNamespace(require=print, check_answer=print)")
    _save(students / "real-rebind", renamed, f"{REAL}.ipynb")
    return students


@pytest.fixture(scope="module")
def listener():
    """A listening socket on the loopback: student code must not reach it."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(5)
    server.settimeout(0.2)
    yield server
    server.close()


def _accepted(server) -> bool:
    try:
        conn, _ = server.accept()
    except TimeoutError:
        return False
    conn.close()
    return True


@pytest.fixture(scope="module")
def graded(tmp_path_factory, listener):
    root = tmp_path_factory.mktemp("isolation")
    solutions = write_solutions(root / "solutions")
    build_solutions = build.solutions_dir()
    for path in build.solution_paths(build_solutions):
        if path.stem == REAL:
            (solutions / path.name).write_bytes(path.read_bytes())
    students = _class(root, listener.getsockname()[1])
    stream = io.StringIO()
    result = runner.grade([students], root / "out" / "gradebook.csv", jobs=2, timeout=TIMEOUT,
                          solutions=solutions, output_limit_mb=1, progress=stream)
    return root, students, solutions, result, stream.getvalue()


def rows_of(result, student):
    return {r.grade_id: r for r in result.rows if r.student == student}


# --- problem 2: one runaway cell zeroes every later task -------------------------------------

def test_endless_loop_is_interrupted_and_the_next_task_is_graded(graded):
    rows = rows_of(graded[3], "loop")
    assert rows["a-one"].status == "timeout" and f"longer than {TIMEOUT} s" in rows["a-one"].message
    assert rows["a-two"].status == "pass" and rows["a-two"].points == 2


def test_loop_that_ignores_the_interrupt_gets_a_fresh_kernel(graded):
    rows = rows_of(graded[3], "deaf")
    assert rows["a-one"].status == "timeout"
    assert rows["a-two"].status == "pass" and "restarted kernel" in rows["a-two"].message


def test_output_over_the_cap_is_cut_off_not_fatal(graded):
    rows = rows_of(graded[3], "flood")
    assert rows["a-one"].status == "pass" and "cut off" in rows["a-one"].message
    assert rows["a-two"].status == "pass"


@pytest.mark.parametrize("student", ["osexit", "segfault"])
def test_dead_kernel_is_restarted_for_the_remaining_tasks(graded, student):
    rows = rows_of(graded[3], student)
    assert rows["a-one"].status == "kernel-died" and "restarted" in rows["a-one"].message
    assert rows["a-two"].status == "pass" and rows["a-two"].points == 2


def test_memory_is_capped_per_submission(graded):
    rows = rows_of(graded[3], "hog")  # 3 GiB asked for: over the default 2 GiB cap
    assert rows["a-one"].status == "memory-limit" and "2 GiB" in rows["a-one"].message
    assert rows["a-two"].status == "pass"
    real = rows_of(graded[3], "real-memory-hog")  # [0] * 10**10
    assert real["03-uk-volume"].status == "memory-limit"
    assert rows_of(graded[3], "real-correct")["03-uk-volume"].status == "pass"


def test_student_code_gets_no_network(graded, listener):
    row = rows_of(graded[3], "net")["a-one"]
    assert row.status == "error" and "OSError" in row.message
    assert not _accepted(listener)


def test_soft_network_block_when_no_namespace(tmp_path, listener):
    solutions = write_solutions(tmp_path / "solutions")
    sol = solution_notebook("a")
    port = listener.getsockname()[1]
    _save(tmp_path / "class" / "net", variant(sol, a_one_answer=(
        f"import socket\nsocket.create_connection(('127.0.0.1', {port}), timeout=5)\na_one = 6")))
    result = runner.grade([tmp_path / "class"], tmp_path / "gb.csv", timeout=TIMEOUT,
                          solutions=solutions, network=sandbox.SOFT)
    row = rows_of(result, "net")["a-one"]
    assert row.status == "error" and sandbox.NO_NETWORK in row.message
    assert not _accepted(listener)


def test_soft_block_is_announced(monkeypatch):
    monkeypatch.setattr(sandbox, "network_mode", lambda: (sandbox.SOFT, "no unshare here"))
    stream = io.StringIO()
    assert runner._network(stream) == sandbox.SOFT
    assert "soft block" in stream.getvalue() and "no unshare here" in stream.getvalue()


# --- problem 3: grades contradict the student's own self-checks ------------------------------

def test_right_answer_then_a_stray_error_is_graded_as_the_answer(graded):
    rows = rows_of(graded[3], "stray")
    assert rows["a-one"].status == "pass" and rows["a-one"].points == 1
    assert "NameError" in rows["a-one"].message  # the stray error is still reported


def test_pasted_answer_cell_is_graded_on_the_last_copy_and_flagged(graded):
    row = rows_of(graded[3], "pasted")["a-one"]
    assert row.status == "pass" and row.points == 1
    assert "appears 2 times; the last copy was graded" in row.message


# --- problem 6: tampering and exit() ---------------------------------------------------------

def test_rebinding_checks_require_is_tampering_and_needs_a_look(graded):
    rows = rows_of(graded[3], "real-tamper")
    row = rows["03-uk-volume"]  # a wrong answer that switched the hidden test off
    assert row.status == "tampered" and row.points == 0
    assert "checks.require" in row.message and "did not pass" in row.message
    assert rows["03-us-volume"].status == "pass"  # the real checks were put back
    assert "real-tamper (tampered)" in graded[3].text.split("Needs a look:")[1]


def test_rebinding_the_checks_name_is_tampering(graded):
    row = rows_of(graded[3], "real-rebind")["03-uk-volume"]
    assert row.status == "tampered" and row.points == 0
    assert "(checks)" in row.message and "did not pass" in row.message


def test_tricky_samples_are_what_they_say():
    real = build.load_solutions()[REAL]
    gid = next(g for g in assemble.grade_ids(real) if g.endswith("-answer"))
    plan = assemble.assemble(real, samples.submission("duplicate-answer", real))
    assert plan.duplicates == {gid: 2}
    last = plan.notebook.cells[plan.index_of[gid]].source
    assert last == answer_cell(real, gid).source  # the right (pasted) copy is the one run
    stray = samples.submission("stray-error", real)
    assert answer_cell(stray, gid).source.startswith(answer_cell(real, gid).source)
    assert "1 / 0" in answer_cell(stray, gid).source
    with pytest.raises(ValueError, match="tamper"):
        samples.submission("no-such-kind", real)


def test_changed_builtins_are_tampering(graded):
    row = rows_of(graded[3], "builtin")["a-one"]
    assert row.status == "tampered" and "builtins.sum" in row.message
    assert "(builtin (tampered)" not in graded[3].text and "builtin (tampered)" in graded[3].text


def test_exit_never_ends_the_kernel(graded):
    rows = rows_of(graded[3], "exits")
    assert rows["a-one"].status == "pass" and "SystemExit" in rows["a-one"].message
    assert rows["a-two"].status == "pass"


def test_results_are_identical_across_runs_and_job_counts(graded):
    root, students, solutions, result, _ = graded
    again = runner.grade([students], root / "again" / "gradebook.csv", jobs=1, timeout=TIMEOUT,
                         solutions=solutions, output_limit_mb=1)
    assert again.gradebook.read_bytes() == result.gradebook.read_bytes()
    assert again.summary.read_bytes() == result.summary.read_bytes()


# --- problem 8: the progress line ------------------------------------------------------------

def test_progress_line_names_the_stuck_submission(graded):
    stuck = [line.split("still running: ")[1] for line in graded[4].splitlines()
             if "still running: " in line]
    assert any("loop 01 (task a-one, " in line for line in stuck)
    assert any("deaf 01 (task a-one, " in line for line in stuck)


def test_time_left_counts_a_stuck_cell_until_its_limit(tmp_path):
    meter = progress.BatchProgress(3, None, jobs=1, timeout=60)
    meter.started("a", "smithj 03", tmp_path / "a.json")
    meter.update([], "a")
    meter.durations = [2.0]
    (tmp_path / "b.json").write_text(json.dumps({"task": "03-us-volume",
                                                 "since": time.time() - 21}))
    meter.started("b", "jonesk 03", tmp_path / "b.json")
    line = meter.line()
    assert "still running: jonesk 03 (task 03-us-volume, 21 s)" in line
    assert meter.seconds_left() >= 60 - 21  # not "about 2 s left"
