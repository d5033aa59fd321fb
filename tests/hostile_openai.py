"""A hostile OpenAI-compatible server on 127.0.0.1 for the tests: raw sockets, so it can send what no HTTP server would.

Each request gets one fault, drawn from ``faults`` by a seeded generator: garbage bytes, a body cut short, bytes
trickled slower than any timeout, resets, 429/500 bursts, invalid JSON, unknown actions, another resident's
decision, a 1 MB reply, control characters, no choices, or a sensible answer ("ok").

Run it by hand: python tests/hostile_openai.py --port 8766   (then --brain openai --base-url http://127.0.0.1:8766/v1)
"""

from __future__ import annotations

import argparse
import json
import random
import socket
import socketserver
import struct
import threading
import time
from collections import Counter
from typing import Any

from fake_openai import scripted_reply

FAULTS = ("ok", "badjson", "badcontent", "unknown_action", "other_resident", "huge", "control", "slow", "trickle",
          "trickle_body", "burst429", "burst500", "reset", "nochoices", "truncated", "garbage")
"""Every way this server can answer a request."""

BURST = 4
"""Requests in a row that a 429 or 500 burst answers."""


class HostileServer:
    """The server, the faults it draws from, and what it served; start() binds a free port (or a given one)."""

    def __init__(self, faults: tuple[str, ...] = FAULTS, seed: int = 0, port: int = 0, *,
                 slow_seconds: float = 1.0, trickle_every: float = 0.25, trickle_for: float = 6.0):
        unknown = set(faults) - set(FAULTS)
        assert not unknown, f"unknown faults: {unknown}"
        self.faults = faults
        self.slow_seconds = slow_seconds
        """How long a "slow" answer waits before it is sent (make it longer than the client's timeout)."""
        self.trickle_every, self.trickle_for = trickle_every, trickle_for
        """A "trickle" answer sends one byte every ``trickle_every`` s, and gives up after ``trickle_for`` s."""
        self.port = port
        self.requests = 0
        self.served: Counter[str] = Counter()
        self._rng = random.Random(seed)
        self._lock = threading.Lock()
        self._burst: list[str] = []
        self._last_decision: tuple[str, str] | None = None
        self._server: socketserver.ThreadingTCPServer | None = None

    @property
    def base_url(self) -> str:
        """The /v1 base URL clients use."""
        return f"http://127.0.0.1:{self.port}/v1"

    def draw(self) -> str:
        """The fault for the next request (a burst keeps its fault for ``BURST`` requests)."""
        with self._lock:
            self.requests += 1
            if self._burst:
                fault = self._burst.pop()
            else:
                fault = self._rng.choice(self.faults)
                if fault.startswith("burst"):
                    self._burst = [fault] * (BURST - 1)
            self.served[fault] += 1
            return fault

    def content(self, fault: str, prompt: str) -> str:
        """The message content for a fault that sends a well-formed HTTP answer."""
        reply = scripted_reply(prompt)
        with self._lock:
            previous = self._last_decision
            if '"action"' in reply:
                self._last_decision = (prompt, reply)
        if fault == "badcontent":
            return "{'action': go_to, place"
        if fault == "unknown_action":
            return json.dumps({"action": "teleport", "place": "the-moon", "minutes": -5})
        if fault == "other_resident" and previous is not None and previous[0] != prompt:
            return previous[1]
        if fault == "huge":
            return "a" * 1_000_000
        if fault == "control":  # raw and JSON-escaped control characters, and lone surrogates of both kinds
            if '"say"' in reply:
                return '{"say": "\x00hel\x1b[2Jlo\\u0007 there\ud800", "end": false}'
            if '"action"' in reply:
                return '{"action": "activity", "activity": "\x00sing\x1b[31m loud\\u0000ly\\ud800", "minutes": 30, ' \
                    '"kind": "leisure"}\ud800'
            return "\x00\x1b[2J" + reply
        return reply

    def start(self) -> HostileServer:
        """Bind and serve on a background thread."""
        self._server = _Server(("127.0.0.1", self.port), _handler(self))
        self.port = self._server.server_address[1]
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def kill(self) -> None:
        """Stop serving and close the socket (connections are then refused)."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None


class _Server(socketserver.ThreadingTCPServer):
    """A threading TCP server with a real server's backlog that does not report clients that gave up."""

    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that hung up mid-answer (its timeout) is not news."""


def _handler(server: HostileServer) -> type[socketserver.StreamRequestHandler]:
    """The request handler class bound to ``server``."""

    class Handler(socketserver.StreamRequestHandler):
        def handle(self) -> None:
            """Read one HTTP request and answer it with the fault drawn for it."""
            self.rfile.readline(65536)
            length = 0
            while (line := self.rfile.readline(65536).strip()):
                name, _, value = line.decode("latin-1").partition(":")
                if name.strip().lower() == "content-length":
                    length = int(value.strip())
            body = json.loads(self.rfile.read(length) or b"{}")
            prompt = str(body.get("messages", [{}])[-1].get("content", ""))
            _answer(self, server, server.draw(), prompt)

    return Handler


def _answer(handler: socketserver.StreamRequestHandler, server: HostileServer, fault: str, prompt: str) -> None:
    """Write the answer ``fault`` calls for."""
    out, sock = handler.wfile, handler.connection
    if fault == "slow":
        time.sleep(server.slow_seconds)
    if fault in ("burst429", "burst500"):
        status = "429 Too Many Requests" if fault == "burst429" else "500 Internal Server Error"
        out.write(f"HTTP/1.1 {status}\r\nRetry-After: soon\r\nContent-Length: 5\r\nConnection: close\r\n\r\nbusy!"
                  .encode())
        return
    if fault == "reset":  # close with SO_LINGER 0: the client sees a reset, not an orderly end
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        sock.close()
        return
    if fault == "garbage":
        out.write(b"\x00\xff\xfeSSH-2.0-OpenSSH_9.6\r\n\x1b[2J" + bytes(range(256)))
        return
    message = {"role": "assistant", "content": server.content(fault, prompt)}
    payload = {"choices": [{"message": message}], "usage": {"total_tokens": "lots" if fault == "control" else 12}}
    raw = json.dumps(payload).encode()
    if fault == "badjson":
        raw = b'{"choices": [{"message": {"content": "{\\"action\\": \\"go_'
    elif fault == "nochoices":
        raw = json.dumps({"choices": [], "usage": {"total_tokens": 0}}).encode()
    head = f"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {len(raw)}\r\n\r\n".encode()
    if fault == "truncated":
        out.write(head + raw[: len(raw) // 3])
    elif fault.startswith("trickle"):
        _trickle(out, head + raw, len(head) if fault == "trickle_body" else 0, server.trickle_every, server.trickle_for)
    else:
        out.write(head + raw)


def _trickle(out: Any, data: bytes, start: int, every: float, limit: float) -> None:
    """Send ``start`` bytes of ``data`` at once, then one every ``every`` s until the client hangs up or time is up."""
    began = time.monotonic()
    out.write(data[:start])
    for byte in data[start:]:
        if time.monotonic() - began > limit:
            return
        try:
            out.write(bytes([byte]))
            out.flush()
        except OSError:
            return
        time.sleep(every)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description="a hostile OpenAI-compatible server for npcworld")
    parser.add_argument("--port", type=int, default=8766)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--fault", action="append", choices=FAULTS, help="faults to draw from (default: all)")
    args = parser.parse_args()
    hostile = HostileServer(tuple(args.fault or FAULTS), args.seed, args.port).start()
    print(f"serving {hostile.base_url} (faults: {', '.join(hostile.faults)}); Ctrl-C to stop")
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        hostile.kill()
