"""One real-display run: the installed app under Xvfb, driven with xdotool."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import fill_cache
from feedserver import FeedServer

pytestmark = pytest.mark.skipif(
    not (shutil.which("Xvfb") and shutil.which("xdotool")), reason="needs Xvfb and xdotool"
)


@pytest.fixture
def display() -> Iterator[str]:
    read_fd, write_fd = os.pipe()
    xvfb = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write_fd), "-screen", "0", "1280x800x24", "-nolisten", "tcp"],
        pass_fds=(write_fd,),
        stderr=subprocess.DEVNULL,
    )
    os.close(write_fd)
    with os.fdopen(read_fd) as pipe:
        number = pipe.readline().strip()
    yield f":{number}"
    xvfb.terminate()
    xvfb.wait(timeout=10)


def xdotool(display: str, *args: str) -> str:
    out = subprocess.run(
        ["xdotool", *args],
        env={**os.environ, "DISPLAY": display},
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    return out.stdout.strip()


def wait_for(predicate: object, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():  # type: ignore[operator]
            return
        time.sleep(0.1)
    raise AssertionError("timed out")


def test_app_on_a_real_display(
    feed_server: FeedServer, data_dir: Path, display: str, tmp_path: Path
) -> None:
    fill_cache(feed_server, data_dir)
    env = {**os.environ, "DISPLAY": display, "QT_QPA_PLATFORM": "xcb"}
    app = subprocess.Popen(
        [sys.executable, "-m", "newsreader", "--data-dir", str(data_dir), "--no-sync"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        window = ""

        def found() -> bool:
            nonlocal window
            window = xdotool(display, "search", "--onlyvisible", "--name", "Newsreader")
            window = window.splitlines()[0] if window else ""
            return bool(window)

        wait_for(found)
        assert xdotool(display, "getwindowname", window) == "Newsreader"
        xdotool(display, "windowfocus", "--sync", window)
        titles = []
        for _ in range(2):
            before = xdotool(display, "getwindowname", window)
            xdotool(display, "key", "j")
            wait_for(lambda b=before: xdotool(display, "getwindowname", window) != b)
            titles.append(xdotool(display, "getwindowname", window))
        assert all(t.endswith(" — Newsreader") for t in titles)
        assert titles[0] != titles[1]
        if shutil.which("import"):
            shot = tmp_path / "shot.png"
            subprocess.run(
                ["import", "-window", "root", str(shot)], env=env, check=True, timeout=30
            )
            assert shot.stat().st_size > 10_000
        xdotool(display, "key", "ctrl+q")
        assert app.wait(timeout=15) == 0
    finally:
        if app.poll() is None:
            app.kill()
            app.wait()
        assert app.stdout is not None
        app.stdout.close()
