"""The `newsreader` command line (everything but the desktop app itself).

JSON goes to stdout, messages to stderr.  Exit codes: 0 ok, 1 something
failed (some feeds failed to sync, an unknown id), 2 usage error.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, TextIO

from newsreader import __version__
from newsreader.core.errors import NewsreaderError
from newsreader.core.model import Article, Feed
from newsreader.core.paths import AppPaths
from newsreader.core.settings import load_settings
from newsreader.core.storage import ArticleQuery, Store

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def iso(value: datetime | None) -> str | None:
    if value is None:
        return None
    return value.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def age(delta: timedelta) -> str:
    """A short age: "5 min", "3 h", "2 d"."""
    seconds = max(0, int(delta.total_seconds()))
    if seconds < 3600:
        return f"{seconds // 60} min"
    if seconds < 86400:
        return f"{seconds // 3600} h"
    return f"{seconds // 86400} d"


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--data-dir",
        metavar="DIR",
        default=argparse.SUPPRESS,
        help="keep the cache, settings and window state under DIR "
        "(default: the platform's dirs, or $NEWSREADER_DATA_DIR)",
    )
    parser = argparse.ArgumentParser(
        prog="newsreader",
        description="An offline-first news reader. Without a command, opens the app.",
        parents=[common],
    )
    parser.add_argument("--version", action="version", version=f"newsreader {__version__}")
    parser.add_argument(
        "--install-desktop-entry",
        action="store_true",
        help="add Newsreader to this user's applications menu, then exit",
    )
    parser.add_argument(
        "--uninstall-desktop-entry",
        action="store_true",
        help="remove what --install-desktop-entry added, then exit",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("add", parents=[common], help="subscribe to a feed or a site")
    p.add_argument("url")
    p.add_argument("--folder", metavar="NAME", default="", help="folder (a/b for nested)")

    p = sub.add_parser("import", parents=[common], help="import subscriptions from OPML")
    p.add_argument("file", type=Path)

    p = sub.add_parser("export", parents=[common], help="export subscriptions as OPML")
    p.add_argument("file", type=Path, nargs="?")

    p = sub.add_parser("sync", parents=[common], help="fetch all (or some) feeds now")
    p.add_argument("--feed", type=int, action="append", metavar="ID", default=[])
    p.add_argument(
        "--no-media",
        action="store_true",
        help="skip full article text and images (feeds only)",
    )

    p = sub.add_parser("feeds", parents=[common], help="list subscriptions")
    p.add_argument("--json", action="store_true")

    p = sub.add_parser("articles", parents=[common], help="list articles, newest first")
    p.add_argument("--feed", type=int, action="append", metavar="ID", default=[])
    p.add_argument("--unread", action="store_true")
    p.add_argument("--starred", action="store_true")
    p.add_argument("--search", metavar="Q", default="")
    p.add_argument("--hot", action="store_true", help="hottest stories first")
    p.add_argument("--limit", type=int, default=50, metavar="N")
    p.add_argument("--json", action="store_true")

    p = sub.add_parser(
        "related", parents=[common], help="articles on the same subject, from other stories"
    )
    p.add_argument("id", type=int)
    p.add_argument("--limit", type=int, default=5, metavar="N")
    p.add_argument("--json", action="store_true")

    p = sub.add_parser("show", parents=[common], help="show one article")
    p.add_argument("id", type=int)
    p.add_argument("--json", action="store_true")

    p = sub.add_parser("mark", parents=[common], help="change read/starred state")
    p.add_argument("ids", type=int, nargs="+", metavar="ID")
    group = p.add_mutually_exclusive_group(required=True)
    for flag in ("read", "unread", "star", "unstar"):
        group.add_argument(f"--{flag}", dest="state", action="store_const", const=flag)
    return parser


def feed_json(feed: Feed) -> dict[str, Any]:
    return {
        "id": feed.id,
        "title": feed.title,
        "url": feed.url,
        "site_url": feed.site_url,
        "folder": feed.folder,
        "status": "ok" if feed.status.value == "new" else feed.status.value,
        "error": feed.error or None,
        "http_status": feed.http_status or None,
        "last_sync": iso(feed.last_sync),
        "last_success": iso(feed.last_success),
        "next_check": iso(feed.next_check),
        "unread": feed.unread,
        "total": feed.total,
    }


def article_json(article: Article, *, full: bool = False) -> dict[str, Any]:
    row: dict[str, Any] = {
        "id": article.id,
        "feed_id": article.feed_id,
        "feed_title": article.feed_title,
        "title": article.title,
        "link": article.link,
        "author": article.author,
        "published": iso(article.published),
        "first_seen": iso(article.first_seen),
        "read": article.read,
        "starred": article.starred,
        "snippet": article.snippet,
        "cluster_id": article.cluster_id or article.id,
        "sources": article.sources,
    }
    if full:
        row["updated"] = iso(article.updated)
        row["content_html"] = article.content_html or article.summary_html
        row["summary_html"] = article.summary_html
        row["enclosures"] = [
            {"url": e.url, "type": e.type, "length": e.length} for e in article.enclosures
        ]
    return row


def _print_json(value: object, out: TextIO) -> None:
    json.dump(value, out, ensure_ascii=False, indent=2)
    out.write("\n")


class Cli:
    def __init__(self, args: argparse.Namespace, out: TextIO, err: TextIO) -> None:
        self.args = args
        self.out = out
        self.err = err
        self.paths = AppPaths.resolve(getattr(args, "data_dir", None))
        self.settings = load_settings(self.paths.settings_file)

    def store(self) -> Store:
        return Store(self.paths.database)

    def run(self) -> int:
        handler = getattr(self, "cmd_" + self.args.command)
        return int(handler())

    # -- commands -----------------------------------------------------------

    def cmd_add(self) -> int:
        from newsreader.core.fetch import Fetcher
        from newsreader.core.subscriptions import add_by_url

        folder = tuple(p for p in self.args.folder.split("/") if p.strip())
        fetcher = Fetcher()
        try:
            with self.store() as store:
                feed_id, title = add_by_url(store, fetcher, self.args.url, folder=folder)
        finally:
            fetcher.close()
        self.out.write(f"{feed_id}\t{title}\n")
        return EXIT_OK

    def cmd_import(self) -> int:
        from newsreader.core.opml import parse_opml

        try:
            data = self.args.file.read_bytes()
        except OSError as exc:
            raise NewsreaderError(f"Cannot read {self.args.file}: {exc.strerror}") from exc
        feeds, folders = parse_opml(data)
        added = skipped = 0
        with self.store() as store:
            with store.write():
                for path in folders:
                    store.ensure_folder(path)
            for feed in feeds:
                if store.feed_id_for_url(feed.url) is not None:
                    skipped += 1
                    continue
                store.add_feed(
                    feed.url,
                    title=feed.title,
                    site_url=feed.html_url,
                    folder=feed.folder,
                )
                added += 1
        self.err.write(
            f"Imported {added} feeds"
            + (f" ({skipped} already subscribed)" if skipped else "")
            + "\n"
        )
        return EXIT_OK

    def cmd_export(self) -> int:
        from newsreader.core.opml import OpmlFeed, write_opml

        with self.store() as store:
            folder_paths = [store.folder_path(f.id) for f in store.folders()]
            feeds = [
                OpmlFeed(f.url, f.title, f.site_url, store.folder_path(f.folder_id))
                for f in store.feeds(counts=False)
            ]
        data = write_opml(feeds, folder_paths)
        if self.args.file is None:
            self.out.write(data.decode("utf-8"))
        else:
            self.args.file.write_bytes(data)
            self.err.write(f"Exported {len(feeds)} feeds to {self.args.file}\n")
        return EXIT_OK

    def cmd_sync(self) -> int:
        from newsreader.core.fetch import FetchLimits
        from newsreader.core.sync import FeedResult, SyncService

        tty = self.err.isatty()

        def progress(done: int, total: int, result: FeedResult) -> None:
            if tty:
                self.err.write(f"\r\x1b[K[{done}/{total}] {result.title[:60]}")
                self.err.flush()
            if result.failed:
                if tty:
                    self.err.write("\n")
                self.err.write(f"feed {result.feed_id} ({result.title}): {result.message}\n")

        limits = FetchLimits(per_host=self.settings.per_host_connections)
        with SyncService(
            self.paths.database,
            limits=limits,
            max_workers=self.settings.max_connections,
            default_interval_min=self.settings.sync_interval_minutes,
            retention_days=self.settings.retention_days,
            cache_dir=self.paths.cache_dir,
            media=not self.args.no_media,
        ) as service:
            ids = self.args.feed or None
            if ids:
                known = {f.id for f in service.store.feeds(ids, counts=False)}
                unknown = sorted(set(ids) - known)
                if unknown:
                    raise NewsreaderError(f"No feed with id {unknown[0]}")
            report = service.sync(ids, force=True, progress=progress)
            media_report = service.media_report
        if tty:
            self.err.write("\r\x1b[K")
        if media_report is not None and media_report.articles:
            self.err.write(
                f"media: {media_report.full_text_ok} full texts, "
                f"{media_report.full_text_failed} failed, "
                f"{media_report.images_stored} images ({media_report.seconds:.1f} s)\n"
            )
        unchanged = sum(r.outcome == "unchanged" for r in report.results)
        self.err.write(
            f"{len(report.results)} feeds: {report.new_count} new articles, "
            f"{unchanged} unchanged, {len(report.failed)} failed "
            f"({report.seconds:.1f} s)\n"
        )
        return EXIT_FAILED if report.failed else EXIT_OK

    def cmd_feeds(self) -> int:
        with self.store() as store:
            feeds = store.feeds()
        if self.args.json:
            _print_json([feed_json(f) for f in feeds], self.out)
            return EXIT_OK
        for f in feeds:
            mark = {"error": "!", "gone": "x"}.get(f.status.value, " ")
            folder = f"[{f.folder}] " if f.folder else ""
            self.out.write(
                f"{f.id:>5} {mark} {f.unread:>5}/{f.total:<5} {folder}{f.title or f.url}\n"
            )
            if f.error:
                self.out.write(f"{'':>8}{f.error}\n")
        return EXIT_OK

    def cmd_articles(self) -> int:
        limit = max(1, self.args.limit)
        query = ArticleQuery(
            feed_ids=tuple(self.args.feed),
            unread=self.args.unread,
            starred=self.args.starred,
            search=self.args.search,
            limit=limit,
        )
        with self.store() as store:
            articles = self._hot(store, query) if self.args.hot else store.articles(query)
        self._print_articles(articles)
        return EXIT_OK

    @staticmethod
    def _hot(store: Store, query: ArticleQuery) -> list[Article]:
        """One row per story, hottest first; --feed, --unread, --starred and
        --search keep the stories whose head matches them."""
        filtered = bool(query.feed_ids or query.unread or query.starred or query.search)
        if not filtered:
            return store.hot(query.limit)
        found: list[Article] = []
        offset, page = 0, max(query.limit, 100)
        while len(found) < query.limit:
            hot = store.hot(page, offset)
            if not hot:
                break
            offset += page
            keep = {
                a.id
                for a in store.articles(replace(query, ids=tuple(a.id for a in hot), limit=page))
            }
            found += [a for a in hot if a.id in keep]
        return found[: query.limit]

    def _print_articles(self, articles: Sequence[Article]) -> None:
        if self.args.json:
            _print_json([article_json(a) for a in articles], self.out)
            return
        for a in articles:
            flags = ("*" if a.starred else " ") + (" " if a.read else "●")
            when = a.date.astimezone().strftime("%Y-%m-%d %H:%M")
            sources = f"  [{a.sources} sources]" if a.sources > 1 else ""
            self.out.write(f"{a.id:>7} {flags} {when}  {a.title}  — {a.feed_title}{sources}\n")

    def cmd_related(self) -> int:
        with self.store() as store:
            if store.article(self.args.id) is None:
                raise NewsreaderError(f"No article with id {self.args.id}")
            articles = store.related(self.args.id, max(1, self.args.limit))
        if self.args.json:
            _print_json([article_json(a) for a in articles], self.out)
            return EXIT_OK
        now = datetime.now(UTC)
        for a in articles:
            self.out.write(f"{a.title}\t{a.feed_title}\t{age(now - a.date)}\n")
        return EXIT_OK

    def cmd_show(self) -> int:
        with self.store() as store:
            article = store.article(self.args.id)
        if article is None:
            raise NewsreaderError(f"No article with id {self.args.id}")
        if self.args.json:
            row = article_json(article, full=True)
            row.update(self._full_text_fields(article.id))
            _print_json(row, self.out)
            return EXIT_OK
        from newsreader.core.sanitize import html_to_text

        self.out.write(f"{article.title}\n{article.feed_title}")
        if article.author:
            self.out.write(f" · {article.author}")
        self.out.write(f" · {iso(article.date)}\n{article.link}\n\n")
        full_text = self._full_text_fields(article.id)["full_text_html"]
        body = full_text or article.content_html or article.summary_html
        self.out.write(html_to_text(body) + "\n")
        return EXIT_OK

    def _full_text_fields(self, article_id: int) -> dict[str, Any]:
        """`full_text_html` (sanitized, or null) and `full_text_status` (or null)."""
        from newsreader.core.media import full_text_info

        with self.store() as store:
            info = full_text_info(store, article_id)
        return {
            "full_text_html": info.html if info is not None and info.status == "ok" else None,
            "full_text_status": None if info is None else info.status,
            "full_text_error": info.error if info is not None and info.error else None,
        }

    def cmd_mark(self) -> int:
        state = self.args.state
        with self.store() as store:
            known = {a.id for a in store.articles_by_id(self.args.ids)}
            unknown = sorted(set(self.args.ids) - known)
            if unknown:
                raise NewsreaderError(f"No article with id {unknown[0]}")
            if state in ("read", "unread"):
                store.set_read(self.args.ids, state == "read")
            else:
                store.set_starred(self.args.ids, state == "star")
        return EXIT_OK


def main(
    argv: Sequence[str] | None = None,
    out: TextIO | None = None,
    err: TextIO | None = None,
) -> int:
    """Run one CLI command; returns the exit code."""
    out = out or sys.stdout
    err = err or sys.stderr
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help(out)
        return EXIT_OK
    try:
        return Cli(args, out, err).run()
    except NewsreaderError as exc:
        err.write(f"newsreader: {exc}\n")
        return EXIT_FAILED
    except KeyboardInterrupt:
        err.write("\nnewsreader: interrupted\n")
        return 130
