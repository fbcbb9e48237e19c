"""The layering rules, checked in fresh interpreters."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import newsreader.core


def modules_after(code: str) -> set[str]:
    out = subprocess.run(
        [sys.executable, "-c", code + "\nimport sys\nprint('\\n'.join(sys.modules))"],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return set(out.stdout.split())


def test_core_never_imports_qt() -> None:
    names = [m.name for m in pkgutil.iter_modules(newsreader.core.__path__, "newsreader.core.")]
    assert "newsreader.core.sync" in names
    loaded = modules_after("\n".join(f"import {name}" for name in names))
    assert not {m for m in loaded if m.split(".")[0] in ("PySide6", "shiboken6")}


def test_the_window_loads_without_network_or_parsing_libraries() -> None:
    """requests and feedparser stay off the path to the first painted window."""
    loaded = modules_after("import newsreader.app")
    assert "PySide6.QtWidgets" in loaded
    assert not {"requests", "feedparser", "lxml", "nh3", "urllib3"} & loaded


def test_qt_layer_has_no_widgets() -> None:
    loaded = modules_after(
        "import newsreader.qt.headlines, newsreader.qt.subscriptions, newsreader.qt.actions,"
        " newsreader.qt.render, newsreader.qt.sync_bridge"
    )
    assert "PySide6.QtWidgets" not in loaded


def test_a_sync_that_parses_nothing_loads_no_parser() -> None:
    """A warm sync (all 304) must not pay for importing feedparser and friends."""
    loaded = modules_after("import newsreader.core.sync, newsreader.core.cli")
    assert not {"feedparser", "lxml", "nh3"} & loaded
