"""A start-up probe for benchmarks and tests: report the first painted headlines.

With NEWSREADER_STARTUP_PROBE set in the environment, `run_app` installs this
probe.  When the headline list paints for the first time with rows in it, the
probe prints two lines to stdout and quits the app:

    painted <peak RSS in KiB> <CPU seconds used so far>
    modules <every name in sys.modules, space-separated>

The first line is printed from inside the paint event, as the bare-window
baseline of bench/gui_bench.py does, so both are timed at the same moment;
the second lets a test check what the first paint needed to load.
"""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QEvent, QObject, QTimer

if TYPE_CHECKING:
    from PySide6.QtWidgets import QAbstractItemView

ENV = "NEWSREADER_STARTUP_PROBE"


def wanted() -> bool:
    return bool(os.environ.get(ENV))


def usage() -> tuple[int, float]:
    """Peak RSS in KiB and CPU seconds (user + system) of this process."""
    try:
        import resource
    except ImportError:  # Windows
        return 0, 0.0
    self = resource.getrusage(resource.RUSAGE_SELF)
    return int(self.ru_maxrss), self.ru_utime + self.ru_stime


class FirstPaintProbe(QObject):
    """Prints the report at the first paint of `view` that shows rows."""

    def __init__(self, view: QAbstractItemView) -> None:
        super().__init__(view)
        self._view = view
        view.viewport().installEventFilter(self)

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint and self._view.model().rowCount():
            rss, cpu = usage()
            print("painted", rss, f"{cpu:.4f}", flush=True)
            print("modules", " ".join(sorted(sys.modules)), flush=True)
            self._view.viewport().removeEventFilter(self)
            QTimer.singleShot(0, QCoreApplication.quit)
        return False
