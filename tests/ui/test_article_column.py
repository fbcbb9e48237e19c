"""The article view's reading column: laid out for its width, on one page colour."""

from __future__ import annotations

from datetime import UTC, datetime

from PySide6.QtGui import QPalette
from pytestqt.qtbot import QtBot

from newsreader.core.model import Article
from newsreader.ui.article_view import ArticleView

BODY = "<p>" + "A long paragraph of the article that wraps over several lines. " * 12 + "</p>"


def article() -> Article:
    return Article(id=1, feed_id=1, feed_title="Feed", title="Title", link="", author="",
                   published=None, updated=None, snippet="", read=False, starred=False,
                   first_seen=datetime(2026, 11, 29, tzinfo=UTC), content_html=BODY)  # fmt: skip


def test_a_view_that_opens_wide_wraps_lines_to_the_column(qtbot: QtBot) -> None:
    view = ArticleView()
    qtbot.addWidget(view)
    view.resize(1400, 600)  # sized before it is shown, as in a restored window
    view.show_article(article())
    with qtbot.waitExposed(view):
        view.show()
    margins = view.viewportMargins()
    assert margins.left() > 0 and margins.right() > 0  # the column is capped
    assert view.document().textWidth() <= view.viewport().width()


def test_the_columns_side_margins_are_painted_as_the_page(qtbot: QtBot) -> None:
    view = ArticleView()
    qtbot.addWidget(view)
    view.resize(1400, 600)
    view.show_article(article())
    with qtbot.waitExposed(view):
        view.show()
    assert view.viewportMargins().left() > 40
    image = view.grab().toImage()
    page = view.palette().color(QPalette.ColorRole.Base)
    assert image.pixelColor(10, 300).rgb() == page.rgb()
