"""Searches run off the GUI thread.

A search over a big cache takes 15-20 ms typically and up to ~150 ms for a
short prefix of a common word: too long for the GUI thread, which must keep
painting while the user types.  `SearchRunner` runs `Store.search_ids` on
one worker thread with its own read-only connection to the cache (SQLite in
WAL mode lets it read while the sync writes) and hands the ranked ids back
through a signal, queued to the GUI thread.  Only the latest request
counts: one typed over while it waited is skipped, and a late answer to an
older one is ignored by the window (it compares request ids).
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from newsreader.core.storage import ArticleQuery, Store


class SearchRunner(QObject):
    """found(request id, query text, ranked article ids)."""

    found = Signal(int, str, list)

    def __init__(self, db_path: Path, limit: int, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._db_path = db_path
        self._limit = limit
        self._pool: ThreadPoolExecutor | None = None
        self._store: Store | None = None  # used by the worker thread only
        self._latest = 0
        self._lock = threading.Lock()

    def search(self, text: str, scope: ArticleQuery | None) -> int:
        """Start a search; its answer comes with `found` and this request id."""
        with self._lock:
            self._latest += 1
            request = self._latest
        if self._pool is None:
            self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="search")
        self._pool.submit(self._run, request, text, scope)
        return request

    def _run(self, request: int, text: str, scope: ArticleQuery | None) -> None:
        with self._lock:
            if request != self._latest:
                return  # typed over while it waited
        try:
            if self._store is None:
                self._store = Store(self._db_path, create=False)
            ids = self._store.search_ids(text, scope, limit=self._limit)
        except Exception:  # a search must never take the window down  # noqa: BLE001
            ids = []
        self.found.emit(request, text, ids)

    def close(self) -> None:
        """Stop the worker and close its connection (in its own thread)."""
        pool, self._pool = self._pool, None
        if pool is None:
            return
        pool.submit(self._close_store)
        pool.shutdown(wait=True, cancel_futures=False)

    def _close_store(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None
