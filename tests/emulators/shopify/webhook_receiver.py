"""A small webhook receiver for the emulator's delivery tests: http.server on a free port, in a thread.

It records every POST (headers, raw body, arrival order) and answers with the statuses it is told
to give, in turn (then 200), optionally after a pause, as a slow receiver would.
"""

from __future__ import annotations

import http.server
import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from tests.emulators.shopify.support import eventually


@dataclass(frozen=True)
class Received:
    headers: dict[str, str]  # names lowercased
    body: bytes

    @property
    def payload(self) -> Any:
        return json.loads(self.body)

    @property
    def topic(self) -> str:
        return self.headers["x-shopify-topic"]


@dataclass
class Receiver:
    url: str
    answers: list[int] = field(default_factory=list)  # statuses to give first, in turn
    pauses: list[float] = field(default_factory=list)  # seconds to wait before those answers, in turn
    received: list[Received] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def answer(self) -> tuple[int, float]:
        with self._lock:
            status = self.answers.pop(0) if self.answers else 200
            pause = self.pauses.pop(0) if self.pauses else 0.0
            return status, pause

    def record(self, received: Received) -> None:
        with self._lock:
            self.received.append(received)

    def wait_for(self, count: int, topic: str | None = None, timeout: float = 15.0) -> list[Received]:
        """The first `count` requests (of `topic`), once that many have arrived."""

        def arrived() -> list[Received] | None:
            with self._lock:
                matching = [r for r in self.received if topic is None or r.topic == topic]
            return matching[:count] if len(matching) >= count else None

        return eventually(arrived, timeout)


@contextmanager
def webhook_receiver() -> Iterator[Receiver]:
    receiver: Receiver

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            status, pause = receiver.answer()
            time.sleep(pause)
            receiver.record(Received({name.lower(): value for name, value in self.headers.items()}, body))
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:  # quiet: pytest shows failures, not traffic
            return

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    receiver = Receiver(f"http://127.0.0.1:{server.server_address[1]}/webhooks")
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield receiver
    finally:
        server.shutdown()
        server.server_close()
