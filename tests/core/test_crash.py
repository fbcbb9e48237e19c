"""Crash safety: SIGKILL a syncing process at several points; the cache stays
consistent, user state survives and the next sync completes."""

from __future__ import annotations

import sqlite3
import sys
from pathlib import Path

import pytest

from feedgen import make_entries, rss
from feedserver import FeedServer
from killed_sync import kill_sync_after
from newsreader.core.storage import Store
from newsreader.core.sync import SyncService

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")

FEEDS = 60


def serve(server: FeedServer, generation: int) -> None:
    for n in range(FEEDS):
        entries = make_entries(n, 50, chinese=n % 3 == 0, seed=generation, body_bytes=3000)
        server.add(f"/farm/{n}.xml", rss(f"Farm {n}", entries))


@pytest.mark.slow
def test_sigkill_mid_sync_keeps_cache_consistent(feed_server: FeedServer, db_path: Path) -> None:
    serve(feed_server, 0)
    with Store(db_path) as store:
        for n in range(FEEDS):
            store.add_feed(feed_server.url(f"/farm/{n}.xml"))
    with SyncService(db_path) as service:
        service.sync(range(1, 11))  # a first sync of some feeds
    with Store(db_path) as store:
        ids = [a.id for a in store.articles()]
        read_ids, starred_ids = ids[::3], ids[::7]
        store.set_read(read_ids)
        store.set_starred(starred_ids)
        before = store.count_articles()

    for generation, delay in enumerate((0.4, 0.9, 1.6, 2.5), start=1):
        serve(feed_server, generation)  # new entries everywhere: the sync must write
        kill_sync_after(db_path, delay)

        conn = sqlite3.connect(db_path)
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        orphans = conn.execute(
            "SELECT count(*) FROM articles a LEFT JOIN article_state s ON s.article_id = a.id"
            " WHERE s.article_id IS NULL"
        ).fetchone()[0]
        assert orphans == 0
        conn.close()
        with Store(db_path) as store:
            state = {a.id: a for a in store.articles_by_id(ids)}
            assert all(state[i].read for i in read_ids)
            assert all(state[i].starred for i in starred_ids)
            assert store.count_articles() >= before

    with SyncService(db_path) as service:
        report = service.sync()
    assert not report.failed
    assert len(report.results) == FEEDS
    with Store(db_path) as store:
        assert store.integrity_ok()
        assert store.count_articles() > before
