"""The sync service against a real HTTP server and a real SQLite file."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from feedgen import atom, make_entries, rss
from feedserver import FeedServer
from newsreader.core.model import FeedStatus
from newsreader.core.storage import ArticleQuery, Store
from newsreader.core.sync import Outcome, SyncService


def serve_feeds(server: FeedServer, count: int, entries: int = 5) -> list[str]:
    urls = []
    for n in range(count):
        items = make_entries(n, entries, chinese=n % 3 == 0, body_bytes=800)
        body = atom(f"Feed {n}", items) if n % 2 else rss(f"Feed {n}", items)
        server.add(f"/feed{n}.xml", body, gzip=n % 2 == 0)
        urls.append(server.url(f"/feed{n}.xml"))
    return urls


def subscribe_all(db_path: Path, urls: list[str]) -> list[int]:
    with Store(db_path) as store:
        return [store.add_feed(url) for url in urls]


def test_broken_feed_never_stops_the_others(feed_server: FeedServer, db_path: Path) -> None:
    urls = serve_feeds(feed_server, 3)
    feed_server.status("/missing.xml", 404)
    feed_server.add(
        "/page.html", b"<html><body><p>Hello</p></body></html>", content_type="text/html"
    )
    ids = subscribe_all(
        db_path, [*urls, feed_server.url("/missing.xml"), feed_server.url("/page.html")]
    )
    with SyncService(db_path, parse_processes=0) as service:
        report = service.sync()
    outcomes = {r.feed_id: r.outcome for r in report.results}
    assert [outcomes[i] for i in ids[:3]] == [Outcome.NEW] * 3
    assert outcomes[ids[3]] == Outcome.ERROR
    assert outcomes[ids[4]] == Outcome.ERROR
    assert report.new_count == 15
    with Store(db_path) as store:
        missing = store.feed(ids[3])
        page = store.feed(ids[4])
        assert missing is not None and missing.status is FeedStatus.ERROR
        assert "404" in missing.error
        assert page is not None and "not a feed" in page.error.lower()
        first = store.feed(ids[0])
        assert first is not None and first.title == "Feed 0" and first.total == 5


def test_second_sync_is_conditional_and_writes_nothing(
    feed_server: FeedServer, db_path: Path
) -> None:
    urls = serve_feeds(feed_server, 4)
    subscribe_all(db_path, urls)
    with SyncService(db_path, parse_processes=0) as service:
        service.sync()
        changes_before = service.store.conn.total_changes
        articles_before = service.store.conn.execute(
            "SELECT group_concat(id || content_hash) FROM articles"
        ).fetchone()
        feed_server.clear_log()
        report = service.sync()
        assert {r.outcome for r in report.results} == {Outcome.UNCHANGED}
        assert report.parsed_count == 0
        assert all(r.status == 304 for r in feed_server.requests)
        assert all("if-none-match" in r.headers for r in feed_server.requests)
        after = service.store.conn.execute(
            "SELECT group_concat(id || content_hash) FROM articles"
        ).fetchone()
        assert after == articles_before
        # Only the four feed rows' bookkeeping was written.
        assert service.store.conn.total_changes - changes_before == 4


def test_same_body_without_validators_is_not_parsed(feed_server: FeedServer, db_path: Path) -> None:
    feed_server.add("/plain.xml", rss("Plain", make_entries(1, 3)), etag=None)
    subscribe_all(db_path, [feed_server.url("/plain.xml")])
    with SyncService(db_path, parse_processes=0) as service:
        assert service.sync().parsed_count == 1
        report = service.sync()
    assert report.parsed_count == 0
    assert report.results[0].outcome is Outcome.UNCHANGED


def test_updates_keep_read_and_starred_state(feed_server: FeedServer, db_path: Path) -> None:
    items = make_entries(5, 3)
    feed_server.add("/f.xml", rss("F", items))
    subscribe_all(db_path, [feed_server.url("/f.xml")])
    with SyncService(db_path, parse_processes=0) as service:
        service.sync()
        store = service.store
        first = store.articles()[0]
        store.set_read([first.id])
        store.set_starred([first.id])
        changed = [replace(items[0], title="Corrected headline")]
        feed_server.add("/f.xml", rss("F", changed + items[1:]))
        report = service.sync()
        assert report.results[0].updated_ids == (first.id,)
        again = store.article(first.id)
        assert again is not None
        assert again.title == "Corrected headline"
        assert again.read and again.starred
        assert store.count_articles() == 3


def test_entries_without_guid_link_or_date_are_not_duplicated(
    feed_server: FeedServer, db_path: Path
) -> None:
    items = make_entries(7, 4)
    bare = [replace(i, link="") for i in items]
    feed_server.add("/bare.xml", rss("Bare", bare, with_guid=False, with_dates=False))
    subscribe_all(db_path, [feed_server.url("/bare.xml")])
    with SyncService(db_path, parse_processes=0) as service:
        service.sync()
        # Force a re-parse of the same entries: a new body, same items.
        feed_server.add("/bare.xml", rss("Bare (renamed)", bare, with_guid=False, with_dates=False))
        report = service.sync()
        assert report.parsed_count == 1
        assert report.new_count == 0
        assert service.store.count_articles() == 4
        assert all(a.first_seen is not None for a in service.store.articles())


def test_permanent_redirect_rewrites_url_and_gone_stops_polling(
    feed_server: FeedServer, db_path: Path
) -> None:
    feed_server.add("/new.xml", rss("Moved", make_entries(2, 2)))
    feed_server.redirect("/old.xml", "/new.xml", status=301)
    feed_server.redirect("/temp.xml", "/new.xml", status=302)
    feed_server.status("/gone.xml", 410)
    old, temp, gone = subscribe_all(
        db_path, [feed_server.url(p) for p in ("/old.xml", "/temp.xml", "/gone.xml")]
    )
    with SyncService(db_path, parse_processes=0) as service:
        service.sync()
        store = service.store
        assert store.feed(old).url == feed_server.url("/new.xml")  # type: ignore[union-attr]
        assert store.feed(temp).url == feed_server.url("/temp.xml")  # type: ignore[union-attr]
        gone_feed = store.feed(gone)
        assert gone_feed is not None and gone_feed.status is FeedStatus.GONE
        hits = feed_server.count("/gone.xml")
        report = service.sync()
        assert feed_server.count("/gone.xml") == hits
        assert gone not in {r.feed_id for r in report.results}


def test_retry_after_defers_the_feed(feed_server: FeedServer, db_path: Path) -> None:
    feed_server.status("/busy.xml", 429, headers={"Retry-After": "3600"})
    (feed_id,) = subscribe_all(db_path, [feed_server.url("/busy.xml")])
    with SyncService(db_path, parse_processes=0) as service:
        first = service.sync()
        assert first.results[0].outcome is Outcome.ERROR
        assert first.results[0].http_status == 429
        second = service.sync()
        assert second.results[0].outcome is Outcome.DEFERRED
        assert feed_server.count("/busy.xml") == 1
        feed = service.store.feed(feed_id)
        assert feed is not None and feed.next_check is not None


def test_errors_back_off(feed_server: FeedServer, db_path: Path) -> None:
    feed_server.status("/err.xml", 500)
    (feed_id,) = subscribe_all(db_path, [feed_server.url("/err.xml")])
    with SyncService(db_path, parse_processes=0, default_interval_min=10) as service:
        gaps = []
        for _ in range(3):
            service.sync()
            feed = service.store.feed(feed_id)
            assert feed is not None and feed.next_check is not None and feed.last_sync is not None
            gaps.append((feed.next_check - feed.last_sync).total_seconds())
        assert gaps[0] < gaps[1] < gaps[2]
        # Scheduled (not forced) syncs skip a feed that is not due.
        hits = feed_server.count("/err.xml")
        service.sync(force=False)
        assert feed_server.count("/err.xml") == hits


def test_parsing_in_worker_processes(feed_server: FeedServer, db_path: Path) -> None:
    urls = serve_feeds(feed_server, 14, entries=4)
    subscribe_all(db_path, urls)
    with SyncService(db_path, parse_processes=2) as service:
        report = service.sync()
        assert service._pool is not None  # the process pool really ran
        assert report.new_count == 14 * 4
        assert not report.failed
        zh = service.store.articles(ArticleQuery(search="网络", limit=500))
        assert zh, "Chinese feeds decoded and stored"


def test_retention_runs_at_sync(feed_server: FeedServer, db_path: Path) -> None:
    feed_server.add("/f.xml", rss("F", make_entries(3, 3)))
    subscribe_all(db_path, [feed_server.url("/f.xml")])
    with SyncService(db_path, parse_processes=0, retention_days=1) as service:
        service.sync()
        ids = [a.id for a in service.store.articles()]
        service.store.set_read(ids)
        service.store.set_starred(ids[:1])
        report = service.sync()  # the generated dates are days old
        assert report.purged == 2
        assert [a.id for a in service.store.articles()] == ids[:1]
        feed_server.add("/f.xml", rss("F2", make_entries(3, 3)))  # new body, same entries
        assert service.sync().new_count == 0
