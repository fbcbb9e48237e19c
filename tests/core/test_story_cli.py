"""Stories through the real CLI: a real server on 127.0.0.1, a real sync,
`articles --hot/--search/--json` and `related`."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from test_cli import run, run_json

from feedgen import GenEntry, rss
from feedserver import FeedServer
from newsreader.core.storage import Store

NOW = datetime.now(UTC)
QUAKE_LEAD = "A magnitude 6.8 earthquake struck off Hokkaido in northern Japan on Tuesday."
# fmt: off
STORIES = {
    # feed: [(key, title, lead, hours ago)]
    "a": [
        ("quake", "Magnitude 6.8 earthquake strikes off Hokkaido, tsunami advisory issued", QUAKE_LEAD, 3),
        ("farm", "Hokkaido farmers count the cost of the earthquake", "Farmers said the quake...", 2),
        ("tea", "前三季度我国茶叶出口量同比增长", "海关总署数据显示，茶叶出口增长，网络销售旺盛。", 1),
    ],
    "b": [
        ("quake", "Strong 6.8 earthquake strikes off Hokkaido", QUAKE_LEAD, 2.5),
        ("plant", "Hokkaido nuclear plant checked after earthquake", "The Tomari plant...", 1.5),
    ],
    "c": [
        ("quake", "Japan: 6.8 quake hits Hokkaido, tsunami advisory", QUAKE_LEAD, 2),
        ("iphone", "Apple unveils a thinner iPhone", "Apple showed its new phone.", 0.5),
    ],
}
# fmt: on


def serve(server: FeedServer) -> list[str]:
    urls = []
    for name, items in STORIES.items():
        entries = [
            GenEntry(
                guid=f"{name}-{key}",
                title=title,
                link=f"http://{name}.test/{key}",
                html=f"<p>{lead}</p>",
                published=NOW - timedelta(hours=hours),
            )
            for key, title, lead, hours in items
        ]
        server.add(f"/{name}.xml", rss(f"Feed {name.upper()}", entries))
        urls.append(server.url(f"/{name}.xml"))
    return urls


def test_hot_search_related_through_the_cli(feed_server: FeedServer, data_dir: Path) -> None:
    for url in serve(feed_server):
        assert run(data_dir, "add", url).returncode == 0
    sync = run(data_dir, "sync")
    assert sync.returncode == 0, sync.stderr
    with Store(data_dir / "newsreader.sqlite3", create=False) as store:
        pending = store.conn.execute("SELECT count(*) FROM article_fts_pending").fetchone()
        assert pending == (0,)  # the sync indexed what it stored

    rows = run_json(data_dir, "articles", "--limit", "100")
    assert len(rows) == 7
    assert all(isinstance(r["cluster_id"], int) and r["sources"] >= 1 for r in rows)
    by_title = {r["title"]: r for r in rows}
    quake = [r for r in rows if "6.8" in r["title"]]
    assert len({r["cluster_id"] for r in quake}) == 1
    assert all(r["sources"] == 3 for r in quake)
    iphone = by_title["Apple unveils a thinner iPhone"]
    assert (iphone["cluster_id"], iphone["sources"]) == (iphone["id"], 1)

    hot = run_json(data_dir, "articles", "--hot")
    assert len(hot) == 5  # one row per story
    assert hot[0]["cluster_id"] == quake[0]["cluster_id"] and hot[0]["sources"] == 3
    assert hot[0]["title"].startswith("Magnitude 6.8")  # the earliest report
    assert len(run_json(data_dir, "articles", "--hot", "--limit", "2")) == 2
    text = run(data_dir, "articles", "--hot")
    assert text.returncode == 0 and "[3 sources]" in text.stdout.splitlines()[0]

    found = run_json(data_dir, "articles", "--search", "网络")
    assert [r["title"] for r in found] == ["前三季度我国茶叶出口量同比增长"]
    assert run_json(data_dir, "articles", "--search", "茶叶出口") == found
    assert run_json(data_dir, "articles", "--search", "HOKK") != []
    assert run_json(data_dir, "articles", "--search", '"tsunami advisory" hokkaido') != []
    assert run_json(data_dir, "articles", "--search", "，。") == []
    assert run_json(data_dir, "articles", "--hot", "--search", "iphone")[0]["sources"] == 1

    head = hot[0]["id"]
    related = run_json(data_dir, "related", str(head))
    titles = {r["title"] for r in related}
    assert titles == {
        "Hokkaido farmers count the cost of the earthquake",
        "Hokkaido nuclear plant checked after earthquake",
    }
    assert all(r["cluster_id"] != hot[0]["cluster_id"] for r in related)
    assert len(run_json(data_dir, "related", str(head), "--limit", "1")) == 1
    lines = run(data_dir, "related", str(head)).stdout.splitlines()
    assert len(lines) == 2
    title, source, age = lines[0].split("\t")
    assert title in titles and source.startswith("Feed ") and age.endswith(" h")
    missing = run(data_dir, "related", "99999")
    assert missing.returncode == 1 and "No article" in missing.stderr
