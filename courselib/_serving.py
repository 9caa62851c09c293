"""What the course's local servers share: an HTTP server on a free local port, in a daemon thread."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Self


class BackgroundHTTPServer:
    """Start, stop (safe twice) and `with` for a server answering from a background thread.

    A subclass gives `_handler()` (the request handler class) and `_not_running` (the error when its
    address is asked for before it runs, saying how to start it); `_started` and `_stopped` are hooks.
    """

    _not_running = "the server is not running: call start() or use it in a `with` block"
    _thread_name = "course-server"

    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        self._host, self._port = host, port
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        raise NotImplementedError

    def _started(self) -> None:
        """Called once the server answers."""

    def _stopped(self) -> None:
        """Called once the server has stopped."""

    @property
    def url(self) -> str:
        """The server's address, such as http://127.0.0.1:51234 (a free port, picked at start)."""
        if self._server is None:
            raise RuntimeError(self._not_running)
        return f"http://{self._host}:{self._server.server_address[1]}"

    def start(self) -> Self:
        """Start serving in a background thread; returns the server itself."""
        if self._server is not None:
            return self
        self._server = ThreadingHTTPServer((self._host, self._port), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, name=self._thread_name, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        self._started()
        return self

    def stop(self) -> None:
        """Stop serving and free the port. Safe to call twice."""
        if self._server is None:
            return
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = self._thread = None
        self._stopped()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()
