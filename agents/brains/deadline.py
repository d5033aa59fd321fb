"""Deadlines for HTTP calls: one limit for a whole call (connect, send, every read), not for each socket operation.

A timeout given to urllib bounds each socket operation, so a server that trickles a byte a second holds a call for
as long as it likes. Here a call carries a ``Deadline``; a ``Watchdog`` thread shuts the call's socket when it
passes, which ends a blocked read at once. Only name resolution is outside it: give a server as an IP address
where that matters.
"""

from __future__ import annotations

import contextlib
import functools
import heapq
import http.client
import itertools
import socket
import threading
import time
import urllib.request
from collections.abc import Callable
from typing import Any


class Deadline:
    """One call's time limit; when it passes, the call's socket is shut so that a blocked read returns at once."""

    def __init__(self, seconds: float):
        self.seconds = seconds
        self.ends = time.monotonic() + seconds
        self.expired = False
        self.finished = False
        self._sock: socket.socket | None = None
        self._lock = threading.Lock()

    def left(self) -> float:
        """Seconds left; raises TimeoutError when none are."""
        left = self.ends - time.monotonic()
        if left <= 0 or self.expired:
            raise TimeoutError("the deadline passed")
        return left

    def attach(self, sock: socket.socket) -> None:
        """Watch the call's socket (shut at once if the deadline has already passed)."""
        with self._lock:
            self._sock = sock
            expired = self.expired
        if expired:
            _shut(sock)

    def expire(self) -> None:
        """The deadline passed: shut the socket, unless the call has finished."""
        with self._lock:
            if self.finished:
                return
            self.expired, sock = True, self._sock
        if sock is not None:
            _shut(sock)

    def finish(self) -> None:
        """The call is over (its socket is about to close): nothing more to shut."""
        with self._lock:
            self.finished = True


def _shut(sock: socket.socket) -> None:
    """Shut a socket both ways (under TLS too: the plain socket's shutdown), so blocked reads end."""
    with contextlib.suppress(OSError):  # already closed, or never connected
        socket.socket.shutdown(sock, socket.SHUT_RDWR)


class Watchdog:
    """Expires deadlines when they pass, on one thread that runs while there are calls to watch."""

    def __init__(self) -> None:
        self._heap: list[tuple[float, int, Deadline]] = []
        self._order = itertools.count()
        self._wake = threading.Condition()
        self._running = False

    def watch(self, deadline: Deadline) -> None:
        """Watch ``deadline`` until it passes or its call finishes."""
        with self._wake:
            heapq.heappush(self._heap, (deadline.ends, next(self._order), deadline))
            if not self._running:
                self._running = True
                threading.Thread(target=self._run, name="openai-deadlines", daemon=True).start()
            elif self._heap[0][2] is deadline:  # it ends before all the others: the thread must wait less
                self._wake.notify()

    def _run(self) -> None:
        """Expire each deadline as it passes; stop when none is left."""
        with self._wake:
            while self._heap:
                ends, _, deadline = self._heap[0]
                wait = ends - time.monotonic()
                if wait > 0 and not deadline.finished:
                    self._wake.wait(wait)
                    continue
                heapq.heappop(self._heap)
                deadline.expire()
            self._running = False


class DeadlineRequest(urllib.request.Request):
    """A POST that carries its deadline to the connection."""

    def __init__(self, url: str, data: bytes, headers: dict[str, str], deadline: Deadline):
        super().__init__(url, data=data, headers=headers, method="POST")
        self.deadline = deadline


class _HTTPConnection(http.client.HTTPConnection):
    """Plain HTTP whose socket the deadline watches."""

    def __init__(self, *args: Any, deadline: Deadline, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.deadline = deadline

    def connect(self) -> None:
        """Connect within the time left, then hand the socket to the deadline."""
        _watched(self, super().connect)


class _HTTPSConnection(http.client.HTTPSConnection):
    """HTTPS whose socket the deadline watches (the TLS handshake is bounded by the time left on each read)."""

    def __init__(self, *args: Any, deadline: Deadline, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.deadline = deadline

    def connect(self) -> None:
        """Connect within the time left, then hand the socket to the deadline."""
        _watched(self, super().connect)


def _watched(connection: _HTTPConnection | _HTTPSConnection, connect: Callable[[], None]) -> None:
    """Run ``connect`` with the time left as its timeout, then let the deadline shut the connected socket."""
    connection.timeout = connection.deadline.left()
    connect()
    connection.deadline.attach(connection.sock)


class _HTTPHandler(urllib.request.HTTPHandler):
    """Opens watched plain connections."""

    def http_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        """Open ``req`` on a connection bound to its deadline."""
        if not isinstance(req, DeadlineRequest):
            return super().http_open(req)
        return self.do_open(functools.partial(_HTTPConnection, deadline=req.deadline), req)


class _HTTPSHandler(urllib.request.HTTPSHandler):
    """Opens watched TLS connections."""

    def https_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        """Open ``req`` on a connection bound to its deadline."""
        if not isinstance(req, DeadlineRequest):
            return super().https_open(req)
        return self.do_open(functools.partial(_HTTPSConnection, deadline=req.deadline), req,
                            context=self._context)  # type: ignore[attr-defined]


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A redirect is an error: a chat completion is never one, and following it would leave the deadline behind."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        """Follow no redirect."""


def build_opener() -> urllib.request.OpenerDirector:
    """An opener whose connections obey their call's deadline and that follows no redirect (proxies as urllib's)."""
    return urllib.request.build_opener(_HTTPHandler(), _HTTPSHandler(), _NoRedirect())
