"""The Store's story API: hot, clusters, related, search, and the sync step
that keeps them (`Store.update_stories`), over real SQLite files."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from newsreader.core import stories
from newsreader.core.schema import MIGRATIONS
from newsreader.core.storage import ArticleQuery, Store
from newsreader.core.sync_types import ParsedEntry, ParsedFeed

QUAKE = "Magnitude 6.8 earthquake strikes off Hokkaido, tsunami advisory issued"
QUAKE_2 = "Strong 6.8 earthquake strikes off Hokkaido"
QUAKE_LEAD = "A magnitude 6.8 earthquake struck off Hokkaido in northern Japan on Tuesday."


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
    parsed = ParsedFeed(title="", link="", entries=entries, kind="rss20")
    store.apply_parsed(feed_id, parsed, body_hash="", next_check=0)
    return [
        store.conn.execute(
            "SELECT id FROM articles WHERE feed_id = ? AND key = ?", (feed_id, e.key)
        ).fetchone()[0]
        for e in entries
    ]


@pytest.fixture
def store(db_path: Path) -> Iterator[Store]:
    with Store(db_path) as store:
        yield store


@pytest.fixture
def feeds(store: Store) -> list[int]:
    return [store.add_feed(f"http://example.test/feed{n}", title=f"Feed {n}") for n in range(4)]


def queues(store: Store) -> tuple[int, int, int]:
    return tuple(  # type: ignore[return-value]
        store.conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
        for table in ("article_fts_pending", "cluster_pending", "cluster_dirty")
    )


# -- articles carry their story ------------------------------------------------------


def test_every_article_carries_its_cluster(store: Store, feeds: list[int]) -> None:
    (a,) = apply(store, feeds[0], entry("a", QUAKE, QUAKE_LEAD))
    (b,) = apply(store, feeds[1], entry("b", QUAKE_2, QUAKE_LEAD))
    (c,) = apply(store, feeds[2], entry("c", "Apple unveils a thinner iPhone"))
    before = {x.id: (x.cluster_id, x.sources) for x in store.articles()}
    assert before == {a: (a, 1), b: (b, 1), c: (c, 1)}  # not clustered yet: their own
    assert store.update_stories().clustered == 3
    assert queues(store) == (0, 0, 0)
    after = {x.id: (x.cluster_id, x.sources) for x in store.articles()}
    assert after == {a: (a, 2), b: (a, 2), c: (c, 1)}
    one = store.article(b)
    assert one is not None and (one.cluster_id, one.sources) == (a, 2)
    assert {x.id: x.sources for x in store.articles_by_id([a, c])} == {a: 2, c: 1}


def test_cluster_members_and_mark_cluster_read(store: Store, feeds: list[int]) -> None:
    (a,) = apply(store, feeds[0], entry("a", QUAKE, QUAKE_LEAD, hours_ago=3))
    (b,) = apply(store, feeds[1], entry("b", QUAKE_2, QUAKE_LEAD, hours_ago=2))
    (c,) = apply(store, feeds[2], entry("c", "Apple unveils a thinner iPhone"))
    assert [x.id for x in store.cluster_members(c)] == [c]  # not clustered yet
    store.update_stories()
    assert [x.id for x in store.cluster_members(a)] == [b, a]  # newest first
    assert store.cluster_members(12345) == []
    store.set_read([a])
    assert store.mark_cluster_read(a) == [b]
    assert store.mark_cluster_read(a) == []
    assert sorted(store.mark_cluster_read(a, read=False)) == [a, b]
    assert store.unread_counts()[feeds[0]] == 1  # the counters' triggers ran


# -- hot ---------------------------------------------------------------------------------


def test_hot_is_one_row_per_story_and_changes_when_a_story_gains_sources(
    store: Store, feeds: list[int]
) -> None:
    (old,) = apply(store, feeds[0], entry("old", QUAKE, QUAKE_LEAD, hours_ago=6))
    (new,) = apply(store, feeds[1], entry("new", "Apple unveils a thinner iPhone", hours_ago=1))
    store.update_stories()
    assert [(x.id, x.sources) for x in store.hot()] == [(new, 1), (old, 1)]
    (again,) = apply(store, feeds[2], entry("again", QUAKE_2, QUAKE_LEAD, hours_ago=5))
    assert [x.id for x in store.hot()] == [new, again, old]  # waiting: a story of its own
    store.update_stories()
    hot = store.hot()
    assert [(x.id, x.cluster_id, x.sources) for x in hot] == [(old, old, 2), (new, new, 1)]
    assert again not in [x.id for x in hot]  # one row per story: its head
    assert [x.id for x in store.hot(limit=1)] == [old]
    assert [x.id for x in store.hot(limit=1, offset=1)] == [new]
    assert store.hot(limit=10, offset=2) == []


def test_hot_row_is_read_only_when_the_whole_story_is(store: Store, feeds: list[int]) -> None:
    (a,) = apply(store, feeds[0], entry("a", QUAKE, QUAKE_LEAD, hours_ago=3))
    (b,) = apply(store, feeds[1], entry("b", QUAKE_2, QUAKE_LEAD, hours_ago=2))
    store.update_stories()
    store.set_read([a])
    (head,) = store.hot()
    assert head.id == a and not head.read
    store.set_read([b])
    assert store.hot()[0].read


def test_hot_row_ages_with_its_newest_report(store: Store, feeds: list[int]) -> None:
    (head,) = apply(store, feeds[0], entry("a", QUAKE, QUAKE_LEAD, hours_ago=5))
    (fresh,) = apply(store, feeds[1], entry("b", QUAKE_2, QUAKE_LEAD, hours_ago=0.25))
    (other,) = apply(store, feeds[2], entry("c", "Apple unveils a thinner iPhone", hours_ago=2))
    by_id = {x.id: x for x in store.hot()}  # waiting to be clustered: their own dates
    assert by_id[head].story_date == by_id[head].date
    store.update_stories()
    row, alone = store.hot()
    assert (row.id, alone.id) == (head, other)  # the row shows the 5 h old headline...
    newest = store.article(fresh)
    assert newest is not None
    assert row.date < newest.date
    assert abs((row.story_date - newest.date).total_seconds()) < 1  # ...dated 15 min ago
    assert alone.story_date == alone.date
    plain = store.article(head)  # outside the Hot view an article is dated by itself
    assert plain is not None and plain.story_date == plain.date


def test_hot_feed_weight_half_life_and_head(store: Store, feeds: list[int]) -> None:
    (a,) = apply(store, feeds[0], entry("a", "Apple unveils a thinner iPhone", hours_ago=2))
    (b,) = apply(store, feeds[1], entry("b", "Fed holds rates steady", hours_ago=1))
    (q1,) = apply(store, feeds[2], entry("q1", QUAKE, QUAKE_LEAD, hours_ago=30))
    (q2,) = apply(store, feeds[3], entry("q2", QUAKE_2, QUAKE_LEAD, hours_ago=29))
    store.update_stories()
    # Two sources 29 h old are cooler than one source 1 h old with a 12 h half-life...
    assert [x.id for x in store.hot()] == [b, a, q1]
    # ...and hotter with a long one.
    store.set_hot_half_life(240)
    assert store.hot_half_life_hours() == 240
    assert [x.id for x in store.hot()] == [q1, b, a]
    store.set_hot_half_life(12)
    store.set_feed_weight(feeds[0], 3.0)
    assert [x.id for x in store.hot()] == [a, b, q1]
    # The head is the headline of the feed with the highest weight.
    store.set_feed_weight(feeds[3], 2.0)
    assert q2 in [x.id for x in store.hot()]
    with pytest.raises(ValueError, match="positive"):
        store.set_feed_weight(feeds[0], 0)


def test_hot_follows_purges_and_deleted_feeds(store: Store, feeds: list[int]) -> None:
    (a,) = apply(store, feeds[0], entry("a", QUAKE, QUAKE_LEAD, hours_ago=24 * 40))
    (b,) = apply(store, feeds[1], entry("b", QUAKE_2, QUAKE_LEAD, hours_ago=24 * 40))
    (c,) = apply(store, feeds[2], entry("c", "Apple unveils a thinner iPhone"))
    store.update_stories()
    assert [(x.id, x.sources) for x in store.hot()] == [(c, 1), (a, 2)]
    store.set_read([a])
    assert store.purge_old(30) == 1
    assert [(x.id, x.sources) for x in store.hot()] == [(c, 1), (b, 1)]
    store.delete_feed(feeds[2])
    assert [x.id for x in store.hot()] == [b]
    assert queues(store)[2] == 0


# -- related ---------------------------------------------------------------------------


def test_related_never_holds_the_article_or_its_story(store: Store, feeds: list[int]) -> None:
    (a,) = apply(store, feeds[0], entry("a", QUAKE, QUAKE_LEAD))
    (b,) = apply(store, feeds[1], entry("b", QUAKE_2, QUAKE_LEAD))
    (c, d) = apply(
        store,
        feeds[2],
        entry("c", "Hokkaido farmers count the cost of the earthquake", "Farmers said..."),
        entry("d", "Hokkaido nuclear plant checked after earthquake", "The Tomari plant..."),
    )
    apply(store, feeds[3], *(entry(f"f{n}", f"Story {n}", f"On Tuesday ({n}).") for n in range(50)))
    store.update_stories()
    found = store.related(a)
    assert {x.id for x in found} == {c, d}
    assert all(x.cluster_id != a for x in found)
    assert [x.id for x in store.related(b)] == [x.id for x in found]
    assert len(store.related(a, limit=1)) == 1
    assert store.related(999_999) == []


# -- search ------------------------------------------------------------------------------


def test_search_ids_ranks_and_scopes(store: Store, feeds: list[int]) -> None:
    (title_hit,) = apply(store, feeds[0], entry("t", "网络安全新规", "今天发布。", hours_ago=5))
    (body_hit,) = apply(store, feeds[1], entry("b", "今日要闻", "会议讨论了网络安全。", hours_ago=1))  # fmt: skip
    (other,) = apply(store, feeds[2], entry("o", "Tea exports grow", "Tea NETWORKS expand."))
    store.update_stories()
    assert store.search_ids("网络") == [title_hit, body_hit]  # the title counts more
    assert store.search_ids("网络", ArticleQuery(feed_ids=(feeds[1],))) == [body_hit]
    store.set_read([title_hit])
    assert store.search_ids("网络", ArticleQuery(unread=True)) == [body_hit]
    store.set_starred([body_hit])
    assert store.search_ids("网络", ArticleQuery(starred=True)) == [body_hit]
    assert store.search_ids("netw") == [other]  # prefix, any case
    assert store.search_ids('"tea networks"') == [other]
    assert store.search_ids('"networks tea"') == []
    assert store.search_ids("网络", limit=1) == [title_hit]


@pytest.mark.parametrize(
    "query",
    ["", "   ", '"', '""', "*", "-", "AND", "OR NOT", "a*b", "(", "NEAR(", "title:x", "，。！",
     "「」", "'", "\\", "%", "_", "^", "tea*", '"unclosed', "-tea", "网络 AND"],
)  # fmt: skip
def test_search_never_raises(store: Store, feeds: list[int], query: str) -> None:
    apply(store, feeds[0], entry("a", "Tea and networks", "AND OR NOT title x"))
    store.update_stories()
    assert isinstance(store.search_ids(query), list)
    assert isinstance(store.articles(ArticleQuery(search=query)), list)
    assert store.count_articles(ArticleQuery(search=query)) >= 0


def test_blank_or_punctuation_queries_find_nothing(store: Store, feeds: list[int]) -> None:
    apply(store, feeds[0], entry("a", "Tea, and networks。"))
    store.update_stories()
    for query in ("", "  ", "，。！", "*", '""', "-"):
        assert store.search_ids(query) == []
    for query in ("，。！", "*", '""', "-"):
        assert store.articles(ArticleQuery(search=query)) == []
    for query in ("", "  "):  # no search: the view's other filters alone
        assert len(store.articles(ArticleQuery(search=query))) == 1


def test_article_query_search_uses_the_index(store: Store, feeds: list[int]) -> None:
    (a, b, c) = apply(
        store,
        feeds[0],
        entry("a", "国务院部署工作", "会议指出，要加强网络安全保障，促进茶叶出口。", hours_ago=3),
        entry("b", "网上的络腮胡", "网友讨论络腮胡。", hours_ago=2),
        entry("c", "Network outage", "The NETWORK was down.", hours_ago=1),
    )
    store.update_stories()
    assert [x.id for x in store.articles(ArticleQuery(search="网络"))] == [a]  # not 网…络
    assert [x.id for x in store.articles(ArticleQuery(search="络腮胡"))] == [b]
    assert [x.id for x in store.articles(ArticleQuery(search="茶叶"))] == [a]
    assert [x.id for x in store.articles(ArticleQuery(search="netw"))] == [c]
    assert store.count_articles(ArticleQuery(search="网络安全")) == 1


def test_articles_not_indexed_yet_are_found_by_their_words(store: Store, feeds: list[int]) -> None:
    (indexed,) = apply(store, feeds[0], entry("a", "茶叶出口增长", hours_ago=2))
    store.update_stories()
    (queued,) = apply(store, feeds[1], entry("b", "茶叶价格稳定", hours_ago=1))
    assert [x.id for x in store.articles(ArticleQuery(search="茶叶"))] == [queued, indexed]
    assert store.search_ids("茶叶") == [queued, indexed]
    store.update_stories()
    assert store.search_ids("茶叶 价格") == [queued]


# -- the sync step, upgrade, interruption ------------------------------------------------


def test_update_stories_stops_between_steps_and_resumes(
    store: Store, feeds: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(stories, "CLUSTER_BATCH", 2)
    monkeypatch.setattr(stories, "_CHUNK", 2)
    apply(store, feeds[0], *(entry(f"k{n}", f"Headline number {n}") for n in range(5)))
    calls = iter([False, True])
    done = store.update_stories(lambda: next(calls, True))
    assert (done.clustered, done.indexed) == (2, 0)
    assert queues(store)[:2] == (5, 3)
    done = store.update_stories()
    assert (done.clustered, done.indexed) == (3, 5)
    assert queues(store) == (0, 0, 0)
    assert len(store.hot()) == 5


def test_a_failed_step_leaves_a_consistent_cache(
    store: Store, feeds: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(stories, "_CHUNK", 2)
    ids = apply(store, feeds[0], *(entry(f"k{n}", f"茶叶 headline {n}") for n in range(5)))
    real = stories.apply_index
    calls = 0

    def failing(conn: sqlite3.Connection, work: stories.IndexWork) -> int:
        nonlocal calls
        calls += 1
        if calls == 2:
            real(conn, work)  # half written, then the transaction is rolled back
            raise RuntimeError("killed")
        return real(conn, work)

    monkeypatch.setattr(stories, "apply_index", failing)
    with pytest.raises(RuntimeError):
        store.update_stories()
    assert queues(store)[0] == 3
    monkeypatch.setattr(stories, "apply_index", real)
    assert store.update_stories().indexed == 3
    assert sorted(store.search_ids("茶叶")) == sorted(ids)
    store.conn.execute("INSERT INTO article_fts(article_fts, rank) VALUES ('integrity-check', 0)")


def test_upgrade_from_schema_2_queues_everything(db_path: Path) -> None:
    conn = sqlite3.connect(db_path)
    for statements in MIGRATIONS[:2]:
        for statement in statements:
            conn.execute(statement)
    conn.execute("PRAGMA user_version = 2")
    conn.execute("INSERT INTO feeds(id, url, added) VALUES (1, 'http://a.test/', 0), (2, 'http://b.test/', 0)")  # fmt: skip
    for aid, feed, title in ((1, 1, QUAKE), (2, 2, QUAKE_2), (3, 1, "网络安全新规")):
        conn.execute(
            "INSERT INTO articles(id, feed_id, key, title, snippet, content_html, sort_date)"
            " VALUES (?, ?, ?, ?, ?, ?, strftime('%s', 'now') - 3600)",
            (aid, feed, str(aid), title, QUAKE_LEAD, f"<p>{title}</p>"),
        )
        conn.execute("INSERT INTO article_state(article_id, first_seen) VALUES (?, 0)", (aid,))
    conn.commit()
    conn.close()
    with Store(db_path) as store:
        assert store.conn.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
        assert queues(store)[:2] == (3, 3)
        assert [x.id for x in store.articles(ArticleQuery(search="网络"))] == [3]  # LIKE meanwhile
        # Not clustered yet: every article is a story of its own, never an empty view.
        waiting = store.hot()
        assert sorted(a.id for a in waiting) == [1, 2, 3]
        assert {(a.cluster_id, a.sources) for a in waiting} == {(1, 1), (2, 1), (3, 1)}
        assert [a.id for a in store.hot(limit=2, offset=1)] == [a.id for a in waiting[1:3]]
        done = store.update_stories()
        assert (done.clustered, done.indexed) == (3, 3)
        assert (store.hot()[0].id, store.hot()[0].sources) == (1, 2)
        assert store.search_ids("网络") == [3]


def test_entries_prepared_by_the_parse_worker_skip_the_queues(
    store: Store, feeds: list[int]
) -> None:
    first = stories.prepare_entry(entry("a", QUAKE, QUAKE_LEAD, hours_ago=2))
    (a,) = apply(store, feeds[0], first)
    (b,) = apply(store, feeds[1], stories.prepare_entry(entry("b", QUAKE_2, QUAKE_LEAD)))
    assert queues(store)[0] == 2  # queued until the buffer is written
    assert store.flush_index() == 2
    assert queues(store)[0] == 0
    assert sorted(store.search_ids("hokkaido")) == [a, b]
    assert store.update_stories().clustered == 2
    assert store.article(b) is not None and store.article(b).cluster_id == a  # type: ignore[union-attr]
    # A changed article forgets its old text, as if it had been indexed later.
    apply(store, feeds[0], stories.prepare_entry(entry("a", "Tsunami warning lifted")))
    assert store.update_stories().indexed == 1
    assert store.search_ids("tsunami") == [a]
    assert store.search_ids("magnitude") == [b]
    store.conn.execute("INSERT INTO article_fts(article_fts, rank) VALUES ('integrity-check', 0)")


def test_prepared_index_text_is_written_in_batches(
    store: Store, feeds: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    import newsreader.core.storage as storage

    monkeypatch.setattr(storage, "INDEX_BATCH", 3)
    apply(store, feeds[0], *(stories.prepare_entry(entry(f"k{n}", f"茶叶 {n}")) for n in range(2)))
    assert queues(store)[0] == 2
    apply(store, feeds[1], stories.prepare_entry(entry("x", "茶叶 x")))
    assert queues(store)[0] == 0  # three waiting: written after the feed's transaction
    assert len(store.search_ids("茶叶")) == 3


def test_an_article_changed_before_its_buffered_text_is_written(
    store: Store, feeds: list[int]
) -> None:
    (a,) = apply(store, feeds[0], stories.prepare_entry(entry("a", "first version")))
    apply(store, feeds[0], stories.prepare_entry(entry("a", "second version")))
    store.update_stories()
    assert store.search_ids("first") == []
    assert store.search_ids("second") == [a]
    store.conn.execute("INSERT INTO article_fts(article_fts, rank) VALUES ('integrity-check', 0)")


def test_search_pages_are_in_date_order_across_index_batches(
    store: Store, feeds: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    import newsreader.core.storage as storage

    monkeypatch.setattr(storage, "SEARCH_BATCH", 2)
    monkeypatch.setattr(storage, "SEARCH_WALK", 100)
    hours = [5, 1, 9, 3, 7, 2, 30, 8, 4, 6]
    for n, h in enumerate(hours):  # arrival order is not date order
        apply(store, feeds[n % 4], stories.prepare_entry(entry(f"k{n}", f"茶叶 news {n}", hours_ago=h)))  # fmt: skip
    # A feed subscribed late brings an old article with the highest id.
    apply(store, feeds[3], stories.prepare_entry(entry("late", "茶叶 archive", hours_ago=100)))
    apply(store, feeds[0], entry("other", "Unrelated", hours_ago=0.5))
    store.update_stories()
    every = [a.id for a in store.articles(ArticleQuery(limit=100)) if "茶叶" in a.title]
    assert [a.id for a in store.articles(ArticleQuery(search="茶叶", limit=100))] == every
    pages: list[int] = []
    before = None
    while page := store.articles(ArticleQuery(search="茶叶", limit=3, before=before)):
        pages += [a.id for a in page]
        before = (page[-1].sort_date, page[-1].id)
    assert pages == every
    store.set_read(every[:4])
    unread = store.articles(ArticleQuery(search="茶叶", unread=True, limit=3))
    assert [a.id for a in unread] == every[4:7]


def test_search_ids_ranks_the_newest_matches(
    store: Store, feeds: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    import newsreader.core.storage as storage

    monkeypatch.setattr(storage, "SEARCH_WINDOW", 3)
    (old_title,) = apply(store, feeds[0], entry("t", "网络 网络 网络", "网络", hours_ago=9))
    ids = apply(store, feeds[1], *(entry(f"b{n}", f"新闻 {n}", f"正文提到网络 {n}。") for n in range(4)))  # fmt: skip
    store.update_stories()
    assert old_title not in store.search_ids("网络", limit=2)  # beyond the window
    monkeypatch.setattr(storage, "SEARCH_WINDOW", 100)
    found = store.search_ids("网络", limit=10)
    assert found[0] == old_title and sorted(found[1:]) == sorted(ids)


@pytest.mark.parametrize("candidates", [5000, 1, 0])
def test_a_common_word_checks_older_articles_by_date(
    store: Store, feeds: list[int], monkeypatch: pytest.MonkeyPatch, candidates: int
) -> None:
    """After one batch of matches: the older articles newer than the page's
    last row are checked against the index, or (too many) SQLite sorts every
    match; the page is the same."""
    import newsreader.core.storage as storage

    monkeypatch.setattr(storage, "SEARCH_BATCH", 2)
    monkeypatch.setattr(storage, "SEARCH_WALK", 1)
    monkeypatch.setattr(storage, "SEARCH_CANDIDATES", candidates)
    for n, hours in enumerate([3, 9, 1, 4, 8, 2, 6]):
        apply(store, feeds[n % 4], stories.prepare_entry(entry(f"k{n}", f"tea {n}", hours_ago=hours)))  # fmt: skip
    apply(store, feeds[1], stories.prepare_entry(entry("other", "coffee", hours_ago=0.5)))
    store.update_stories()
    (queued,) = apply(store, feeds[0], entry("q", "tea queued", hours_ago=0.1))
    every = [a.id for a in store.articles(ArticleQuery(limit=100)) if "tea" in a.title]
    assert every[0] == queued
    assert [a.id for a in store.articles(ArticleQuery(search="tea", limit=4))] == every[:4]
    assert [a.id for a in store.articles(ArticleQuery(search="tea", limit=100))] == every
    store.set_read(every[:-1])  # one unread: no batch fills a page
    unread = store.articles(ArticleQuery(search="tea", unread=True, limit=4))
    assert [a.id for a in unread] == every[-1:]


def test_many_changed_articles_forget_all_old_text_before_new_text_goes_in(
    store: Store, feeds: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(stories, "_CHUNK", 2)
    first = [entry(f"k{n}", f"old title {n}") for n in range(5)]
    ids = apply(store, feeds[0], *first)
    store.update_stories()
    # Changed in an order unlike their ids: stale rows and the queue disagree.
    for n in (3, 0, 4, 1, 2):
        apply(store, feeds[0], entry(f"k{n}", f"new title {n}"))
    assert store.update_stories().indexed == 5
    store.conn.execute("INSERT INTO article_fts(article_fts, rank) VALUES ('integrity-check', 0)")
    for n, aid in enumerate(ids):
        assert store.search_ids(f'"new title {n}"') == [aid]
    assert store.search_ids("old") == []
