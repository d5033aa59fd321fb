"""A real OpenAI-compatible HTTP server on 127.0.0.1 for the tests, answering from scripted replies,
with switchable faults: 500s, 429s, hangs, invalid JSON, unknown places, and being killed and restarted.

Run it by hand: python tests/fake_openai.py --port 8765   (then --brain openai --base-url http://127.0.0.1:8765/v1)
"""

from __future__ import annotations

import argparse
import json
import re
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

MODES = ("ok", "500", "429", "400", "hang", "badjson", "badplace", "nocontent", "llamacpp", "serial")


def scripted_reply(prompt: str) -> str:
    """Answer a prompt the way a sensible model would, reading only the prompt text."""
    if "Reply with one action as JSON" in prompt:
        here = re.search(r"\. At ([\w-]+), ", prompt)
        block = re.search(r"Plan: (\w+) at ([\w-]+): (.+?) until", prompt)
        if block is None:
            return json.dumps({"action": "wait", "minutes": 10})
        kind, place, activity = block.groups()
        if here is None or here.group(1) != place:
            return json.dumps({"action": "go_to", "place": place})
        if kind == "sleep":
            return json.dumps({"action": "sleep", "minutes": 60})
        return json.dumps({"action": "activity", "activity": activity[:60], "minutes": 30, "kind": kind})
    if 'Reply as JSON: {"say"' in prompt:
        turn = re.search(r"Line (\d+) of (\d+)", prompt)
        last = bool(turn and int(turn.group(1)) >= int(turn.group(2)) - 1)
        return json.dumps({"say": "Goodbye for now!" if last else "Lovely to see you here.", "end": last})
    if "Rate how much this memory matters" in prompt:
        return json.dumps({"importance": 5})
    if "insights they add up to" in prompt:
        return json.dumps({"insights": [{"text": "Oakvale is a friendly place.", "because": []}]})
    return "I will keep to my usual day."


class FakeServer:
    """The server, its fault mode, and counters; start() binds a free port (or a given one)."""

    def __init__(self, port: int = 0, hang_seconds: float = 3.0):
        self.mode = "ok"
        self.delay = 0.0
        """Seconds each answer takes (to stand in for a model's time)."""
        self.slots = 0
        """Answers it works on at once, like a model server's batch slots (0: no limit); the rest queue."""
        self.hang_seconds = hang_seconds
        self.requests = 0
        self.bodies: list[dict[str, Any]] = []
        self.port = port
        self._httpd: ThreadingHTTPServer | None = None
        self._lock = threading.Lock()
        self._serial = threading.Lock()
        self._busy = threading.Condition()
        self._working = 0

    def _work(self) -> None:
        """Spend ``delay`` on one answer, in one of ``slots`` at a time when slots are set."""
        if not self.slots:
            time.sleep(self.delay)
            return
        with self._busy:
            while self._working >= self.slots:
                self._busy.wait()
            self._working += 1
        try:
            time.sleep(self.delay)
        finally:
            with self._busy:
                self._working -= 1
                self._busy.notify()

    @property
    def base_url(self) -> str:
        """The /v1 base URL clients use."""
        return f"http://127.0.0.1:{self.port}/v1"

    def start(self) -> FakeServer:
        """Bind and serve on a background thread."""
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                """Keep test output quiet."""

            def do_POST(self) -> None:
                """Answer /v1/chat/completions according to the server's mode."""
                length = int(self.headers.get("Content-Length", 0))
                body = json.loads(self.rfile.read(length) or b"{}")
                with server._lock:
                    server.requests += 1
                    server.bodies.append(body)
                    mode = server.mode
                if mode == "hang":
                    time.sleep(server.hang_seconds)
                server._work()
                if mode == "llamacpp" and body.get("response_format", {}).get("type") == "json_schema":
                    detail = json.dumps({"detail": [{"loc": ["body", "response_format", "type"],
                                                     "msg": "Input should be 'text' or 'json_object'"}]}).encode()
                    self.send_response(500)
                    self.send_header("Content-Length", str(len(detail)))
                    self.end_headers()
                    self.wfile.write(detail)
                    return
                if mode == "serial":  # one request at a time, like a server with one slot
                    with server._serial:
                        time.sleep(server.delay)
                if mode in ("500", "429", "400"):
                    self.send_response(int(mode))
                    if mode == "429":
                        self.send_header("Retry-After", "0")
                    self.end_headers()
                    return
                prompt = body.get("messages", [{}])[-1].get("content", "")
                content = scripted_reply(prompt)
                if mode == "badplace" and '"go_to"' in content:
                    content = json.dumps({"action": "go_to", "place": "atlantis"})
                payload = {"choices": [{"message": {"role": "assistant", "content": content}}],
                           "usage": {"total_tokens": len(prompt.split()) + len(content.split())}}
                raw = b"{this is not json" if mode == "badjson" else json.dumps(payload).encode()
                if mode == "nocontent":
                    raw = json.dumps({"choices": []}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)

        class Server(ThreadingHTTPServer):
            request_queue_size = 128  # a listen backlog like a real server's, for 32+ concurrent clients

            def handle_error(self, request: Any, client_address: Any) -> None:
                """A client that gave up (its timeout) is not news."""

        self._httpd = Server(("127.0.0.1", self.port), Handler)
        self._httpd.daemon_threads = True
        self.port = self._httpd.server_address[1]
        threading.Thread(target=self._httpd.serve_forever, daemon=True).start()
        return self

    def kill(self) -> None:
        """Stop serving and close the socket (connections are then refused)."""
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description="a fake OpenAI-compatible server for npcworld")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--mode", default="ok", choices=MODES)
    args = parser.parse_args()
    fake = FakeServer(args.port)
    fake.mode = args.mode
    fake.start()
    print(f"serving {fake.base_url} (mode {fake.mode}); Ctrl-C to stop")
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        fake.kill()
