"""Fixtures for the site tests: the fixture course built once per session, served on 127.0.0.1."""

from __future__ import annotations

import functools
import http.server
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.site.coursekit import build, write_course


@pytest.fixture(scope="session")
def fixture_course(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture course's source folder."""
    return write_course(tmp_path_factory.mktemp("course"))


@pytest.fixture(scope="session")
def fixture_site(fixture_course: Path) -> Path:
    """The fixture course, built once for the whole session."""
    site = fixture_course / "site"
    result = build(fixture_course, site)
    assert result.returncode == 0, result.stderr[-3000:]
    return site


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="session")
def site_url(fixture_site: Path) -> Iterator[str]:
    """The fixture site served by a real HTTP server on 127.0.0.1, on a free port."""
    handler = functools.partial(_QuietHandler, directory=str(fixture_site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()
