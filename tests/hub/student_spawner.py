"""A local-process spawner that runs each student's server as that student's own uid.

``SimpleLocalProcessSpawner`` runs every server as the hub's user, so one student's kernel can
read and write another's home. This subclass (needs a hub running as root) gives each student a
uid of their own, from ``first_uid`` up, and a 0700 home owned by it: another student's files
raise PermissionError. No system account is needed, so it suits a test hub with the dummy
authenticator; a department server with real accounts uses JupyterHub's LocalProcessSpawner.
"""

from __future__ import annotations

import os
from pathlib import Path

from jupyterhub.spawner import SimpleLocalProcessSpawner
from traitlets import Integer, Unicode


class StudentUidSpawner(SimpleLocalProcessSpawner):
    """Each student's server (and kernels) as their own uid, in a home only they can open."""

    first_uid = Integer(61000, config=True, help="uid of the first student; the next get +1")
    git_config = Unicode("", config=True, help=(
        "GIT_CONFIG_GLOBAL for the servers: a file with a safe.directory entry, so git accepts "
        "a course repository owned by another user (else: 'dubious ownership')"))

    def student_uid(self) -> int:
        """The owner of the student's home; a new home gets the next free uid (the hub's loop
        runs this synchronously, so two students starting at once never share a uid)."""
        home = Path(self.home_dir)
        if home.exists():
            return home.stat().st_uid
        taken = [p.stat().st_uid for p in home.parent.iterdir()] if home.parent.exists() else []
        uid = max([self.first_uid - 1, *[u for u in taken if u >= self.first_uid]]) + 1
        home.mkdir(parents=True, mode=0o700)
        os.chown(home, uid, uid)
        return uid

    def make_preexec_fn(self, name):
        uid, home = self.student_uid(), self.home_dir

        def preexec() -> None:
            os.setgroups([])
            os.setgid(uid)
            os.setuid(uid)
            os.chdir(home)

        return preexec

    def user_env(self, env):
        env = super().user_env(env)
        if self.git_config:
            env["GIT_CONFIG_GLOBAL"] = self.git_config
        return env
