"""The loopback HTTP server that runs one emulator.

Standard library only: `ThreadingHTTPServer`, HTTP/1.1 with keep-alive, one thread per
connection, so a slow answer (latency, `slow_next`) never holds up the others. Each answer is
written in one piece with Nagle off: header and body in two small writes would meet the
client's delayed ACK and cost ~40 ms per request.

Leaving the `with` block stops listening, cuts open connections, interrupts injected waits
and joins every thread the server started. `faults.go_away()` does the same while the
server object lives on; `faults.come_back()` listens again on the same port.
"""

from __future__ import annotations

import contextlib
import socket
import socketserver
import sys
import threading
import traceback
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any

from contactctl.sandbox.core import Headers, Request, Response
from contactctl.sandbox.emulator import Emulator

IDLE_CONNECTION_TIMEOUT_S = 120.0
JOIN_TIMEOUT_S = 10.0
# How often the accept loop looks for a stop request: bounds how long leaving `with` takes.
POLL_INTERVAL_S = 0.02
MAX_CHUNK_LINE = 65537


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    timeout = IDLE_CONNECTION_TIMEOUT_S
    server_version = "contactctl-sandbox"
    server: _HTTPServer

    def do_GET(self) -> None:
        self._serve()

    do_POST = do_PUT = do_PATCH = do_DELETE = do_GET

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the emulator records requests itself."""

    def _serve(self) -> None:
        try:
            body = self._read_body()
        except ValueError:
            self.close_connection = True
            self._write(Response(400, {"error": "unreadable request body framing"}))
            return
        request = Request.from_target(self.command, self.path, Headers(self.headers.items()), body)
        owner = self.server.owner
        try:
            response = owner.emulator.respond(request, owner.wait)
        except Exception:
            # An emulator bug: answer so the client is not left hanging, and show it.
            traceback.print_exc(file=sys.stderr)
            response = Response(500, {"error": "sandbox internal error"})
        if response is None:
            self.close_connection = True  # no answer at all: the client sees the drop
            return
        self._write(response)

    def _read_body(self) -> bytes:
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            return self._read_chunked()
        length = int(self.headers.get("Content-Length") or 0)
        if length < 0:
            raise ValueError("negative Content-Length")
        return self.rfile.read(length) if length else b""

    def _read_chunked(self) -> bytes:
        chunks: list[bytes] = []
        while True:
            size = int(self.rfile.readline(MAX_CHUNK_LINE).split(b";")[0].strip(), 16)
            if size == 0:
                while self.rfile.readline(MAX_CHUNK_LINE) not in (b"\r\n", b"\n", b""):
                    pass  # trailers carry nothing an emulator needs
                return b"".join(chunks)
            chunks.append(self.rfile.read(size))
            self.rfile.readline(MAX_CHUNK_LINE)

    def _write(self, response: Response) -> None:
        payload = response.encoded_body()
        phrase = self.responses.get(response.status, ("Unknown",))[0]
        lines = [
            f"HTTP/1.1 {response.status} {phrase}",
            f"Server: {self.server_version}",
            f"Date: {self.date_time_string()}",
        ]
        names = {name.lower() for name in response.headers}
        if payload and "content-type" not in names:
            lines.append("Content-Type: application/json")
        if response.status not in (204, 304):
            lines.append(f"Content-Length: {len(payload)}")
        if self.close_connection:
            lines.append("Connection: close")
        lines += [f"{name}: {value}" for name, value in response.headers.items()]
        head = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
        self.wfile.write(head + payload)


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False  # SandboxServer joins its threads itself, after cutting sockets

    def __init__(self, address: tuple[str, int], owner: SandboxServer) -> None:
        self.owner = owner
        super().__init__(address, _Handler)

    def server_bind(self) -> None:
        # HTTPServer.server_bind would resolve the host name (getfqdn): slow, and not needed.
        socketserver.TCPServer.server_bind(self)
        host, port = self.server_address[:2]
        self.server_name, self.server_port = str(host), int(port)

    def process_request(self, request: Any, client_address: Any) -> None:
        thread = threading.Thread(
            target=self.process_request_thread,
            args=(request, client_address),
            name=f"sandbox-{self.owner.emulator.name}-connection",
            daemon=True,
        )
        self.owner.track(thread, request)
        thread.start()

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client that hangs up, or a connection cut on purpose, is not worth a traceback.
        if isinstance(sys.exc_info()[1], OSError):
            return
        super().handle_error(request, client_address)


class SandboxServer:
    """Runs `emulator` on host:port (port 0: any free port) while in a `with` block."""

    def __init__(self, emulator: Emulator, host: str = "127.0.0.1", port: int = 0) -> None:
        self.emulator = emulator
        self.host = host
        self._state_lock = threading.RLock()
        self._threads_lock = threading.Lock()
        self._connections: dict[threading.Thread, socket.socket] = {}
        self._stopping = threading.Event()
        self._closed = threading.Event()
        self._running = False
        self._unsubscribe: Any = None
        self._serve_thread: threading.Thread | None = None
        # Bound now, so a port in use is an OSError here and base_url is known at once.
        self._httpd: _HTTPServer | None = _HTTPServer((host, port), self)
        self.port = int(self._httpd.server_address[1])

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def __enter__(self) -> SandboxServer:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def start(self) -> None:
        with self._state_lock:
            if self._running:
                return
            self._running = True
            self._closed.clear()
            self._unsubscribe = self.emulator.faults.subscribe(self._on_presence)
            self._reconcile()

    def stop(self) -> None:
        """Stop listening (and free the port, even if never started), cut connections,
        join every thread; idempotent."""
        with self._state_lock:
            if self._running:
                self._running = False
                self._unsubscribe()
            self._halt()
            self._closed.set()

    def serve_forever(self) -> None:
        """Block until KeyboardInterrupt (or `stop()` from another thread)."""
        started_here = not self._running
        if started_here:
            self.start()
        try:
            while not self._closed.wait(0.5):
                pass
        finally:
            if started_here:
                self.stop()

    def wait(self, seconds: float) -> bool:
        """An injected delay; False when cut short (the server stops, the vendor goes away)."""
        return seconds <= 0 or not self._stopping.wait(seconds)

    def track(self, thread: threading.Thread, connection: socket.socket) -> None:
        with self._threads_lock:
            for finished in [t for t in self._connections if not t.is_alive() and t.ident]:
                del self._connections[finished]
            self._connections[thread] = connection

    def _on_presence(self, gone: bool) -> None:
        self._reconcile()

    def _reconcile(self) -> None:
        """Listen when running and the vendor is present; otherwise do not."""
        with self._state_lock:
            should_listen = self._running and not self.emulator.faults.gone
            if should_listen and self._serve_thread is None:
                self._listen()
            elif not should_listen:
                self._halt()

    def _listen(self) -> None:
        self._stopping = threading.Event()
        if self._httpd is None:
            self._httpd = _HTTPServer((self.host, self.port), self)
        self._serve_thread = threading.Thread(
            target=self._httpd.serve_forever,
            kwargs={"poll_interval": POLL_INTERVAL_S},
            name=f"sandbox-{self.emulator.name}-accept",
            daemon=True,
        )
        self._serve_thread.start()

    def _halt(self) -> None:
        self._stopping.set()
        httpd, thread = self._httpd, self._serve_thread
        self._httpd, self._serve_thread = None, None
        if httpd is not None:
            if thread is not None:
                httpd.shutdown()
                thread.join(JOIN_TIMEOUT_S)
            httpd.server_close()
        self._cut_connections()

    def _cut_connections(self) -> None:
        current = threading.current_thread()
        with self._threads_lock:
            connections = [item for item in self._connections.items() if item[0] is not current]
            for thread, _ in connections:
                del self._connections[thread]
        for _, connection in connections:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)
        # A request that made the vendor go away is still running: it is joined at stop().
        for thread, _ in connections:
            thread.join(JOIN_TIMEOUT_S)
