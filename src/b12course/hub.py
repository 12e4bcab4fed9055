"""The one link a class gets on JupyterHub: nbgitpuller puts the course in each student's home.

The first click clones the course repository into ``~/<targetpath>``; later clicks update it with
nbgitpuller's merge rules, which keep the student's own edits. The page opened afterwards is the
start notebook in student mode: Voilà is a Jupyter server extension wherever it is installed
(``voila.json`` in ``jupyter_server_config.d``), so a hub's single-user server answers
``/user/<name>/voila/render/<path>`` just as ``b12course start`` does on one computer.
"""

from __future__ import annotations

import subprocess
from pathlib import Path
from urllib.parse import urlencode, urlsplit

START_NOTEBOOK = "00_start_here.ipynb"  # the same page `b12course start` opens
DEFAULT_TARGET = "b12course"


class HubLinkError(ValueError):
    """A hub address or repository the link cannot be built from (message fit for a user)."""


def start_page(targetpath: str = DEFAULT_TARGET, lab: bool = False) -> str:
    """The path (relative to the student's server) of the course's start page after the pull."""
    notebook = f"{targetpath.strip('/')}/notebooks/{START_NOTEBOOK}"
    return f"lab/tree/{notebook}" if lab else f"voila/render/{notebook}"


def hub_link(hub: str, repo: str, branch: str = "main", targetpath: str = DEFAULT_TARGET,
             urlpath: str | None = None) -> str:
    """The nbgitpuller link: ``<hub>/hub/user-redirect/git-pull?repo=…&branch=…&…``.

    ``urlpath`` defaults to the start notebook in student mode (Voilà, code hidden).
    """
    hub = hub.strip()
    parts = urlsplit(hub)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise HubLinkError(f"the hub address must start with http:// or https:// and name a "
                           f"server, e.g. https://hub.example.edu (got {hub!r})")
    if not repo.strip():
        raise HubLinkError("give the course repository's address (--repo URL)")
    if not branch.strip() or not targetpath.strip("/ "):
        raise HubLinkError("the branch and the target folder cannot be empty")
    query = urlencode({
        "repo": repo.strip(),
        "branch": branch.strip(),
        "targetpath": targetpath.strip("/ "),
        "urlpath": urlpath if urlpath is not None else start_page(targetpath.strip("/ ")),
    })
    return f"{hub.rstrip('/')}/hub/user-redirect/git-pull?{query}"


def clone_origin(folder: Path) -> str | None:
    """The ``origin`` address of the git clone at ``folder``, or None (no git, no clone)."""
    try:
        done = subprocess.run(["git", "-C", str(folder), "config", "--get", "remote.origin.url"],
                              capture_output=True, text=True, timeout=10, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.strip() or None
