"""Start a grading kernel with limits: a memory cap and no network for student code.

The worker launches every kernel as ``[unshare -rn] python -m b12course.grading.sandbox
--memory BYTES [--block-sockets] -- <kernel arguments>``. This module (in the kernel's own
process) caps the address space with ``RLIMIT_AS`` (a huge list then raises ``MemoryError``
instead of taking the machine down), then runs ``ipykernel_launcher`` in the same process.

No network: where ``unshare -rn`` works (a user + network namespace, no privileges needed on
most Linux systems) the kernel has no network at all, not even the loopback. Elsewhere
``--block-sockets`` makes Python's ``socket`` refuse connections and name look-ups: a *soft*
block that code written to get round it can get round, and the batch says so when it starts.
The kernel talks to the grader over Unix sockets (``ipc``), which work in both cases.
"""

from __future__ import annotations

import functools
import shutil
import subprocess
import sys

NAMESPACE, SOFT = "namespace", "soft"
NO_NETWORK = "network access is switched off while grading"


@functools.lru_cache(maxsize=1)
def network_mode() -> tuple[str, str]:
    """(NAMESPACE or SOFT, a reason) for this machine; probes ``unshare -rn`` once."""
    unshare = shutil.which("unshare")
    if unshare is None:
        return SOFT, "the 'unshare' command is not installed"
    try:
        probe = subprocess.run([unshare, "-rn", sys.executable, "-c", "pass"],
                               capture_output=True, timeout=20)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return SOFT, f"'unshare -rn' could not run ({type(exc).__name__})"
    if probe.returncode != 0:
        why = probe.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or ["failed"]
        return SOFT, f"'unshare -rn' is not allowed here ({why[0]})"
    return NAMESPACE, "each kernel runs in its own empty network namespace (unshare -rn)"


def kernel_command(kernel_args: list[str], memory_bytes: int, network: str) -> list[str]:
    """The command that starts one limited kernel; ``kernel_args`` follow ipykernel_launcher."""
    command = [sys.executable, "-m", "b12course.grading.sandbox", "--memory", str(memory_bytes)]
    if network == SOFT:
        command.append("--block-sockets")
    command += ["--", *kernel_args]
    if network == NAMESPACE:
        command = [shutil.which("unshare") or "unshare", "-rn", *command]
    return command


def cap_memory(memory_bytes: int) -> None:
    """Limit this process's address space (0 = no limit)."""
    if memory_bytes <= 0:
        return
    try:
        import resource
    except ImportError:  # Windows has no RLIMIT_AS: grading goes on without a memory cap
        return

    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    limit = memory_bytes if hard == resource.RLIM_INFINITY else min(memory_bytes, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


def block_sockets() -> None:
    """Make Python's socket module refuse connections, sends and name look-ups (soft)."""
    import socket

    def refuse(*args, **kwargs):
        raise OSError(NO_NETWORK)

    for name in ("connect", "connect_ex", "sendto"):
        setattr(socket.socket, name, refuse)
    for name in ("create_connection", "getaddrinfo", "gethostbyname", "gethostbyname_ex",
                 "gethostbyaddr"):
        setattr(socket, name, refuse)


def main(argv: list[str]) -> None:
    """Apply the limits, then become the kernel (``ipykernel_launcher`` with ``argv``)."""
    import runpy

    split = argv.index("--")
    options, kernel_args = argv[:split], argv[split + 1:]
    cap_memory(int(options[options.index("--memory") + 1]))
    if "--block-sockets" in options:
        block_sockets()
    sys.argv = ["ipykernel_launcher", *kernel_args]
    runpy.run_module("ipykernel_launcher", run_name="__main__", alter_sys=True)


if __name__ == "__main__":
    main(sys.argv[1:])
