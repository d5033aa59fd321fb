"""The openai brain: chat completions from any OpenAI-compatible server (vLLM, SGLang, llama.cpp, Ollama).

Concurrent requests from a bounded pool, at most ``per_server`` in flight at each server (the rest wait
their turn rather than time out) and each sent to the least busy one, short timeouts, bounded retries on
429 and 5xx only, JSON-schema output where the server supports it (a server that refuses the dialect is
asked in the next one, ``json_schema`` -> ``json_object`` -> ``none``, and stderr says so once), and a
circuit breaker so that a dead server costs one timeout, not one per resident: while it is open, answers
come back empty at once and the world's scripted fallback decides, until the server answers again.
``timeout`` bounds each call as a whole (deadline.py), and every failure, however odd, is that request's
error: recorded in the trace, counted by the breaker, never a crash. A malformed base URL is refused up front.
"""

from __future__ import annotations

import json
import re
import sys
import threading
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from agents.brains.deadline import Watchdog, build_opener
from agents.brains.openai_http import ServerError, brief, check_base_url, post_json
from agents.candidates import decision_schema
from agents.dialogue import spoken_reply
from agents.protocol import Answer, Request

__all__ = ["DIALECTS", "OpenAIBrain", "ServerError"]

DIALECTS = ("json_schema", "json_object", "none")
"""How the server takes structured output: OpenAI/vLLM/SGLang style, llama.cpp style, or not at all."""

_MAX_TOKENS = {"decide": 64, "converse": 80, "plan": 400, "importance": 8, "reflect": 200}
_MAX_JSON_TOKENS = {"decide": 96, "importance": 24}
"""Token limits where a reply is a JSON object: ``{"importance": 7}`` alone is about 8 tokens."""

_REFUSED_FORMAT = ("response_format", "json_schema", "json_object", "schema")
"""Words in an error body that say the server did not take the structured-output request itself."""


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
"""Control characters a reply may not carry into the world (tab and newline stay)."""

_ESCAPED = re.compile(r"(?<!\\)((?:\\\\)*)\\u(d[89ab][0-9a-f]{2}\\ud[c-f][0-9a-f]{2}|d[89a-f][0-9a-f]{2}"
                      r"|00(?:0[0-8b-f]|1[0-9a-f]|7f|[89][0-9a-f]))", re.IGNORECASE)
"""The same escaped in a JSON reply, and surrogates (a pair is kept, a lone one is replaced)."""


class OpenAIBrain:
    """Asks an OpenAI-compatible server; every reply is validated by the world like any other."""

    name = "openai"

    def __init__(self, base_url: str | Sequence[str] = "http://127.0.0.1:8000/v1", model: str = "default", *,
                 api_key: str | None = None, timeout: float = 10.0, retries: int = 2, concurrency: int = 16,
                 dialect: str = "json_schema", temperature: float = 0.0, breaker_failures: int = 3,
                 breaker_seconds: float = 5.0, backoff: float = 0.25, per_server: int = 4):
        urls = [base_url] if isinstance(base_url, str) else list(base_url)
        if not urls:
            raise ValueError("the openai brain needs at least one --base-url")
        urls = [check_base_url(url) for url in urls]
        if dialect not in DIALECTS:
            raise ValueError(f"unknown response format dialect '{dialect}' (expected one of: {', '.join(DIALECTS)})")
        self.urls = urls
        self.model, self.api_key, self.timeout, self.retries = model, api_key, timeout, retries
        self.dialect, self.temperature, self.backoff = dialect, temperature, backoff
        self.breaker_failures, self.breaker_seconds = breaker_failures, breaker_seconds
        if per_server < 1:
            raise ValueError(f"--per-server must be at least 1 (got {per_server})")
        self.per_server = per_server
        self._pool = ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix="openai")
        self._opener = build_opener()
        self._watchdog = Watchdog()
        self._busy = dict.fromkeys(self.urls, 0)
        self._free = threading.Condition()
        self._lock = threading.Lock()
        self._failures = 0
        self._open_until = 0.0
        self.calls = 0

    def think(self, requests: Sequence[Request]) -> list[Answer]:
        """Send every request concurrently and wait for all (each bounded by timeout and retries)."""
        return list(self._pool.map(self._one, requests))

    def close(self) -> None:
        """Stop the connection pool."""
        self._pool.shutdown(wait=False, cancel_futures=True)

    def _one(self, request: Request) -> Answer:
        """Answer one request, or return an empty answer with the reason."""
        began = time.perf_counter()
        with self._lock:
            if time.monotonic() < self._open_until:
                return Answer(request.id, "", 0.0, None, "server marked down; using the fallback")
        url = self._take_server()
        try:
            text, tokens = self._call(url, request)
            text = _clean(text)
            if request.kind == "converse":
                text = spoken_reply(request, text)
        except Exception as exc:  # every failure is this request's error: recorded, counted, never a crash
            self._failed()
            error = str(exc) if isinstance(exc, ServerError) else f"{url}: unexpected {type(exc).__name__}: " \
                f"{brief(str(exc))}"
            return Answer(request.id, "", time.perf_counter() - began, None, error)
        finally:
            self._give_back(url)
        with self._lock:
            self._failures = 0
        return Answer(request.id, text, time.perf_counter() - began, tokens)

    def _take_server(self) -> str:
        """Wait until some server has fewer than ``per_server`` requests in flight; take the least busy one."""
        with self._free:
            while min(self._busy.values()) >= self.per_server:
                self._free.wait()
            url = min(self.urls, key=lambda u: (self._busy[u], self.urls.index(u)))
            self._busy[url] += 1
            return url

    def _give_back(self, url: str) -> None:
        """A request to ``url`` is done: let a waiting one go."""
        with self._free:
            self._busy[url] -= 1
            self._free.notify()

    def _failed(self) -> None:
        """Count a failure; after several in a row, stop calling for a while."""
        with self._lock:
            self._failures += 1
            if self._failures >= self.breaker_failures:
                self._open_until = time.monotonic() + self.breaker_seconds
                self._failures = 0

    def _call(self, url: str, request: Request) -> tuple[str, int | None]:
        """POST one chat completion, retrying 429 and 5xx with backoff; other errors fail at once."""
        body = self._body(request)
        attempt = 0
        while True:
            try:
                return self._post(url, body)
            except ServerError as exc:
                if "response_format" in body and self._refused_format(exc, url, body):
                    body = self._body(request)  # asked again in the next dialect: not counted as a retry
                    continue
                retryable = exc.status == 429 or (exc.status is not None and exc.status >= 500)
                if not retryable or attempt >= self.retries:
                    raise
                time.sleep(min(2.0, self.timeout, max(exc.retry_after, self.backoff * 2 ** attempt)))
                attempt += 1

    def _refused_format(self, error: ServerError, url: str, body: dict[str, Any]) -> bool:
        """If the server refused the structured-output dialect itself, step down to the next one and say so once."""
        if error.status not in (400, 422, 500) or not any(w in error.detail for w in _REFUSED_FORMAT):
            return False
        with self._lock:
            sent = body["response_format"]["type"]
            if self.dialect == sent and self.dialect != "none":
                self.dialect = DIALECTS[DIALECTS.index(self.dialect) + 1]
                print(f"npcworld: {url} refused response_format '{sent}' (HTTP {error.status}: "
                      f"{' '.join(error.detail.split())[:120]}); asking in '{self.dialect}' from now on "
                      f"(--response-format {self.dialect} skips this)", file=sys.stderr, flush=True)
            return True

    def _body(self, request: Request) -> dict[str, Any]:
        """The chat-completion body: the prompt, limits, and structured output for this kind."""
        messages = [{"role": r, "content": c} for r, c in request.messages] if request.messages \
            else [{"role": "user", "content": request.prompt}]
        schema = None if request.messages else _schema(request)  # a conversation is answered in plain words
        structured = schema is not None and self.dialect != "none"
        limit = (_MAX_JSON_TOKENS if structured else {}).get(request.kind) or _MAX_TOKENS.get(request.kind, 64)
        body: dict[str, Any] = {"model": self.model, "messages": messages, "max_tokens": limit,
                                "temperature": self.temperature}
        if schema is not None and self.dialect == "json_schema":
            body["response_format"] = {"type": "json_schema",
                                       "json_schema": {"name": request.kind, "schema": schema, "strict": True}}
        elif schema is not None and self.dialect == "json_object":
            body["response_format"] = {"type": "json_object", "schema": schema}
        return body

    def _post(self, url: str, body: dict[str, Any]) -> tuple[str, int | None]:
        """One HTTP call; returns the message content and the total tokens."""
        data = json.dumps(body).encode("utf-8")
        headers = {"Content-Type": "application/json"}
        if self.api_key:
            headers["Authorization"] = f"Bearer {self.api_key}"
        with self._lock:
            self.calls += 1
        payload = post_json(self._opener, url, f"{url}/chat/completions", data, headers, self.timeout, self._watchdog)
        try:
            content = payload["choices"][0]["message"]["content"] or ""
        except (KeyError, IndexError, TypeError) as exc:
            raise ServerError(f"{url} answered without choices[0].message.content") from exc
        usage = payload.get("usage") if isinstance(payload, dict) else None
        tokens = usage.get("total_tokens") if isinstance(usage, dict) else None
        return str(content), tokens if isinstance(tokens, int) and not isinstance(tokens, bool) else None


def _clean(text: str) -> str:
    """A reply the world can store and draw: no control characters, raw or escaped, and no lone surrogates."""
    text = _CONTROL.sub("", text).encode("utf-8", "replace").decode("utf-8")
    return _ESCAPED.sub(_unescape, text)


def _unescape(match: re.Match[str]) -> str:
    """Drop an escaped control character, keep an escaped surrogate pair, replace a lone surrogate."""
    backslashes, code = match.groups()
    if len(code) == 10:
        return match.group(0)
    return backslashes + ("\\ufffd" if code[0] in "dD" else "")


def _schema(request: Request) -> dict[str, Any] | None:
    """The JSON schema a reply of this kind must follow, where there is one."""
    if request.kind == "decide":
        return decision_schema(request)
    if request.kind == "converse":
        properties: dict[str, Any] = {"say": {"type": "string", "maxLength": 240}, "end": {"type": "boolean"}}
        if request.mind.news:
            properties["news"] = {"enum": [n.key for n in request.mind.news]}
        return {"type": "object", "properties": properties, "required": ["say", "end"], "additionalProperties": False}
    if request.kind == "importance":
        return {"type": "object", "properties": {"importance": {"type": "integer", "minimum": 1, "maximum": 10}},
                "required": ["importance"], "additionalProperties": False}
    return None
