"""The benchmark farm: 200 feeds x 50 entries served on 127.0.0.1.

    .venv/bin/python bench/farm.py --serve [--seconds 3600]

prints the OPML file (for `newsreader import`), the plain URL list (for
Newsboat) and the server's address, then serves until Ctrl-C or `--seconds`.

From Python::

    with Farm() as farm:          # builds (once per process) and starts serving
        farm.opml_path            # OPML 2.0 with the 200 URLs in two folders
        farm.urls_path            # the same URLs, one a line
        farm.urls                 # list[str]
        farm.server               # the tests' FeedServer: request log, counts
        farm.write_bodies(dir)    # the raw feed documents, for offline parsing

What is served (deterministic: the same bytes, so the same ETags, every time):

* 10,000 entries with ~54 MB of entry HTML in total: each feed gets its own
  body size between 1,000 and 8,000 bytes (skewed high, mean ~5.4 KB), with
  paragraphs, images and links (tests/feedgen.py);
* feed n is Chinese when n % 3 == 0 (67 feeds), Atom when n is odd and RSS
  2.0 otherwise; Chinese RSS feeds with n % 12 == 0 (17 feeds) are encoded in
  GBK and say so in both the XML declaration and the Content-Type;
* every feed has a strong ETag (304 on If-None-Match) and is gzip-compressed
  for clients that accept it;
* the server's sockets are TCP_NODELAY, as production servers' are (nginx's
  default).  FeedServer alone leaves Nagle's algorithm on, and then a
  gzipped answer waits for the client's delayed ACK: ~35 ms per request on
  loopback instead of ~2 ms.  Fetching the 200 feeds over 2 connections
  then takes 3.2 s instead of 0.35 s, and Newsboat (one connection) needs
  11.7 s instead of 4.4 s for its first run.  `Farm(nodelay=False)`
  (`sync_bench.py --nagle`, `farm.py --nagle`) brings that back.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import random
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from xml.sax.saxutils import quoteattr

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT / "tests") not in sys.path:
    sys.path.insert(0, str(ROOT / "tests"))

import feedserver  # noqa: E402
from feedgen import atom, make_entries, rss  # noqa: E402
from feedserver import FeedServer  # noqa: E402

FEEDS = 200
ENTRIES = 50
MIN_BODY, MAX_BODY, MODE_BODY = 1000, 8000, 7000


@dataclass(frozen=True, slots=True)
class FarmFeed:
    number: int
    path: str
    title: str
    kind: str  # "rss" or "atom"
    chinese: bool
    encoding: str  # "utf-8" or "gbk"
    body_bytes: int  # the body size asked of make_entries
    html_bytes: int  # UTF-8 bytes of all entry HTML of the feed
    document: bytes  # the feed as served (before gzip)

    @property
    def content_type(self) -> str:
        mime = "application/atom+xml" if self.kind == "atom" else "application/rss+xml"
        return f"{mime}; charset={self.encoding}"


def feed_layout(number: int) -> tuple[str, bool, str]:
    """(kind, chinese, encoding) of feed `number`."""
    chinese = number % 3 == 0
    kind = "atom" if number % 2 else "rss"
    encoding = "gbk" if chinese and kind == "rss" and number % 12 == 0 else "utf-8"
    return kind, chinese, encoding


@functools.cache
def build(feeds: int = FEEDS, entries: int = ENTRIES) -> tuple[FarmFeed, ...]:
    """Generate the farm's documents (about 2 s; cached per process)."""
    result = []
    for n in range(feeds):
        kind, chinese, encoding = feed_layout(n)
        body_bytes = int(random.Random(n).triangular(MIN_BODY, MAX_BODY, MODE_BODY))
        items = make_entries(n, entries, chinese=chinese, body_bytes=body_bytes)
        title = f"中文新闻 {n}" if chinese else f"News source {n}"
        link = f"http://example.test/site{n}/"
        if kind == "atom":
            document = atom(title, items, link=link)
        else:
            document = rss(title, items, link=link, encoding=encoding)
        result.append(
            FarmFeed(
                number=n,
                path=f"/feeds/{n}.{'atom' if kind == 'atom' else 'rss'}",
                title=title,
                kind=kind,
                chinese=chinese,
                encoding=encoding,
                body_bytes=body_bytes,
                html_bytes=sum(len(e.html.encode("utf-8")) for e in items),
                document=document,
            )
        )
    return tuple(result)


def write_opml(path: Path, feeds: tuple[FarmFeed, ...], urls: list[str]) -> None:
    """OPML 2.0 with the feeds in two folders, "English" and "中文"."""
    groups: dict[str, list[str]] = {"English": [], "中文": []}
    for feed, url in zip(feeds, urls, strict=True):
        title = quoteattr(feed.title)
        groups["中文" if feed.chinese else "English"].append(
            f'      <outline type="rss" text={title} title={title} xmlUrl={quoteattr(url)}/>'
        )
    lines = [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<opml version="2.0">',
        "  <head><title>Newsreader benchmark farm</title></head>",
        "  <body>",
    ]
    for name, outlines in groups.items():
        lines.append(f"    <outline text={quoteattr(name)} title={quoteattr(name)}>")
        lines.extend(outlines)
        lines.append("    </outline>")
    lines += ["  </body>", "</opml>", ""]
    path.write_text("\n".join(lines), encoding="utf-8")


class Farm:
    """Builds the farm and serves it from a FeedServer thread in this process."""

    def __init__(
        self,
        directory: Path | None = None,
        *,
        feeds: int = FEEDS,
        entries: int = ENTRIES,
        gzip: bool = True,
        nodelay: bool = True,
    ) -> None:
        self._tmp: tempfile.TemporaryDirectory[str] | None = None
        if directory is None:
            self._tmp = tempfile.TemporaryDirectory(prefix="newsreader-farm-")
            directory = Path(self._tmp.name)
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)
        self.feeds = build(feeds, entries)
        # A class attribute of socketserver's StreamRequestHandler, read for
        # every new connection: set it for the server class this process uses.
        feedserver.RequestHandler.disable_nagle_algorithm = nodelay
        self.nodelay = nodelay
        self.server = FeedServer()
        for feed in self.feeds:
            self.server.add(feed.path, feed.document, content_type=feed.content_type, gzip=gzip)
        self.urls = [self.server.url(feed.path) for feed in self.feeds]
        self.opml_path = self.directory / "farm.opml"
        self.urls_path = self.directory / "urls"
        write_opml(self.opml_path, self.feeds, self.urls)
        self.urls_path.write_text("".join(u + "\n" for u in self.urls), encoding="utf-8")

    @property
    def stats(self) -> dict[str, int]:
        return {
            "feeds": len(self.feeds),
            "entries": ENTRIES * len(self.feeds),
            "html_bytes": sum(f.html_bytes for f in self.feeds),
            "document_bytes": sum(len(f.document) for f in self.feeds),
            "chinese": sum(f.chinese for f in self.feeds),
            "gbk": sum(f.encoding == "gbk" for f in self.feeds),
            "atom": sum(f.kind == "atom" for f in self.feeds),
        }

    def write_bodies(self, directory: Path) -> list[Path]:
        """Write each feed document to `directory` (n.xml); returns the paths."""
        directory.mkdir(parents=True, exist_ok=True)
        paths = []
        for feed in self.feeds:
            path = directory / f"{feed.number}.xml"
            path.write_bytes(feed.document)
            paths.append(path)
        return paths

    def statuses(self) -> dict[int, int]:
        """How many answers of each HTTP status were sent since `clear_log()`."""
        counts: dict[int, int] = {}
        for request in self.server.requests:
            counts[request.status] = counts.get(request.status, 0) + 1
        return counts

    def close(self) -> None:
        self.server.stop()
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None

    def __enter__(self) -> Farm:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--serve", action="store_true", help="serve the farm until stopped")
    parser.add_argument(
        "--seconds", type=float, default=3600, help="stop serving after this long (default 1 h)"
    )
    parser.add_argument("--dir", type=Path, help="write the OPML and URL list here")
    parser.add_argument(
        "--nagle", action="store_true", help="leave Nagle's algorithm on (FeedServer's default)"
    )
    args = parser.parse_args()
    started = time.perf_counter()
    with Farm(args.dir, nodelay=not args.nagle) as farm:
        stats = farm.stats
        print(
            f"farm: {stats['feeds']} feeds, {stats['entries']} entries, "
            f"{stats['html_bytes'] / 1e6:.1f} MB of entry HTML, "
            f"{stats['document_bytes'] / 1e6:.1f} MB of feed documents; "
            f"{stats['chinese']} Chinese ({stats['gbk']} in GBK), {stats['atom']} Atom "
            f"(built in {time.perf_counter() - started:.1f} s)"
        )
        print(f"server: {farm.server.base_url}")
        print(f"opml:   {farm.opml_path}")
        print(f"urls:   {farm.urls_path}")
        if not args.serve:
            return
        print(f"serving for up to {args.seconds:g} s; Ctrl-C stops", flush=True)
        with contextlib.suppress(KeyboardInterrupt):
            time.sleep(args.seconds)


if __name__ == "__main__":
    main()
