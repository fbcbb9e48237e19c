"""One real-display run: the installed app under Xvfb, driven with xdotool."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

import xvfb
from conftest import fill_cache
from feedserver import FeedServer
from xvfb import run_x, wait_for

pytestmark = pytest.mark.skipif(not xvfb.available(), reason="needs Xvfb and xdotool")


@pytest.fixture
def display() -> Iterator[str]:
    with xvfb.virtual_display() as name:
        yield name


def xdotool(display: str, *args: str) -> str:
    return run_x(display, "xdotool", *args)


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
