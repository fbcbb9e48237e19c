"""Runs the core sync service off the GUI thread.

`SyncWorker` lives on one long-lived QThread and owns the cache's writer
connection.  It emits plain values only: per-feed results as they commit, and
the final report.  `SyncController` is the GUI-side facade: it queues
requests, exposes `running`, and cancels promptly on quit.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QThread, QTimer, Signal, Slot

from newsreader.core.fetch import FetchLimits
from newsreader.core.sync import FeedResult, SyncReport, SyncService


class SyncWorker(QObject):
    """Lives on the sync thread; every slot runs there."""

    started = Signal(int)  # number of feeds
    feed_done = Signal(int, int, object)  # done, total, FeedResult
    finished = Signal(object)  # SyncReport
    failed = Signal(str)

    def __init__(self, db_path: Path, options: dict[str, Any]) -> None:
        super().__init__()
        self._db_path = db_path
        self._options = options
        self._service: SyncService | None = None
        self.cancel_event = threading.Event()

    def _get_service(self) -> SyncService:
        if self._service is None:
            opts = self._options
            self._service = SyncService(
                self._db_path,
                limits=FetchLimits(per_host=opts.get("per_host", 2)),
                max_workers=opts.get("max_workers", 8),
                default_interval_min=opts.get("interval_min", 30),
                retention_days=opts.get("retention_days", 90),
                parse_processes=opts.get("parse_processes"),
            )
        return self._service

    @Slot(object, bool)
    def run_sync(self, feed_ids: list[int] | None, force: bool) -> None:
        self.cancel_event.clear()
        try:
            service = self._get_service()
            todo, deferred = service.feeds_to_sync(feed_ids, force=force)
            self.started.emit(len(todo) + len(deferred))

            def progress(done: int, total: int, result: FeedResult) -> None:
                self.feed_done.emit(done, total, result)

            report = service.sync(
                feed_ids, force=force, progress=progress, cancel=self.cancel_event
            )
        except Exception as exc:  # noqa: BLE001 - report, never kill the thread
            self.failed.emit(f"Sync failed: {exc}")
            self.finished.emit(SyncReport(cancelled=True))
            return
        self.finished.emit(report)

    @Slot()
    def close(self) -> None:
        if self._service is not None:
            self._service.close()
            self._service = None


class SyncController(QObject):
    """GUI-side facade for background syncs.

    Signals (emitted on the GUI thread):
        started(total): a sync began.
        feed_done(done, total, FeedResult): one feed committed.
        finished(SyncReport): the sync ended (also when cancelled).
    """

    started = Signal(int)
    feed_done = Signal(int, int, object)
    finished = Signal(object)
    failed = Signal(str)
    _request = Signal(object, bool)
    _close = Signal()

    def __init__(self, db_path: Path, options: dict[str, Any] | None = None,
                 parent: QObject | None = None) -> None:  # fmt: skip
        super().__init__(parent)
        self._thread = QThread()
        self._thread.setObjectName("sync")
        self._worker = SyncWorker(db_path, options or {})
        self._worker.moveToThread(self._thread)
        self._request.connect(self._worker.run_sync)
        self._close.connect(self._worker.close)
        self._worker.started.connect(self.started)
        self._worker.feed_done.connect(self.feed_done)
        self._worker.finished.connect(self._on_finished)
        self._worker.failed.connect(self.failed)
        self._thread.finished.connect(self._worker.deleteLater)
        self._thread.start()
        self._running = False
        self._queued: tuple[list[int] | None, bool] | None = None
        self._timer = QTimer(self)
        self._timer.timeout.connect(lambda: self.sync(force=False))

    @property
    def running(self) -> bool:
        return self._running

    def sync(self, feed_ids: list[int] | None = None, *, force: bool = True) -> None:
        """Start a sync, or queue it behind the one running."""
        if self._running:
            self._queued = (feed_ids, force)
            return
        self._running = True
        self._request.emit(feed_ids, force)

    def cancel(self) -> None:
        self._queued = None
        self._worker.cancel_event.set()

    def schedule(self, minutes: int) -> None:
        """Check due feeds every `minutes` (0 stops the timer)."""
        self._timer.stop()
        if minutes > 0:
            self._timer.start(minutes * 60_000)

    @Slot(object)
    def _on_finished(self, report: SyncReport) -> None:
        self._running = False
        self.finished.emit(report)
        if self._queued is not None:
            ids, force = self._queued
            self._queued = None
            self.sync(ids, force=force)

    def shutdown(self, timeout_ms: int = 2000) -> None:
        """Cancel and stop the thread; bounded, so quitting never hangs."""
        self._timer.stop()
        self.cancel()
        self._close.emit()
        self._thread.quit()
        self._thread.wait(timeout_ms)
