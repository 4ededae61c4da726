"""Local processes, for the tools that start the assistant on this machine (the launcher, the cluster
profile, the benchmarks, the tests): a free loopback port, the processes a launcher started (from
/proc), children that die with their launcher, and stopping a server's process group.
Who holds a port is in rasa_runtime/ports.py (the servers check it too)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
from pathlib import Path


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _children_by_parent() -> dict[int, list[int]]:
    found: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:  # the process ended while we looked
            continue
        found.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    return found


def children(pid: int) -> list[int]:
    """The processes `pid` started itself."""
    return _children_by_parent().get(pid, [])


def stop_group(process: subprocess.Popen, timeout: float) -> None:
    """SIGTERM to the process group of a running `process` (started with start_new_session=True);
    SIGKILL if it has not ended after `timeout` seconds."""
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def descendants(pid: int) -> list[int]:
    """Every process below `pid`, children first, excluding `pid` itself."""
    by_parent = _children_by_parent()
    found, queue = [], [pid]
    while queue:
        below = by_parent.get(queue.pop(), [])
        found += below
        queue += below
    return found


def dying_with_this_process():
    """A `preexec_fn` for Popen: the child gets SIGTERM when this process dies, however it dies
    (Linux's PR_SET_PDEATHSIG); if this process is already gone by then, the child stops at once."""
    import ctypes

    parent = os.getpid()
    pr_set_pdeathsig = 1

    def set_parent_death_signal() -> None:
        ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGTERM)
        if os.getppid() != parent:
            os.kill(os.getpid(), signal.SIGTERM)

    return set_parent_death_signal
