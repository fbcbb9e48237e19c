"""The media step of a sync: full text and images of summary-only feeds, offline."""

from __future__ import annotations

import io
import json
import time
from pathlib import Path

import pytest

from feedserver import FeedServer
from mediagen import EN_PARAS, ZH_PARAS, Item, article_page, png, summary_rss
from newsreader.core import cli, media
from newsreader.core.fetch import FetchLimits
from newsreader.core.images import cached_image
from newsreader.core.sanitize import html_to_text
from newsreader.core.storage import ArticleQuery, Store
from newsreader.core.sync import SyncService

LIMITS = FetchLimits(deadline=2, read_timeout=2)


def serve_site(srv: FeedServer) -> None:
    """A summary-only feed whose entries link to pages with images."""
    srv.add("/img/tram.png", png(64, 48), content_type="image/png")
    srv.add("/img/zh.png", png(32, 32, (10, 120, 30)), content_type="image/png")
    srv.add("/img/dot.png", png(1, 1), content_type="image/png")  # 1×1, known by its bytes
    srv.add("/img/pixel.png", png(1, 1), content_type="image/png")  # known by its URL
    srv.huge("/img/huge.png", 6 << 20, content_type="image/png")
    srv.add("/en.html", article_page("Tram line", EN_PARAS,
            ["/img/tram.png", "/img/dot.png", "/img/pixel.png", "/img/huge.png"]),
            content_type="text/html; charset=utf-8")  # fmt: skip
    # GBK without a charset in the HTTP header (only in <meta>).
    srv.add("/zh.html", article_page("工业数据", ZH_PARAS, ["/img/zh.png"], chinese=True,
            charset_meta="gbk").encode("gbk"), content_type="text/html")  # fmt: skip
    srv.status("/gone.html", 404)
    items = [
        Item("Tram line to be extended", srv.url("/en.html"), "The council voted."),
        Item("十月工业增加值增长", srv.url("/zh.html"), "工业增加值增长。"),
        Item("Missing page", srv.url("/gone.html"), "Summary only."),
    ]
    srv.add("/feed.xml", summary_rss("Summaries", items))


def article_ids(db: Path) -> dict[str, int]:
    with Store(db) as store:
        return {a.title: a.id for a in store.articles(ArticleQuery())}


def test_full_text_and_images_are_cached_for_offline_reading(
    feed_server: FeedServer, data_dir: Path, db_path: Path
) -> None:
    serve_site(feed_server)
    cache = data_dir / "cache"
    with Store(db_path) as store:
        store.add_feed(feed_server.url("/feed.xml"))
    with SyncService(db_path, limits=LIMITS, parse_processes=0, cache_dir=cache) as service:
        report = service.sync()
        mr = service.media_report
    assert not report.failed
    assert mr is not None and mr.articles == 3
    assert mr.full_text_ok == 2 and mr.full_text_failed == 1
    ids = article_ids(db_path)
    feed_server.stop()  # from here on, everything comes from the cache

    with Store(db_path) as store:
        en = media.full_text_info(store, ids["Tram line to be extended"])
        zh = media.full_text_info(store, ids["十月工业增加值增长"])
        gone = media.full_text_info(store, ids["Missing page"])
        assert en is not None and en.status == "ok" and en.site == "127.0.0.1"
        assert all(p in html_to_text(en.html) for p in EN_PARAS)
        assert zh is not None and zh.status == "ok"
        assert all(p in html_to_text(zh.html) for p in ZH_PARAS)
        # A failed page keeps the feed's content and says why; it waits to retry.
        assert gone is not None and gone.status == "pending" and "HTTP 404" in gone.error
        article = store.article(ids["Missing page"])
        assert article is not None and "Summary only." in article.summary_html
        skipped = dict(
            store.conn.execute("SELECT url, reason FROM media_files WHERE status = 'skipped'")
        )
        assert media.cache_size_bytes(store) > 0

    assert cached_image(cache, feed_server.url("/img/tram.png")) is not None
    assert cached_image(cache, feed_server.url("/img/zh.png")) is not None
    # The tracking pixels and the 6 MB image were refused, and left no file.
    assert cached_image(cache, feed_server.url("/img/dot.png")) is None
    assert cached_image(cache, feed_server.url("/img/huge.png")) is None
    assert "1×1" in skipped[feed_server.url("/img/dot.png")]
    assert feed_server.count("/img/pixel.png") == 0
    assert "larger than" in skipped[feed_server.url("/img/huge.png")]
    files = [p for p in (cache / "images").rglob("*") if p.is_file()]
    assert len(files) == 2


def test_failed_pages_back_off_instead_of_retrying_every_sync(
    feed_server: FeedServer, db_path: Path, data_dir: Path
) -> None:
    serve_site(feed_server)
    with Store(db_path) as store:
        store.add_feed(feed_server.url("/feed.xml"))
    cache = data_dir / "cache"
    with SyncService(db_path, limits=LIMITS, parse_processes=0, cache_dir=cache) as service:
        service.sync()
        requests_after_first = {p: feed_server.count(p) for p in ("/gone.html", "/en.html")}
        service.sync()
        assert service.media_report is not None and service.media_report.articles == 0
    assert {p: feed_server.count(p) for p in ("/gone.html", "/en.html")} == requests_after_first
    with Store(db_path) as store:
        row = store.conn.execute(
            "SELECT ft_attempts, next_try FROM article_media WHERE ft_error != ''"
        ).fetchone()
    assert row[0] == 1 and row[1] > time.time() + 3000

    # Once the retry is due the page is fetched again, and now it works.
    feed_server.add("/gone.html", article_page("Back", EN_PARAS, ["/img/late.png"]),
                    content_type="text/html")  # fmt: skip
    feed_server.add("/img/late.png", png(50, 50), content_type="image/png")
    with Store(db_path) as store:
        media.enqueue(store, [])
        report = media.run(store, media.MediaFetchers.create(LIMITS), cache,
                           now=time.time() + 4000)  # fmt: skip
        assert report.full_text_ok == 1
    assert feed_server.count("/gone.html") == requests_after_first["/gone.html"] + 1
    # The images of a full text that arrives late are cached too.
    assert cached_image(cache, feed_server.url("/img/late.png")) is not None


def test_throttled_site_is_left_alone_until_retry_after(
    feed_server: FeedServer, db_path: Path, data_dir: Path
) -> None:
    feed_server.status("/busy.html", 429, headers={"Retry-After": "7200"})
    feed_server.add(
        "/feed.xml", summary_rss("Busy", [Item("B", feed_server.url("/busy.html"), "s")])
    )
    with Store(db_path) as store:
        store.add_feed(feed_server.url("/feed.xml"))
    with SyncService(
        db_path, limits=LIMITS, parse_processes=0, cache_dir=data_dir / "c"
    ) as service:
        service.sync()
    with Store(db_path) as store:
        status, error, next_try = store.conn.execute(
            "SELECT ft_status, ft_error, next_try FROM article_media"
        ).fetchone()
    assert status == "pending" and "429" in error
    assert next_try >= time.time() + 7000
    # Images still to do do not bring the page back before its time.
    with Store(db_path) as store:
        store.conn.execute("UPDATE article_media SET images_done = 0")
        fetchers = media.MediaFetchers.create(LIMITS)
        media.run(store, fetchers, data_dir / "c")
        fetchers.close()
    assert feed_server.count("/busy.html") == 1


def test_per_feed_settings_and_no_media(
    feed_server: FeedServer, db_path: Path, data_dir: Path
) -> None:
    serve_site(feed_server)
    cache = data_dir / "cache"
    with Store(db_path) as store:
        feed_id = store.add_feed(feed_server.url("/feed.xml"))
        media.set_feed_settings(store, feed_id, media.FeedMediaSettings("never", images=False))
        assert media.feed_settings(store, feed_id) == media.FeedMediaSettings("never", False)
    with SyncService(db_path, limits=LIMITS, parse_processes=0, cache_dir=cache,
                     media=False) as service:  # fmt: skip
        service.sync()
        assert service.media_report is None
    assert feed_server.count("/en.html") == 0
    with SyncService(db_path, limits=LIMITS, parse_processes=0, cache_dir=cache) as service:
        service.sync()
    # 'never' and images off: no page and no image is fetched.
    assert feed_server.count("/en.html") == 0 and feed_server.count("/img/tram.png") == 0
    with Store(db_path) as store:
        statuses = {r[0] for r in store.conn.execute("SELECT ft_status FROM article_media")}
        assert statuses == {"off"}
        # Switching to 'always' gives the articles their chance.
        media.set_feed_settings(store, feed_id, media.FeedMediaSettings("always"))
        report = media.run(store, media.MediaFetchers.create(LIMITS), cache)
    assert report.full_text_ok == 2
    assert feed_server.count("/en.html") == 1


def test_retention_cap_and_clear(feed_server: FeedServer, db_path: Path, data_dir: Path) -> None:
    serve_site(feed_server)
    cache = data_dir / "cache"
    with Store(db_path) as store:
        store.add_feed(feed_server.url("/feed.xml"))
    with SyncService(db_path, limits=LIMITS, parse_processes=0, cache_dir=cache) as service:
        service.sync()
    ids = article_ids(db_path)
    en, zh = ids["Tram line to be extended"], ids["十月工业增加值增长"]
    tram = feed_server.url("/img/tram.png")
    with Store(db_path) as store:
        size = media.cache_size_bytes(store)
        # Over the cap: the article read longest ago loses its media first.
        store.set_read([en])
        store.conn.execute("UPDATE article_state SET read_at = 1000 WHERE article_id = ?", (en,))
        freed = media.enforce_cap(store, cache, size - 10)
        assert freed > 0 and cached_image(cache, tram) is None
        assert cached_image(cache, feed_server.url("/img/zh.png")) is not None
        assert media.cache_size_bytes(store) <= size - 10

        # Retention purges the article; its full text goes with it, and its
        # images once no other article uses them.
        store.set_read([zh])
        assert store.purge_old(1, now=time.time() + 400 * 86400) >= 1
        assert media.full_text_info(store, zh) is None
        media.prune_orphans(store, cache)
        assert cached_image(cache, feed_server.url("/img/zh.png")) is None

        media.clear_cache(store, cache)
        assert media.cache_size_bytes(store) == 0
        assert not (cache / "images").exists()


def test_cli_show_json_and_sync_no_media(feed_server: FeedServer, data_dir: Path) -> None:
    serve_site(feed_server)

    def run(*args: str) -> tuple[int, str, str]:
        out, err = io.StringIO(), io.StringIO()
        code = cli.main([*args, "--data-dir", str(data_dir)], out, err)
        return code, out.getvalue(), err.getvalue()

    assert run("add", feed_server.url("/feed.xml"))[0] == 0
    code, _out, err = run("sync", "--no-media")
    assert code == 0 and "media:" not in err
    assert feed_server.count("/en.html") == 0
    ids = article_ids(data_dir / "newsreader.sqlite3")
    shown = json.loads(run("show", str(ids["Tram line to be extended"]), "--json")[1])
    assert shown["full_text_html"] is None and shown["full_text_status"] == "pending"

    feed_server.add("/feed.xml", summary_rss("Summaries", [
        Item("Second tram story", feed_server.url("/en.html"), "More trams."),
    ]))  # fmt: skip
    code, _out, err = run("sync")
    assert "media: 2 full texts" in err  # the queued article and the new one
    ids = article_ids(data_dir / "newsreader.sqlite3")
    shown = json.loads(run("show", str(ids["Second tram story"]), "--json")[1])
    assert shown["full_text_status"] == "ok"
    assert EN_PARAS[-1] in shown["full_text_html"]
    assert EN_PARAS[-1] in run("show", str(ids["Second tram story"]))[1]
    # Everything lives under --data-dir.
    assert (data_dir / "cache" / "images").is_dir()


@pytest.mark.parametrize("mode", ["auto", "always"])
def test_auto_mode_leaves_full_feeds_alone(
    feed_server: FeedServer, db_path: Path, data_dir: Path, mode: str
) -> None:
    full = "".join(f"<p>{p}</p>" for p in EN_PARAS * 2)
    feed_server.add("/en.html", article_page("Tram", EN_PARAS), content_type="text/html")
    feed_server.add(
        "/feed.xml", summary_rss("Full", [Item("T", feed_server.url("/en.html"), full)])
    )
    with Store(db_path) as store:
        feed_id = store.add_feed(feed_server.url("/feed.xml"))
        media.set_feed_settings(store, feed_id, media.FeedMediaSettings(mode))
    with SyncService(
        db_path, limits=LIMITS, parse_processes=0, cache_dir=data_dir / "c"
    ) as service:
        service.sync()
    assert feed_server.count("/en.html") == (1 if mode == "always" else 0)
    with Store(db_path) as store:
        (status,) = store.conn.execute("SELECT ft_status FROM article_media").fetchone()
    # 'always' fetched the page, which says nothing more than the feed.
    assert status == "not_needed"


def test_articles_are_stored_before_any_page_is_fetched(
    feed_server: FeedServer, db_path: Path, data_dir: Path
) -> None:
    serve_site(feed_server)
    with Store(db_path) as store:
        store.add_feed(feed_server.url("/feed.xml"))
    seen: list[tuple[int, int]] = []

    def progress(_done: int, _total: int, result: object) -> None:
        with Store(db_path) as reader:
            stored = reader.count_articles(ArticleQuery())
        seen.append((stored, feed_server.count("/en.html") + feed_server.count("/img/tram.png")))

    with SyncService(
        db_path, limits=LIMITS, parse_processes=0, cache_dir=data_dir / "c"
    ) as service:
        service.sync(progress=progress)
    assert seen == [(3, 0)]  # the feed was committed; no page or image fetched yet
    assert feed_server.count("/en.html") == 1


def test_cancel_leaves_the_queue_for_the_next_run(
    feed_server: FeedServer, db_path: Path, data_dir: Path
) -> None:
    import threading

    serve_site(feed_server)
    with Store(db_path) as store:
        store.add_feed(feed_server.url("/feed.xml"))
    with SyncService(db_path, limits=LIMITS, parse_processes=0, cache_dir=data_dir / "c",
                     media=False) as service:  # fmt: skip
        service.sync()
    cancel = threading.Event()
    cancel.set()
    with Store(db_path) as store:
        fetchers = media.MediaFetchers.create(LIMITS)
        report = media.run(store, fetchers, data_dir / "c", cancel=cancel)
        assert report.cancelled and report.full_text_ok == 0
        assert feed_server.count("/en.html") == 0
        report = media.run(store, fetchers, data_dir / "c")
        fetchers.close()
    assert report.articles == 3 and report.full_text_ok == 2
