"""Runs the core sync service off the GUI thread, in a process of its own.

The sync (HTTP, parsing, SQLite writes) runs in one long-lived child
process: its threads then never compete with the GUI thread for the
interpreter lock, which is what kept the window's event loop from stalling
while 200 feeds synced.  The child is the cache's one writer.

`SyncWorker` lives on a QThread in the GUI process; it forwards commands to
the child and turns the child's messages (plain, picklable values) into Qt
signals.  `SyncController` is the GUI-side facade.

Options are fixed when the child starts, except `LIVE_OPTIONS` (what
Preferences can change while the app runs): they travel with every sync
request, so a changed setting applies from the next sync on.
"""

from __future__ import annotations

import atexit
import contextlib
import multiprocessing
import os
import weakref
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, QThread, QTimer, Signal, Slot

from newsreader.core.sync_types import SyncReport

_CONTEXT = multiprocessing.get_context("spawn")
_LIVE_WORKERS: weakref.WeakSet[SyncWorker] = weakref.WeakSet()

# Full text and images on/off, and the offline cache's size limit in bytes.
LIVE_OPTIONS = ("media", "cache_cap_bytes")


@atexit.register
def _stop_sync_processes() -> None:
    """However the app ends, no sync process outlives it (nor blocks its exit:
    multiprocessing would otherwise wait for the non-daemon child forever)."""
    for worker in list(_LIVE_WORKERS):
        worker.kill_process()


def sync_process_main(
    conn: Connection, cancel: Any, db_path: Path, options: dict[str, Any], parent_pid: int
) -> None:
    """The child process: runs syncs on request until told to quit.

    It runs at a lower CPU priority (its parse workers inherit it), so on a
    busy machine the window is scheduled first and never stutters.
    """
    if hasattr(os, "nice"):
        with contextlib.suppress(OSError):
            os.nice(10)
    from newsreader.core.fetch import FetchLimits
    from newsreader.core.sync import FeedResult, SyncService, exit_with_parent

    exit_with_parent(parent_pid)

    service: SyncService | None = None
    try:
        while True:
            try:
                message = conn.recv()
            except EOFError:
                return
            if message[0] != "sync":
                return
            _, feed_ids, force, live = message
            options = {**options, **live}
            cancel.clear()
            try:
                if service is None:
                    service = SyncService(
                        db_path,
                        limits=FetchLimits(per_host=options.get("per_host", 2)),
                        max_workers=options.get("max_workers", 8),
                        default_interval_min=options.get("interval_min", 30),
                        retention_days=options.get("retention_days", 90),
                        parse_processes=options.get("parse_processes"),
                        cache_dir=Path(options["cache_dir"]) if options.get("cache_dir") else None,
                        media=options.get("media", True),
                        cache_cap_bytes=options.get("cache_cap_bytes"),
                    )
                service.media = options.get("media", True)
                service.cache_cap_bytes = options.get("cache_cap_bytes")
                todo, deferred = service.feeds_to_sync(feed_ids, force=force)
                conn.send(("started", len(todo) + len(deferred)))

                def progress(done: int, total: int, result: FeedResult) -> None:
                    conn.send(("feed", done, total, result))

                report = service.sync(feed_ids, force=force, progress=progress, cancel=cancel)
            except Exception as exc:  # noqa: BLE001 - report it, keep serving
                conn.send(("failed", f"Sync failed: {exc}"))
                report = SyncReport(cancelled=True)
            conn.send(("finished", report))
    finally:
        if service is not None:
            service.close()


class SyncWorker(QObject):
    """Lives on the bridge thread; every slot runs there."""

    started = Signal(int)  # number of feeds
    feed_done = Signal(int, int, object)  # done, total, FeedResult
    finished = Signal(object)  # SyncReport
    failed = Signal(str)

    def __init__(self, db_path: Path, options: dict[str, Any]) -> None:
        super().__init__()
        self._db_path = db_path
        self._options = options
        self._process: Any = None
        self._conn: Connection | None = None
        self.cancel_event = _CONTEXT.Event()
        _LIVE_WORKERS.add(self)

    def _connection(self) -> Connection:
        if self._process is None or not self._process.is_alive() or self._conn is None:
            ours, theirs = _CONTEXT.Pipe()
            self._process = _CONTEXT.Process(
                target=sync_process_main,
                args=(theirs, self.cancel_event, self._db_path, self._options, os.getpid()),
                name="newsreader-sync",
                # Not a daemon: it starts its own parse workers.  It exits
                # when told to, or when the pipe closes if the app dies.
                daemon=False,
            )
            self._process.start()
            theirs.close()
            self._conn = ours
        return self._conn

    @Slot(object, bool)
    def run_sync(self, feed_ids: list[int] | None, force: bool) -> None:
        try:
            conn = self._connection()
            live = {k: self._options[k] for k in LIVE_OPTIONS if k in self._options}
            conn.send(("sync", feed_ids, force, live))
            while True:
                message = conn.recv()
                kind = message[0]
                if kind == "started":
                    self.started.emit(message[1])
                elif kind == "feed":
                    self.feed_done.emit(message[1], message[2], message[3])
                elif kind == "failed":
                    self.failed.emit(message[1])
                elif kind == "finished":
                    self.finished.emit(message[1])
                    return
        except Exception as exc:  # noqa: BLE001 - EOF, a dead child: report, never hang
            self._conn = None
            message = QCoreApplication.translate(
                "SyncController", "The sync process stopped unexpectedly (%1)"
            )
            self.failed.emit(message.replace("%1", repr(exc)))
            self.finished.emit(SyncReport(cancelled=True))

    @Slot(object)
    def update_options(self, changes: dict[str, Any]) -> None:
        self._options = {**self._options, **changes}

    def kill_process(self) -> None:
        """Called from the GUI thread as a last resort on quit."""
        process = self._process
        if process is not None and process.is_alive():
            process.kill()
            process.join(2.0)

    @Slot()
    def close(self) -> None:
        """Stop the child: ask, then insist (a kill is safe for the cache)."""
        if self._conn is not None:
            with contextlib.suppress(OSError):
                self._conn.send(("quit",))
            self._conn.close()
            self._conn = None
        if self._process is not None:
            self._process.join(2.0)
            if self._process.is_alive():
                self._process.terminate()
                self._process.join(1.0)
            self._process = None


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
    _options = Signal(object)
    _close = Signal()

    def __init__(self, db_path: Path, options: dict[str, Any] | None = None,
                 parent: QObject | None = None) -> None:  # fmt: skip
        super().__init__(parent)
        self._thread = QThread()
        self._thread.setObjectName("sync")
        self._worker = SyncWorker(db_path, options or {})
        self._worker.moveToThread(self._thread)
        self._request.connect(self._worker.run_sync)
        self._options.connect(self._worker.update_options)
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

    def set_options(self, changes: dict[str, Any]) -> None:
        """Change `LIVE_OPTIONS` from the next sync on (a running one keeps its own)."""
        unknown = set(changes) - set(LIVE_OPTIONS)
        if unknown:
            raise ValueError(f"Options fixed at start: {sorted(unknown)}")
        self._options.emit(dict(changes))

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
        if not self._thread.wait(timeout_ms):
            # The child did not answer in time: end it; the bridge thread then
            # sees the pipe close and returns.  A kill is safe for the cache.
            self._worker.kill_process()
            self._thread.wait(timeout_ms)
