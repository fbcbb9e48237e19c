"""The tests' own guard: nothing they start can reach beyond 127.0.0.1."""

from __future__ import annotations

import socket
import subprocess
import sys

import pytest


def test_this_process_resolves_only_loopback() -> None:
    assert socket.getaddrinfo("127.0.0.1", 80)
    with pytest.raises(socket.gaierror, match=r"only 127\.0\.0\.1"):
        socket.getaddrinfo("example.com", 80)


def test_started_processes_resolve_only_loopback() -> None:
    code = "import socket; socket.getaddrinfo('example.com', 443)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode != 0
    assert "only 127.0.0.1 is reachable in tests" in done.stderr
