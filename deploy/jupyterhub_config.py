"""JupyterHub for the B12 course on one department server (up to ~60 students at once).

What is course-specific here: where the course comes from (one nbgitpuller pull per login, the
student's edits kept), the page students land on (the start notebook, code hidden), the idle
culler, and per-student limits from the course's measurements (deploy/README.md). Everything else
is plain JupyterHub: https://jupyterhub.readthedocs.io/en/stable/ (TLS, sign-in, systemd unit).

Start: ``B12_COURSE_REPO=https://git.example.edu/b12/course.git jupyterhub -f jupyterhub_config.py``
as root (the hub starts each student's server as that student's own Linux account).
"""

import importlib.util
import os
import shutil
import sys
from urllib.parse import urlencode

c = get_config()  # noqa: F821 - provided by JupyterHub when it loads this file

# --- site settings: change these ------------------------------------------------------------------
COURSE_REPO = os.environ.get("B12_COURSE_REPO", "https://git.example.edu/b12/course.git")
COURSE_BRANCH = os.environ.get("B12_COURSE_BRANCH", "main")
INSTRUCTORS = {n for n in os.environ.get("B12_INSTRUCTORS", "instructor").split(",") if n}
STUDENT_GROUP = os.environ.get("B12_STUDENT_GROUP", "b12students")  # Linux group of the class

# --- the course -----------------------------------------------------------------------------------
TARGET = "b12course"  # the folder in each student's home (the same as `b12course hub-link`)
START_PAGE = f"voila/render/{TARGET}/notebooks/00_start_here.ipynb"  # student mode, code hidden

# Every login pulls the course (first time: a copy; later: updates that keep the student's own
# edits, nbgitpuller's merge rules) and then opens the start page. The same as the link
# `b12course hub-link --hub https://THIS-SERVER` prints, so both ways in agree.
c.Spawner.default_url = "/git-pull?" + urlencode({
    "repo": COURSE_REPO, "branch": COURSE_BRANCH, "targetpath": TARGET, "urlpath": START_PAGE,
})

# --- who signs in ---------------------------------------------------------------------------------
# Default: the server's own accounts (PAM), students in one Linux group. For the university's
# single sign-on see https://jupyterhub.readthedocs.io/en/stable/reference/authenticators.html
c.LocalAuthenticator.allowed_groups = {STUDENT_GROUP}
c.Authenticator.admin_users = INSTRUCTORS

# --- each student's server ------------------------------------------------------------------------
# SystemdSpawner (pip install jupyterhub-systemdspawner) runs each server as the student's own
# account in a systemd unit that enforces the limits below. Without it, JupyterHub's default
# LocalProcessSpawner still runs each server as the student's own account (their files are
# theirs alone) but enforces no memory or CPU limit.
if importlib.util.find_spec("systemdspawner") and shutil.which("systemctl"):
    c.JupyterHub.spawner_class = "systemdspawner.SystemdSpawner"
    c.SystemdSpawner.isolate_tmp = True  # no shared /tmp between students
    c.SystemdSpawner.isolate_devices = True
# Measured (deploy/README.md, "Sizing"): a student's server 131-154 MiB plus up to 167 MiB per
# open notebook; the limit leaves room for four at once. CPU: an explorer redraw needs ~150 ms
# of a whole core, so the limit stays at 1 core.
c.Spawner.mem_limit = "1G"
c.Spawner.cpu_limit = 1.0

# --- stop idle servers (frees memory; the student's files stay) ----------------------------------
# pip install jupyterhub-idle-culler. Servers idle for an hour stop; the next login restarts them.
c.JupyterHub.load_roles = [{
    "name": "idle-culler",
    "scopes": ["list:users", "read:users:activity", "read:servers", "delete:servers"],
    "services": ["idle-culler"],
}]
c.JupyterHub.services = [{
    "name": "idle-culler",
    "command": [sys.executable, "-m", "jupyterhub_idle_culler", "--timeout=3600"],
}]
