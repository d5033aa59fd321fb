"""HTTP for the openai brain: one call within one deadline (deadline.py), and any failure is a ``ServerError``.

Answers are read with a size cap and checked whole (a body cut short of its Content-Length is an error), redirects
are refused, and whatever goes wrong (a reset, bytes that are not HTTP, JSON that is not JSON, time up) comes back
as a ``ServerError`` the brain records for that request. Base URLs are checked before any call.
"""

from __future__ import annotations

import http.client
import json
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

from agents.brains.deadline import Deadline, DeadlineRequest, Watchdog

MAX_BODY = 256 * 1024
"""The largest answer read, in bytes: replies are at most a few hundred tokens, so more means a broken server."""


class ServerError(Exception):
    """One failed call: status (None for network errors and timeouts) and whether it may be retried."""

    def __init__(self, message: str, status: int | None = None, retry_after: float = 0.0, detail: str = ""):
        super().__init__(message)
        self.status = status
        self.retry_after = retry_after
        self.detail = detail
        """The start of the error body, if the server sent one."""


def post_json(opener: urllib.request.OpenerDirector, base: str, url: str, data: bytes, headers: dict[str, str],
              timeout: float, watchdog: Watchdog) -> Any:
    """POST ``data`` to ``url`` within ``timeout`` seconds in all; the decoded JSON answer, or a ServerError."""
    deadline = Deadline(timeout)
    watchdog.watch(deadline)
    try:
        with opener.open(DeadlineRequest(url, data, headers, deadline), timeout=timeout) as response:
            raw = response.read(MAX_BODY + 1)
            short = getattr(response, "length", None)
        if len(raw) > MAX_BODY:
            raise ServerError(f"{base} answered more than {MAX_BODY // 1024} KiB (was max_tokens ignored?)")
        if short:
            raise ServerError(f"{base} closed the connection {short} bytes short of its Content-Length")
        return json.loads(raw.decode("utf-8"))
    except urllib.error.HTTPError as exc:
        raise ServerError(f"HTTP {exc.code} from {base}", exc.code, _retry_after(exc), _detail(exc)) from exc
    except Exception as exc:  # whatever a hostile server provokes is this request's error, never a crash
        timed_out = deadline.expired or isinstance(exc, TimeoutError) or isinstance(
            getattr(exc, "reason", None), TimeoutError)
        if timed_out:
            raise ServerError(f"{base} did not answer within {timeout:g} s") from exc
        if isinstance(exc, ServerError):
            raise
        raise ServerError(_describe(exc, base)) from exc
    finally:
        deadline.finish()


def _describe(exc: Exception, base: str) -> str:
    """One line saying what went wrong with a call."""
    if isinstance(exc, urllib.error.URLError):
        return f"cannot reach {base}: {brief(str(exc.reason))}"
    if isinstance(exc, http.client.HTTPException):
        return f"{base} sent a broken HTTP answer ({type(exc).__name__}: {brief(str(exc))})"
    if isinstance(exc, OSError):
        return f"cannot reach {base}: {brief(str(exc))}"
    if isinstance(exc, ValueError):
        return f"{base} answered with something that is not JSON"
    return f"{base}: unexpected {type(exc).__name__}: {brief(str(exc))}"


def brief(text: str, limit: int = 120) -> str:
    """A server's words made safe for one line of a log: printable, whitespace collapsed, cut at ``limit``."""
    return " ".join("".join(c if c.isprintable() else " " for c in text).split())[:limit]


def _retry_after(error: urllib.error.HTTPError) -> float:
    """The Retry-After header in seconds (0 when absent, a date, or nonsense)."""
    try:
        seconds = float(error.headers.get("Retry-After", 0) or 0) if error.headers else 0.0
    except (TypeError, ValueError):
        return 0.0
    return seconds if 0 <= seconds < float("inf") else 0.0


def _detail(error: urllib.error.HTTPError) -> str:
    """The start of an error's body (empty when it cannot be read)."""
    try:
        return error.read(2000).decode("utf-8", "replace")
    except Exception:  # a body cut short or a socket shut by the deadline: the status says enough
        return ""


def check_base_url(url: object) -> str:
    """``url`` without its trailing slash, if it is an http(s) URL with a host and a valid port; else ValueError."""
    example = "expected something like http://127.0.0.1:8000/v1"
    if not isinstance(url, str) or not url or any(not c.isprintable() or c.isspace() for c in url):
        raise ValueError(f"--base-url {url!r} is not a URL ({example})")
    try:
        parts = urllib.parse.urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise ValueError(f"--base-url {url!r} is not a valid URL: {exc} ({example})") from None
    if parts.scheme not in ("http", "https"):
        raise ValueError(f"--base-url {url!r} must start with http:// or https:// ({example})")
    if not parts.hostname or port == 0:
        raise ValueError(f"--base-url {url!r} has no {'port' if port == 0 else 'host'} ({example})")
    if parts.query or parts.fragment:
        raise ValueError(f"--base-url {url!r} must not have a query or a fragment ({example})")
    return url.rstrip("/")
