"""Local processes, for the tools that start the assistant on this machine (the launcher, the cluster
profile, the benchmarks, the tests): a free loopback port, who holds a port, the processes a launcher
started (from /proc), children that die with their launcher, and stopping a server's process group."""
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


def _listening_inodes(port: int) -> set[str]:
    """Socket inodes listening on TCP `port` (IPv4 or IPv6), from /proc/net."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            if fields[3] == "0A" and int(fields[1].rsplit(":", 1)[1], 16) == port:  # 0A: LISTEN
                inodes.add(fields[9])
    return inodes


def command_line(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace").strip()
    except OSError:
        return "?"


def port_holders(port: int) -> list[int]:
    """Pids of the processes holding a socket that listens on TCP `port` (those this user may see)."""
    wanted = {f"socket:[{inode}]" for inode in _listening_inodes(port)}
    holders = []
    for fd_dir in Path("/proc").glob("[0-9]*/fd"):
        try:
            if any(os.readlink(fd) in wanted for fd in fd_dir.iterdir()):
                holders.append(int(fd_dir.parent.name))
        except OSError:  # ended, or another user's process
            continue
    return sorted(holders)


def port_in_use(host: str, port: int) -> bool:
    """Whether a server could not bind `host:port` now."""
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return True
    return False


def port_problem(host: str, port: int, setting: str) -> str | None:
    """Why a server cannot listen on `host:port`, naming the process that holds it and how to stop it."""
    if not port_in_use(host, port):
        return None
    holders = port_holders(port)
    if not holders:
        return (f"port {port} is already in use by a process this user cannot see: find it with "
                f"`ss -ltnp 'sport = :{port}'` and stop it, or choose another port ({setting}=...).")
    named = "; ".join(f"pid {pid}: {command_line(pid)}" for pid in holders)
    return (f"port {port} is already in use ({named}): stop it with `kill {' '.join(map(str, holders))}`, "
            f"or choose another port ({setting}=...).")


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
