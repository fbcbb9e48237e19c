"""A sync killed at any point (SIGKILL) leaves the search index, the story
queues and the hot rows consistent, and the next sync completes them."""

from __future__ import annotations

import sqlite3
import sys
from pathlib import Path

import pytest

from feedgen import make_entries, rss
from feedserver import FeedServer
from killed_sync import kill_sync_after
from newsreader.core.storage import ArticleQuery, Store
from newsreader.core.sync import SyncService

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")

FEEDS = 30


def serve(server: FeedServer, generation: int) -> None:
    for n in range(FEEDS):
        entries = make_entries(n, 40, chinese=n % 2 == 0, seed=generation, body_bytes=3000)
        server.add(f"/s/{n}.xml", rss(f"Feed {n}", entries))


def check_consistent(db_path: Path) -> None:
    conn = sqlite3.connect(db_path)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        conn.execute("INSERT INTO article_fts(article_fts, rank) VALUES ('integrity-check', 0)")
        lost = conn.execute(
            """SELECT count(*) FROM articles a
               WHERE a.purged = 0
                 AND NOT EXISTS (SELECT 1 FROM article_cluster c WHERE c.article_id = a.id)
                 AND NOT EXISTS (SELECT 1 FROM cluster_pending p WHERE p.article_id = a.id)"""
        ).fetchone()[0]
        assert lost == 0  # every article is clustered or queued for it
        headless = conn.execute(
            """SELECT count(*) FROM article_cluster c
               WHERE NOT EXISTS (SELECT 1 FROM clusters k WHERE k.cluster_id = c.cluster_id)"""
        ).fetchone()[0]
        assert headless == 0  # every clustered story has its hot row
    finally:
        conn.close()


@pytest.mark.slow
def test_sigkill_during_a_sync_keeps_stories_consistent(
    feed_server: FeedServer, db_path: Path
) -> None:
    serve(feed_server, 0)
    with Store(db_path) as store:
        for n in range(FEEDS):
            store.add_feed(feed_server.url(f"/s/{n}.xml"))
    for generation, delay in enumerate((0.3, 0.8, 1.5, 2.5), start=1):
        serve(feed_server, generation)
        kill_sync_after(db_path, delay)  # wherever the kill lands, the checks below must hold
        check_consistent(db_path)

    with SyncService(db_path) as service:
        assert not service.sync().failed
    check_consistent(db_path)
    with Store(db_path) as store:
        queued = [
            store.conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
            for t in (
                "article_fts_pending",
                "article_fts_stale",
                "cluster_pending",
                "cluster_dirty",
            )
        ]
        assert queued == [0, 0, 0, 0]
        articles = store.count_articles()
        assert articles == FEEDS * 40  # same guids: every generation updates them
        assert sum(len(store.cluster_members(a.cluster_id)) for a in store.hot(10**6)) == articles
        for article in store.articles(ArticleQuery(limit=5)):
            assert article.id in store.search_ids(f'"{article.title}"', limit=10**6)
