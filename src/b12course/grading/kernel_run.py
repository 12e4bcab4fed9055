"""Execute an assembled notebook cell by cell in a limited kernel: one cell cannot spoil the rest.

A cell that runs past the time limit is interrupted (the kernel lives on); output past the cap is
dropped (error messages are always kept); a kernel that dies (``os._exit()``, a crash) or ignores
the interrupt is replaced by a fresh one, which first re-runs the cells that had finished, then
grading goes on with the next cell. Before every hidden test, ``kernel_guard.check`` says whether
student code changed the checking helpers (and puts them back). What happened to each cell is
returned as a :class:`CellOutcome`; the worker turns those into gradebook rows.
"""

from __future__ import annotations

import ast
import asyncio
import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from queue import Empty

from jupyter_client.manager import AsyncKernelManager
from nbclient import NotebookClient
from nbclient.exceptions import DeadKernelError
from traitlets import Integer, Unicode

from b12course.grading import sandbox

TIMEOUT, DIED, NOT_RUN = "timeout", "kernel-died", "not-run"
#: the ``ename`` of the reply nbclient makes up for a cell stopped at the time limit
TIMEOUT_NAME = "GraderTimeout"
MAX_RESTARTS = 3
#: seconds a kernel has to answer after an interrupt before it is replaced
INTERRUPT_GRACE = 5.0
_GUARD = "get_ipython()._b12_guard"
_INSTALL = ("__import__('b12course.grading.kernel_guard', fromlist=['install'])"
            ".install(get_ipython())")


@dataclass
class Limits:
    """How long one cell may run, how much output and memory a notebook gets, which network."""

    timeout: float
    output_limit: int
    memory_bytes: int
    network: str = sandbox.SOFT


@dataclass
class CellOutcome:
    """What happened when one cell ran."""

    ran: bool = False
    #: (ename, evalue) from the kernel's execute reply, if the cell raised
    error: tuple[str, str] | None = None
    #: TIMEOUT, DIED or NOT_RUN (None: the cell finished by itself)
    event: str | None = None
    #: some of its output was dropped (over the notebook's output cap)
    truncated: bool = False
    #: the checking helpers student code had changed before this (test) cell ran
    tampered: str = ""
    #: kernel restarts that happened before this cell ran
    restarts: int = 0


@dataclass
class Cells:
    """Which cells of the assembled notebook are what (indices)."""

    student: set[int] = field(default_factory=set)
    tests: set[int] = field(default_factory=set)
    #: names the test cells use (the helpers to watch for tampering)
    test_names: list[str] = field(default_factory=list)


class SandboxKernelManager(AsyncKernelManager):
    """An IPython kernel started through :mod:`sandbox` (memory cap, no network)."""

    memory_bytes = Integer(0)
    network = Unicode(sandbox.SOFT)

    def format_kernel_cmd(self, extra_arguments=None):
        command = super().format_kernel_cmd(extra_arguments)
        args = command[command.index("-f"):] if "-f" in command else \
            ["-f", self.connection_file, *(extra_arguments or [])]
        return sandbox.kernel_command(args, self.memory_bytes, self.network)


class CappedClient(NotebookClient):
    """A NotebookClient that keeps at most ``limit`` bytes of output per notebook."""

    def __init__(self, nb, limit: int, **kwargs):
        super().__init__(nb, **kwargs)
        self.limit, self.produced, self.truncated = limit, 0, set()

    def output(self, outs, msg, display_id, cell_index):
        if msg["msg_type"] == "error":  # always kept (grading may read it), traceback trimmed
            content = dict(msg["content"])
            content["traceback"] = list(content.get("traceback", []))[-20:]
            msg = {**msg, "content": content}
        else:
            size = len(json.dumps(msg.get("content", {}), default=str))
            if self.produced + size > self.limit:
                self.truncated.add(cell_index)
                return None
            self.produced += size
        return super().output(outs, msg, display_id, cell_index)


async def _reply(client: NotebookClient, msg_id: str, timeout: float) -> dict | None:
    """The shell reply to ``msg_id`` (None if none came in time or the kernel died)."""
    deadline = time.monotonic() + timeout
    while (left := deadline - time.monotonic()) > 0:
        try:
            msg = await client.kc.get_shell_msg(timeout=min(left, 1.0))
        except Empty:
            if not await client.km.is_alive():
                return None
            continue
        if msg["parent_header"].get("msg_id") == msg_id:
            return msg
    return None


async def _silent(client: NotebookClient, code: str, timeout: float,
                  expression: str | None = None) -> tuple[str, object]:
    """Run code (and evaluate one expression) without touching any cell's outputs.

    Returns ("ok", value of the expression), ("error", reason) or ("no-reply", "")."""
    exprs = {"r": expression} if expression else {}
    msg_id = client.kc.execute(code, silent=True, store_history=False, user_expressions=exprs,
                               allow_stdin=False, stop_on_error=False)
    reply = await _reply(client, msg_id, timeout)
    if reply is None:
        return "no-reply", ""
    content = reply["content"]
    if content.get("status") != "ok":
        return "error", f"{content.get('ename', 'Error')}: {content.get('evalue', '')}"
    if not expression:
        return "ok", None
    result = content.get("user_expressions", {}).get("r", {})
    if result.get("status") != "ok":
        return "error", f"{result.get('ename', 'Error')}: {result.get('evalue', '')}"
    try:
        return "ok", ast.literal_eval(result["data"]["text/plain"])
    except (KeyError, ValueError, SyntaxError):
        return "error", "unreadable answer from the kernel"


class KernelRun:
    """One notebook's execution: kernels started, cells run, outcomes recorded."""

    def __init__(self, notebook, cells: Cells, workdir: Path, limits: Limits, progress=None):
        self.nb, self.cells, self.limits, self.progress = notebook, cells, limits, progress
        self.workdir = Path(workdir)
        self.outcomes = {i: CellOutcome() for i in range(len(notebook.cells))}
        self.client = CappedClient(
            notebook, limits.output_limit, timeout=max(1, round(limits.timeout)),
            startup_timeout=120, kernel_name="python3", allow_errors=True,
            interrupt_on_timeout=True, error_on_timeout={
                "ename": TIMEOUT_NAME, "evalue": f"stopped after {limits.timeout:g} s"},
            record_timing=False, shutdown_kernel="immediate",
            on_cell_executed=self._executed, resources={"metadata": {"path": str(workdir)}})
        self.restarts, self.sessions = 0, 0
        self.guarded = False  # the guard is installed in the current kernel
        self.watching = False  # the helpers were snapshotted in the current kernel

    def _executed(self, cell, cell_index, execute_reply):
        content = (execute_reply or {}).get("content", {})
        outcome = self.outcomes[cell_index]
        outcome.ran = True
        if content.get("status") == "error":
            if content.get("ename") == TIMEOUT_NAME:
                outcome.event = TIMEOUT
            else:
                outcome.error = (str(content.get("ename", "Error")),
                                 str(content.get("evalue", "")))

    async def _start(self) -> None:
        try:
            await self._start_kernel()
        except Exception:
            if self.limits.network != sandbox.NAMESPACE:
                raise
            # the namespace worked for the probe but not for this kernel: use the soft block
            self.limits.network = sandbox.SOFT
            await self._start_kernel()

    async def _start_kernel(self) -> None:
        self.sessions += 1
        folder = self.workdir.parent / "kernels"
        folder.mkdir(exist_ok=True)
        km = SandboxKernelManager(kernel_name="python3", transport="ipc",
                                  memory_bytes=self.limits.memory_bytes,
                                  network=self.limits.network)
        km.connection_file = str(folder / f"k{self.sessions}.json")
        await km.start_kernel(cwd=str(self.workdir),
                              extra_arguments=["--HistoryManager.hist_file=:memory:"])
        kc = km.client()
        kc.start_channels()
        try:
            await kc.wait_for_ready(timeout=120)
        except Exception:
            kc.stop_channels()
            await self._kill(km)
            raise
        kc.allow_stdin = False
        self.client.km, self.client.kc = km, kc
        status, value = await _silent(self.client, "", self.limits.timeout + 30, _INSTALL)
        self.guarded, self.watching = status == "ok" and value == "ok", False

    @staticmethod
    async def _kill(km) -> None:
        try:
            if await km.is_alive():
                await km.shutdown_kernel(now=True)
        except RuntimeError:
            pass
        finally:
            await km.cleanup_resources()

    async def _stop(self) -> None:
        kc, km = self.client.kc, self.client.km
        self.client.kc = self.client.km = None
        if kc is not None:
            kc.stop_channels()
        if km is not None:
            await self._kill(km)

    async def _watch(self) -> None:
        """Remember the checking helpers (just before the first student code runs)."""
        if self.guarded and not self.watching:
            names = repr(sorted(self.cells.test_names))
            await _silent(self.client, "", self.limits.timeout,
                          f"{_GUARD}.snapshot(get_ipython(), {names})")
            self.watching = True

    async def _check(self) -> str:
        """Helpers changed by student code (and put back) before a test; '' if none."""
        if not self.guarded:
            return ""
        status, value = await _silent(self.client, "", self.limits.timeout,
                                      f"{_GUARD}.check(get_ipython())")
        if status == "ok" and isinstance(value, str):
            return value
        if not await self.client.km.is_alive():
            return ""  # a dead kernel is reported by the test cell, not as tampering
        return "the grader's own check could not run (" + (str(value) or "no answer") + ")"

    async def _restart(self, upto: int) -> bool:
        """A fresh kernel with the finished cells before ``upto`` re-run; False if not possible."""
        await self._stop()
        if self.restarts >= MAX_RESTARTS:
            return False
        self.restarts += 1
        await self._start()
        for index in range(upto):
            outcome, cell = self.outcomes[index], self.nb.cells[index]
            if not outcome.ran or outcome.event or index in self.cells.tests:
                continue
            if index in self.cells.student:
                await self._watch()
            status, _ = await _silent(self.client, cell.source, self.limits.timeout)
            if status == "no-reply":  # the replay itself hung or died: try a fresh kernel
                return await self._restart(upto)
        return True

    async def _responsive(self) -> bool:
        """The kernel is alive and answers (after an interrupt) within the grace time."""
        if not await self.client.km.is_alive():
            return False
        status, _ = await _silent(self.client, "", INTERRUPT_GRACE)
        return status != "no-reply"

    async def run(self) -> dict[int, CellOutcome]:
        """Run every code cell; never raises for anything the notebook does."""
        await self._start()
        try:
            index = 0
            while index < len(self.nb.cells):
                cell = self.nb.cells[index]
                if cell.cell_type != "code" or not cell.source.strip():
                    index += 1
                    continue
                if self.progress:
                    self.progress(index)
                outcome = self.outcomes[index]
                outcome.restarts = self.restarts
                if index in self.cells.student:
                    await self._watch()
                if index in self.cells.tests:
                    outcome.tampered = await self._check()
                try:
                    await self.client.async_execute_cell(cell, index, store_history=True)
                    healthy = outcome.event != TIMEOUT or await self._responsive()
                except DeadKernelError:
                    outcome.ran, outcome.event, healthy = True, DIED, False
                outcome.truncated = index in self.client.truncated
                index += 1
                rest = any(c.cell_type == "code" and c.source.strip()
                           for c in self.nb.cells[index:])
                if not healthy and rest and not await self._restart(index):
                    for later in range(index, len(self.nb.cells)):
                        self.outcomes[later].event = NOT_RUN
                    break
        finally:
            await self._stop()
        return self.outcomes


def run(notebook, cells: Cells, workdir: Path, limits: Limits, progress=None):
    """Execute ``notebook`` in place; {cell index: CellOutcome}."""
    return asyncio.run(KernelRun(notebook, cells, workdir, limits, progress).run())
