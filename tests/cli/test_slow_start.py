"""Slow start: wrong credentials cost one request, not a burst from every worker."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

import pytest

from tests.cli.helpers import import_to, write_csv
from tests.conftest import SandboxFactory


def test_a_wrong_callbell_token_costs_exactly_one_request(
    tmp_path: Path, sandbox: SandboxFactory
) -> None:
    rows = "".join(f"+336123450{n:02d},Name{n}\n" for n in range(40))
    source = write_csv(tmp_path / "a.csv", "Mobile,First Name\n" + rows)
    with sandbox("callbell") as (emulator, base_url):
        run = import_to(
            tmp_path,
            "callbell",
            base_url,
            source,
            "--output",
            "json",
            api_token="wrong-token",
            concurrency=8,
        )
        requests = list(emulator.requests)
    assert run.exit_code == 3
    assert len(requests) == 1, [r.path for r in requests]
    assert "refused the credentials" in run.stderr
    reasons = {row["reason"].split(" (")[0] for row in run.json()["rows"]}
    assert reasons == {"not sent: run aborted"}


class _NotHere(BaseHTTPRequestHandler):
    """Some other web server: every path is 404 (a base_url pointing at the wrong host)."""

    paths: ClassVar[list[str]] = []

    def do_POST(self) -> None:
        self.paths.append(self.path)
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.send_response(404)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", "9")
        self.end_headers()
        self.wfile.write(b"Not Found")

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the test reads `paths`."""


@pytest.fixture
def not_here() -> Iterator[str]:
    _NotHere.paths = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _NotHere)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()
    thread.join()


def test_a_wrong_base_url_costs_exactly_one_request(tmp_path: Path, not_here: str) -> None:
    rows = "".join(f"+336123450{n:02d},Name{n}\n" for n in range(40))
    source = write_csv(tmp_path / "a.csv", "Mobile,First Name\n" + rows)
    run = import_to(
        tmp_path, "octopush", not_here, source, "--output", "json", batch_size=2, concurrency=8
    )
    assert run.exit_code == 3
    assert len(_NotHere.paths) == 1, _NotHere.paths
    assert "Check base_url" in run.stderr
    reasons = {row["reason"].split(" (")[0] for row in run.json()["rows"]}
    assert reasons == {"not sent: run aborted"}
