"""Tests never reach beyond 127.0.0.1: looking up any other host fails.

`install()` wraps `socket.getaddrinfo` (which every connection by name or
address goes through) so that only loopback names and addresses resolve;
anything else raises `socket.gaierror` at once, as an unknown host would.
The test session installs it in its own process (conftest.py) and, through
`sitecustomize.py` on PYTHONPATH, in every Python process it starts: the
app, the CLI, the sync process and its parse workers.
"""

from __future__ import annotations

import socket
from typing import Any

LOOPBACK_NAMES = {"localhost", "ip6-localhost", "::1"}


def is_loopback(host: object) -> bool:
    if host is None:
        return True  # a local (listening) address
    name = host.decode() if isinstance(host, bytes) else str(host)
    return name in LOOPBACK_NAMES or name.startswith("127.")


def install() -> None:
    real = socket.getaddrinfo
    if getattr(real, "loopback_only", False):
        return

    def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        if not is_loopback(host):
            raise socket.gaierror(
                socket.EAI_NONAME, f"{host}: only 127.0.0.1 is reachable in tests"
            )
        return real(host, *args, **kwargs)

    getaddrinfo.loopback_only = True  # type: ignore[attr-defined]
    socket.getaddrinfo = getaddrinfo
