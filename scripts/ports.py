"""Is a TCP port free to listen on, which process holds it (from Linux's `/proc`), a free one."""

from __future__ import annotations

import random
import socket
from pathlib import Path

PROC = Path("/proc")
_LISTEN = "0A"  # the TCP state column of /proc/net/tcp


def port_is_free(host: str, port: int) -> bool:
    """Whether a server could bind `host:port` now (with SO_REUSEADDR, as uvicorn binds)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return False
    return True


def _listening_inodes(port: int) -> set[str]:
    """The socket inodes listening on `port`, over IPv4 and IPv6."""
    inodes: set[str] = set()
    for table in ("tcp", "tcp6"):
        try:
            lines = (PROC / "net" / table).read_text(encoding="ascii").splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            local, state, inode = fields[1], fields[3], fields[9]
            if state == _LISTEN and int(local.rsplit(":", 1)[1], 16) == port:
                inodes.add(inode)
    return inodes


def port_holder(port: int) -> str:
    """Who listens on `port`: `pid 123 (python -m http.server)`, or why that cannot be told."""
    inodes = _listening_inodes(port)
    if not inodes:
        return "an unknown process (nothing listens, yet the port cannot be bound)"
    targets = {f"socket:[{inode}]" for inode in inodes}
    for process in PROC.iterdir():
        if process.name.isdigit() and _holds(process, targets):
            return f"pid {process.name} ({_command(process)})"
    return "a process of another user (its pid is not visible)"


def _command(process: Path) -> str:
    """A process's command line, shortened for one log line."""
    try:
        raw = (process / "cmdline").read_bytes()
    except OSError:
        return "?"
    command = raw.replace(b"\0", b" ").decode("utf-8", errors="replace").strip()
    return command if len(command) <= 120 else command[:117] + "..."


# Ports handed out for servers come from here: below the kernel's ephemeral range (32768+ on
# Linux), where every outgoing connection takes its local port. A port picked there could be
# taken by, say, a PostgreSQL connection before its server binds it (seen in CI: "Address
# already in use"). The cluster tests take their blocks from 20000 up.
SERVER_PORTS = range(10_000, 20_000)
_handed_out: set[int] = set()


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port on `host` that nothing listens on now, outside the ephemeral range, and not
    handed out before by this process."""
    for _ in range(1_000):
        port = random.choice(SERVER_PORTS)  # noqa: S311 - spreading ports, not a secret
        if port not in _handed_out and port_is_free(host, port):
            _handed_out.add(port)
            return port
    raise RuntimeError(f"no free port in {SERVER_PORTS}")


def listens_on(pid: int, port: int) -> bool:
    """Whether process `pid` holds a socket listening on `port`."""
    return _holds(PROC / str(pid), {f"socket:[{inode}]" for inode in _listening_inodes(port)})


def _holds(process: Path, sockets: set[str]) -> bool:
    """Whether the process (its /proc folder) has one of `sockets` open."""
    try:
        fds = list((process / "fd").iterdir())
    except OSError:
        return False  # gone, or another user's
    for fd in fds:
        try:
            if str(fd.readlink()) in sockets:
                return True
        except OSError:
            continue
    return False
