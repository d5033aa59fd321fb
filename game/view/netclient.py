"""The window's connection to a town server, on background threads, so that no frame ever waits for the network.

One thread connects, says hello and reads: each message goes, decoded, into an inbox the window empties once a
frame (``poll``); when the connection ends a last ``{"t": "closed", "code", "reason"}`` follows. Another thread
sends what the window queued (``send``), so a slow network never blocks a frame either.
"""

from __future__ import annotations

import contextlib
import json
import queue
import threading
from typing import Any

from websockets.exceptions import ConnectionClosed, WebSocketException
from websockets.sync.client import ClientConnection, connect

OPEN_TIMEOUT = 10.0
"""Seconds to reach the server before giving up."""


class NetClient:
    """A connection to ``url`` that opens with ``hello``: messages in through ``poll``, commands out with ``send``."""

    def __init__(self, url: str, hello: dict[str, Any]):
        self.url = url
        self._hello = hello
        self._inbox: queue.SimpleQueue[dict[str, Any]] = queue.SimpleQueue()
        self._outbox: queue.SimpleQueue[str | None] = queue.SimpleQueue()
        self._connection: ClientConnection | None = None
        self._reader = threading.Thread(target=self._read, name="npcworld-net-read", daemon=True)
        self.done = threading.Event()
        """Set once the connection has ended (its "closed" message is then in the inbox)."""
        self._closing = threading.Event()

    def start(self) -> None:
        """Connect on the background thread (the window goes on drawing meanwhile)."""
        self._reader.start()

    def send(self, kind: str, **fields: Any) -> None:
        """Queue one message for the server (dropped once the connection has ended)."""
        if not self.done.is_set():
            self._outbox.put(json.dumps({"t": kind, **fields}, ensure_ascii=False))

    def poll(self) -> list[dict[str, Any]]:
        """Every message that arrived since the last call, oldest first (never waits)."""
        messages = []
        while True:
            try:
                messages.append(self._inbox.get_nowait())
            except queue.Empty:
                return messages

    def close(self) -> None:
        """Leave: close the connection politely and let the threads end (waits a few seconds at most)."""
        self._closing.set()
        connection = self._connection
        if connection is not None:
            with contextlib.suppress(OSError, WebSocketException):
                connection.close()
        self._outbox.put(None)
        if self._reader.is_alive():
            self._reader.join(timeout=3)

    def _read(self) -> None:
        """Connect, say hello, and put every message into the inbox until the connection ends."""
        opened = False
        try:
            with connect(self.url, max_size=None, open_timeout=OPEN_TIMEOUT, close_timeout=2) as connection:
                opened = True
                self._connection = connection
                connection.send(json.dumps(self._hello))
                if self._closing.is_set():  # the window closed while this connected
                    connection.close()
                threading.Thread(target=self._write, args=(connection,), name="npcworld-net-write",
                                 daemon=True).start()
                self._take(connection)
        except (OSError, TimeoutError, WebSocketException) as error:
            if isinstance(error, ConnectionClosed) and error.rcvd is not None:  # closed by the server, with its reason
                self._finish(error.rcvd.code, error.rcvd.reason)
            else:
                self._finish(None, f"the connection broke ({error})" if opened
                             else f"cannot reach {self.url} ({error or type(error).__name__})")
            return
        self._finish(connection.close_code, connection.close_reason or "")

    def _take(self, connection: ClientConnection) -> None:
        """Put each message into the inbox, decoded, until the connection closes."""
        try:
            for frame in connection:
                try:
                    message = json.loads(frame)
                except ValueError:
                    continue
                if isinstance(message, dict) and isinstance(message.get("t"), str):
                    self._inbox.put(message)
        except ConnectionClosed:
            pass

    def _write(self, connection: ClientConnection) -> None:
        """Send the queued messages in order until the connection ends (or ``close`` says stop)."""
        while (frame := self._outbox.get()) is not None:
            try:
                connection.send(frame)
            except (ConnectionClosed, OSError):
                return

    def _finish(self, code: int | None, reason: str) -> None:
        """Note that the connection ended, and why, as the inbox's last message."""
        self._outbox.put(None)
        self._inbox.put({"t": "closed", "code": code, "reason": reason})
        self.done.set()
