#!/usr/bin/env python3
"""The course's two commands: ``python3 dev.py lab`` and ``python3 dev.py test``.

Both create a local virtual environment in ``.venv`` if it is missing (or if pyproject.toml
changed since it was made), install the course into it, and then either open JupyterLab on the
start notebook or run the whole test suite. Only the standard library is used here, so this file
runs on a fresh machine that has nothing but Python >= 3.11 and pip.
"""

from __future__ import annotations

import contextlib
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
START_NOTEBOOK = "notebooks/00_start_here.ipynb"
NOTEBOOK_FOLDERS = ("notebooks", "exercises", "solutions")
LINT_TARGETS = ("src", "tests", "benchmarks", "dev.py", *NOTEBOOK_FOLDERS)  # ruff reads .ipynb


def venv_python() -> Path:
    scripts = "Scripts" if os.name == "nt" else "bin"
    exe = "python.exe" if os.name == "nt" else "python"
    return VENV / scripts / exe


def _install_fingerprint() -> str:
    return hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()


def ensure_venv() -> Path:
    """Create .venv and install the course (with test tools) unless it is already current."""
    python = venv_python()
    wanted = _install_fingerprint()
    if python.exists() and STAMP.exists() and STAMP.read_text().strip() == wanted:
        return python
    if not python.exists():
        print(f"Creating a virtual environment in {VENV} ...", flush=True)
        venv.EnvBuilder(with_pip=True, clear=False).create(VENV)
    print("Installing the course and its tools (first run takes a few minutes) ...", flush=True)
    pip = [str(python), "-m", "pip", "install", "--disable-pip-version-check", "-q"]
    run(pip + ["--upgrade", "pip"])
    run(pip + ["-e", f"{ROOT}[test]"])
    STAMP.write_text(wanted + "\n")
    return python


def run(command: list[str], **kwargs) -> None:
    """Run a command; stop with its exit code if it fails."""
    result = subprocess.run(command, cwd=ROOT, **kwargs)
    if result.returncode != 0:
        print(f"\nFAILED ({result.returncode}): {' '.join(command)}", file=sys.stderr)
        sys.exit(result.returncode)


def lab(extra: list[str]) -> None:
    python = ensure_venv()
    print(f"Opening JupyterLab on {START_NOTEBOOK} (Ctrl+C twice to stop) ...", flush=True)
    command = [
        str(python), "-m", "jupyter", "lab", f"--ServerApp.root_dir={ROOT}", "--ip=127.0.0.1",
        f"--LabApp.default_url=/lab/tree/{START_NOTEBOOK}", *extra,
    ]
    if hasattr(os, "geteuid") and os.geteuid() == 0 and "--allow-root" not in extra:
        command.append("--allow-root")  # containers and CI often run as root
    with contextlib.suppress(KeyboardInterrupt):
        subprocess.run(command, cwd=ROOT, check=False)


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
    python = ensure_venv()
    run([str(python), str(ROOT / "benchmarks" / "course_bench.py"), *extra])


def main(argv: list[str]) -> None:
    if sys.version_info < MIN_PYTHON:
        print(
            f"This course needs Python {MIN_PYTHON[0]}.{MIN_PYTHON[1]} or newer; "
            f"you are running {sys.version.split()[0]}.",
            file=sys.stderr,
        )
        sys.exit(2)
    commands = {"lab": lab, "test": test, "bench": bench, "setup": lambda _extra: ensure_venv()}
    if not argv or argv[0] not in commands:
        print(__doc__.strip().splitlines()[0])
        print("usage: python3 dev.py {lab|test [--only notebooks|unit]|bench|setup} "
              "[extra arguments passed through]")
        sys.exit(0 if argv and argv[0] in ("-h", "--help") else 2)
    commands[argv[0]](argv[1:])


if __name__ == "__main__":
    main(sys.argv[1:])
