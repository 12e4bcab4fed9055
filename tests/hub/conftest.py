"""A real JupyterHub on 127.0.0.1 for tests/hub/test_local_hub.py, always stopped afterwards.

JupyterHub (PyPI) runs with its real proxy, configurable-http-proxy from the npm registry
(installed into the git-ignored ``.cache/chp`` when missing), the built-in dummy authenticator and
the local-process spawner, every port free and on 127.0.0.1, every file in a temporary folder.
Teardown stops the hub politely, then ends by PID whatever is left of the proxy, the students'
servers and their kernels (they run in their own sessions and would otherwise outlive the hub).
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from b12course.sources.paths import REPO_ROOT


def _browser_conftest():
    """tests/browser/conftest.py, loaded by path: its free_port and die_with_parent serve the
    hub's processes too."""
    import importlib.util

    path = REPO_ROOT / "tests" / "browser" / "conftest.py"
    spec = importlib.util.spec_from_file_location("b12course_browser_conftest_for_hub", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


BROWSER = _browser_conftest()
free_port, die_with_parent = BROWSER.free_port, BROWSER.die_with_parent


@pytest.fixture(scope="session")
def browser_check():
    """tests/browser/conftest.py: Chromium's path and flags, its skip rule, its launcher."""
    return BROWSER

# .ci/run installs the same package spec into the same folder.
PROXY_SPEC = "configurable-http-proxy@>=4.6 <6"
PROXY_DIR = REPO_ROOT / ".cache" / "chp"
PROXY_BIN = PROXY_DIR / "node_modules" / ".bin" / "configurable-http-proxy"
SKIP_VARIABLE = "B12COURSE_SKIP_HUB"
SPAWNER_VARIABLE = "B12COURSE_HUB_SPAWNER"  # "simple" forces the shared-user spawner as root
HUB_START_TIMEOUT_S = 90
SERVER_START_TIMEOUT_S = 180  # three servers starting at once on a busy 2-core machine
NPM_TIMEOUT_S = 300
SERVICE = "b12-test"


def running_in_ci() -> bool:
    """True when the CI variable is set to anything but an explicit false."""
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def unavailable(reason: str) -> None:
    """Skip with the reason outside CI; fail with it in CI (CI must run the hub test)."""
    if running_in_ci():
        pytest.fail(f"CI must run the local-hub test, but {reason}. .ci/run installs Node.js "
                    f"and the proxy; set {SKIP_VARIABLE}=1 only to opt out on purpose.",
                    pytrace=False)
    pytest.skip(f"local-hub test skipped: {reason} (set CI=true to make this a failure)")


def _missing_python_package() -> str | None:
    for module, package in (("jupyterhub", "jupyterhub"), ("nbgitpuller", "nbgitpuller")):
        try:
            __import__(module)
        except ImportError:
            return f"{package} is not installed (it is in the course's [test] extra)"
    return None


def ensure_proxy() -> Path:
    """The proxy binary, installed with npm into .cache/chp if missing (skip/fail without npm)."""
    if os.environ.get(SKIP_VARIABLE, "").strip() not in ("", "0"):
        pytest.skip(f"local-hub test skipped on request ({SKIP_VARIABLE}="
                    f"{os.environ[SKIP_VARIABLE]})")
    reason = _missing_python_package()
    if reason:
        unavailable(reason)
    if shutil.which("node") is None:
        unavailable("Node.js is not installed (configurable-http-proxy runs on it; Debian: "
                    "apt-get install -y nodejs npm)")
    if PROXY_BIN.exists():
        return PROXY_BIN
    npm = shutil.which("npm")
    if npm is None:
        unavailable(f"npm is not installed, so configurable-http-proxy cannot be installed into "
                    f"{PROXY_DIR} (Debian: apt-get install -y npm)")
    PROXY_DIR.mkdir(parents=True, exist_ok=True)
    with open(PROXY_DIR.parent / "chp.lock", "w") as lock:  # one installer at a time
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not PROXY_BIN.exists():
            try:
                done = subprocess.run(
                    [npm, "install", "--prefix", str(PROXY_DIR), "--no-audit", "--no-fund",
                     "--loglevel=error", PROXY_SPEC],
                    capture_output=True, text=True, timeout=NPM_TIMEOUT_S, check=False)
            except subprocess.TimeoutExpired:
                unavailable(f"npm install {PROXY_SPEC} took over {NPM_TIMEOUT_S} s")
            if done.returncode != 0 or not PROXY_BIN.exists():
                unavailable(f"npm install {PROXY_SPEC!r} into {PROXY_DIR} failed "
                            f"({done.returncode}): {(done.stderr or done.stdout).strip()[-400:]}")
    return PROXY_BIN


CONFIG = """\
# Written by tests/hub/conftest.py: a throwaway hub on 127.0.0.1.
c = get_config()  # noqa: F821
c.JupyterHub.bind_url = "http://127.0.0.1:{public_port}"
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = {hub_port}
c.JupyterHub.db_url = "sqlite:///{base}/jupyterhub.sqlite"
c.JupyterHub.cookie_secret_file = "{base}/cookie_secret"
c.JupyterHub.pid_file = "{base}/jupyterhub.pid"
c.JupyterHub.cleanup_servers = True
c.JupyterHub.cleanup_proxy = True
c.ConfigurableHTTPProxy.command = ["{proxy}"]
c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:{proxy_api_port}"
c.ConfigurableHTTPProxy.pid_file = "{base}/proxy.pid"
c.JupyterHub.authenticator_class = "dummy"
c.Authenticator.allow_all = True
c.SimpleLocalProcessSpawner.home_dir_template = "{base}/homes/{{username}}"
{spawner}
c.Spawner.ip = "127.0.0.1"
c.Spawner.cmd = ["{singleuser}"]
c.Spawner.args = {args!r}
# the spawn API answers 202 at once instead of waiting up to 10 s: three servers start together
c.JupyterHub.tornado_settings = {{"slow_spawn_timeout": 0}}
c.Spawner.start_timeout = {timeout}
c.Spawner.http_timeout = {timeout}
c.Spawner.default_url = "/lab"
c.JupyterHub.services = [{{"name": "{service}", "api_token": "{token}"}}]
c.JupyterHub.load_roles = [{{
    "name": "{service}",
    "scopes": ["admin:users", "admin:servers", "admin:server_state", "tokens",
               "access:servers", "list:users"],
    "services": ["{service}"],
}}]
"""


SIMPLE_SPAWNER = 'c.JupyterHub.spawner_class = "simple"'
# tests/hub/student_spawner.py: each student's server as their own uid (the hub must be root)
UID_SPAWNER = """\
import sys
sys.path.insert(0, "{folder}")
c.JupyterHub.spawner_class = "student_spawner.StudentUidSpawner"
c.StudentUidSpawner.git_config = "{git_config}"
"""


class Hub:
    """A running JupyterHub: its URL, a service token for the REST API, and its students' homes.

    With ``per_student_uids`` (the hub runs as root) every student's server runs as a uid of its
    own in a 0700 home; otherwise all run as the hub's user (no file-level isolation).
    """

    def __init__(self, base: Path, proxy: Path, per_student_uids: bool = False):
        self.base = base
        self.homes = base / "homes"
        self.homes.mkdir()
        self.per_student_uids = per_student_uids
        # a course repository served from here is readable by every student's uid
        self.repo_path = base / "course" / "b12course.git"
        git_config = base / "gitconfig"
        git_config.write_text(f"[safe]\n\tdirectory = {self.repo_path}\n", encoding="utf-8")
        self.public_port, self.hub_port, self.proxy_api_port = (free_port() for _ in range(3))
        self.token = secrets.token_hex(24)
        self.log_path = base / "jupyterhub.log"
        self.config_path = base / "jupyterhub_config.py"
        self.process: subprocess.Popen | None = None
        self.server_pids: dict[str, int] = {}
        bin_dir = Path(sys.executable).parent
        as_root = os.geteuid() == 0 and not per_student_uids
        args = ["--allow-root"] if as_root else []  # a server run as root exits without it
        spawner = (UID_SPAWNER.format(folder=Path(__file__).parent, git_config=git_config)
                   if per_student_uids else SIMPLE_SPAWNER)
        self.config_path.write_text(CONFIG.format(
            public_port=self.public_port, hub_port=self.hub_port,
            proxy_api_port=self.proxy_api_port, base=base, proxy=proxy, spawner=spawner,
            singleuser=bin_dir / "jupyterhub-singleuser", args=args,
            timeout=SERVER_START_TIMEOUT_S, service=SERVICE, token=self.token,
        ), encoding="utf-8")

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.public_port}"

    def environment(self) -> dict[str, str]:
        """The hub's environment: the venv and Node.js on PATH, nothing of the test's own state."""
        env = {k: v for k, v in os.environ.items()
               if not k.startswith(("B12COURSE_", "JUPYTER", "XDG_", "PYTEST", "IPYTHON"))}
        node_dir = Path(shutil.which("node") or "/usr/bin/node").parent
        env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), str(node_dir),
                                       env.get("PATH", "")])
        return env

    # --- start and stop ---------------------------------------------------------------------

    def start(self) -> None:
        with open(self.log_path, "wb") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "jupyterhub", "-f", str(self.config_path)],
                stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                env=self.environment(), cwd=self.base, start_new_session=True,
                preexec_fn=die_with_parent(os.getpid()))
        self.wait_for(lambda: self._status("/hub/api/") == 200, HUB_START_TIMEOUT_S,
                      "the hub did not answer /hub/api/ through its proxy",
                      check_alive=True)

    def _status(self, path: str) -> int | None:
        import requests

        try:
            return requests.get(self.url + path, timeout=5).status_code
        except requests.RequestException:
            return None

    def wait_for(self, condition, timeout_s: float, what: str, check_alive: bool = False):
        """Poll ``condition`` until it returns something truthy; fail with the hub log's tail."""
        deadline = time.monotonic() + timeout_s
        while True:
            if check_alive and self.process.poll() is not None:
                raise AssertionError(f"JupyterHub exited with {self.process.returncode}:\n"
                                     f"{self.log_tail()}")
            value = condition()
            if value:
                return value
            if time.monotonic() > deadline:
                raise AssertionError(f"{what} within {timeout_s:g} s. Hub log (last lines):\n"
                                     f"{self.log_tail()}")
            time.sleep(0.25)

    def log_tail(self, lines: int = 40) -> str:
        if not self.log_path.exists():
            return "(no hub log)"
        text = self.log_path.read_text(encoding="utf-8", errors="replace")
        return "\n".join(text.splitlines()[-lines:])

    def leftovers(self) -> list[int]:
        """PIDs of this hub's proxy, single-user servers and kernels that are still running.

        Servers and kernels are found by the hub API address in their environment (unique to
        this hub: its port), so nothing belonging to another test or user is ever touched.
        """
        marker = f"JUPYTERHUB_API_URL=http://127.0.0.1:{self.hub_port}/hub/api".encode()
        found = set(self.server_pids.values())
        pid_file = self.base / "proxy.pid"
        with contextlib.suppress(OSError, ValueError):
            found.add(int(pid_file.read_text().strip()))
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                with contextlib.suppress(OSError):
                    if marker in (entry / "environ").read_bytes().split(b"\0"):
                        found.add(int(entry.name))
        return sorted(pid for pid in found if _alive(pid))

    def stop(self) -> list[int]:
        """Stop the hub (it stops the servers and the proxy), then any survivor by PID.

        Returns the PIDs that had to be ended by force (an empty list is a clean stop).
        """
        with contextlib.suppress(Exception):
            self.remember_server_pids()
        if self.process is not None and self.process.poll() is None:
            for sig, wait_s in ((signal.SIGTERM, 30), (signal.SIGKILL, 5)):
                with contextlib.suppress(ProcessLookupError):
                    os.kill(self.process.pid, sig)
                with contextlib.suppress(subprocess.TimeoutExpired):
                    self.process.wait(timeout=wait_s)
                    break
        forced = self.leftovers()
        for sig in (signal.SIGTERM, signal.SIGKILL):
            for pid in self.leftovers():
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, sig)
            deadline = time.monotonic() + 5
            while self.leftovers() and time.monotonic() < deadline:
                time.sleep(0.1)
        return forced

    # --- the REST API (as the test's admin service, or as a student with their token) ---------

    def api(self, method: str, path: str, token: str | None = None, ok=(200, 201, 202, 204),
            **kwargs):
        import requests

        response = requests.request(
            method, f"{self.url}/hub/api{path}", timeout=30,
            headers={"Authorization": f"token {token or self.token}"}, **kwargs)
        if response.status_code not in ok:
            raise AssertionError(f"{method} /hub/api{path} -> HTTP {response.status_code}: "
                                 f"{response.text[:300]}\nHub log (last lines):\n"
                                 f"{self.log_tail()}")
        return response.json() if response.content else {}

    def user(self, name: str) -> dict:
        return self.api("GET", f"/users/{name}")

    def start_server(self, name: str) -> None:
        self.api("POST", f"/users/{name}", ok=(201, 409))  # 409: the user exists already
        self.api("POST", f"/users/{name}/server", ok=(201, 202, 400))  # 400: already running

    def wait_until_ready(self, name: str) -> None:
        def ready():
            server = self.user(name).get("servers", {}).get("")
            return bool(server and server.get("ready"))

        self.wait_for(ready, SERVER_START_TIMEOUT_S, f"{name}'s server was not ready")
        self.remember_server_pids()

    def remember_server_pids(self) -> None:
        for user in self.api("GET", "/users"):
            pid = ((user.get("servers") or {}).get("") or {}).get("state", {}).get("pid")
            if pid:
                self.server_pids[user["name"]] = int(pid)

    def new_token(self, name: str) -> str:
        return self.api("POST", f"/users/{name}/tokens", json={"note": "b12course test",
                                                               "expires_in": 3600})["token"]


def _alive(pid: int) -> bool:
    """True while ``pid`` runs (a zombie, already dead but not reaped, counts as gone)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


@pytest.fixture(scope="module")
def hub():
    """A running hub; afterwards nothing of it may be left running (checked, by PID).

    Run as root, each student gets their own uid (tests/hub/student_spawner.py) unless
    B12COURSE_HUB_SPAWNER=simple. The hub's
    folder is made in /tmp, not under pytest's 0700 temp root, so students' uids can reach
    their homes and the course repository; it is removed afterwards.
    """
    proxy = ensure_proxy()
    base = Path(tempfile.mkdtemp(prefix="b12course-hub-"))
    base.chmod(0o711)
    simple = os.environ.get(SPAWNER_VARIABLE, "").strip().lower() == "simple"
    running = Hub(base, proxy, per_student_uids=os.geteuid() == 0 and not simple)
    try:
        running.start()
        yield running
    finally:
        forced = running.stop()
        left = running.leftovers()
        if not left:
            shutil.rmtree(base, ignore_errors=True)
    assert not left, f"processes of the test hub still run after teardown: {left}"
    assert not forced, (f"the hub left processes behind that had to be ended by PID: {forced}\n"
                        f"{running.log_tail()}")
