from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from newsreader.core import stories
from newsreader.core.storage import ArticleQuery, Store
from newsreader.core.sync_types import ParsedEntry, ParsedFeed

HOUR = 3600.0


def entry(key: str, title: str, body: str = "", *, hours_ago: float = 1, link: str = "") -> ParsedEntry:  # fmt: skip
    body = body or title
    return ParsedEntry(
        key=key,
        title=title,
        link=link or f"http://example.test/{key}",
        author="",
        published=datetime.now(UTC) - timedelta(hours=hours_ago),
        updated=None,
        summary_html="",
        content_html=f"<p>{body}</p>",
        snippet=body[:200],
        content_hash=f"{title}|{body}",
    )


def apply(store: Store, feed_id: int, *entries: ParsedEntry) -> list[int]:
    """Store the entries; returns their ids, in the order given."""
    parsed = ParsedFeed(title="", link="", entries=entries, kind="rss20")
    store.apply_parsed(feed_id, parsed, body_hash="", next_check=0)
    return [
        store.conn.execute(
            "SELECT id FROM articles WHERE feed_id = ? AND key = ?", (feed_id, e.key)
        ).fetchone()[0]
        for e in entries
    ]


def add_stories_schema(store: Store) -> None:
    """Apply stories.MIGRATION, unless schema.MIGRATIONS already holds it."""
    if store.conn.execute("SELECT 1 FROM sqlite_schema WHERE name = 'article_fts'").fetchone():
        return
    with store.write() as conn:
        for statement in stories.MIGRATION:
            conn.execute(statement)


def index(store: Store) -> int:
    with store.write() as conn:
        return stories.index_articles(conn)


def search(store: Store, query: str) -> list[int]:
    return sorted(stories.search_ids(store.conn, query, 100))


def fts_ok(store: Store) -> bool:
    store.conn.execute("INSERT INTO article_fts(article_fts, rank) VALUES ('integrity-check', 0)")
    return True


@pytest.fixture
def store(db_path: Path) -> Iterator[Store]:
    with Store(db_path) as store:
        add_stories_schema(store)
        yield store


@pytest.fixture
def feeds(store: Store) -> list[int]:
    return [store.add_feed(f"http://example.test/feed{n}", title=f"Feed {n}") for n in range(4)]


# -- search ----------------------------------------------------------------------


def test_chinese_two_and_three_character_words(store: Store, feeds: list[int]) -> None:
    a, b, c = apply(
        store,
        feeds[0],
        entry("a", "国务院部署工作", "会议指出，要加强网络安全保障，促进茶叶出口。"),
        entry("b", "网上的络腮胡", "网友讨论络腮胡。"),
        entry("c", "Tea exports", "China's tea exports rose."),
    )
    assert search(store, "网络") == []  # not indexed yet
    assert index(store) == 3
    assert search(store, "网络") == [a]
    assert search(store, "茶叶") == [a]
    assert search(store, "网络安全") == [a]
    assert search(store, "国务院") == [a]
    assert search(store, "络腮胡") == [b]
    assert search(store, "TEA EXP") == [c]
    assert search(store, '"tea exports"') == [c]
    assert search(store, "") == []


def test_search_pages_newest_first(store: Store, feeds: list[int]) -> None:
    ids = apply(store, feeds[0], *(entry(f"k{n}", f"网络新闻 {n}", hours_ago=n) for n in range(5)))
    index(store)
    newest_first = sorted(ids, reverse=True)
    assert stories.search_ids(store.conn, "网络", 2) == newest_first[:2]
    assert stories.search_ids(store.conn, "网络", 10, before=newest_first[1]) == newest_first[2:]


def test_match_clause_in_a_date_ordered_query(store: Store, feeds: list[int]) -> None:
    (a,) = apply(store, feeds[0], entry("a", "台风登陆广东"))
    apply(store, feeds[0], entry("b", "股市上涨"))
    index(store)
    clause, params = stories.match_clause("台风")
    rows = store.conn.execute(f"SELECT a.id FROM articles a WHERE {clause}", params).fetchall()
    assert rows == [(a,)]
    clause, params = stories.match_clause("!!")
    assert store.conn.execute(f"SELECT count(*) FROM articles a WHERE {clause}", params).fetchone() == (0,)  # fmt: skip


def test_updated_purged_and_deleted_articles_leave_the_index(
    store: Store, feeds: list[int]
) -> None:
    (a,) = apply(store, feeds[0], entry("a", "Old title", "old words here", hours_ago=24 * 40))
    (b,) = apply(store, feeds[1], entry("b", "Doomed feed", "doomed words"))
    (c,) = apply(store, feeds[2], entry("c", "Read long ago", "purged words", hours_ago=24 * 40))
    index(store)
    apply(store, feeds[0], entry("a", "New title", "fresh words here", hours_ago=24 * 40))
    store.set_read([c])
    assert store.purge_old(30) == 1
    store.delete_feed(feeds[1])
    assert search(store, "words") == [a]  # the stale rows are already out of search results
    index(store)
    assert search(store, "old") == []
    assert search(store, "fresh") == [a]
    assert search(store, "doomed") == []
    assert search(store, "purged") == []
    assert search(store, "words") == [a]
    assert b not in search(store, "feed")
    assert fts_ok(store)


def test_an_article_changed_twice_before_indexing(store: Store, feeds: list[int]) -> None:
    (a,) = apply(store, feeds[0], entry("a", "first version"))
    index(store)
    apply(store, feeds[0], entry("a", "second version"))
    apply(store, feeds[0], entry("a", "third version"))
    index(store)
    assert search(store, "version") == [a]
    assert search(store, "first") == search(store, "second") == []
    assert search(store, "third") == [a]
    assert fts_ok(store)


def test_index_some_ids_or_a_limited_number(store: Store, feeds: list[int]) -> None:
    ids = apply(store, feeds[0], *(entry(f"k{n}", f"word{n} common") for n in range(6)))
    with store.write() as conn:
        assert stories.index_articles(conn, ids=ids[:2]) == 2
        assert stories.pending_count(conn) == 4
        assert stories.index_articles(conn, limit=3) == 3
        assert stories.index_articles(conn) == 1
        assert stories.index_articles(conn) == 0
    assert search(store, "common") == sorted(ids)


def test_migration_queues_existing_articles(db_path: Path) -> None:
    with Store(db_path) as store:
        feed = store.add_feed("http://example.test/feed")
        (a,) = apply(store, feed, entry("a", "茶叶出口增长"))
        add_stories_schema(store)
        assert index(store) == 1
        assert search(store, "茶叶") == [a]


def test_rebuild_index(store: Store, feeds: list[int]) -> None:
    (a,) = apply(store, feeds[0], entry("a", "茶叶出口增长"))
    index(store)
    with store.write() as conn:
        assert stories.rebuild_index(conn) == 1
    assert search(store, "茶叶") == [a]
    assert fts_ok(store)


# -- clusters --------------------------------------------------------------------

QUAKE = "Magnitude 6.8 earthquake strikes off Hokkaido, tsunami advisory issued"
QUAKE_LEAD = "A magnitude 6.8 earthquake struck off Hokkaido in northern Japan on Tuesday."


def test_cluster_info(store: Store, feeds: list[int]) -> None:
    (a,) = apply(store, feeds[0], entry("a", QUAKE, QUAKE_LEAD))
    (b,) = apply(
        store, feeds[1], entry("b", "Strong 6.8 earthquake strikes off Hokkaido", QUAKE_LEAD)
    )
    (c,) = apply(
        store, feeds[2], entry("c", "Apple unveils a thinner iPhone", "Apple on Tuesday...")
    )
    assert stories.cluster_info(store.conn, [a, b, c]) == {a: (a, 1), b: (b, 1), c: (c, 1)}
    with store.write() as conn:
        assert stories.cluster_articles(conn, [a, b, c]) == {a: a, b: a, c: c}
    assert stories.cluster_info(store.conn, [a, b, c, 999]) == {a: (a, 2), b: (a, 2), c: (c, 1)}
    with store.write() as conn:
        assert stories.cluster_articles(conn, [a, b]) == {}  # already clustered


def test_cluster_everything_not_clustered_yet(store: Store, feeds: list[int]) -> None:
    (a,) = apply(store, feeds[0], entry("a", QUAKE, QUAKE_LEAD))
    with store.write() as conn:
        stories.cluster_articles(conn)
    (b,) = apply(
        store, feeds[1], entry("b", "Strong 6.8 earthquake strikes off Hokkaido", QUAKE_LEAD)
    )
    with store.write() as conn:
        assert stories.cluster_articles(conn) == {b: a}


def test_same_link_in_two_feeds_is_one_story(store: Store, feeds: list[int]) -> None:
    link = "https://news.example/2026/quake"
    (a,) = apply(store, feeds[0], entry("a", "Quake", link=link))
    (b,) = apply(store, feeds[1], entry("b", "Something else", link=link + "?utm_source=rss"))
    with store.write() as conn:
        assert stories.cluster_articles(conn, [a, b]) == {a: a, b: a}


def test_hot_order_changes_when_a_story_gains_sources(store: Store, feeds: list[int]) -> None:
    now = time.time()
    (old,) = apply(store, feeds[0], entry("old", QUAKE, QUAKE_LEAD, hours_ago=6))
    (new,) = apply(store, feeds[1], entry("new", "Apple unveils a thinner iPhone", hours_ago=1))
    with store.write() as conn:
        stories.cluster_articles(conn)
    hot = stories.hot_clusters(store.conn, 10, half_life_hours=12, now=now)
    assert [(h.cluster_id, h.sources) for h in hot] == [(new, 1), (old, 1)]
    (again,) = apply(store, feeds[2], entry("again", "Strong 6.8 earthquake strikes off Hokkaido", QUAKE_LEAD, hours_ago=5))  # fmt: skip
    with store.write() as conn:
        assert stories.cluster_articles(conn) == {again: old}
    hot = stories.hot_clusters(store.conn, 10, half_life_hours=12, now=now)
    assert [(h.cluster_id, h.article_id, h.sources, h.articles) for h in hot] == [
        (old, old, 2, 2),
        (new, new, 1, 1),
    ]
    assert hot[0].score == pytest.approx(2 * 0.5 ** (5 / 12), rel=0.01)


def test_hot_feed_weights_and_horizon(store: Store, feeds: list[int]) -> None:
    now = time.time()
    (a,) = apply(store, feeds[0], entry("a", "Apple unveils a thinner iPhone", hours_ago=2))
    (b,) = apply(store, feeds[1], entry("b", "Fed holds rates steady", hours_ago=1))
    (c,) = apply(store, feeds[2], entry("c", "Ancient news", hours_ago=24 * 10))
    hot = stories.hot_clusters(store.conn, 10, 12, now=now)
    assert [h.article_id for h in hot] == [b, a]  # c is beyond ten half-lives
    hot = stories.hot_clusters(store.conn, 10, 12, now=now, feed_weights={feeds[0]: 3.0})
    assert [h.article_id for h in hot] == [a, b]
    assert [h.article_id for h in stories.hot_clusters(store.conn, 1, 12, now=now)] == [b]
    assert c in [h.article_id for h in stories.hot_clusters(store.conn, 10, 12, now=now, horizon_hours=24 * 11)]  # fmt: skip


# -- related ---------------------------------------------------------------------


def test_related_never_holds_the_article_or_its_cluster(store: Store, feeds: list[int]) -> None:
    (a,) = apply(store, feeds[0], entry("a", QUAKE, QUAKE_LEAD))
    (b,) = apply(
        store, feeds[1], entry("b", "Strong 6.8 earthquake strikes off Hokkaido", QUAKE_LEAD)
    )
    (c, d) = apply(
        store,
        feeds[2],
        entry("c", "Hokkaido farmers count the cost of the earthquake", "Farmers said..."),
        entry("d", "Hokkaido nuclear plant checked after earthquake", "The Tomari plant..."),
    )
    (e,) = apply(
        store, feeds[3], entry("e", "Apple unveils a thinner iPhone", "Apple on Tuesday...")
    )
    # Enough other articles for "Tuesday" to be a common word.
    filler = [entry(f"f{n}", f"Story {n}", f"It happened on Tuesday ({n}).") for n in range(120)]
    apply(store, feeds[3], *filler)
    index(store)
    with store.write() as conn:
        stories.cluster_articles(conn)
    assert stories.cluster_info(store.conn, [a, b])[b][0] == a
    found = stories.related(store.conn, a)
    assert a not in found
    assert b not in found  # its own story
    assert set(found) == {c, d}
    assert e not in stories.related(store.conn, a, limit=5)
    assert len(stories.related(store.conn, a, limit=1)) == 1
    assert stories.related(store.conn, 12345) == []


def test_related_chinese(store: Store, feeds: list[int]) -> None:
    (a,) = apply(
        store,
        feeds[0],
        entry("a", "前三季度我国茶叶出口量同比增长", "海关总署数据显示茶叶出口增长。"),
    )
    (b,) = apply(store, feeds[1], entry("b", "西湖龙井春茶开采，茶叶价格稳定", "龙井茶农表示。"))
    (c,) = apply(store, feeds[2], entry("c", "央行宣布降准", "释放流动性。"))
    apply(store, feeds[3], *(entry(f"f{n}", f"其他新闻{n}", "内容。") for n in range(10)))
    index(store)
    with store.write() as conn:
        stories.cluster_articles(conn)
    assert stories.related(store.conn, a) == [b]
    assert c not in stories.related(store.conn, b)


def test_purged_articles_are_neither_hot_nor_related(store: Store, feeds: list[int]) -> None:
    (a,) = apply(store, feeds[0], entry("a", "茶叶出口增长", hours_ago=24 * 40))
    (b,) = apply(store, feeds[1], entry("b", "茶叶价格稳定", hours_ago=24 * 40))
    index(store)
    store.set_read([b])
    store.purge_old(30)
    index(store)
    assert stories.related(store.conn, a) == []
    assert stories.hot_clusters(store.conn, 10, 12, horizon_hours=24 * 50) != []
    assert b not in [h.article_id for h in stories.hot_clusters(store.conn, 10, 12, horizon_hours=24 * 50)]  # fmt: skip
    assert store.count_articles(ArticleQuery()) == 1


def test_clustering_in_batches(
    store: Store, feeds: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(stories, "CLUSTER_BATCH", 1)
    (a,) = apply(store, feeds[0], entry("a", QUAKE, QUAKE_LEAD, hours_ago=3))
    (b,) = apply(store, feeds[1], entry("b", "Strong 6.8 earthquake strikes off Hokkaido", QUAKE_LEAD, hours_ago=2))  # fmt: skip
    (c,) = apply(store, feeds[2], entry("c", "Apple unveils a thinner iPhone", hours_ago=1))
    with store.write() as conn:
        assert stories.cluster_articles(conn) == {a: a, b: a, c: c}


def test_clustering_given_ids_in_batches(
    store: Store, feeds: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(stories, "CLUSTER_BATCH", 2)
    (a,) = apply(store, feeds[0], entry("a", QUAKE, QUAKE_LEAD, hours_ago=3))
    (b,) = apply(store, feeds[1], entry("b", "Strong 6.8 earthquake strikes off Hokkaido", QUAKE_LEAD, hours_ago=2))  # fmt: skip
    (c,) = apply(store, feeds[2], entry("c", "Apple unveils a thinner iPhone", hours_ago=1))
    with store.write() as conn:
        assert stories.cluster_articles(conn, [c, b, a]) == {a: a, b: a, c: c}
        assert stories.cluster_articles(conn, [a, b, c]) == {}


def test_unreadable_stored_features_fall_back_to_title_and_lead(
    store: Store, feeds: list[int]
) -> None:
    (a,) = apply(store, feeds[0], entry("a", QUAKE, QUAKE_LEAD))
    (b,) = apply(
        store, feeds[1], entry("b", "Strong 6.8 earthquake strikes off Hokkaido", QUAKE_LEAD)
    )
    with store.write() as conn:
        conn.execute("UPDATE cluster_pending SET features = 'not features'")
        assert stories.cluster_articles(conn) == {a: a, b: a}
    stored = dict(store.conn.execute("SELECT article_id, features FROM article_cluster"))
    assert stored[a].count("\t") == 2 and "hokka" in stored[a].split("\t")[0].split()
