"""The `newsreader` command line, end to end: the installed entry point,
a real server on 127.0.0.1 and a real cache under --data-dir."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from feedgen import make_entries, rss
from feedserver import FeedServer
from newsreader.core.cli import main

NEWSREADER = [sys.executable, "-m", "newsreader"]


def run(data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "NEWSREADER_DATA_DIR"}
    if args[:1] == ("sync",):  # the generated articles link to example.test
        args = (*args, "--no-media")
    return subprocess.run(
        [*NEWSREADER, *args, "--data-dir", str(data_dir)],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        check=False,
    )


def run_json(data_dir: Path, *args: str) -> Any:
    proc = run(data_dir, *args, "--json")
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def test_add_sync_list_show_mark(feed_server: FeedServer, data_dir: Path) -> None:
    feed_server.add("/news.xml", rss("World News", make_entries(1, 4)))
    feed_server.add("/zh.xml", rss("中文新闻", make_entries(3, 3, chinese=True)))
    page = (
        '<html><head><link rel="alternate" type="application/rss+xml" href="/zh.xml"></head></html>'
    )
    feed_server.add("/site/", page, content_type="text/html; charset=utf-8")

    added = run(data_dir, "add", feed_server.url("/news.xml"), "--folder", "World")
    assert added.returncode == 0, added.stderr
    feed_id, title = added.stdout.strip().split("\t")
    assert title == "World News"
    discovered = run(data_dir, "add", feed_server.url("/site/"))
    assert discovered.returncode == 0, discovered.stderr
    assert discovered.stdout.strip().endswith("中文新闻")

    dup = run(data_dir, "add", feed_server.url("/news.xml"))
    assert dup.returncode == 1
    assert "Already subscribed" in dup.stderr

    sync = run(data_dir, "sync")
    assert sync.returncode == 0, sync.stderr
    assert "2 feeds" in sync.stderr

    feeds = run_json(data_dir, "feeds")
    assert {f["title"] for f in feeds} == {"World News", "中文新闻"}
    world = next(f for f in feeds if f["title"] == "World News")
    assert world["folder"] == "World"
    assert world["status"] == "ok"
    assert world["unread"] == world["total"] == 4
    assert set(world) >= {"id", "title", "url", "folder", "status", "error", "last_sync",
                          "unread", "total"}  # fmt: skip

    articles = run_json(data_dir, "articles", "--feed", feed_id)
    assert len(articles) == 4
    row = articles[0]
    assert set(row) >= {"id", "feed_id", "title", "link", "author", "published", "read",
                        "starred", "snippet"}  # fmt: skip
    assert row["published"].endswith("Z")
    published = [a["published"] for a in articles]
    assert published == sorted(published, reverse=True)

    shown = run_json(data_dir, "show", str(row["id"]))
    assert "<p>" in shown["content_html"]
    assert "<script" not in shown["content_html"]

    assert run(data_dir, "mark", str(row["id"]), "--read", "--star").returncode == 2
    assert run(data_dir, "mark", str(row["id"]), "--star").returncode == 0
    assert run(data_dir, "mark", str(row["id"]), "--read").returncode == 0
    starred = run_json(data_dir, "articles", "--starred")
    assert [a["id"] for a in starred] == [row["id"]]
    assert starred[0]["read"] is True
    unread = run_json(data_dir, "articles", "--unread", "--limit", "100")
    assert row["id"] not in {a["id"] for a in unread}
    assert len(unread) == 6

    found = run_json(data_dir, "articles", "--search", "网络")
    assert found and all(a["feed_id"] != int(feed_id) for a in found)

    missing = run(data_dir, "show", "99999")
    assert missing.returncode == 1
    assert "No article" in missing.stderr


def test_sync_exit_code_reports_failures(feed_server: FeedServer, data_dir: Path) -> None:
    feed_server.add("/ok.xml", rss("OK", make_entries(1, 1)))
    assert main(["add", feed_server.url("/ok.xml"), "--data-dir", str(data_dir)]) == 0
    feed_server.status("/ok.xml", 500)
    proc = run(data_dir, "sync")
    assert proc.returncode == 1
    assert "HTTP 500" in proc.stderr
    feeds = run_json(data_dir, "feeds")
    assert feeds[0]["status"] == "error"
    assert "500" in feeds[0]["error"]


def test_usage_errors_exit_2(data_dir: Path) -> None:
    assert run(data_dir, "articles", "--limit", "many").returncode == 2
    assert run(data_dir, "frobnicate").returncode == 2


def test_refuses_non_http_urls(data_dir: Path) -> None:
    proc = run(data_dir, "add", "file:///etc/passwd")
    assert proc.returncode == 1
    assert "only http and https" in proc.stderr


def test_opml_roundtrip(data_dir: Path, tmp_path: Path) -> None:
    opml = tmp_path / "in.opml"
    opml.write_text(
        """<?xml version="1.0" encoding="UTF-8"?>
<opml version="2.0"><head><title>x</title></head><body>
<outline text="新闻"><outline text="Tech"><outline type="rss" text="A" title="A"
 xmlUrl="http://127.0.0.1:9/a.xml" htmlUrl="http://127.0.0.1:9/"/></outline>
<outline type="rss" text="联合" xmlUrl="http://127.0.0.1:9/b.xml"/></outline>
<outline type="rss" text="Top" xmlUrl="http://127.0.0.1:9/c.xml"/>
</body></opml>""",
        encoding="utf-8",
    )
    assert run(data_dir, "import", str(opml)).returncode == 0
    again = run(data_dir, "import", str(opml))
    assert "3 already subscribed" in again.stderr
    out = tmp_path / "out.opml"
    assert run(data_dir, "export", str(out)).returncode == 0
    other = tmp_path / "other"
    assert run(other, "import", str(out)).returncode == 0
    first = run(data_dir, "export").stdout
    second = run(other, "export").stdout
    strip = lambda text: [ln for ln in text.splitlines() if "dateCreated" not in ln]  # noqa: E731
    assert strip(first) == strip(second)
    feeds = run_json(other, "feeds")
    assert {f["folder"] for f in feeds} == {"Tech", "新闻", ""}


def test_nothing_written_outside_data_dir(
    feed_server: FeedServer, data_dir: Path, tmp_path: Path
) -> None:
    feed_server.add("/a.xml", rss("A", make_entries(1, 1)))
    home = tmp_path / "fakehome"
    env = {**os.environ, "HOME": str(home), "XDG_CONFIG_HOME": str(home / "c"),
           "XDG_DATA_HOME": str(home / "d"), "XDG_CACHE_HOME": str(home / "k")}  # fmt: skip
    for args in (["add", feed_server.url("/a.xml")], ["sync", "--no-media"], ["feeds"]):
        subprocess.run([*NEWSREADER, *args, "--data-dir", str(data_dir)], env=env,
                       check=True, capture_output=True, timeout=60)  # fmt: skip
    assert not home.exists()
    assert (data_dir / "newsreader.sqlite3").exists()


@pytest.mark.parametrize("env_var", [True, False])
def test_data_dir_from_environment(data_dir: Path, env_var: bool) -> None:
    env = {**os.environ, "NEWSREADER_DATA_DIR": str(data_dir)} if env_var else dict(os.environ)
    subprocess.run([*NEWSREADER, "feeds"], env=env, check=True, capture_output=True, timeout=60)
    assert (data_dir / "newsreader.sqlite3").exists() == env_var
