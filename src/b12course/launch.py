"""``b12course start``: the course in the browser for a student, on their own copy of it.

Two modes, one working copy:

- **student mode** (default): Voilà serves the working copy as a tree, so links between notebooks
  work; each notebook runs when its page opens and shows prose, figures, quizzes and explorers with
  the code hidden. Voilà never writes to the notebooks.
- **code view** (``--lab``): JupyterLab on the same working copy, the start notebook open, with the
  course's own settings folder (no news or update toast) and a pre-save hook
  (:func:`widget_outputs_to_note`) so a saved notebook reopens with a plain note where each quiz or
  explorer was, instead of "Error displaying widget: model not found".

The **working copy** is ``<clone>/my-work/`` (git-ignored; ``--work-dir`` or ``$B12COURSE_WORK``
to put it elsewhere): the course's ``notebooks/`` are copied to its top level and the exercise
notebooks (``exercises/``) to ``my-work/exercises/`` when missing, so "in ``exercises/``" from the
start notebook (and a link ``exercises/NN_..._exercises.ipynb``) still points at the student's
copies. A copy the student changed is never overwritten (one still identical to the course version
first copied follows the course when it changes); JupyterLab's autosave never touches the clone's
``notebooks/`` or ``exercises/``. ``--fresh NAME`` moves one copy to ``my-work/replaced/`` (nothing
is deleted) and copies the course's current version in its place.

Both servers listen on 127.0.0.1 only, with a random token, and the launcher turns off what would
reach the network (JupyterLab's news feed, update check and PyPI extension manager; Voilà's page
asks a CDN for an icon font, which fails harmlessly offline). This module
is imported by the Jupyter server for its pre-save hook: keep its imports to the standard library
and :mod:`b12course.sources`.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

WORK_FOLDER = "my-work"
WORK_VARIABLE = "B12COURSE_WORK"
COMMAND_VARIABLE = "B12COURSE_START_COMMAND"  # how the student started us (dev.py sets it)
START_NOTEBOOK = "00_start_here.ipynb"
STATE_FOLDER = ".b12course"  # inside the working copy; hidden from Voilà and JupyterLab
MANIFEST = "copies.json"  # {notebook, or exercises/notebook: sha256 of the version copied}
REPLACED_FOLDER = "replaced"
EXERCISE_FOLDER = "exercises"  # the course's exercise notebooks; the same name in the working copy
HOST = "127.0.0.1"
VOILA_PORT = 8866
LAB_PORT = 8888
PORT_TRIES = 20
READY_TIMEOUT_S = 120
STOP_TIMEOUT_S = 20

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
WIDGET_NOTE = "This quiz or explorer starts when you run the cell (or Run All)."
WIDGET_NOTE_HTML = (
    "<p style='border-left:4px solid #888;padding:0.3em 0.8em;margin:0.3em 0'>"
    "&#9654;&#65039; This quiz or explorer starts when you run the cell "
    "(<b>Shift + Enter</b>), or the whole notebook (<b>Run &rarr; Run All Cells</b>).</p>"
)
PRE_SAVE_HOOK = f"{__name__}.widget_outputs_to_note"

# JupyterLab settings the code view applies (user settings folder of the working copy).
LAB_SETTINGS = {
    # no "get notified about Jupyter news?" toast and no update check (both would go online)
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {
        "fetchNews": "false", "checkForUpdates": False,
    },
}


# --- the working copy ------------------------------------------------------------------------

def default_work_dir() -> Path:
    """``$B12COURSE_WORK`` if set, else ``<clone>/my-work`` (git-ignored)."""
    override = os.environ.get(WORK_VARIABLE, "").strip()
    if override:
        return Path(override).expanduser().resolve()
    from b12course.sources.paths import repo_path

    return repo_path(WORK_FOLDER)


def course_notebook_dir() -> Path:
    from b12course.sources.paths import repo_path

    return repo_path("notebooks")


def course_notebooks(source: Path) -> list[Path]:
    """The course's notebooks in ``source`` (names starting with ``_``, the template, left out)."""
    return sorted(p for p in source.glob("*.ipynb") if not p.name.startswith("_"))


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def resolve_name(name: str, available: Iterable[str]) -> str:
    """A notebook's name in ``available`` from ``03``, ``03_regimens_by_cause`` or the file name.

    ``available`` may hold exercise notebooks as ``exercises/<file name>``: those are found by their
    full name only (``03_regimens_by_cause_exercises``, with or without ``exercises/`` and
    ``.ipynb``), so ``03`` stays the teaching notebook 03.
    """
    available = sorted(available)
    wanted = name.strip().replace("\\", "/").removesuffix(".ipynb")
    matches = [a for a in available if a.removesuffix(".ipynb") == wanted]  # the whole path
    if not matches:
        matches = [a for a in available
                   if a.rsplit("/", 1)[-1].removesuffix(".ipynb") == wanted
                   or ("/" not in a and a.split("_", 1)[0] == wanted)]
    if len(matches) != 1:
        teaching = [a for a in available if "/" not in a]
        exercises = [a.rsplit("/", 1)[-1].removesuffix(".ipynb") for a in available if "/" in a]
        raise ValueError(f"no course notebook called {name!r}; choose one of: "
                         + ", ".join(a.split("_", 1)[0] for a in teaching)
                         + " (or a full name such as " + (teaching or available)[0]
                         + (f"; exercise notebooks by full name, such as {exercises[0]}"
                            if exercises else "") + ")")
    return matches[0]


@dataclass
class WorkCopy:
    """What :func:`prepare_work_copy` did, for the launcher to say in plain words.

    The lists hold file names in ``folder``: the teaching notebooks; what happened to the exercise
    notebooks (in ``folder/exercises/``) is in ``exercises``, a report of the same kind.
    """

    folder: Path
    copied: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)  # unchanged copies of a changed notebook
    reset: list[tuple[str, Path | None]] = field(default_factory=list)  # (name, old copy moved to)
    newer_in_course: list[str] = field(default_factory=list)
    exercises: WorkCopy | None = None  # None: the course has no exercise notebooks
    noun: str = "notebook"

    def lines(self, command: str = "b12course start") -> list[str]:
        lines = [f"Your notebooks: {self.folder}",
                 "  (your own copies: what you change there is kept; the course files are "
                 "never changed)"]
        lines += self._changes(command)
        if self.exercises is not None:
            lines += self.exercises._changes(command)
        return lines

    def _changes(self, command: str) -> list[str]:
        lines, noun = [], self.noun
        where = f" (in {EXERCISE_FOLDER}/)" if noun != "notebook" else ""
        for name, moved in self.reset:
            old = f"your old copy is in {moved}" if moved else "there was no copy yet"
            lines.append(f"  Fresh copy of {name} ({old}).")
        if self.copied:
            lines.append(f"  Copied {_count(self.copied, noun)}{where} from the course: "
                         + _numbers(self.copied) + ".")
        if self.updated:
            lines.append(f"  Updated {_count(self.updated, noun)}{where} you had not changed "
                         "to the course's new version: " + _numbers(self.updated) + ".")
        if self.kept:
            lines.append(f"  Kept {_count(self.kept, noun)}{where} as you left "
                         f"{'them' if len(self.kept) > 1 else 'it'}.")
        if self.newer_in_course:
            first = self.newer_in_course[0]
            first = (first.split("_", 1)[0] if noun == "notebook"
                     else first.removesuffix(".ipynb"))  # by number, exercises by name
            lines.append(f"  The course has a newer version of {noun} "
                         + _numbers(self.newer_in_course) + " than the copy you changed. To "
                         f"start again from it: {command} --fresh {first} (your copy is moved "
                         f"to {REPLACED_FOLDER}/, not deleted).")
        return lines


def _numbers(names: Sequence[str]) -> str:
    """``00, 03`` for ``00_start_here.ipynb, 03_regimens_by_cause.ipynb``."""
    return ", ".join(name.split("_", 1)[0] for name in names)


def _count(items: Sequence, noun: str) -> str:
    return f"{len(items)} {noun}{'s' if len(items) != 1 else ''}"


def prepare_work_copy(work: Path, source: Path | None = None, fresh: Iterable[str] = (),
                      exercises: Path | None = None) -> WorkCopy:
    """Copy the course notebooks the working copy lacks; never overwrite the student's work.

    ``source``: the course's notebooks (``notebooks/`` of the clone), copied to ``work``;
    ``exercises``: its exercise notebooks (default: ``exercises/`` next to ``source``, if there),
    copied to ``work/exercises/`` so the working copy has the clone's layout around the start
    notebook. A notebook already there is kept, except one still byte-identical to the course
    version copied earlier (the student never saved it) when the course has changed since: that
    one is brought up to date. ``fresh``: notebooks (``03``, a name or a file name; exercise
    notebooks by name, ``03_regimens_by_cause_exercises``; ``all`` for every one) to replace with
    the course's current version; the student's copy is moved to ``replaced/`` first.
    """
    source = source or course_notebook_dir()
    notebooks = {p.name: p for p in course_notebooks(source)}
    if not notebooks:
        raise FileNotFoundError(f"no course notebooks found in {source}")
    exercises = exercises if exercises is not None else source.parent / EXERCISE_FOLDER
    exercise_notebooks = {f"{EXERCISE_FOLDER}/{p.name}": p
                          for p in (course_notebooks(exercises) if exercises.is_dir() else [])}
    everything = {**notebooks, **exercise_notebooks}
    fresh = list(fresh)
    fresh_names = (sorted(everything) if any(f.strip().lower() == "all" for f in fresh)
                   else [resolve_name(f, everything) for f in fresh])  # unknown: before copying
    work.mkdir(parents=True, exist_ok=True)
    state = work / STATE_FOLDER
    state.mkdir(exist_ok=True)
    manifest_path = state / MANIFEST
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        manifest = {}
    if not isinstance(manifest, dict):
        manifest = {}
    report = WorkCopy(work)
    if exercise_notebooks:
        report.exercises = WorkCopy(work / EXERCISE_FOLDER, noun="exercise notebook")
        report.exercises.folder.mkdir(exist_ok=True)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    for name, course in everything.items():  # teaching notebooks first, then exercises
        part = report.exercises if name in exercise_notebooks else report
        file_name = name.rsplit("/", 1)[-1]  # what the report says
        target, current = work / name, _sha256(course)
        if name in fresh_names:  # moved aside (exercises to replaced/exercises/), copied below
            moved = None
            if target.exists():
                moved = work / REPLACED_FOLDER / Path(name).parent / f"{target.stem}-{stamp}.ipynb"
                moved.parent.mkdir(parents=True, exist_ok=True)
                target.replace(moved)
            part.reset.append((file_name, moved))
        copied_from = manifest.get(name)
        if target.exists():
            if copied_from in (None, current):
                part.kept.append(file_name)
                continue
            if _sha256(target) != copied_from:  # the student changed it: theirs, kept
                part.kept.append(file_name)
                part.newer_in_course.append(file_name)
                continue
            part.updated.append(file_name)  # never changed since copied: nothing of theirs lost
        elif name not in fresh_names:
            part.copied.append(file_name)
        shutil.copyfile(course, target)
        manifest[name] = current
    manifest_path.write_text(json.dumps(manifest, indent=1, sort_keys=True) + "\n",
                             encoding="utf-8")
    return report


# --- the pre-save hook (runs inside the JupyterLab server) --------------------------------------

def replace_widget_outputs(notebook: dict) -> int:
    """Replace widget views in a notebook (as a dict) by a plain note; returns how many went.

    A widget view only points at a model in the kernel that ran it; saved and reopened with another
    kernel, JupyterLab shows "Error displaying widget: model not found" there. Each code cell with
    widget views keeps one note, in the place of the first; every other output is kept as it is.
    Saved widget state (``metadata.widgets``) goes too: without views it is dead weight.
    """
    replaced = 0
    for cell in notebook.get("cells", []):
        if cell.get("cell_type") != "code" or not cell.get("outputs"):
            continue
        kept, noted = [], False
        for output in cell["outputs"]:
            if (output.get("output_type") in ("display_data", "execute_result")
                    and WIDGET_VIEW in (output.get("data") or {})):
                replaced += 1
                if noted:
                    continue
                noted = True
                output = {**output, "data": {"text/plain": WIDGET_NOTE,
                                             "text/html": WIDGET_NOTE_HTML}, "metadata": {}}
            kept.append(output)
        cell["outputs"] = kept
    metadata = notebook.get("metadata")
    if isinstance(metadata, dict):
        metadata.pop("widgets", None)
    return replaced


def widget_outputs_to_note(model: dict, **_kwargs) -> None:
    """``ContentsManager.pre_save_hook``: notebooks are saved with notes instead of widget views.

    Only the file on disk changes: the open notebook keeps its live widgets.
    """
    if model.get("type") == "notebook" and isinstance(model.get("content"), dict):
        replace_widget_outputs(model["content"])


# --- the servers -------------------------------------------------------------------------------

def running_as_root() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0


def pick_port(preferred: int, host: str = HOST, tries: int = PORT_TRIES) -> int:
    """``preferred`` if free, else the next free one of ``tries``, else any free port."""
    for port in [*range(preferred, preferred + tries), 0]:
        with socket.socket() as sock:
            if os.name != "nt":  # as the servers do: a port just freed (TIME_WAIT) is free
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                sock.bind((host, port))
            except OSError:
                continue
            return sock.getsockname()[1]
    raise OSError(f"no free port on {host}")


def state_dir(work: Path) -> Path:
    return work / STATE_FOLDER


def lab_settings_dir(work: Path) -> Path:
    """JupyterLab's user settings for the code view: the course's own, not the student's global."""
    return state_dir(work) / "lab" / "user-settings"


def write_lab_settings(settings_dir: Path) -> list[Path]:
    """The course's JupyterLab settings, merged into any the student changed since."""
    written = []
    for relative, values in LAB_SETTINGS.items():
        path = settings_dir / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        current = {}
        with contextlib.suppress(OSError, ValueError):
            current = json.loads(path.read_text(encoding="utf-8"))
        path.write_text(json.dumps({**(current if isinstance(current, dict) else {}), **values},
                                   indent=2) + "\n", encoding="utf-8")
        written.append(path)
    return written


def voila_command(work: Path, port: int, token: str, python: str | None = None,
                  extra: Sequence[str] = ()) -> list[str]:
    """Voilà serving the working copy as a tree (links between notebooks work), code hidden."""
    return [
        python or sys.executable, "-m", "voila", str(work), "--no-browser",
        f"--Voila.ip={HOST}", f"--port={port}", "--Voila.port_retries=0",
        f"--Voila.token={token}", "--strip_sources=True", *extra,
    ]


def lab_command(work: Path, port: int, token: str, python: str | None = None,
                extra: Sequence[str] = ()) -> list[str]:
    """JupyterLab on the working copy: start notebook open, course settings, pre-save hook."""
    lab = state_dir(work) / "lab"
    command = [
        python or sys.executable, "-m", "jupyterlab", "--no-browser",
        f"--ServerApp.ip={HOST}", f"--ServerApp.port={port}", "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={work}",
        f"--LabApp.default_url=/lab/tree/{START_NOTEBOOK}",
        f"--LabApp.user_settings_dir={lab_settings_dir(work)}",
        f"--LabApp.workspaces_dir={lab / 'workspaces'}",
        "--LabApp.news_url=", "--LabApp.extension_manager=readonly",
        f"--ContentsManager.pre_save_hook={PRE_SAVE_HOOK}",
    ]
    if running_as_root() and "--allow-root" not in extra:
        command.append("--allow-root")  # containers and CI often run as root
    return [*command, *extra]


def start_url(port: int, token: str, lab: bool) -> str:
    page = f"lab/tree/{START_NOTEBOOK}" if lab else f"voila/render/{START_NOTEBOOK}"
    return f"http://{HOST}:{port}/{page}?token={token}"


def wait_until_answering(url: str, process: subprocess.Popen,
                         timeout_s: float = READY_TIMEOUT_S) -> bool:
    """True once anything answers HTTP at ``url``; False if the server exits or times out."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            return False
        try:
            with urllib.request.urlopen(url, timeout=5):
                return True
        except urllib.error.HTTPError:  # 403 without a token, 302 ...: it answers
            return True
        except (OSError, ValueError):
            time.sleep(0.25)
    return False


def can_open_browser() -> bool:
    """False on a Linux box with no display, where webbrowser would start a text browser."""
    if sys.platform.startswith("linux"):
        return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
    return True


def _log_tail(path: Path, lines: int = 25) -> str:
    with contextlib.suppress(OSError):
        return "\n".join(path.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])
    return "(no log)"


def stop(process: subprocess.Popen, grace_s: float = 3) -> None:
    """Let the server stop after Ctrl+C (it shuts its kernels down), then insist.

    Ctrl+C in the terminal reaches the server too (same process group); both Voilà and
    JupyterLab stop cleanly on it, and on the SIGTERM that follows if they have not yet.
    """
    for action, wait_s in ((None, grace_s), (process.terminate, STOP_TIMEOUT_S),
                           (process.kill, 5)):
        if process.poll() is not None:
            return
        if action is not None:
            with contextlib.suppress(ProcessLookupError):
                action()
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=wait_s)


def _stop_on_termination() -> None:
    """SIGTERM or a closed terminal (SIGHUP) stops the server too, like Ctrl+C does."""

    def interrupt(_signum, _frame):
        raise KeyboardInterrupt

    for name in ("SIGTERM", "SIGHUP"):
        with contextlib.suppress(AttributeError, ValueError, OSError):  # Windows; not main thread
            signal.signal(getattr(signal, name), interrupt)


def missing_voila() -> bool:
    import importlib.util

    return importlib.util.find_spec("voila") is None


def run(lab: bool = False, port: int | None = None, open_browser: bool = True,
        work_dir: Path | None = None, fresh: Sequence[str] = (),
        extra: Sequence[str] = ()) -> int:
    """Prepare the working copy, start Voilà (or JupyterLab), say where, wait for Ctrl+C."""
    command_name = os.environ.get(COMMAND_VARIABLE, "").strip() or "b12course start"
    work = Path(work_dir).expanduser().resolve() if work_dir else default_work_dir()
    try:
        copy = prepare_work_copy(work, fresh=fresh)
    except ValueError as error:
        print(f"b12course start: {error}", file=sys.stderr)
        return 2
    print("\n".join(copy.lines(command_name)), flush=True)
    if not lab and missing_voila():
        print("Voilà (the package that shows the course with the code hidden) is not "
              "installed here. Install the course again (python3 dev.py start does it, or "
              "pip install -e . in the course folder), or open the code view with --lab.",
              file=sys.stderr)
        return 2
    port = pick_port(port or (LAB_PORT if lab else VOILA_PORT))
    token = secrets.token_hex(24)
    if lab:
        write_lab_settings(lab_settings_dir(work))
        command = lab_command(work, port, token, extra=extra)
    else:
        command = voila_command(work, port, token, extra=extra)
    log_path = state_dir(work) / ("jupyterlab.log" if lab else "voila.log")
    what = "JupyterLab (the code view)" if lab else "the course (code hidden)"
    print(f"Starting {what} ...", flush=True)
    _stop_on_termination()
    with open(log_path, "wb") as log:
        # stdin closed: Jupyter then stops on Ctrl+C at once instead of asking "y/n?"
        process = subprocess.Popen(command, cwd=work, stdin=subprocess.DEVNULL, stdout=log,
                                   stderr=subprocess.STDOUT)
    url = start_url(port, token, lab)
    try:
        if not wait_until_answering(f"http://{HOST}:{port}/", process):
            stop(process)
            print(f"The server did not start. Its last messages ({log_path}):\n"
                  f"{_log_tail(log_path)}", file=sys.stderr)
            return 1
        opened = False
        if open_browser and can_open_browser():
            import webbrowser

            with contextlib.suppress(Exception):
                opened = webbrowser.open(url)
        print(("Opened " if opened else "Ready: ") + what + " in your web browser"
              + ("." if opened else " (open the address below)."))
        print(f"  Address: {url}")
        if opened:
            print("  (No window? Copy that address into your browser.)")
        print(f"  Server messages go to {log_path}")
        print("Press Ctrl+C in this window to stop the course, then close the browser tab.",
              flush=True)
        code = process.wait()
        print(f"The server stopped by itself (exit code {code}); last messages:\n"
              f"{_log_tail(log_path)}", file=sys.stderr)
        return code or 1
    except KeyboardInterrupt:
        with contextlib.suppress(OSError):  # the terminal may be gone (SIGHUP)
            print("\nStopping ...", flush=True)
        stop(process)
        with contextlib.suppress(OSError):
            print(f"Stopped. Your notebooks stay in {work}.")
        return 0
