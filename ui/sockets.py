"""TCP_NODELAY on the server's sockets, so an answer never waits 40 ms for an ACK.

Streamlit 1.67 binds its listening socket as `socket.socket(family)`, whose protocol
number is 0, and asyncio sets TCP_NODELAY only on sockets whose protocol number is
IPPROTO_TCP. With Nagle's algorithm on, a script run's answer, written in several small
pieces, holds back every piece after the first until the browser acknowledges it, and
browsers delay that acknowledgement (40 ms on Linux, more elsewhere): most clicks took
40 ms longer than the server needed (docs/performance.md, "40 ms").

The app sets the option itself, once per process at its first script run: on the
listening socket, which every connection accepted later inherits, and on the connections
already open. The sockets are found among the process's open file descriptors
(`/proc/self/fd` on Linux, `/dev/fd` elsewhere); where neither lists them, nothing
changes and the app works as before. Only TCP sockets are touched; the option changes
when bytes leave, never what is sent.
"""

import functools
import os
import socket

FD_DIRECTORIES = ("/proc/self/fd", "/dev/fd")
TCP_FAMILIES = (socket.AF_INET, socket.AF_INET6)


def open_descriptors() -> list[int]:
    """The process's open file descriptors, or none where they cannot be listed."""
    for directory in FD_DIRECTORIES:
        try:
            return [int(name) for name in os.listdir(directory) if name.isdigit()]
        except OSError:
            continue
    return []


def set_nodelay(fd: int) -> bool:
    """TCP_NODELAY on the socket behind `fd` if it is a TCP socket; True if it is one."""
    try:
        copy = os.dup(fd)  # a socket object closes its descriptor: give it a copy
    except OSError:  # closed since it was listed
        return False
    try:
        sock = socket.socket(fileno=copy)
    except OSError:  # not a socket
        os.close(copy)
        return False
    with sock:
        if sock.family not in TCP_FAMILIES or sock.type != socket.SOCK_STREAM:
            return False
        try:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        except OSError:  # closed meanwhile, or a socket that refuses it
            return False
        return True


def nodelay_everywhere() -> int:
    """TCP_NODELAY on every TCP socket the process holds: the number of sockets."""
    return sum(set_nodelay(fd) for fd in open_descriptors())


@functools.cache  # two first runs at once would both set it: harmless
def ensure_nodelay() -> None:
    """Once per process (app.py calls it on every run; after the first it costs nothing)."""
    nodelay_everywhere()
