"""A class of three on a real local JupyterHub: one link each, own progress, graded by staff.

The hub (tests/hub/conftest.py) is JupyterHub from PyPI with its real proxy from npm, the dummy
authenticator and the local-process spawner on 127.0.0.1. Alice, Bob and Carol log in through
the hub's login form; the course arrives through the nbgitpuller link that ``b12course hub-link``
prints (its repository is a bare copy of this clone's HEAD); each opens notebook 00 in student
mode (Voilà on the single-user server) and answers a quiz: Alice in Chromium, clicking, the others
through the kernel API. Each student's progress must land in that student's home and nowhere else,
a student's cookies and token must not open another's server, and an instructor collects every
student's exercise notebooks and grades them with ``b12course grade``.

Isolation: ``SimpleLocalProcessSpawner`` runs every student's server as the same OS user, so it
gives **no file-level isolation** (measured, see the hub notes): a student's kernel could read and
write another student's home; the hub's 403/404 only covers HTTP. Run as root (as in CI), the hub
here uses tests/hub/student_spawner.py instead: a uid and a 0700 home per student, and one test
shows Bob's kernel gets PermissionError on Alice's home. Without root that test skips, and the
rest still shows the HTTP isolation and that progress is written under each student's own HOME.
A real deployment uses per-student OS users (LocalProcessSpawner with system accounts) or one pod
per student (Zero to JupyterHub).
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

import nbformat
import pytest

from b12course.hub import hub_link
from b12course.quiz import load_bank
from b12course.quiz.progress import learner_key
from b12course.quiz.scoring import HEADLINES
from b12course.quiz.widgets import plain
from b12course.sources.paths import REPO_ROOT

pytestmark = pytest.mark.hub

STUDENTS = ("alice", "bob", "carol")
TARGET = "b12course"  # the folder the link puts the course in (hub_link's default)
START = "00_start_here"
START_PATH = f"{TARGET}/notebooks/{START}.ipynb"
PROGRESS = Path(".local", "share", "b12course", "progress.json")  # under each student's HOME
HTTP_TIMEOUT_S = 120  # a Voilà render runs the whole notebook before answering
KERNEL_TIMEOUT_S = 120
RENDER_TIMEOUT_MS = 120_000
ERROR_TEXTS = ("Traceback (most recent call last)", "There was an error when executing cell")
# The exercise an instructor's check below reads: Task 1 of exercise 01, one line to fill in.
EXERCISE = "01_deficiency_mechanisms_exercises"
TASK, TASK_ANSWER_CELL = "01-ampoule-mcg", "01-ampoule-mcg-answer"
# This week's assignment: grading all seven exercise notebooks of three students took 80 s on a
# busy 2-core machine; tests/grading covers the grader itself, this test the path from the homes.
COLLECT = f"{EXERCISE}.ipynb"
ANSWERS = {  # what each student types into Task 1 (Alice leaves it unanswered)
    "bob": 'ampoule_mcg = units.convert(row["strength"], row["strength_unit"], "mcg")'
           ' * row["per_amount"]',
    "carol": "ampoule_mcg = 100",
}


# --- the course repository and the students ----------------------------------------------------

@pytest.fixture(scope="module")
def course_repo(hub) -> str:
    """A bare git repository holding this clone's HEAD as ``main``: the course a hub pulls."""
    bare = hub.repo_path
    bare.parent.mkdir()
    for command in (["git", "init", "--quiet", "--bare", "--initial-branch=main", str(bare)],
                    ["git", "-C", str(bare), "fetch", "--quiet", "--no-tags", str(REPO_ROOT),
                     "+HEAD:refs/heads/main"]):
        done = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
        assert done.returncode == 0, f"{' '.join(command)} failed: {done.stderr.strip()}"
    return f"file://{bare}"


@dataclass
class Student:
    """One student: a logged-in HTTP session (hub cookies), an API token, and their home."""

    name: str
    home: Path
    session: object  # requests.Session holding the hub's and the server's cookies
    token: str

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"token {self.token}"}


def login_with_form(hub, name: str, link: str):
    """Log in as a student would (the hub's login form; dummy authenticator: any password), then
    follow the link: the hub sends the student to their own server's git-pull page."""
    import requests

    session = requests.Session()
    page = session.get(f"{hub.url}/hub/login", timeout=30)
    assert page.status_code == 200, f"the login page answered {page.status_code}"
    response = session.post(f"{hub.url}/hub/login", timeout=60, allow_redirects=False, data={
        "username": name, "password": "any", "_xsrf": session.cookies.get("_xsrf")})
    assert response.status_code == 302, (
        f"logging in as {name} answered {response.status_code}, not a redirect:\n"
        f"{response.text[:300]}\n{hub.log_tail()}")
    # user-redirect, then the OAuth hand-shake that gives the student's server its cookie
    landing = session.get(link, timeout=60)
    assert landing.status_code == 200 and urlsplit(landing.url).path == (
        f"/user/{name}/git-pull"), (f"the link took {name} to {landing.url} "
                                    f"(HTTP {landing.status_code}):\n{hub.log_tail()}")
    return session


def pull_course(hub, student: Student, link: str) -> None:
    """Click the link as the git-pull page's JavaScript does: read nbgitpuller's event stream."""
    query = {k: v[0] for k, v in parse_qs(urlsplit(link).query).items()}
    api = (f"{hub.url}/user/{student.name}/git-pull/api?"
           + urlencode({k: query[k] for k in ("repo", "branch", "targetpath")}))
    response = student.session.get(api, timeout=HTTP_TIMEOUT_S)
    assert response.status_code == 200, (f"git-pull for {student.name} answered "
                                         f"{response.status_code}:\n{hub.log_tail()}")
    events = [json.loads(line[len("data: "):]) for line in response.text.splitlines()
              if line.startswith("data: ")]
    phases = [e.get("phase") for e in events]
    assert phases and phases[-1] == "finished", (
        f"nbgitpuller did not finish for {student.name}: {events[-3:]}")


@pytest.fixture(scope="module")
def classroom(hub, course_repo) -> dict[str, Student]:
    """Three students with a running server, logged in, each with the course pulled by the link."""
    for name in STUDENTS:  # all three start at once, as a class does at the start of a session
        hub.start_server(name)
    link = hub_link(hub.url, course_repo)
    students = {}
    for name in STUDENTS:
        hub.wait_until_ready(name)
        student = Student(name, hub.homes / name, login_with_form(hub, name, link),
                          hub.new_token(name))
        pull_course(hub, student, link)
        students[name] = student
    return students


@pytest.fixture(scope="module")
def answered() -> dict[str, dict[str, float]]:
    """Question id -> best score, per student, as the tests below answer them."""
    return {name: {} for name in STUDENTS}


# --- the kernel API ------------------------------------------------------------------------------

def run_in_kernel(hub, student: Student, cells: list[str], path: str = START_PATH) -> list[str]:
    """Run code cells in a new kernel on the student's server; return each cell's text output.

    The kernel's messages come over the server's websocket with the student's token; ipywidgets
    comm messages may arrive as binary frames, which carry nothing needed here and are skipped.
    """
    import websocket

    session = student.session.post(
        f"{hub.url}/user/{student.name}/api/sessions", headers=student.auth, timeout=60,
        json={"path": path, "type": "notebook", "name": Path(path).name,
              "kernel": {"name": "python3"}})
    assert session.status_code == 201, (f"no kernel for {student.name}: {session.status_code} "
                                        f"{session.text[:300]}\n{hub.log_tail()}")
    session = session.json()
    ws_url = (f"ws://127.0.0.1:{hub.public_port}/user/{student.name}/api/kernels/"
              f"{session['kernel']['id']}/channels")
    outputs = []
    socket = websocket.create_connection(ws_url, header=[f"Authorization: token {student.token}"],
                                         timeout=KERNEL_TIMEOUT_S)
    try:
        for code in cells:
            outputs.append(_execute(socket, code, f"{student.name}'s kernel"))
    finally:
        socket.close()
        student.session.delete(f"{hub.url}/user/{student.name}/api/sessions/{session['id']}",
                               headers=student.auth, timeout=30)
    return outputs


def _execute(socket, code: str, where: str) -> str:
    import websocket

    msg_id = uuid.uuid4().hex
    socket.send(json.dumps({
        "header": {"msg_id": msg_id, "msg_type": "execute_request", "username": "test",
                   "session": uuid.uuid4().hex, "version": "5.3"},
        "parent_header": {}, "metadata": {}, "channel": "shell", "buffers": [],
        "content": {"code": code, "silent": False, "store_history": True,
                    "user_expressions": {}, "allow_stdin": False, "stop_on_error": True},
    }))
    text, deadline = [], time.monotonic() + KERNEL_TIMEOUT_S
    while time.monotonic() < deadline:
        opcode, frame = socket.recv_data()
        if opcode != websocket.ABNF.OPCODE_TEXT:
            continue  # a binary frame (widget comm buffers)
        message = json.loads(frame)
        if message.get("parent_header", {}).get("msg_id") != msg_id:
            continue
        kind, content = message["msg_type"], message["content"]
        if kind == "stream":
            text.append(content["text"])
        elif kind == "error":
            raise AssertionError(f"{where} raised {content['ename']}: {content['evalue']}\n"
                                 f"while running:\n{code}")
        elif kind == "status" and content["execution_state"] == "idle":
            return "".join(text)
    raise AssertionError(f"{where} did not finish within {KERNEL_TIMEOUT_S} s:\n{code}")


def answer_in_kernel(hub, student: Student, question_id: str, response) -> dict:
    """Run the pulled notebook 00 in a kernel and answer one question with the quiz's Check."""
    notebook = nbformat.read(student.home / START_PATH, as_version=4)
    cells = [c.source for c in notebook.cells if c.cell_type == "code"]
    answer = f"""
import json
from b12course.quiz.widgets import QuizView
view = next(v for v in Out.values() if isinstance(v, QuizView))
question = next(v for v in view.views if v.question.id == {question_id!r})
question.set_response({response!r})
question.check.click()
print(json.dumps({{"feedback": question.feedback.value, "score": view.score.value,
                  "progress": str(view.store.path)}}))
"""
    output = run_in_kernel(hub, student, [*cells, answer])[-1]
    return json.loads(output.strip().splitlines()[-1])


# --- what each student sees and does --------------------------------------------------------------

def test_each_student_gets_the_course_in_their_own_home_through_the_link(hub, classroom):
    for name, student in classroom.items():
        started = student.home / START_PATH
        assert started.is_file(), f"the link did not put the course in {name}'s home"
        assert (student.home / TARGET / "exercises" / f"{EXERCISE}.ipynb").is_file()
        listing = student.session.get(f"{hub.url}/user/{name}/api/contents/{TARGET}/notebooks",
                                      headers=student.auth, timeout=30)
        assert listing.status_code == 200, listing.text[:300]
        assert f"{START}.ipynb" in {item["name"] for item in listing.json()["content"]}
    assert not (hub.base / TARGET).exists(), "a course copy landed outside the students' homes"


def test_notebook_00_opens_in_student_mode_on_a_students_server(hub, classroom):
    """Voilà is a server extension of the single-user server: /user/<n>/voila/render/… works."""
    student = classroom["bob"]
    page = student.session.get(f"{hub.url}/user/bob/voila/render/{START_PATH}",
                               timeout=HTTP_TIMEOUT_S)
    assert page.status_code == 200, (
        f"Voilà answered {page.status_code} on Bob's server (is it enabled as a jupyter_server "
        f"extension, voila.json in jupyter_server_config.d?):\n{hub.log_tail()}")
    assert "application/vnd.jupyter.widget-view+json" in page.text, "no quiz widget on the page"
    notebook = nbformat.read(student.home / START_PATH, as_version=4)
    heading = next(line for line in notebook.cells[0].source.splitlines() if line.startswith("#"))
    assert heading.split("·")[-1].strip() in page.text, f"notebook 00's {heading!r} is missing"
    for text in ERROR_TEXTS:
        assert text not in page.text, f"student mode shows {text!r}"


def test_students_answer_a_quiz_through_the_kernel_and_progress_stays_in_their_home(
        hub, classroom, answered):
    with ThreadPoolExecutor(max_workers=2) as pool:  # two students at once, as in class
        bob = pool.submit(answer_in_kernel, hub, classroom["bob"], "00-why-units",
                          _wrong_choice())
        carol = pool.submit(answer_in_kernel, hub, classroom["carol"], "00-mcg-in-1mg-ampoule",
                            "1000 mcg")
        results = {"bob": bob.result(), "carol": carol.result()}
    assert HEADLINES["incorrect"] in results["bob"]["feedback"]
    assert HEADLINES["correct"] in results["carol"]["feedback"]
    answered["bob"]["00-why-units"] = 0.0
    answered["carol"]["00-mcg-in-1mg-ampoule"] = 1.0
    for name in ("bob", "carol"):
        assert results[name]["progress"] == str(classroom[name].home / PROGRESS), (
            f"{name}'s kernel saves progress to {results[name]['progress']}, not under their HOME")
    assert_progress_only_in_own_homes(hub, classroom, answered)


def test_a_student_answers_in_chromium_from_the_link(hub, classroom, course_repo, answered,
                                                     browser_check):
    """Alice's whole click path: the link, the hub's login form, git-pull, Voilà, Check."""
    browser_check.require_browser()
    from playwright.sync_api import expect, sync_playwright

    bank = load_bank(START)
    number, question = next((n, q) for n, q in enumerate(bank.questions, start=1)
                            if q.type == "multiple_choice")
    right = plain(next(c.answer for c in question.choices if c.correct))
    link = hub_link(hub.url, course_repo)
    # the class works offline: requests that would leave this machine are aborted
    with sync_playwright() as playwright, \
            browser_check.launched_context(playwright, offline=True) as context:
        page = context.new_page()
        page.set_default_timeout(RENDER_TIMEOUT_MS)
        page.goto(link)
        page.fill("input[name=username]", "alice")
        page.fill("input[name=password]", "any")
        page.click("input[type=submit], button[type=submit]")
        try:
            page.wait_for_url(re.compile(r"/user/alice/voila/render/"))
            label = page.locator(".widget-html",
                                 has_text=f"Question {number} of {len(bank.questions)}.")
            label.first.wait_for()
        except Exception as error:
            raise AssertionError(f"the link did not lead Alice to notebook 00 in student "
                                 f"mode (page: {page.url}): {error}\n{hub.log_tail()}"
                                 ) from None
        box = page.locator(".widget-vbox").filter(has=label).last
        box.scroll_into_view_if_needed()
        box.locator(".widget-radio-box label",
                    has_text=re.compile(rf"^\s*{re.escape(right)}\s*$")).first.click()
        box.locator("button.jupyter-button", has_text="Check").click()
        expect(box.locator(":scope > .widget-hbox + .widget-html"),
               "Alice's right answer must say so").to_contain_text(
                   HEADLINES["correct"], timeout=30_000)
        for text in ERROR_TEXTS:
            assert text not in page.content(), f"student mode shows {text!r}"
    answered["alice"][question.id] = 1.0
    assert_progress_only_in_own_homes(hub, classroom, answered)


def _wrong_choice() -> str:
    question = next(q for q in load_bank(START).questions if q.id == "00-why-units")
    return next(c.id for c in question.choices if not c.correct)


def assert_progress_only_in_own_homes(hub, classroom, answered) -> None:
    """Each student's answers are in their own progress file, under their own HOME, only."""
    for name, student in classroom.items():
        path = student.home / PROGRESS
        if not answered[name]:
            assert not path.exists(), f"{name} answered nothing, yet {path} exists"
            continue
        assert path.is_file(), f"{name}'s progress is not in their home ({path})"
        saved = json.loads(path.read_text(encoding="utf-8"))
        scores = {qid: record["best_score"] for qid, record in saved["questions"].items()}
        assert scores == answered[name], (
            f"{name}'s progress file holds {scores}, but {name} answered {answered[name]}")
        assert saved["learner"] == _learner(name), f"{path} was written for another learner"
    expected = {student.home / PROGRESS for name, student in classroom.items() if answered[name]}
    found = set(hub.base.rglob("progress.json"))
    assert found == expected, f"progress files outside the students' own homes: {found - expected}"


def _learner(name: str) -> str:
    with pytest.MonkeyPatch.context() as patch:
        patch.delenv("B12COURSE_LEARNER", raising=False)
        patch.setenv("JUPYTERHUB_USER", name)
        return learner_key()


# --- one student against another --------------------------------------------------------------

def test_a_student_cannot_reach_another_students_server_or_files(hub, classroom):
    bob, carol = classroom["bob"], classroom["carol"]
    paths = [f"/user/carol/api/contents/{TARGET}/notebooks",
             f"/user/carol/files/{START_PATH}",
             f"/user/carol/voila/render/{START_PATH}",
             "/user/carol/api/sessions"]
    for path in paths:
        with_token = bob.session.get(f"{hub.url}{path}", headers=bob.auth, timeout=60)
        assert with_token.status_code in (403, 404), (
            f"Bob's token opened {path}: HTTP {with_token.status_code}")
        with_cookies = bob.session.get(f"{hub.url}{path}", timeout=60)
        assert with_cookies.status_code in (403, 404), (
            f"Bob's cookies opened {path}: HTTP {with_cookies.status_code} "
            f"(redirected to {with_cookies.url})")
    kernel = bob.session.post(f"{hub.url}/user/carol/api/sessions", headers=bob.auth, timeout=60,
                              json={"path": START_PATH, "type": "notebook",
                                    "kernel": {"name": "python3"}})
    assert kernel.status_code in (403, 404), "Bob's token started a kernel on Carol's server"
    for method, path in (("GET", "/users/carol"), ("POST", "/users/carol/server"),
                         ("DELETE", "/users/carol/server"), ("POST", "/users/carol/tokens")):
        answer = bob.session.request(method, f"{hub.url}/hub/api{path}", headers=bob.auth,
                                     timeout=30)
        assert answer.status_code in (403, 404), (
            f"Bob's token may {method} /hub/api{path}: HTTP {answer.status_code}")
    # and the same requests do work for Carol herself (the denial above is not a broken URL)
    mine = carol.session.get(f"{hub.url}{paths[0]}", headers=carol.auth, timeout=60)
    assert mine.status_code == 200, f"Carol cannot open her own files: {mine.status_code}"


def test_a_students_kernel_cannot_open_another_students_home(hub, classroom):
    """Only with a uid per student: the simple spawner runs every kernel as the same OS user."""
    if not hub.per_student_uids:
        pytest.skip("file-level isolation needs a uid per student (tests/hub/student_spawner.py, "
                    "hub run as root); SimpleLocalProcessSpawner gives none")
    alice = classroom["alice"].home
    probe = f"""
import json, os
tries = {{"list": lambda: os.listdir({str(alice)!r}),
         "read": lambda: open({str(alice / START_PATH)!r}).read(),
         "write": lambda: open({str(alice / "from-bob.txt")!r}, "w").write("x")}}
outcome = {{}}
for what, attempt in tries.items():
    try:
        attempt()
        outcome[what] = "allowed"
    except PermissionError:
        outcome[what] = "PermissionError"
print(json.dumps({{"uid": os.getuid(), "home_uid": os.stat(os.path.expanduser("~")).st_uid,
                  "outcome": outcome}}))
"""
    output = run_in_kernel(hub, classroom["bob"], [probe])[0]
    seen = json.loads(output.strip().splitlines()[-1])
    assert seen["uid"] != 0 and seen["uid"] == seen["home_uid"] != alice.stat().st_uid, seen
    assert seen["outcome"] == dict.fromkeys(("list", "read", "write"), "PermissionError"), seen
    assert not (alice / "from-bob.txt").exists()


# --- the instructor ------------------------------------------------------------------------------

def _write_answer(hub, student: Student, code: str) -> None:
    """The student fills in Task 1 of exercise 01 and saves, as JupyterLab's save does."""
    url = f"{hub.url}/user/{student.name}/api/contents/{TARGET}/exercises/{EXERCISE}.ipynb"
    model = student.session.get(url, headers=student.auth, timeout=30).json()
    cells = model["content"]["cells"]
    cell = next(c for c in cells
                if c.get("metadata", {}).get("nbgrader", {}).get("grade_id") == TASK_ANSWER_CELL)
    cell["source"] = re.sub(r"^ampoule_mcg = \.\.\.$", code, cell["source"], flags=re.M)
    assert code in cell["source"], f"Task 1 of {EXERCISE} changed: no 'ampoule_mcg = ...' line"
    saved = student.session.put(url, headers=student.auth, timeout=30, json={
        "type": "notebook", "format": "json", "content": model["content"]})
    assert saved.status_code == 200, f"saving {student.name}'s notebook: {saved.text[:300]}"


def test_instructor_collects_each_students_exercises_and_grades_them(hub, classroom, tmp_path):
    for name, code in ANSWERS.items():
        _write_answer(hub, classroom[name], code)
    collect = tmp_path / "collect"
    for name, student in classroom.items():
        notebooks = sorted((student.home / TARGET / "exercises").glob(COLLECT))
        assert notebooks, f"no {COLLECT} in {name}'s home to collect"
        (collect / name).mkdir(parents=True)
        for notebook in notebooks:
            shutil.copy2(notebook, collect / name / notebook.name)
    gradebook = tmp_path / "gradebook.csv"
    done = subprocess.run(
        [str(Path(sys.executable).with_name("b12course")), "grade", str(collect),
         "--out", str(gradebook), "--jobs", "2", "--quiet"],
        capture_output=True, text=True, timeout=600, cwd=tmp_path, check=False)
    assert done.returncode == 0, f"b12course grade failed:\n{done.stdout}\n{done.stderr}"
    import csv

    with open(gradebook, newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert {row["student"] for row in rows} == set(STUDENTS)
    task = {row["student"]: row for row in rows if row["grade_id"] == TASK}
    assert set(task) == set(STUDENTS), f"Task 1 rows: {sorted(task)}"
    assert task["bob"]["points"] == task["bob"]["max_points"], task["bob"]
    assert float(task["carol"]["points"]) == 0 and task["carol"]["status"] != "unanswered", \
        task["carol"]
    assert task["alice"]["status"] == "unanswered", task["alice"]
    per_student = {name: {r["notebook"] for r in rows if r["student"] == name} for name in STUDENTS}
    collected = {p.stem for p in (collect / "alice").glob("*.ipynb")}
    for name in STUDENTS:
        assert per_student[name] == collected, f"{name}: graded {sorted(per_student[name])}"


@pytest.fixture(autouse=True, scope="module")
def real_progress_untouched():
    """Nothing in this module writes the real per-user progress file of whoever runs pytest."""
    real = Path.home() / PROGRESS
    before = real.stat().st_mtime_ns if real.exists() else None
    yield
    after = real.stat().st_mtime_ns if real.exists() else None
    assert before == after, f"the hub test touched {real}"
