"""Builds the HTTP client a run uses: origin, auth, timeouts, pool size, `-v` logging."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from typing import IO, Any
from urllib.parse import urlsplit

import httpx

from contactctl.errors import UsageError
from contactctl.printable import printable
from contactctl.providers.base import Provider
from contactctl.providers.settings import is_loopback
from contactctl.secrets import REDACTED, Redactor
from contactctl.send.api import Api, ApiSettings
from contactctl.send.bounds import size_cap
from contactctl.send.pacing import TokenBucket

# Headers whose whole value is a credential, whatever the vendor.
SECRET_HEADERS = frozenset({"authorization", "api-key", "x-api-authorization", "api-login"})
BODY_PREVIEW_CHARS = 2000


def check_transport_security(base_url: str, allow_http: bool) -> None:
    """Credentials never travel in clear text to another machine unless the user says so."""
    plain = urlsplit(base_url).scheme.lower() == "http"
    if plain and not is_loopback(base_url) and not allow_http:
        raise UsageError(
            f"Refusing to send credentials over plain http to {base_url}.",
            "Use https, or pass --allow-http if this is really intended.",
        )


def tls_setup_failure(exc: OSError) -> str:
    """One line for a TLS context that cannot be built (a bad or missing certificate file)."""
    named = [f"{v}={os.environ[v]}" for v in ("SSL_CERT_FILE", "SSL_CERT_DIR") if v in os.environ]
    where = f" ({', '.join(named)})" if named else ""
    return (
        f"TLS cannot be set up{where}: {exc}; "
        "point SSL_CERT_FILE / SSL_CERT_DIR at valid PEM certificates, or unset them"
    )


def build_client(
    provider: Provider[Any],
    concurrency: int,
    redact: Redactor,
    verbose: bool,
    log: IO[str] | None = None,
) -> httpx.AsyncClient:
    settings = provider.settings
    # The size cap comes first: whatever reads the body afterwards reads it bounded.
    hooks: dict[str, list[Callable[..., Any]]] = {"response": [size_cap(settings.max_answer_bytes)]}
    if verbose:
        logger = _ExchangeLogger(redact, log or sys.stderr)
        hooks["request"] = [logger.request]
        hooks["response"].append(logger.response)
    return httpx.AsyncClient(
        base_url=provider.base_url(),
        auth=provider.auth(),
        timeout=httpx.Timeout(settings.timeout, connect=min(settings.timeout, 10.0)),
        # One pool: figure 5b measured several small pools (send/shards.py, removed) at
        # 1.97 ms of client CPU a request against 1.89 ms for this one.
        limits=httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency),
        headers={"Accept": "application/json", "User-Agent": _user_agent()},
        event_hooks=hooks,
        follow_redirects=False,
    )


def build_api(
    provider: Provider[Any],
    client: httpx.AsyncClient,
    requests_per_second: float,
    redact: Redactor | None = None,
) -> Api:
    """The paced, retrying, redacting Api a provider is handed for one run."""
    return Api(
        client,
        TokenBucket(requests_per_second),
        ApiSettings(
            provider.vendor,
            provider.settings.max_retries,
            deadline_s=provider.settings.timeout,
            auth_hint=provider.auth_hint(),
        ),
        redact or Redactor(provider.settings.secrets()),
        provider.error_message,
    )


def _user_agent() -> str:
    from contactctl import __version__

    return f"contactctl/{__version__}"


class _ExchangeLogger:
    """`-v`: each request and answer on standard error, with every secret replaced."""

    def __init__(self, redact: Redactor, out: IO[str]) -> None:
        self._redact = redact
        self._out = out

    async def request(self, request: httpx.Request) -> None:
        self._write(f"> {request.method} {request.url}")
        self._headers(request.headers)
        self._body(request.content)

    async def response(self, response: httpx.Response) -> None:
        await response.aread()
        self._write(f"< {response.status_code} {response.request.method} {response.url}")
        self._headers(response.headers)
        self._body(response.content)

    def _headers(self, headers: httpx.Headers) -> None:
        for name, value in headers.items():
            shown = REDACTED if name.lower() in SECRET_HEADERS else value
            self._write(f"  {name}: {shown}")

    def _body(self, content: bytes) -> None:
        if content:
            # The whole body is redacted before the preview is cut, so no cut secret survives.
            text = self._redact(content.decode("utf-8", "replace"))
            more = " …" if len(text) > BODY_PREVIEW_CHARS else ""
            self._write(f"  {text[:BODY_PREVIEW_CHARS]}{more}")

    def _write(self, line: str) -> None:
        # Redacted first: escaping could hide a secret's spelling from the redactor.
        print(printable(self._redact(line)), file=self._out)
