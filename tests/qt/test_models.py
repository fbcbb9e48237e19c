"""Item models over a real cache, watched by QAbstractItemModelTester."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QAbstractItemModelTester

from newsreader.core.storage import ArticleQuery, Store
from newsreader.core.sync_types import ParsedEntry, ParsedFeed
from newsreader.qt.headlines import PAGE_SIZE, HeadlineModel, HeadlineRole
from newsreader.qt.subscriptions import Node, NodeKind, NodeRole, SpecialView, SubscriptionsModel


def entries(prefix: str, count: int, start_hours: float = 0) -> tuple[ParsedEntry, ...]:
    now = datetime.now(UTC)
    return tuple(
        ParsedEntry(
            key=f"{prefix}{i}",
            title=f"{prefix} headline {i}",
            link=f"http://example.test/{prefix}{i}",
            author="",
            published=now - timedelta(hours=start_hours + i),
            updated=None,
            summary_html="",
            content_html=f"<p>{prefix} {i}</p>",
            snippet=f"{prefix} {i}",
            content_hash=f"{prefix}{i}",
        )
        for i in range(count)
    )


def store_entries(store: Store, feed_id: int, items: tuple[ParsedEntry, ...]) -> tuple[int, ...]:
    parsed = ParsedFeed("Feed", "http://example.test", items, "rss20")
    return store.apply_parsed(feed_id, parsed, body_hash="x", next_check=0).new_ids


@pytest.fixture
def store(db_path: Path) -> Store:
    return Store(db_path)


def attach_tester(model: object) -> QAbstractItemModelTester:
    checker = QAbstractItemModelTester(
        model,  # type: ignore[arg-type]
        QAbstractItemModelTester.FailureReportingMode.Fatal,
    )
    # The tests page with fetchMore themselves; the tester must not do it
    # from inside its own reset handler.
    checker.setUseFetchMore(False)
    return checker


def test_headlines_page_lazily(store: Store, qtbot: object) -> None:
    feed = store.add_feed("http://a.test/feed")
    store_entries(store, feed, entries("a", PAGE_SIZE * 2 + 50))
    model = HeadlineModel(store)
    check = attach_tester(model)
    model.set_query(ArticleQuery())
    assert model.rowCount() == PAGE_SIZE
    assert model.canFetchMore()
    model.fetchMore()
    model.fetchMore()
    assert model.rowCount() == PAGE_SIZE * 2 + 50
    assert not model.canFetchMore()
    dates = [model.index(r).data(HeadlineRole.DATE) for r in range(model.rowCount())]
    assert dates == sorted(dates, reverse=True)
    assert len(set(model.loaded_ids())) == model.rowCount()
    del check


def test_new_articles_slot_in_without_moving_selection(store: Store) -> None:
    feed = store.add_feed("http://a.test/feed")
    store_entries(store, feed, entries("old", 30, start_hours=5))
    model = HeadlineModel(store)
    check = attach_tester(model)
    model.set_query(ArticleQuery())
    current = model.article_at(10)
    assert current is not None
    # Two newer articles and one that falls in between.
    new = store_entries(store, feed, entries("new", 2) + entries("mid", 1, start_hours=15.5))
    assert model.add_articles(new) == 3
    assert model.rowCount() == 33
    assert model.index(0).data(Qt.ItemDataRole.DisplayRole).startswith("new")
    assert model.row_of(current.id) == 12
    keys = [(a.sort_date, a.id) for a in (model.article_at(r) for r in range(33)) if a]
    assert keys == sorted(keys, reverse=True)
    # Adding again is a no-op.
    assert model.add_articles(new) == 0
    del check


def test_filtered_views_only_take_matching_articles(store: Store) -> None:
    a = store.add_feed("http://a.test/feed")
    b = store.add_feed("http://b.test/feed")
    store_entries(store, a, entries("a", 3))
    model = HeadlineModel(store)
    check = attach_tester(model)
    model.set_query(ArticleQuery(feed_ids=(a,)))
    other = store_entries(store, b, entries("b", 2))
    assert model.add_articles(other) == 0
    model.set_query(ArticleQuery(unread=True))
    assert model.rowCount() == 5
    store.set_read(model.loaded_ids()[:1])
    model.refresh_articles(model.loaded_ids()[:1])
    assert model.index(0).data(HeadlineRole.READ) is True
    del check


def test_subscriptions_tree_counts_and_errors(store: Store) -> None:
    a = store.add_feed("http://a.test/feed", title="Alpha", folder=("News", "World"))
    b = store.add_feed("http://b.test/feed", title="Beta")
    store_entries(store, a, entries("a", 4))
    store_entries(store, b, entries("b", 2))
    model = SubscriptionsModel(store)
    check = attach_tester(model)
    unread = lambda node: model.index_of(node).data(NodeRole.UNREAD)  # noqa: E731
    assert unread(Node(NodeKind.FEED, a)) == 4
    assert unread(Node(NodeKind.VIEW, SpecialView.UNREAD.value)) == 6
    news = model.index_of(Node(NodeKind.FEED, a)).parent().parent()
    assert news.data() == "News"
    assert news.data(NodeRole.UNREAD) == 4
    store.set_read([x.id for x in store.articles(ArticleQuery(feed_ids=(a,)))][:3])
    store.record_error(b, "HTTP 500 Internal Server Error", http_status=500, next_check=0)
    model.refresh()
    assert unread(Node(NodeKind.FEED, a)) == 1
    assert "HTTP 500" in model.index_of(Node(NodeKind.FEED, b)).data(NodeRole.ERROR)
    assert "HTTP 500" in model.index_of(Node(NodeKind.FEED, b)).data(Qt.ItemDataRole.ToolTipRole)
    # A structural change rebuilds the tree.
    c = store.add_feed("http://c.test/feed", title="Gamma")
    model.refresh()
    assert model.index_of(Node(NodeKind.FEED, c)).isValid()
    del check


def test_rows_have_accessible_text_with_state_and_source(store: Store) -> None:
    feed = store.add_feed("http://a.test/feed", title="Alpha News")
    store_entries(store, feed, entries("a", 2))
    model = HeadlineModel(store)
    model.set_query(ArticleQuery())
    first = model.article_at(0)
    assert first is not None
    store.set_starred([first.id])
    model.set_local_state([first.id], starred=True)
    text = model.index(0).data(Qt.ItemDataRole.AccessibleTextRole)
    assert text.startswith("unread, starred: a headline 0")
    assert "Feed" in text or "Alpha" in text
    assert model.index(1).data(Qt.ItemDataRole.AccessibleTextRole).startswith("unread: ")


def test_match_spans_mark_each_match_once() -> None:
    from newsreader.qt.headlines import match_spans

    assert match_spans("SpaceX Starship explodes; starship debris", ["starship"]) == [
        (7, 15),
        (26, 34),
    ]
    # longest term first: "starship" wins over the "star" inside it
    assert match_spans("Starship star", ["starship", "star"]) == [(0, 8), (9, 13)]
    assert match_spans("国务院部署网络安全工作", ["网络安全", "网络"]) == [(5, 9)]
    assert match_spans("a+b (c)", ["a+b", "(c)"]) == [(0, 3), (4, 7)]  # literal, not regex
    assert match_spans("nothing here", ["quake", ""]) == []
