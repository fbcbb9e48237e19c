"""Take the README screenshot: the app under Xvfb on a prepared cache.

    .venv/bin/python packaging/screenshot.py [OUT.png] [--size 1360x820]
        [--theme system|light|dark] [--language en|zh_CN]

The cache holds the labelled stories of bench/data/cluster_eval.tsv (each
source a feed, English and Chinese, dated over the last day, so the Hot
view has stories told by several sources), plus real English and Chinese
feeds from ../shared/corpus when it is there.  The feeds are served from
127.0.0.1 and synced like any feed.  The picture: the Hot view, the top
story expanded, its lead article open with the related-articles box.
Needs Xvfb, xdotool and ImageMagick's `import`.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from xml.sax.saxutils import escape

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from feedserver import FeedServer  # noqa: E402
from newsreader.core.storage import Store  # noqa: E402
from newsreader.core.sync import SyncService  # noqa: E402

STORIES = ROOT / "bench" / "data" / "cluster_eval.tsv"
CORPUS = ROOT.parent / "shared" / "corpus" / "real"
CORPUS_FEEDS = {
    "World": ["en_bbc_news.xml", "en_guardian.rss", "en_hackernews.xml"],
    "中文": ["zh_oschina_news.xml"],
}  # fmt: skip
LEAD_STORIES = ("en-starship", "zh-beijing-rain")  # the two hottest: related boxes are full
FOLDERS = {"en": "World", "zh": "中文"}
STORY_STEP_HOURS = 0.15  # between the newest articles of successive stories
LEAD_HOURS = 4.0  # how much fresher the lead stories are than the rest
MEMBER_STEP_HOURS = 1.3  # between the articles of one story


def _host(source: str, number: int) -> str:
    """A made-up site for a source: "bbc-news.example", "news7.example"."""
    slug = re.sub(r"[^a-z0-9]+", "-", source.lower()).strip("-")
    return f"{slug or f'news{number}'}.example"


def story_feeds(now: datetime) -> dict[tuple[str, str], bytes]:
    """One RSS document per (language, source) of the labelled stories.

    `LEAD_STORIES` are the freshest, then stories with more sources are
    newer, English and Chinese taking turns, so the top of the Hot view
    shows both; each story's articles are a
    little over an hour apart, the whole set within the last day.
    """
    with STORIES.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE))
    by_story: dict[str, list[dict[str, str]]] = defaultdict(list)
    for row in rows:
        by_story[row["story"]].append(row)
    ranked: dict[str, list[str]] = {"en": [], "zh": []}
    for story in sorted(by_story, key=lambda s: (-len(by_story[s]), s)):
        ranked[by_story[story][0]["lang"]].append(story)
    for lang in ranked:
        ranked[lang].sort(key=lambda s: s not in LEAD_STORIES)  # stable: by size after
    order = [s for pair in zip(ranked["en"], ranked["zh"], strict=False) for s in pair]
    longer = ranked["en"] if len(ranked["en"]) > len(ranked["zh"]) else ranked["zh"]
    order += longer[len(order) // 2 :]
    hosts = {name: _host(name, n) for n, name in enumerate(sorted({r["source"] for r in rows}))}
    items: dict[tuple[str, str], list[str]] = defaultdict(list)
    for rank, story in enumerate(order):
        lead = 0.0 if story in LEAD_STORIES else LEAD_HOURS
        newest = now - timedelta(hours=0.25 + lead + rank * STORY_STEP_HOURS)
        for k, row in enumerate(by_story[story]):
            when = newest - timedelta(hours=k * MEMBER_STEP_HOURS)
            link = f"https://{hosts[row['source']]}/{story}"
            items[(row["lang"], row["source"])].append(
                f"<item><title>{escape(row['headline'])}</title><link>{escape(link)}</link>"
                f"<guid>{escape(link)}</guid><pubDate>{format_datetime(when)}</pubDate>"
                f"<description>{escape(row['lead'])}</description></item>"
            )
    return {
        key: (
            '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel>'
            f"<title>{escape(key[1])}</title>"
            f"<link>https://{hosts[key[1]]}/</link>"
            f"<description>{escape(key[1])}</description>{''.join(entries)}</channel></rss>"
        ).encode()
        for key, entries in items.items()
    }


def prepare(data_dir: Path, *, theme: str = "system", language: str = "en") -> None:
    """A cache with the labelled stories (and the real corpus feeds, if any)."""
    server = FeedServer()
    try:
        with Store(data_dir / "newsreader.sqlite3") as store:
            for n, ((lang, _source), body) in enumerate(story_feeds(datetime.now(UTC)).items()):
                path = f"/stories/{n}.xml"
                server.add(path, body, content_type="application/rss+xml")
                store.add_feed(server.url(path), folder=(FOLDERS[lang],))
            for folder, files in CORPUS_FEEDS.items():
                for name in files:
                    if (CORPUS / name).exists():
                        path = f"/corpus/{name}"
                        server.add(path, (CORPUS / name).read_bytes(), content_type="text/xml")
                        store.add_feed(server.url(path), folder=(folder,))
        with SyncService(data_dir / "newsreader.sqlite3", parse_processes=0) as service:
            service.sync()
    finally:
        server.stop()
    settings = {"theme": theme, "language": language, "sync_on_startup": False}
    (data_dir / "settings.json").write_text(json.dumps(settings), encoding="utf-8")


def xdotool(env: dict[str, str], *args: str) -> str:
    return subprocess.run(
        ["xdotool", *args], env=env, capture_output=True, text=True, check=False
    ).stdout.strip()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", nargs="?", default=str(ROOT / "packaging" / "screenshot.png"))
    parser.add_argument("--size", default="1360x820")
    parser.add_argument("--theme", default="light")
    parser.add_argument("--language", default="en")
    args = parser.parse_args()
    width, height = args.size.split("x")
    out = Path(args.out)
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = Path(tmp)
        prepare(data_dir, theme=args.theme, language=args.language)
        read_fd, write_fd = os.pipe()
        xvfb = subprocess.Popen(
            ["Xvfb", "-displayfd", str(write_fd), "-screen", "0", f"{args.size}x24"],
            pass_fds=(write_fd,),
            stderr=subprocess.DEVNULL,
        )
        os.close(write_fd)
        with os.fdopen(read_fd) as pipe:
            display = ":" + pipe.readline().strip()
        env = {**os.environ, "DISPLAY": display, "QT_QPA_PLATFORM": "xcb", "LANG": "C.UTF-8"}
        app = subprocess.Popen(
            [sys.executable, "-m", "newsreader", "--data-dir", str(data_dir), "--no-sync"],
            env=env,
        )
        try:
            window = ""
            for _ in range(100):
                window = xdotool(env, "search", "--onlyvisible", "--name", "Newsreader")
                if window:
                    break
                time.sleep(0.1)
            window = window.splitlines()[0]
            xdotool(env, "windowsize", window, width, height)
            xdotool(env, "windowmove", window, "0", "0")
            xdotool(env, "windowfocus", "--sync", window)
            # Hot view: open the top story, list its sources, then the
            # related box loads under the article.
            for key in ["2", "j", "Right"]:
                xdotool(env, "key", key)
                time.sleep(0.1)
            time.sleep(1.0)
            subprocess.run(["import", "-window", "root", str(out)], env=env, check=True)
            xdotool(env, "key", "ctrl+q")
            app.wait(timeout=15)
        finally:
            if app.poll() is None:
                app.kill()
            xvfb.terminate()
            xvfb.wait(timeout=10)
    print(out)


if __name__ == "__main__":
    main()
