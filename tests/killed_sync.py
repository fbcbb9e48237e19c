"""A sync in a child process, killed with SIGKILL at a chosen moment (crash tests)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

SYNC_SCRIPT = """
import sys
from newsreader.core.sync import SyncService
with SyncService(sys.argv[1]) as service:
    print("start", flush=True)
    service.sync()
"""


def kill_sync_after(db_path: Path, delay: float) -> None:
    """Start a sync of every feed in `db_path`, SIGKILL it (and its parse
    workers) `delay` seconds after it started, and wait until it is gone."""
    proc = subprocess.Popen(
        [sys.executable, "-c", SYNC_SCRIPT, str(db_path)],
        stdout=subprocess.PIPE,
        start_new_session=True,
    )
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == b"start"
    time.sleep(delay)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    proc.stdout.close()
