"""The hot view (one row per story), related articles and search, in the window."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QAbstractItemModelTester
from pytestqt.qtbot import QtBot
from test_main_window import open_window

from feedgen import BASE_TIME, GenEntry, make_entries, rss
from feedserver import FeedServer
from newsreader.core.storage import Store
from newsreader.core.sync import SyncService
from newsreader.qt.headlines import HeadlineMode, HeadlineRole
from newsreader.qt.subscriptions import Node, NodeKind
from newsreader.ui.main_window import MainWindow

STORY = "SpaceX Starship rocket explodes minutes after launch from Texas"
STORY_2 = "SpaceX Starship rocket explodes minutes after its launch in Texas"
OTHER = "Starship engine test at Boca Chica ends early as SpaceX checks rocket"
ZH_STORY = "国务院常务会议部署网络安全工作 加强关键信息基础设施保护"


def entry(feed: int, n: int, title: str, hours_ago: float, body: str = "") -> GenEntry:
    return GenEntry(
        guid=f"http://127.0.0.1:9/f{feed}/story{n}",
        title=title,
        link=f"http://127.0.0.1:9/f{feed}/story{n}.html",
        html=body or f"<p>{title}. More details were not given.</p>",
        published=BASE_TIME - timedelta(hours=hours_ago),
    )


def serve(server: FeedServer, data_dir: Path, feeds: dict[str, list[GenEntry]]) -> list[int]:
    ids = []
    with Store(data_dir / "newsreader.sqlite3") as store:
        for n, (title, entries) in enumerate(feeds.items()):
            server.add(f"/s{n}.xml", rss(title, entries))
            ids.append(store.add_feed(server.url(f"/s{n}.xml")))
    with SyncService(data_dir / "newsreader.sqlite3", parse_processes=0) as service:
        assert not service.sync().failed
    return ids


@pytest.fixture
def story_cache(feed_server: FeedServer, data_dir: Path) -> list[int]:
    """Three feeds: one story told by two of them, a related story, Chinese news."""
    return serve(
        feed_server,
        data_dir,
        {
            "Wire One": [entry(0, 1, STORY, 1), *make_entries(0, 8)],
            "Wire Two": [entry(1, 1, STORY_2, 2), entry(1, 2, OTHER, 30), *make_entries(1, 8)],
            "中文新闻": [entry(2, 1, ZH_STORY, 3), *make_entries(2, 8, chinese=True)],
        },
    )


@pytest.fixture
def window(qtbot: QtBot, data_dir: Path, story_cache: list[int]) -> Iterator[MainWindow]:
    win = open_window(qtbot, data_dir)
    yield win
    win.close()


def key(
    qtbot: QtBot,
    window: MainWindow,
    k: Qt.Key,
    mod: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier,
) -> None:
    qtbot.keyClick(window.focusWidget() or window, k, mod)


def titles(window: MainWindow) -> list[str]:
    model = window.headline_model
    return [model.article_at(r).title for r in range(model.rowCount())]  # type: ignore[union-attr]


def test_hot_view_lists_a_story_once_with_its_sources(window: MainWindow) -> None:
    model = window.headline_model
    assert model.mode is HeadlineMode.HOT
    shown = titles(window)
    assert len(shown) == 27  # 28 articles, two of them one story
    assert (STORY in shown) != (STORY_2 in shown)
    assert shown[0] in (STORY, STORY_2)  # two sources: the hottest story
    assert model.index(0).data(HeadlineRole.SOURCES) == 2
    assert "2 sources" in model.index(0).data(Qt.ItemDataRole.AccessibleTextRole)
    assert model.index(1).data(HeadlineRole.SOURCES) == 1


def test_expand_and_collapse_a_story_from_the_keyboard(qtbot: QtBot, window: MainWindow) -> None:
    checker = QAbstractItemModelTester(
        window.headline_model, QAbstractItemModelTester.FailureReportingMode.Fatal
    )
    key(qtbot, window, Qt.Key.Key_J)  # open the top story
    assert window.current_article_id() is not None
    key(qtbot, window, Qt.Key.Key_Right)
    model = window.headline_model
    assert model.rowCount() == 28
    assert model.depth_at(1) == 1 and model.index(0).data(HeadlineRole.EXPANDED)
    assert {titles(window)[0], titles(window)[1]} == {STORY, STORY_2}
    key(qtbot, window, Qt.Key.Key_J)  # into the member
    assert window.headlines.currentIndex().row() == 1
    key(qtbot, window, Qt.Key.Key_H)  # fold: back on the story row
    assert model.rowCount() == 27
    assert window.headlines.currentIndex().row() == 0
    key(qtbot, window, Qt.Key.Key_L)
    assert model.rowCount() == 28
    key(qtbot, window, Qt.Key.Key_Left)
    assert model.rowCount() == 27
    del checker


def test_reading_a_story_marks_its_other_sources_read(
    qtbot: QtBot, window: MainWindow, data_dir: Path
) -> None:
    key(qtbot, window, Qt.Key.Key_J)
    story = window.headline_model.article_at(0)
    assert story is not None and story.sources == 2
    with Store(data_dir / "newsreader.sqlite3") as store:
        members = store.cluster_members(story.cluster_id)
        assert len(members) == 2
        assert all(a.read for a in members)
        others = store.articles_by_id([a.id for a in store.hot(limit=50)[1:4]])
        assert not any(a.read for a in others)  # nothing else was touched


def test_story_read_setting_off_reads_one_article(
    qtbot: QtBot, data_dir: Path, story_cache: list[int]
) -> None:
    win = open_window(qtbot, data_dir)
    win.settings = replace(win.settings, mark_story_read=False)
    key(qtbot, win, Qt.Key.Key_J)
    story = win.headline_model.article_at(0)
    assert story is not None
    with Store(data_dir / "newsreader.sqlite3") as store:
        states = {a.id: a.read for a in store.cluster_members(story.cluster_id)}
    assert states[story.id] is True
    assert list(states.values()).count(False) == 1
    win.close()


def test_related_articles_are_listed_and_open_from_the_keyboard(
    qtbot: QtBot, window: MainWindow
) -> None:
    key(qtbot, window, Qt.Key.Key_J)
    story = window.headline_model.article_at(0)
    assert story is not None
    view = window.article_view
    qtbot.waitUntil(lambda: bool(view.related), timeout=3000)
    related = view.related
    assert 0 < len(related) <= 5
    assert story.id not in {a.id for a in related}
    assert all(a.cluster_id != story.cluster_id for a in related)
    assert OTHER in [a.title for a in related]
    text = view.toPlainText()
    assert "Related articles" in text and OTHER in text
    # Shift+R puts the keyboard on the first related article; Return opens it.
    key(qtbot, window, Qt.Key.Key_R, Qt.KeyboardModifier.ShiftModifier)
    assert view.hasFocus()
    first = related[0]
    qtbot.keyClick(view, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: view.article is not None and view.article.id == first.id)
    assert window.windowTitle().startswith(first.title)


def test_search_finds_a_chinese_word_inside_a_sentence_and_highlights_it(
    qtbot: QtBot, window: MainWindow
) -> None:
    key(qtbot, window, Qt.Key.Key_Slash)
    window.search.setText("网络")
    model = window.headline_model
    qtbot.waitUntil(lambda: model.mode is HeadlineMode.SEARCH)
    found = titles(window)
    assert ZH_STORY in found
    assert all(t for t in found)
    row = found.index(ZH_STORY)
    window.headlines.setFocus()
    window.select_row(row)
    assert window.article_view.highlights >= 1
    key(qtbot, window, Qt.Key.Key_Escape)  # focus is on the list: Esc does nothing there
    window.search.clear()
    qtbot.waitUntil(lambda: model.mode is HeadlineMode.HOT)
    window.select_row(row)
    assert window.article_view.highlights == 0


def marker_pixels(window: MainWindow) -> int:
    """Pixels of the search marker's colour in the headline list."""
    from PySide6.QtGui import QColor

    from newsreader.qt.theme import search_marker

    image = window.headlines.viewport().grab().toImage()
    marker = QColor(search_marker(False)).rgb()
    return sum(
        image.pixel(x, y) == marker
        for y in range(0, image.height(), 2)
        for x in range(0, image.width(), 2)
    )


def test_search_marks_the_matches_in_the_headline_rows(qtbot: QtBot, window: MainWindow) -> None:
    assert marker_pixels(window) == 0
    window.search.setText("Starship")
    model = window.headline_model
    qtbot.waitUntil(lambda: model.mode is HeadlineMode.SEARCH)
    assert model.index(0, 0).data(HeadlineRole.SEARCH_TERMS) == ["starship"]
    window.headlines.clearSelection()
    window.headlines.setCurrentIndex(model.index(len(titles(window)) - 1, 0))
    assert marker_pixels(window) > 20  # painted behind "Starship" in the rows
    window.search.clear()
    qtbot.waitUntil(lambda: model.mode is HeadlineMode.HOT)
    assert model.index(0, 0).data(HeadlineRole.SEARCH_TERMS) == []
    assert marker_pixels(window) == 0


def test_search_in_a_feed_view_or_everywhere(
    qtbot: QtBot, window: MainWindow, story_cache: list[int]
) -> None:
    window.select_node(Node(NodeKind.FEED, story_cache[0]))
    window.search.setText("starship")
    model = window.headline_model
    qtbot.waitUntil(lambda: model.mode is HeadlineMode.SEARCH)
    assert titles(window) == [STORY]  # English: case-insensitive, this feed only
    key(
        qtbot,
        window,
        Qt.Key.Key_F,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    assert window.registry["search.everywhere"].isChecked()
    qtbot.waitUntil(lambda: len(titles(window)) == 3)
    assert set(titles(window)) == {STORY, STORY_2, OTHER}
    window.search.setText("starsh")  # a prefix
    qtbot.waitUntil(lambda: len(titles(window)) == 3)


def test_a_new_source_raises_a_story_in_the_hot_view(
    qtbot: QtBot, feed_server: FeedServer, data_dir: Path, story_cache: list[int]
) -> None:
    win = open_window(qtbot, data_dir)
    assert titles(win)[0] in (STORY, STORY_2)
    zh_row = titles(win).index(ZH_STORY)
    assert zh_row > 0
    with Store(data_dir / "newsreader.sqlite3") as store:
        extra = store.add_feed(feed_server.url("/extra.xml"))
    feed_server.add(
        "/extra.xml",
        rss("第三方", [entry(9, 1, ZH_STORY, 4)]),
    )
    assert win.sync is not None
    with qtbot.waitSignal(win.sync.finished, timeout=30_000):
        win.sync.sync([extra])
    # Nobody was reading: the hot order is recomputed at the end of the sync.
    shown = titles(win)
    assert shown.index(ZH_STORY) < zh_row
    row = shown.index(ZH_STORY)
    assert win.headline_model.index(row).data(HeadlineRole.SOURCES) == 2
    win.close()


def test_search_runs_off_the_gui_thread(
    qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    import threading

    threads: list[str] = []
    real = Store.search_ids

    def recording(self: Store, *args: object, **kwargs: object) -> list[int]:
        threads.append(threading.current_thread().name)
        return real(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Store, "search_ids", recording)
    window.search.setText("starship")
    qtbot.waitUntil(lambda: window.headline_model.mode is HeadlineMode.SEARCH)
    assert len(titles(window)) == 3
    assert threads and all(name.startswith("search") for name in threads)
    # Typing on while a search runs: only the last text's hits are shown.
    for text in ("网", "网络", "starsh"):
        window.search.setText(text)
        window._apply_search()
    qtbot.waitUntil(lambda: window.headline_model.query.search == "starsh")
    assert set(titles(window)) == {STORY, STORY_2, OTHER}
