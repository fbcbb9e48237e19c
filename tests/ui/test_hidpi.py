"""The real app under QT_SCALE_FACTOR=2: a 2x window with 2x icons."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from conftest import fill_cache
from feedserver import FeedServer

# Runs `run_app` as a user would start it; once the window is painted and the
# sync controller attached, it reports what a 2x screen got and quits.
PROBE = """
import json, sys
from PySide6.QtCore import QSize, QTimer
from PySide6.QtWidgets import QApplication
from newsreader import app as app_module

real_build = app_module.build_window

def build_window(paths, **options):
    window = real_build(paths, **options)

    def report():
        if window.sync is None:  # not painted yet
            QTimer.singleShot(20, report)
            return
        ratio = window.devicePixelRatio()
        action = window.registry["sync.now"]
        button = window.toolbar.widgetForAction(action)
        pixmap = action.icon().pixmap(button.iconSize(), ratio)
        shot = window.grab()
        print(json.dumps({
            "ratio": ratio,
            "icon_logical": button.iconSize().width(),
            "icon_pixels": pixmap.width(),
            "icon_ratio": pixmap.devicePixelRatio(),
            "window": window.width(),
            "grab_pixels": shot.width(),
            "rows": window.headline_model.rowCount(),
        }), flush=True)
        window.close()
        QApplication.quit()

    QTimer.singleShot(0, report)
    return window

app_module.build_window = build_window
sys.exit(app_module.run_app(sys.argv[1:]))
"""


def test_app_runs_at_scale_factor_2(feed_server: FeedServer, data_dir: Path) -> None:
    fill_cache(feed_server, data_dir)
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "QT_SCALE_FACTOR": "2"}
    done = subprocess.run(
        [sys.executable, "-c", PROBE, "--data-dir", str(data_dir), "--no-sync"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert report["ratio"] == 2.0
    assert report["rows"] > 0
    assert report["icon_ratio"] == 2.0
    assert report["icon_pixels"] == 2 * report["icon_logical"]  # drawn at 2x, not scaled
    assert report["grab_pixels"] == 2 * report["window"]
