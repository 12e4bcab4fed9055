#!/usr/bin/env python3
"""The course's commands: ``python3 dev.py start`` (students) and ``python3 dev.py test``.

Each creates a local virtual environment in ``.venv`` if it is missing (or if pyproject.toml
changed since it was made) and installs the course into it. ``start`` installs only the course
(no test tools) and opens it in the browser with the code hidden (``start --lab``, or ``lab``:
JupyterLab, code visible); ``test`` and ``bench`` add the test tools to the same ``.venv`` the
first time they need them. Only the standard library is used here, so this file runs on a fresh
machine that has nothing but Python >= 3.11 and pip.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import venv
from pathlib import Path

MIN_PYTHON = (3, 11)
ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
STAMP = VENV / ".b12course-install-stamp"
NOTEBOOK_FOLDERS = ("notebooks", "exercises", "solutions")
LINT_TARGETS = ("src", "tests", "benchmarks", "dev.py", *NOTEBOOK_FOLDERS)  # ruff reads .ipynb


def venv_python() -> Path:
    scripts = "Scripts" if os.name == "nt" else "bin"
    exe = "python.exe" if os.name == "nt" else "python"
    return VENV / scripts / exe


def _install_fingerprint() -> str:
    return hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()


def _installed() -> tuple[str, bool]:
    """(pyproject fingerprint, test tools installed?) from the stamp; ("", False) without one."""
    if not STAMP.exists():
        return "", False
    words = STAMP.read_text().split()
    # a stamp written before lean student installs holds only the fingerprint: that install
    # always included the test tools
    return (words[0] if words else ""), (len(words) < 2 or "test" in words[1:])


def ensure_venv(test_tools: bool = True) -> Path:
    """Create .venv and install the course (with the test tools if asked) unless already current.

    Students (``start``, ``lab``) get the course alone; ``test`` and ``bench`` add the test
    tools to the same .venv. A change to pyproject.toml reinstalls what the command needs.
    """
    python = venv_python()
    wanted = _install_fingerprint()
    fingerprint, has_test_tools = _installed()
    if python.exists() and fingerprint == wanted and (has_test_tools or not test_tools):
        return python
    if not python.exists():
        print(f"Creating a virtual environment in {VENV} ...", flush=True)
        venv.EnvBuilder(with_pip=True, clear=False).create(VENV)
    what = "the course and its test tools" if test_tools else "the course"
    print(f"Installing {what} (the first time takes a few minutes) ...", flush=True)
    pip = [str(python), "-m", "pip", "install", "--disable-pip-version-check", "-q"]
    run(pip + ["--upgrade", "pip"])
    run(pip + ["-e", f"{ROOT}[test]" if test_tools else str(ROOT)])
    STAMP.write_text(f"{wanted}\n{'test' if test_tools else 'course'}\n")
    return python


NBGRADER_VENV = ROOT / ".venv-nbgrader"


def ensure_nbgrader() -> Path | None:
    """The ``nbgrader`` command of .venv-nbgrader (created with the course the first time).

    nbgrader lives apart from .venv because it adds its JupyterLab extension and notebook 7 to
    the environment it is installed into (students would see them). tests/grading/test_nbgrader.py
    and the grading benchmark use it through B12COURSE_NBGRADER. If the install fails, outside
    CI the nbgrader checks are skipped with a reason; with CI=true the run stops.
    """
    scripts = NBGRADER_VENV / ("Scripts" if os.name == "nt" else "bin")
    command = scripts / ("nbgrader.exe" if os.name == "nt" else "nbgrader")
    stamp = NBGRADER_VENV / ".b12course-install-stamp"
    wanted = _install_fingerprint()
    if command.exists() and stamp.exists() and stamp.read_text().strip() == wanted:
        return command
    print(f"Installing nbgrader and the course into {NBGRADER_VENV} (once) ...", flush=True)
    venv.EnvBuilder(with_pip=True, clear=False).create(NBGRADER_VENV)
    python = scripts / ("python.exe" if os.name == "nt" else "python")
    result = subprocess.run([str(python), "-m", "pip", "install", "--disable-pip-version-check",
                             "-q", "-e", f"{ROOT}[nbgrader]"], cwd=ROOT)
    if result.returncode != 0 or not command.exists():
        if os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no"):
            print("FAILED: could not install nbgrader (needed in CI)", file=sys.stderr)
            sys.exit(1)
        print("nbgrader could not be installed: its checks will be skipped", flush=True)
        return None
    stamp.write_text(f"{wanted}\n")
    return command


def _with_nbgrader() -> None:
    """Tell the tests and the benchmark where nbgrader is (unless B12COURSE_NBGRADER says)."""
    if not os.environ.get("B12COURSE_NBGRADER"):
        command = ensure_nbgrader()
        if command:
            os.environ["B12COURSE_NBGRADER"] = str(command)


def run(command: list[str], **kwargs) -> None:
    """Run a command; stop with its exit code if it fails."""
    result = subprocess.run(command, cwd=ROOT, **kwargs)
    if result.returncode != 0:
        print(f"\nFAILED ({result.returncode}): {' '.join(command)}", file=sys.stderr)
        sys.exit(result.returncode)


def _this_command() -> str:
    return "py dev.py" if os.name == "nt" else "python3 dev.py"


def start(extra: list[str]) -> None:
    """The course in the browser, code hidden (``--lab``: JupyterLab), from my-work/."""
    python = ensure_venv(test_tools=False)
    env = {**os.environ, "B12COURSE_START_COMMAND": f"{_this_command()} start"}
    process = subprocess.Popen([str(python), "-m", "b12course.cli", "start", *extra],
                               cwd=ROOT, env=env)
    while True:
        try:
            sys.exit(process.wait())
        except KeyboardInterrupt:
            continue  # Ctrl+C reached the launcher too: it stops the server, then exits


def lab(extra: list[str]) -> None:
    """``start --lab``: JupyterLab on the student's copies, 00_start_here.ipynb open."""
    start(["--lab", *extra])


def count_notebooks(python: Path) -> dict[str, int]:
    code = (
        "import json,sys; from pathlib import Path;"
        "from b12course.sources.hygiene import find_notebooks;"
        "print(json.dumps({f: len(find_notebooks([Path(f)])) for f in sys.argv[1:]}))"
    )
    out = subprocess.run(
        [str(python), "-c", code, *NOTEBOOK_FOLDERS],
        cwd=ROOT, check=True, capture_output=True, text=True,
    ).stdout
    return json.loads(out)


# Every pytest option lives in pyproject.toml ([tool.pytest.ini_options]), so plain `pytest` from
# the repository root runs the same suite as CI. dev.py only splits it into two sessions, and in
# the notebook session loads just the two plugins it needs instead of every installed one
# (hypothesis and anyio start up in each worker otherwise): about 1 s less per run on 2 cores,
# same results.
NOTEBOOK_PLUGINS = ("-p", "nbval.plugin", "-p", "xdist.plugin")


def _workers(workers: str | None) -> list[str]:
    """``-n N`` to override pyproject's ``-n auto`` (B12COURSE_WORKERS, the benchmark), or []."""
    return ["-n", workers] if workers else []


def notebook_session(python: Path, workers: str | None, extra: list[str]) -> tuple[list, dict]:
    """The nbval suite over every notebook: command and environment (the benchmark times this)."""
    command = [
        str(python), "-m", "pytest", *NOTEBOOK_FOLDERS, *NOTEBOOK_PLUGINS, *_workers(workers),
        *extra,
    ]
    return command, {**os.environ, "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"}


def unit_session(python: Path, workers: str | None, extra: list[str]) -> tuple[list, dict]:
    """Unit, data, widget, hygiene, grading and browser tests: command and environment."""
    command = [str(python), "-m", "pytest", "tests", *_workers(workers), *extra]
    return command, dict(os.environ)


NO_TESTS_SELECTED = 5  # pytest's exit code when arguments deselect every test


def test(extra: list[str]) -> None:
    """Lint, then the notebook suite, then the unit tests; ``--only notebooks|unit`` picks one."""
    only = None
    if extra[:1] == ["--only"] and len(extra) > 1 and extra[1] in ("notebooks", "unit"):
        only, extra = extra[1], extra[2:]
    python = ensure_venv()
    print("== ruff (lint) ==", flush=True)
    targets = [t for t in LINT_TARGETS if (ROOT / t).exists()]
    run([str(python), "-m", "ruff", "check", *targets])
    print("== quiz answer cues (share of single-choice keys that are the longest option) ==",
          flush=True)
    run([str(python), "-c", "import sys; from b12course.cli import main; sys.exit(main())",
         "quizzes", "audit"])
    counts = count_notebooks(python)
    empty = [folder for folder, n in counts.items() if n == 0]
    if empty:
        print(f"No notebooks found in: {', '.join(empty)}/ - nothing to execute.", file=sys.stderr)
        sys.exit(1)
    workers = os.environ.get("B12COURSE_WORKERS")  # unset: pyproject's -n auto
    parts = [
        ("notebooks", f"{sum(counts.values())} notebooks under nbval", notebook_session),
        ("unit", "unit tests, data, widgets, hygiene, grading, browser check", unit_session),
    ]
    selected_nothing = []
    for name, title, session in parts:
        if only not in (None, name):
            continue
        if name == "unit":
            _with_nbgrader()  # tests/grading/test_nbgrader.py runs the real nbgrader
        print(f"== pytest: {title} ==", flush=True)
        command, env = session(python, workers, extra)
        code = subprocess.run(command, cwd=ROOT, env=env).returncode
        if code == NO_TESTS_SELECTED and extra:
            print(f"(your arguments select no {name} tests here)", flush=True)
            selected_nothing.append(name)
        elif code != 0:
            print(f"\nFAILED ({code}): {' '.join(command)}", file=sys.stderr)
            sys.exit(code)
    if selected_nothing and len(selected_nothing) == (1 if only else len(parts)):
        sys.exit(NO_TESTS_SELECTED)


def bench(extra: list[str]) -> None:
    """benchmarks/course_bench.py (options: --skip-suite, --skip-grading, --skip-browser, ...)."""
    python = ensure_venv()
    _with_nbgrader()  # the grading benchmark compares with nbgrader autograde
    run([str(python), str(ROOT / "benchmarks" / "course_bench.py"), *extra])


def main(argv: list[str]) -> None:
    if sys.version_info < MIN_PYTHON:
        print(
            f"This course needs Python {MIN_PYTHON[0]}.{MIN_PYTHON[1]} or newer; "
            f"you are running {sys.version.split()[0]}.",
            file=sys.stderr,
        )
        sys.exit(2)
    commands = {"start": start, "lab": lab, "test": test, "bench": bench,
                "setup": lambda _extra: ensure_venv()}
    if not argv or argv[0] not in commands:
        print(__doc__.strip().splitlines()[0])
        print("usage: python3 dev.py {start [--lab]|lab|test [--only notebooks|unit]|bench|setup} "
              "[extra arguments passed through]")
        sys.exit(0 if argv and argv[0] in ("-h", "--help") else 2)
    commands[argv[0]](argv[1:])


if __name__ == "__main__":
    main(sys.argv[1:])
