"""Whether a server can listen on its port, and if not, which local process holds it (from /proc):
checked by the action server before it starts, and by the launcher for both servers."""

from __future__ import annotations

import os
import socket
from pathlib import Path


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
        return (
            f"port {port} is already in use by a process this user cannot see: find it with "
            f"`ss -ltnp 'sport = :{port}'` and stop it, or choose another port ({setting}=...)."
        )
    named = "; ".join(f"pid {pid}: {command_line(pid)}" for pid in holders)
    return (
        f"port {port} is already in use ({named}): stop it with `kill {' '.join(map(str, holders))}`, "
        f"or choose another port ({setting}=...)."
    )
