from __future__ import annotations

import sqlite3
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from newsreader.core.errors import StorageError, SubscriptionError
from newsreader.core.schema import SCHEMA_VERSION
from newsreader.core.storage import ArticleQuery, Store
from newsreader.core.sync_types import ParsedEntry, ParsedFeed


def entry(key: str, title: str = "", *, days_ago: float = 0, body: str = "") -> ParsedEntry:
    published = datetime.now(UTC) - timedelta(days=days_ago)
    title = title or f"Title {key}"
    return ParsedEntry(
        key=key,
        title=title,
        link=f"http://example.test/{key}",
        author="",
        published=published,
        updated=None,
        summary_html="",
        content_html=body or f"<p>{title}</p>",
        snippet=title,
        content_hash=f"{title}|{body}",
    )


def feed_of(*entries: ParsedEntry) -> ParsedFeed:
    return ParsedFeed(title="Feed", link="http://example.test/", entries=entries, kind="rss20")


def apply(store: Store, feed_id: int, *entries: ParsedEntry) -> tuple[int, ...]:
    return store.apply_parsed(feed_id, feed_of(*entries), body_hash="h", next_check=0).new_ids


def test_schema_pragmas_and_version(db_path: Path) -> None:
    with Store(db_path) as store:
        conn = store.conn
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    # Reopening runs no migration twice.
    with Store(db_path) as store:
        assert store.integrity_ok()


def test_newer_schema_is_refused(db_path: Path) -> None:
    Store(db_path).close()
    conn = sqlite3.connect(db_path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 5}")
    conn.close()
    with pytest.raises(StorageError, match="newer"):
        Store(db_path)


def test_duplicate_subscription_refused(db_path: Path) -> None:
    with Store(db_path) as store:
        store.add_feed("http://example.test/feed", title="Example")
        with pytest.raises(SubscriptionError, match="Already subscribed"):
            store.add_feed("http://example.test/feed")


def test_nested_folders(db_path: Path) -> None:
    with Store(db_path) as store:
        fid = store.add_feed("http://a.test/feed", folder=("News", "World"))
        feed = store.feed(fid)
        assert feed is not None
        assert store.folder_path(feed.folder_id) == ("News", "World")
        with store.write():
            assert store.ensure_folder(("News", "World")) == feed.folder_id
        assert [f.name for f in store.folders()] == ["News", "World"]


def test_insert_update_and_state_survives(db_path: Path) -> None:
    with Store(db_path) as store:
        fid = store.add_feed("http://a.test/feed")
        new = apply(store, fid, entry("a"), entry("b"))
        assert len(new) == 2
        a_id = next(a.id for a in store.articles() if a.title == "Title a")
        store.set_read([a_id])
        store.set_starred([a_id])
        # Same entries again: nothing new, nothing updated.
        result = store.apply_parsed(
            fid, feed_of(entry("a"), entry("b")), body_hash="h", next_check=0
        )
        assert result.new_ids == () and result.updated_ids == ()
        # The article changes upstream: updated in place, state kept.
        result = store.apply_parsed(
            fid,
            feed_of(entry("a", "Title a (corrected)")),
            body_hash="h2",
            next_check=0,
        )
        assert result.updated_ids == (a_id,)
        art = store.article(a_id)
        assert art is not None
        assert art.title == "Title a (corrected)"
        assert art.read and art.starred


def test_unread_starred_and_search_queries(db_path: Path) -> None:
    with Store(db_path) as store:
        fid = store.add_feed("http://a.test/feed")
        apply(store, fid, entry("x", "网络安全 新规"), entry("y", "Tea exports grow"))
        ids = {a.title: a.id for a in store.articles()}
        store.set_read([ids["Tea exports grow"]])
        store.set_starred([ids["Tea exports grow"]])
        assert [a.title for a in store.articles(ArticleQuery(unread=True))] == ["网络安全 新规"]
        assert [a.title for a in store.articles(ArticleQuery(starred=True))] == ["Tea exports grow"]
        assert [a.title for a in store.articles(ArticleQuery(search="网络"))] == ["网络安全 新规"]
        assert store.count_articles(ArticleQuery(search="tea")) == 1


def test_keyset_pages_cover_everything_once(db_path: Path) -> None:
    with Store(db_path) as store:
        fid = store.add_feed("http://a.test/feed")
        apply(store, fid, *(entry(str(i), days_ago=i / 24) for i in range(25)))
        seen: list[int] = []
        before = None
        while True:
            page = store.articles(ArticleQuery(limit=7, before=before))
            if not page:
                break
            seen.extend(a.id for a in page)
            before = store.sort_key(page[-1].id)
        assert len(seen) == len(set(seen)) == 25
        dates = [store.sort_key(i) for i in seen]
        assert dates == sorted(dates, reverse=True)


def test_retention_keeps_starred_and_unread_and_never_revives(db_path: Path) -> None:
    with Store(db_path) as store:
        fid = store.add_feed("http://a.test/feed")
        old = [entry("read-old", days_ago=120), entry("star-old", days_ago=120),
               entry("unread-old", days_ago=120), entry("read-new", days_ago=1)]  # fmt: skip
        apply(store, fid, *old)
        ids = {a.title: a.id for a in store.articles()}
        store.set_read([ids["Title read-old"], ids["Title star-old"], ids["Title read-new"]])
        store.set_starred([ids["Title star-old"]])
        assert store.purge_old(90) == 1
        titles = {a.title for a in store.articles()}
        assert titles == {"Title star-old", "Title unread-old", "Title read-new"}
        # The feed still lists the purged entry: it must not come back as new.
        assert apply(store, fid, *old) == ()
        assert store.count_articles() == 3
        feed = store.feed(fid)
        assert feed is not None and feed.total == 3 and feed.unread == 1


def test_future_dates_do_not_pin_articles_on_top(db_path: Path) -> None:
    with Store(db_path) as store:
        fid = store.add_feed("http://a.test/feed")
        apply(store, fid, entry("future", days_ago=-30), entry("now"))
        key = store.sort_key(store.articles()[0].id)
        assert key is not None and key[0] <= time.time() + 1


def test_mark_all_read_returns_ids_for_undo(db_path: Path) -> None:
    with Store(db_path) as store:
        a = store.add_feed("http://a.test/feed")
        b = store.add_feed("http://b.test/feed")
        apply(store, a, entry("1"), entry("2"))
        apply(store, b, entry("3"))
        ids = store.mark_all_read(ArticleQuery(feed_ids=(a,)))
        assert len(ids) == 2
        assert store.unread_counts() == {a: 0, b: 1}
        store.set_read(ids, False)
        assert store.unread_counts() == {a: 2, b: 1}


def test_delete_feed_cascades(db_path: Path) -> None:
    with Store(db_path) as store:
        fid = store.add_feed("http://a.test/feed")
        apply(store, fid, entry("1"))
        store.delete_feed(fid)
        assert store.count_articles() == 0
        assert store.conn.execute("SELECT count(*) FROM article_state").fetchone()[0] == 0
