"""How the headline delegate draws hot-view rows: counts and arrows where they belong."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot
from test_hot_stories import OTHER, STORY, STORY_2, entry, serve

from feedgen import make_entries
from feedserver import FeedServer
from newsreader.core.storage import Store
from newsreader.qt.headlines import HeadlineModel, HeadlineRole
from newsreader.ui.headline_view import HeadlineView


def test_an_expanded_storys_members_show_no_source_count_or_arrow(
    qtbot: QtBot, feed_server: FeedServer, data_dir: Path
) -> None:
    serve(
        feed_server,
        data_dir,
        {
            "Wire One": [entry(0, 1, STORY, 1), *make_entries(0, 4)],
            "Wire Two": [entry(1, 1, STORY_2, 2), entry(1, 2, OTHER, 30)],
        },
    )
    with Store(data_dir / "newsreader.sqlite3") as store:
        model = HeadlineModel(store)
        model.set_hot()
        view = HeadlineView()
        qtbot.addWidget(view)
        view.setModel(model)
        delegate = view.itemDelegate()
        assert delegate.story_sources(model.index(0)) == 2  # type: ignore[attr-defined]
        assert model.expand(0) == 1
        member = model.index(1)
        # A member row is one source of its story: it must not say the story's count.
        assert member.data(HeadlineRole.DEPTH) == 1
        assert member.data(HeadlineRole.SOURCES) == 1
        assert delegate.story_sources(member) == 1  # type: ignore[attr-defined]
        assert delegate.story_sources(model.index(0)) == 2  # type: ignore[attr-defined]
