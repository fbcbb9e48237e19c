"""Start-up: what the app needs before its first painted window.

The app runs in a fresh interpreter, as users start it (`python -m
newsreader`, directories from XDG), and reports its first painted headlines
through NEWSREADER_STARTUP_PROBE (newsreader/ui/startup_probe.py).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from newsreader.__main__ import only_app_options

# Loaded after the first paint (or only when used), never before it.
NOT_BEFORE_FIRST_PAINT = {
    "requests",
    "urllib3",
    "feedparser",
    "lxml",
    "nh3",
    "multiprocessing",
    "platformdirs",
    "newsreader.core.sync",
    "newsreader.core.sync_types",
    "newsreader.core.fetch",
    "newsreader.core.parse",
    "newsreader.qt.sync_bridge",
    "newsreader.qt.render",
    "newsreader.ui.dialogs",
    "newsreader.core.stories",  # search and clustering
    "newsreader.core.cluster",
    "newsreader.core.media",  # full text and images
    "newsreader.qt.article_media",
    "trafilatura",
}


def start_app(data_dir: Path, home: Path) -> tuple[list[str], set[str]]:
    xdg = home / "xdg"
    (xdg / "data").mkdir(parents=True)
    (xdg / "data" / "newsreader").symlink_to(data_dir, target_is_directory=True)
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "NEWSREADER_STARTUP_PROBE": "1",
        "HOME": str(home),
        "XDG_DATA_HOME": str(xdg / "data"),
        "XDG_CONFIG_HOME": str(xdg / "config"),
        "XDG_CACHE_HOME": str(xdg / "cache"),
    }
    env.pop("NEWSREADER_DATA_DIR", None)
    out = subprocess.run(
        [sys.executable, "-m", "newsreader", "--no-sync"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=True,
    )
    lines = out.stdout.splitlines()
    modules = next(line for line in lines if line.startswith("modules ")).split()[1:]
    return lines, set(modules)


def test_first_paint_shows_cached_headlines_without_heavy_modules(
    data_dir: Path, filled_cache: list[int], tmp_path: Path
) -> None:
    lines, modules = start_app(data_dir, tmp_path)
    painted = lines[0].split()
    assert painted[0] == "painted" and int(painted[1]) > 0 and float(painted[2]) > 0
    assert "newsreader.ui.main_window" in modules
    assert "PySide6.QtWidgets" in modules
    assert sorted(NOT_BEFORE_FIRST_PAINT & modules) == []


def test_plain_start_skips_the_command_line_parser() -> None:
    assert only_app_options([])
    assert only_app_options(["--no-sync", "--data-dir", "/tmp/x"])
    assert only_app_options(["--data-dir=/tmp/x"])
    assert not only_app_options(["sync"])
    assert not only_app_options(["--data-dir"])  # the CLI reports the missing value
    assert not only_app_options(["--help"])
    assert not only_app_options(["--install-desktop-entry"])
