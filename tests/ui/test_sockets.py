"""TCP_NODELAY on the server's sockets: an answer written in pieces leaves at once.

Set the way Streamlit 1.67 makes its listening socket (`socket.socket(family)`, protocol
number 0, which asyncio leaves with Nagle's algorithm on)."""

import os
import socket
from collections.abc import Iterator

import pytest

from core.db import Cursor
from tests.conftest import new_app
from ui import sockets


def nodelay(sock: socket.socket) -> bool:
    return bool(sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))


@pytest.fixture
def listener() -> Iterator[socket.socket]:
    sock = socket.socket(family=socket.AF_INET)  # as streamlit's _bind_socket
    sock.bind(("127.0.0.1", 0))
    sock.listen()
    with sock:
        yield sock


def connect(listener: socket.socket) -> tuple[socket.socket, socket.socket]:
    client = socket.create_connection(listener.getsockname())
    server_side, _ = listener.accept()
    return client, server_side


@pytest.fixture
def not_done() -> Iterator[None]:
    """As in a fresh server process: nothing set yet."""
    sockets.ensure_nodelay.cache_clear()
    yield
    sockets.ensure_nodelay.cache_clear()


def test_the_listening_socket_and_open_connections_get_nodelay(listener: socket.socket) -> None:
    client, open_before = connect(listener)
    with client, open_before:
        assert not nodelay(listener) and not nodelay(open_before)
        assert sockets.nodelay_everywhere() >= 3  # listener, its connection, the client
        assert nodelay(listener) and nodelay(open_before)
        later_client, accepted_later = connect(listener)
        with later_client, accepted_later:
            assert nodelay(accepted_later)  # inherited from the listening socket


def test_other_descriptors_are_left_open_and_unchanged(listener: socket.socket) -> None:
    read_end, write_end = os.pipe()
    udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    local_a, local_b = socket.socketpair()
    client, server_side = connect(listener)
    with udp, local_a, local_b, client, server_side:
        sockets.nodelay_everywhere()
        os.write(write_end, b"pipe")
        assert os.read(read_end, 4) == b"pipe"
        local_a.sendall(b"unix")
        assert local_b.recv(4) == b"unix"
        server_side.sendall(b"tcp")
        assert client.recv(3) == b"tcp"
        udp.bind(("127.0.0.1", 0))  # still a working socket of its own kind
        assert udp.type == socket.SOCK_DGRAM
    os.close(read_end)
    os.close(write_end)


def test_a_descriptor_closed_meanwhile_is_skipped() -> None:
    read_end, write_end = os.pipe()
    os.close(read_end)
    os.close(write_end)
    assert sockets.set_nodelay(read_end) is False


def test_it_runs_once_per_process(not_done, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = []
    monkeypatch.setattr(sockets, "nodelay_everywhere", lambda: calls.append(1) or 0)
    sockets.ensure_nodelay()
    sockets.ensure_nodelay()
    assert calls == [1]


def test_where_descriptors_cannot_be_listed_nothing_changes(
    listener: socket.socket, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sockets, "FD_DIRECTORIES", ("/nonexistent/fd",))
    assert sockets.open_descriptors() == []
    assert sockets.nodelay_everywhere() == 0
    assert not nodelay(listener)


def test_the_app_sets_it_on_its_first_run(
    app_db: Cursor, listener: socket.socket, not_done
) -> None:
    at = new_app().run()
    assert not at.exception
    assert nodelay(listener)
