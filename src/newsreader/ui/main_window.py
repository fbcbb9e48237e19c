"""The main window: subscriptions │ hot-news headlines │ article view."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QEvent,
    QItemSelectionModel,
    QModelIndex,
    QObject,
    QPoint,
    QSettings,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import (
    QCloseEvent,
    QDragEnterEvent,
    QDropEvent,
    QResizeEvent,
)
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMainWindow,
    QProgressBar,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from newsreader.core.model import Article
from newsreader.core.paths import AppPaths
from newsreader.core.settings import Settings, save_settings, sync_media_options
from newsreader.core.storage import Store
from newsreader.qt.actions import ActionRegistry
from newsreader.qt.headlines import HeadlineMode, HeadlineModel
from newsreader.qt.i18n import ntr
from newsreader.qt.icons import icon, retheme_icons
from newsreader.qt.subscriptions import Node, NodeKind, SpecialView, SubscriptionsModel
from newsreader.qt.theme import theme_manager
from newsreader.ui.article_view import ArticleView
from newsreader.ui.headline_view import HeadlineView
from newsreader.ui.subscriptions_view import SubscriptionsView
from newsreader.ui.toast import UndoToast

if TYPE_CHECKING:
    from newsreader.core.storage import ArticleQuery
    from newsreader.core.sync_types import FeedResult, SyncReport
    from newsreader.qt.search_runner import SearchRunner
    from newsreader.qt.sync_bridge import SyncController

APP_TITLE = "Newsreader"
DEFAULT_NODE = Node(NodeKind.VIEW, SpecialView.HOT.value)
RELATED_LIMIT = 5


class EmptyState(QWidget):
    """Shown instead of the headlines while there are no subscriptions."""

    def __init__(self, registry: ActionRegistry, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("empty-state")
        self.setAccessibleName(self.tr("No subscriptions yet"))
        layout = QVBoxLayout(self)
        layout.addStretch(2)
        title = QLabel(self.tr("No subscriptions yet"), self)
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        font = title.font()
        font.setPointSizeF(font.pointSizeF() * 1.4)
        font.setWeight(font.Weight.DemiBold)
        title.setFont(font)
        hint = QLabel(
            self.tr("Add a feed or a website, import an OPML file from another reader,\n"
                    "or start with a few suggested news sources in English and Chinese."),
            self,
        )  # fmt: skip
        hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        hint.setWordWrap(True)
        layout.addWidget(title)
        layout.addWidget(hint)
        row = QHBoxLayout()
        row.addStretch(1)
        self.buttons: dict[str, QPushButton] = {}
        for action_id, text in (
            ("feed.add", self.tr("Add feed…")),
            ("feed.import", self.tr("Import OPML…")),
            ("feed.suggested", self.tr("Use suggested feeds")),
        ):
            button = QPushButton(text, self)
            button.setObjectName(action_id)
            button.setAccessibleName(text.replace("…", ""))
            button.clicked.connect(registry[action_id].trigger)
            row.addWidget(button)
            self.buttons[action_id] = button
        row.addStretch(1)
        layout.addLayout(row)
        layout.addStretch(3)


class MainWindow(QMainWindow):
    """Signals:
    article_shown(int): the article view now shows this article id.
    """

    article_shown = Signal(int)

    def __init__(
        self,
        store: Store,
        paths: AppPaths,
        settings: Settings,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.store = store
        self.paths = paths
        self.settings = settings
        self.ui_state = QSettings(str(paths.ui_state_file), QSettings.Format.IniFormat)
        self.sync: SyncController | None = None
        self.setWindowTitle(APP_TITLE)
        self.setWindowIcon(icon("newsreader"))
        self.setAcceptDrops(True)
        self._pending_deletes: dict[int, QTimer] = {}
        self._after_paint: list[Callable[[], None]] = []
        self._painted = False
        self._first_paint: QObject | None = None
        self._toast: UndoToast | None = None  # made when first needed
        self._empty_state: EmptyState | None = None  # made when first needed
        self._new_ids: list[int] = []
        self._updated_ids: list[int] = []
        self._sync_failed = 0
        self._sync_new = 0

        self.registry = ActionRegistry(self, settings.shortcuts)
        for action_id, action in self.registry.actions.items():
            if self.registry.specs[action_id].context == "window":
                self.addAction(action)

        # models and panes
        self.subs_model = SubscriptionsModel(store, self)
        self.subs_view = SubscriptionsView(self)
        self.subs_view.setModel(self.subs_model)
        self.headline_model = HeadlineModel(store, self)
        self.headlines = HeadlineView(self)
        self.headlines.setModel(self.headline_model)
        for action_id, spec in self.registry.specs.items():
            if spec.context == "headlines":  # keys other widgets need for themselves
                self.headlines.addAction(self.registry[action_id])
        self.article_view = ArticleView(self)

        self.search = QLineEdit(self)
        self.search.setObjectName("search")
        self.search.setAccessibleName(self.tr("Search articles"))
        self.search.setPlaceholderText(self.tr("Search  ( / )"))
        self.search.setClearButtonEnabled(True)
        self.search.addAction(icon("search"), QLineEdit.ActionPosition.LeadingPosition)
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(250)
        self._search_timer.timeout.connect(self._apply_search)
        self.search.textChanged.connect(lambda _text: self._search_timer.start())
        self.search.installEventFilter(self)

        middle = QWidget(self)
        middle_layout = QVBoxLayout(middle)
        middle_layout.setContentsMargins(0, 0, 0, 0)
        middle_layout.setSpacing(0)
        middle_layout.addWidget(self.search)
        self.middle_stack = QStackedWidget(middle)
        self.middle_stack.setAccessibleName(self.tr("Headlines"))
        self.middle_stack.addWidget(self.headlines)
        middle_layout.addWidget(self.middle_stack)

        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.addWidget(self.subs_view)
        self.splitter.addWidget(middle)
        self.splitter.addWidget(self.article_view)
        self.splitter.setChildrenCollapsible(False)
        self.subs_view.setMinimumWidth(140)
        middle.setMinimumWidth(260)
        self.article_view.setMinimumWidth(320)
        self.splitter.setStretchFactor(0, 0)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setStretchFactor(2, 2)
        self.setCentralWidget(self.splitter)

        self._build_menus()
        self._build_status_bar()
        self._connect()
        themes = theme_manager()  # follows the desktop live, or the Theme setting
        self.article_view.set_dark(themes.dark)
        themes.dark_changed.connect(self._on_theme_changed)

        self._mark_read_timer = QTimer(self)
        self._mark_read_timer.setSingleShot(True)
        self._mark_read_timer.timeout.connect(self._mark_current_read)
        self._flush_timer = QTimer(self)
        self._flush_timer.setSingleShot(True)
        self._flush_timer.setInterval(150)
        self._flush_timer.timeout.connect(self._flush_sync_updates)
        self._searcher: SearchRunner | None = None  # created at the first search
        self._searcher_request = 0
        self._search_scope: ArticleQuery | None = None
        self._search_keep: int | None = None
        self._related_timer = QTimer(self)
        self._related_timer.setSingleShot(True)
        self._related_timer.setInterval(120)
        self._related_timer.timeout.connect(self._show_related)

        self.resize(1280, 800)
        self._restore_state()
        self._update_empty_state()
        self._show_idle_status()
        self.headlines.setFocus()

    # -- building -----------------------------------------------------------

    def after_first_paint(self, callback: Callable[[], None]) -> None:
        """Run `callback` once the window has been painted.

        Heavy imports (requests, feedparser), the sync thread and anything
        else the first sight of the window does not need wait for it, so they
        never delay it.  Callbacks run in the order given, each on its own
        event-loop turn, so key presses and paints are handled in between.
        """
        if self._painted:
            QTimer.singleShot(0, callback)
            return
        self._after_paint.append(callback)
        if len(self._after_paint) > 1:
            return
        window = self

        class FirstPaint(QObject):
            def eventFilter(self, obj: QObject, event: QEvent) -> bool:
                if event.type() == QEvent.Type.Paint and not window._painted:
                    window._painted = True
                    window.headlines.viewport().removeEventFilter(self)
                    if window._empty_state is not None:
                        window._empty_state.removeEventFilter(self)
                    QTimer.singleShot(0, window._run_after_paint)
                return False

        self._first_paint = FirstPaint(self)
        self.headlines.viewport().installEventFilter(self._first_paint)
        if self._empty_state is not None:
            self._empty_state.installEventFilter(self._first_paint)

    @property
    def empty_state(self) -> EmptyState:
        """What the headline pane shows while there are no subscriptions."""
        if self._empty_state is None:
            self._empty_state = EmptyState(self.registry, self)
            self.middle_stack.addWidget(self._empty_state)
            if self._first_paint is not None and not self._painted:
                self._empty_state.installEventFilter(self._first_paint)
        return self._empty_state

    @property
    def toast(self) -> UndoToast:
        """The undo toast at the bottom of the window."""
        if self._toast is None:
            self._toast = UndoToast(self)
        return self._toast

    def _run_after_paint(self) -> None:
        if self._after_paint:
            self._after_paint.pop(0)()
        if self._after_paint:
            QTimer.singleShot(0, self._run_after_paint)

    def _build_menus(self) -> None:
        bar = self.menuBar()
        bar.setNativeMenuBar(False)
        titles = {
            "file": self.tr("&File"),
            "view": self.tr("&View"),
            "article": self.tr("&Article"),
            "subscriptions": self.tr("&Subscriptions"),
            "help": self.tr("&Help"),
        }
        self.menus = {}
        for key, title in titles.items():
            menu = bar.addMenu(title)
            for action in self.registry.in_menu(key):
                if action.objectName() in ("app.quit", "app.preferences", "edit.undo",
                                           "focus.subscriptions", "go.hot", "view.zoom_in",
                                           "feed.health"):  # fmt: skip
                    menu.addSeparator()
                menu.addAction(action)
            self.menus[key] = menu
        toolbar = self.addToolBar(self.tr("Main"))
        toolbar.setObjectName("toolbar")
        toolbar.setAccessibleName(self.tr("Main toolbar"))
        toolbar.setMovable(False)
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        for action in self.registry.toolbar_actions():
            toolbar.addAction(action)
        self.toolbar = toolbar

    def _build_status_bar(self) -> None:
        status = self.statusBar()
        self.status_label = QLabel(self)
        self.status_label.setObjectName("status")
        self.status_label.setAccessibleName(self.tr("Status"))
        self.progress = QProgressBar(self)
        self.progress.setMaximumWidth(160)
        self.progress.setTextVisible(False)
        self.progress.setAccessibleName(self.tr("Sync progress"))
        self.progress.hide()
        self.cancel_button = QToolButton(self)
        self.cancel_button.setText(self.tr("Cancel"))
        self.cancel_button.setAccessibleName(self.tr("Cancel sync"))
        self.cancel_button.clicked.connect(self.cancel_sync)
        self.cancel_button.hide()
        status.addWidget(self.status_label, 1)
        status.addPermanentWidget(self.progress)
        status.addPermanentWidget(self.cancel_button)

    def _connect(self) -> None:
        r = self.registry
        self.subs_view.selectionModel().currentChanged.connect(self._on_node_changed)
        # A rebuild clears the tree: keep its transient selection changes from
        # reloading the headlines; the previous view is restored afterwards.
        self.subs_model.about_to_rebuild.connect(
            lambda: self.subs_view.selectionModel().blockSignals(True)
        )
        self.subs_model.rebuilt.connect(self._restore_node_selection)
        self.headlines.selectionModel().currentChanged.connect(self._on_headline_changed)
        self.subs_view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.subs_view.customContextMenuRequested.connect(self._subscriptions_menu)
        self.headlines.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.headlines.customContextMenuRequested.connect(self._headlines_menu)
        self.article_view.article_requested.connect(self.open_article)
        handlers: dict[str, Callable[[], Any]] = {
            "entry.next": lambda: self.go(1),
            "entry.prev": lambda: self.go(-1),
            "entry.next_unread": lambda: self.move_unread(1),
            "entry.prev_unread": lambda: self.move_unread(-1),
            "article.page_down": self.page_down,
            "article.page_up": lambda: self.article_view.page(-1),
            "entry.open": self.open_in_browser,
            "entry.open_enter": self.open_in_browser,
            "entry.toggle_read": self.toggle_read,
            "entry.toggle_star": self.toggle_star,
            "view.mark_all_read": self.mark_all_read,
            "edit.undo": lambda: self.toast.undo(),
            "search.focus": self.focus_search,
            "search.everywhere": self._on_search_scope,
            "story.expand": self.expand_story,
            "story.collapse": self.collapse_story,
            "article.related": self.focus_related,
            "focus.subscriptions": self.subs_view.setFocus,
            "focus.headlines": self.headlines.setFocus,
            "focus.article": self.article_view.setFocus,
            "go.hot": lambda: self.select_node(Node(NodeKind.VIEW, SpecialView.HOT.value)),
            "go.all": lambda: self.select_node(Node(NodeKind.VIEW, SpecialView.ALL.value)),
            "go.unread": lambda: self.select_node(Node(NodeKind.VIEW, SpecialView.UNREAD.value)),
            "go.starred": lambda: self.select_node(Node(NodeKind.VIEW, SpecialView.STARRED.value)),
            "view.zoom_in": lambda: self._zoom(1),
            "view.zoom_out": lambda: self._zoom(-1),
            "view.zoom_reset": lambda: self._zoom(0),
            "sync.now": self.sync_now,
            "sync.cancel": self.cancel_sync,
            "feed.add": self.add_feed,
            "feed.import": self.import_opml,
            "feed.export": self.export_opml,
            "feed.suggested": self.add_suggested,
            "feed.rename": self.rename_feed,
            "feed.move": self.move_feed,
            "feed.delete": self.delete_selected,
            "feed.properties": self.feed_properties,
            "feed.health": self.feed_health,
            "help.shortcuts": self.show_shortcuts,
            "help.about": self.show_about,
            "app.preferences": self.show_preferences,
            "app.quit": self.close,
        }
        for action_id, handler in handlers.items():
            r[action_id].triggered.connect(lambda _checked=False, h=handler: h())

    def _on_theme_changed(self, dark: bool) -> None:
        self.article_view.set_dark(dark)
        retheme_icons(self)  # light glyphs on a dark palette and back

    # -- views and selection ------------------------------------------------

    def _subscriptions_menu(self, pos: QPoint) -> None:
        index = self.subs_view.indexAt(pos)
        node = self.subs_model.node(index)
        if node is None or node.kind is NodeKind.VIEW:
            return
        self.subs_view.setCurrentIndex(index)
        from PySide6.QtWidgets import QMenu

        menu = QMenu(self)
        if node.kind is NodeKind.FEED:
            sync_feed = menu.addAction(icon("sync"), self.tr("Sync this feed"))
            sync_feed.triggered.connect(
                lambda: self.sync.sync([int(node.key)]) if self.sync is not None else None
            )
            menu.addSeparator()
        ids = ["feed.rename", "feed.move", "feed.delete", "feed.properties"]
        if node.kind is NodeKind.FOLDER:
            ids = ["feed.rename"]
        for action_id in ids:
            menu.addAction(self.registry[action_id])
        menu.exec(self.subs_view.viewport().mapToGlobal(pos))

    def current_node(self) -> Node:
        return self.subs_model.node(self.subs_view.currentIndex()) or DEFAULT_NODE

    def select_node(self, node: Node) -> None:
        index = self.subs_model.index_of(node)
        if index.isValid():
            self.subs_view.setCurrentIndex(index)
            self.headlines.setFocus()

    def _restore_node_selection(self) -> None:
        node = getattr(self, "_node", DEFAULT_NODE)
        index = self.subs_model.index_of(node)
        if not index.isValid():
            index = self.subs_model.index_of(DEFAULT_NODE)
        self.subs_view.expandAll()
        self.subs_view.selectionModel().blockSignals(True)
        self.subs_view.setCurrentIndex(index)
        self.subs_view.selectionModel().blockSignals(False)
        if self.subs_model.node(index) != node:  # the view's feed is gone
            self._node = self.subs_model.node(index) or DEFAULT_NODE
            self._load_view(self._node)

    def _on_node_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        node = self.subs_model.node(current)
        if node is None:
            return
        self._node = node
        self._load_view(node)

    def _load_view(self, node: Node, *, keep_article: int | None = None) -> None:
        text = self.search.text().strip()
        if text:
            everywhere = self.registry["search.everywhere"].isChecked() or node == DEFAULT_NODE
            self._search_scope = None if everywhere else node.query(self.store)
            self._search_keep = keep_article
            self._searcher_request = self._search_runner().search(text, self._search_scope)
            return
        self._searcher_request = 0  # an answer still on its way is stale now
        if node == DEFAULT_NODE:
            self.headline_model.set_hot()
        else:
            self.headline_model.set_query(node.query(self.store))
        if keep_article is not None:
            self.select_article(keep_article)

    def _search_runner(self) -> SearchRunner:
        if self._searcher is None:
            from newsreader.qt.headlines import SEARCH_LIMIT
            from newsreader.qt.search_runner import SearchRunner

            self._searcher = SearchRunner(self.store.path, SEARCH_LIMIT, self)
            self._searcher.found.connect(self._on_search_found)
        return self._searcher

    def _on_search_found(self, request: int, text: str, ids: list[int]) -> None:
        """The ranked hits of the latest search, back from the search thread."""
        if request != self._searcher_request or text != self.search.text().strip():
            return
        self.headline_model.set_search(text, self._search_scope, ids)
        if self._search_keep is not None:
            self.select_article(self._search_keep)

    def _apply_search(self) -> None:
        current = self.current_article_id()
        self._load_view(self.current_node(), keep_article=current)

    def focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    def _on_search_scope(self) -> None:
        """Ctrl+Shift+F: search every article (checked) or only this view."""
        everywhere = self.registry["search.everywhere"].isChecked()
        self.search.setPlaceholderText(
            self.tr("Search all articles") if everywhere else self.tr("Search  ( / )")
        )
        self.focus_search()
        if self.search.text().strip():
            self._apply_search()

    # -- stories and related articles ---------------------------------------

    def expand_story(self) -> None:
        """Right / l: list the other sources of the selected hot story."""
        row = self.headlines.currentIndex().row()
        if self.headline_model.expand(row):
            self.headlines.scrollTo(self.headline_model.index(row))

    def collapse_story(self) -> None:
        """Left / h: fold the story back; the selection goes to its row."""
        row = self.headlines.currentIndex().row()
        if row < 0 or self.headline_model.mode is not HeadlineMode.HOT:
            return
        story = self.headline_model.collapse(row)
        if story != row:
            self.select_row(story)

    def open_article(self, article_id: int) -> None:
        """Show an article (e.g. a related one): select it where it is listed,
        otherwise show it in the article view alone."""
        if self.select_article(article_id, max_pages=1):
            return
        article = self.store.article(article_id)
        if article is None:
            return
        self.headlines.selectionModel().clearCurrentIndex()
        self._show(article)
        if not article.read:
            self.store.set_read([article.id], True)
            self.subs_model.refresh_counts()
            self._update_tray()

    def focus_related(self) -> None:
        """Shift+R: move the keyboard into the related-articles list."""
        if not self.article_view.focus_related():
            self.status_label.setText(self.tr("No related articles"))

    def _show_related(self) -> None:
        article = self.article_view.article
        if article is None:
            return
        related = self.store.related(article.id, limit=RELATED_LIMIT)
        self.article_view.set_related(related)

    def _headlines_menu(self, pos: QPoint) -> None:
        from PySide6.QtWidgets import QMenu

        menu = QMenu(self)
        row = self.headlines.indexAt(pos).row()
        for action_id in ("entry.open", "entry.toggle_read", "entry.toggle_star"):
            menu.addAction(self.registry[action_id])
        if self.headline_model.can_expand(row):
            menu.addAction(self.registry["story.expand"])
        elif self.headline_model.mode is HeadlineMode.HOT and row >= 0:
            story = self.headline_model.article_at(self.headline_model.story_row(row))
            if story is not None and story.sources > 1:
                menu.addAction(self.registry["story.collapse"])
        menu.exec(self.headlines.viewport().mapToGlobal(pos))

    def eventFilter(self, obj: Any, event: Any) -> bool:
        if obj is self.search and event.type() == event.Type.KeyPress:
            if event.key() == Qt.Key.Key_Escape:
                if self.search.text():
                    self.search.clear()
                self.headlines.setFocus()
                return True
            if event.key() in (Qt.Key.Key_Down, Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self.headlines.setFocus()
                if not self.headlines.currentIndex().isValid():
                    self.go(1)
                return True
        return super().eventFilter(obj, event)

    # -- headlines ----------------------------------------------------------

    def current_article_id(self) -> int | None:
        article = self.headline_model.article_at(self.headlines.currentIndex().row())
        return article.id if article is not None else None

    def select_row(self, row: int) -> None:
        index = self.headline_model.index(row)
        if index.isValid():
            self.headlines.selectionModel().setCurrentIndex(
                index, QItemSelectionModel.SelectionFlag.ClearAndSelect
            )
            self.headlines.scrollTo(index)

    def select_article(self, article_id: int, max_pages: int = 12) -> bool:
        row = self.headline_model.row_of(article_id)
        pages = 0
        while row is None and self.headline_model.canFetchMore() and pages < max_pages:
            self.headline_model.fetchMore()
            row = self.headline_model.row_of(article_id)
            pages += 1
        if row is None:
            return False
        self.select_row(row)
        return True

    def go(self, step: int) -> None:
        row = self.headlines.currentIndex().row()
        target = 0 if row < 0 else row + step
        if target >= self.headline_model.rowCount() and self.headline_model.canFetchMore():
            self.headline_model.fetchMore()
        if 0 <= target < self.headline_model.rowCount():
            self.select_row(target)

    def move_unread(self, step: int) -> None:
        """Next/previous unread in this view, then across feeds in tree order."""
        model = self.headline_model
        row = self.headlines.currentIndex().row()
        target = row + step
        while True:
            while 0 <= target < model.rowCount():
                article = model.article_at(target)
                if article is not None and not article.read:
                    self.select_row(target)
                    return
                target += step
            if step > 0 and model.canFetchMore():
                model.fetchMore()
                continue
            break
        if step > 0:
            self._next_feed_with_unread()

    def _next_feed_with_unread(self) -> None:
        node = self.current_node()
        if node.kind is not NodeKind.FEED:
            self.status_label.setText(self.tr("No more unread articles"))
            return
        feeds = self.subs_model.feeds()
        ids = [f.id for f in feeds]
        counts = self.store.unread_counts()
        start = ids.index(int(node.key)) if int(node.key) in ids else -1
        for feed_id in ids[start + 1 :] + ids[: max(start, 0)]:
            if counts.get(feed_id):
                self.select_node(Node(NodeKind.FEED, feed_id))
                self.move_unread(1)
                return
        self.status_label.setText(self.tr("No more unread articles"))

    def page_down(self) -> None:
        if not self.article_view.page(1):
            self.move_unread(1)

    def _on_headline_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        article = self.headline_model.article_at(current.row())
        if article is None:
            return
        self._show(self.store.article(article.id) or article)
        if not article.read:
            delay = self.settings.mark_read_delay_ms
            if delay <= 0:
                self._mark_current_read()
            else:
                self._mark_read_timer.start(delay)

    def _show(self, article: Article) -> None:
        self.article_view.show_article(article, highlight=self._highlight_terms())
        self.setWindowTitle(f"{article.title or self.tr('(untitled)')} — {APP_TITLE}")
        self.article_shown.emit(article.id)
        self._related_timer.start()  # after a burst of j presses, once

    def _highlight_terms(self) -> list[str]:
        text = self.search.text().strip()
        if not text or self.headline_model.mode is not HeadlineMode.SEARCH:
            return []
        from newsreader.core.textindex import highlight_terms

        return highlight_terms(text)

    def _mark_current_read(self) -> None:
        row = self.headlines.currentIndex().row()
        article = self.headline_model.article_at(row)
        if article is None or article.read:
            return
        story = (
            self.headline_model.mode is HeadlineMode.HOT
            and self.headline_model.depth_at(row) == 0
            and article.sources > 1
            and self.settings.mark_story_read
        )
        if not story:
            self._set_read([article], True)
            return
        # Reading a story's headline reads the story: its other sources say the same.
        ids = self.store.mark_cluster_read(article.cluster_id, True)
        self.headline_model.set_local_state([article.id, *ids], read=True)
        self.subs_model.refresh_counts()
        self._update_tray()

    def _set_read(self, articles: list[Article], read: bool) -> None:
        ids = [a.id for a in articles if a.read != read]
        if not ids:
            return
        self.store.set_read(ids, read)
        self.headline_model.set_local_state(ids, read=read)
        self.subs_model.refresh_counts()
        self._update_tray()

    def toggle_read(self) -> None:
        article = self.headline_model.article_at(self.headlines.currentIndex().row())
        if article is not None:
            self._set_read([article], not article.read)

    def toggle_star(self) -> None:
        article = self.headline_model.article_at(self.headlines.currentIndex().row())
        if article is None:
            return
        self.store.set_starred([article.id], not article.starred)
        self.headline_model.set_local_state([article.id], starred=not article.starred)
        self.subs_model.refresh_counts()

    def mark_all_read(self) -> None:
        ids = self.store.mark_all_read(self.headline_model.query)
        if not ids:
            return
        self.headline_model.set_local_state(ids, read=True)
        self.subs_model.refresh_counts()
        self._update_tray()

        def undo() -> None:
            self.store.set_read(ids, False)
            self.headline_model.set_local_state(ids, read=False)
            self.subs_model.refresh_counts()
            self._update_tray()

        self.toast.show_message(ntr("MainWindow", "Marked %n article(s) as read", len(ids)), undo)
        self._place_toast()

    def open_in_browser(self) -> None:
        from PySide6.QtCore import QUrl
        from PySide6.QtGui import QDesktopServices

        article = self.article_view.article
        if article is not None and article.link.startswith(("http://", "https://")):
            QDesktopServices.openUrl(QUrl(article.link))

    def _zoom(self, direction: int) -> None:
        self.article_view.zoom_step(direction)
        self.ui_state.setValue("article/zoom", self.article_view.zoom)

    # -- sync ---------------------------------------------------------------

    def attach_sync(self, controller: SyncController) -> None:
        self.sync = controller
        controller.started.connect(self._on_sync_started)
        controller.feed_done.connect(self._on_feed_done)
        controller.finished.connect(self._on_sync_finished)
        controller.failed.connect(self.status_label.setText)

    def sync_now(self) -> None:
        if self.sync is not None:
            self.sync.sync(force=True)

    def cancel_sync(self) -> None:
        if self.sync is not None:
            self.sync.cancel()
            self.status_label.setText(self.tr("Cancelling…"))

    def _show_idle_status(self) -> None:
        unread = self.subs_model.total_unread()
        self.status_label.setText(ntr("MainWindow", "%n unread", unread) if unread else "")

    def _on_sync_started(self, total: int) -> None:
        self._sync_failed = 0
        self._sync_new = 0
        if total == 0:
            return
        self.progress.setRange(0, total)
        self.progress.setValue(0)
        self.progress.show()
        self.cancel_button.show()
        self.status_label.setText(ntr("MainWindow", "Syncing 0 of %n feed(s)…", total))

    def _on_feed_done(self, done: int, total: int, result: FeedResult) -> None:
        self.progress.setRange(0, total)
        self.progress.setValue(done)
        self.status_label.setText(
            ntr("MainWindow", "Syncing %1 of %n feed(s) · %3", total)
            .replace("%1", str(done))
            .replace("%3", result.title[:50])
        )
        self._sync_new += len(result.new_ids)
        self._sync_failed += int(result.failed)
        if result.new_ids or result.updated_ids or result.failed:
            self._new_ids.extend(result.new_ids)
            self._updated_ids.extend(result.updated_ids)
            if not self._flush_timer.isActive():
                self._flush_timer.start()

    def _flush_sync_updates(self) -> None:
        """Apply committed changes to the models: batched, on the GUI thread.

        Only counts are re-read here; titles and error marks are refreshed
        once when the sync ends (the GUI thread stays light while the sync
        threads need the interpreter).
        """
        new_ids, self._new_ids = self._new_ids, []
        updated, self._updated_ids = self._updated_ids, []
        if new_ids:
            self.headline_model.add_articles(new_ids)
        if updated:
            self.headline_model.refresh_articles(updated)
        self.subs_model.refresh_counts()
        self._update_tray()

    def _on_sync_finished(self, report: SyncReport) -> None:
        self._flush_timer.stop()
        self._flush_sync_updates()
        if self.headline_model.mode is HeadlineMode.HOT and self.current_article_id() is None:
            self.headline_model.set_hot()  # nobody is reading: show the true hot order
        self.subs_model.refresh()
        self._update_empty_state()
        self.progress.hide()
        self.cancel_button.hide()
        if not report.results:  # nothing was due
            self._show_idle_status()
            return
        parts = [ntr("MainWindow", "%n new", report.new_count)]
        if report.failed:
            parts.append(ntr("MainWindow", "%n feed(s) failed", len(report.failed)))
        if report.cancelled:
            parts.append(self.tr("cancelled"))
        now = datetime.now(UTC).astimezone()
        self.status_label.setText(" · ".join(parts) + f"  ({now:%H:%M})")
        if report.new_count and not self.isVisible():
            self._notify(report.new_count)

    # -- subscriptions ------------------------------------------------------

    def _update_empty_state(self) -> None:
        has_feeds = self.subs_model.has_feeds()
        self.middle_stack.setCurrentWidget(self.headlines if has_feeds else self.empty_state)
        if not has_feeds:
            self.article_view.show_placeholder(self.tr("Welcome to Newsreader"))

    def subscriptions_changed(self, select_feed: int | None = None) -> None:
        self.subs_model.refresh()
        self._update_empty_state()
        if select_feed is not None:
            self.select_node(Node(NodeKind.FEED, select_feed))
        else:
            self._load_view(self.current_node(), keep_article=self.current_article_id())

    def selected_feed_id(self) -> int | None:
        node = self.current_node()
        return int(node.key) if node.kind is NodeKind.FEED else None

    def add_feed(self) -> None:
        from newsreader.ui.dialogs import AddFeedDialog

        dialog = AddFeedDialog(self.store, self)
        if dialog.exec() and dialog.feed_id is not None:
            self.subscriptions_changed(dialog.feed_id)

    def add_suggested(self) -> None:
        from newsreader.core.resources import resource_path

        self.import_opml_file(str(resource_path("suggested-feeds.opml")))

    def import_opml(self) -> None:
        from PySide6.QtWidgets import QFileDialog

        path, _ = QFileDialog.getOpenFileName(
            self,
            self.tr("Import OPML"),
            "",
            self.tr("OPML files (*.opml *.xml);;All files (*)"),
        )
        if path:
            self.import_opml_file(path)

    def import_opml_file(self, path: str) -> None:
        from newsreader.core.errors import NewsreaderError
        from newsreader.core.opml import parse_opml

        try:
            with open(path, "rb") as handle:
                feeds, folders = parse_opml(handle.read())
        except (OSError, NewsreaderError) as exc:
            self.toast.show_message(self.tr("Import failed: %1").replace("%1", str(exc)))
            self._place_toast()
            return
        added: list[int] = []
        with self.store.write():
            for folder in folders:
                self.store.ensure_folder(folder)
        for feed in feeds:
            if self.store.feed_id_for_url(feed.url) is None:
                added.append(
                    self.store.add_feed(
                        feed.url,
                        title=feed.title,
                        site_url=feed.html_url,
                        folder=feed.folder,
                    )
                )
        self.subscriptions_changed()
        self.toast.show_message(ntr("MainWindow", "Imported %n feed(s)", len(added)))
        self._place_toast()
        if added and self.sync is not None:
            self.sync.sync(added, force=True)

    def export_opml(self) -> None:
        from PySide6.QtWidgets import QFileDialog

        from newsreader.core.opml import OpmlFeed, write_opml

        path, _ = QFileDialog.getSaveFileName(
            self,
            self.tr("Export OPML"),
            "newsreader.opml",
            self.tr("OPML files (*.opml)"),
        )
        if not path:
            return
        feeds = [
            OpmlFeed(f.url, f.title, f.site_url, self.store.folder_path(f.folder_id))
            for f in self.store.feeds(counts=False)
        ]
        folders = [self.store.folder_path(f.id) for f in self.store.folders()]
        with open(path, "wb") as handle:
            handle.write(write_opml(feeds, folders))
        self.toast.show_message(ntr("MainWindow", "Exported %n feed(s)", len(feeds)))
        self._place_toast()

    def rename_feed(self) -> None:
        from PySide6.QtWidgets import QInputDialog

        node = self.current_node()
        if node.kind is NodeKind.VIEW:
            return
        old = self.subs_view.currentIndex().data() or ""
        name, ok = QInputDialog.getText(self, self.tr("Rename"), self.tr("Name:"), text=old)
        if ok and name.strip():
            if node.kind is NodeKind.FEED:
                self.store.rename_feed(int(node.key), name.strip())
            else:
                self.store.rename_folder(int(node.key), name.strip())
            self.subscriptions_changed()

    def move_feed(self) -> None:
        from PySide6.QtWidgets import QInputDialog

        feed_id = self.selected_feed_id()
        if feed_id is None:
            return
        names = ["/".join(self.store.folder_path(f.id)) for f in self.store.folders()]
        name, ok = QInputDialog.getItem(
            self, self.tr("Move to folder"), self.tr("Folder (a/b for nested, empty for none):"),
            ["", *names], 0, True,
        )  # fmt: skip
        if ok:
            self.store.move_feed(feed_id, tuple(p for p in name.split("/") if p.strip()))
            self.subscriptions_changed(feed_id)

    def delete_selected(self) -> None:
        """Delete the selected feed after an undo window; no confirmation dialog."""
        feed_id = self.selected_feed_id()
        if feed_id is None:
            return
        feed = self.store.feed(feed_id)
        if feed is None:
            return
        timer = QTimer(self)
        timer.setSingleShot(True)
        timer.timeout.connect(lambda: self._really_delete(feed_id))
        timer.start(UndoToast.TIMEOUT_MS)
        self._pending_deletes[feed_id] = timer
        self.subs_view.setRowHidden(
            self.subs_model.index_of(Node(NodeKind.FEED, feed_id)).row(),
            self.subs_model.index_of(Node(NodeKind.FEED, feed_id)).parent(),
            True,
        )
        self.select_node(DEFAULT_NODE)

        def undo() -> None:
            pending = self._pending_deletes.pop(feed_id, None)
            if pending is not None:
                pending.stop()
            index = self.subs_model.index_of(Node(NodeKind.FEED, feed_id))
            self.subs_view.setRowHidden(index.row(), index.parent(), False)
            self.select_node(Node(NodeKind.FEED, feed_id))

        self.toast.show_message(self.tr("Deleted “%1”").replace("%1", feed.title or feed.url), undo)
        self._place_toast()

    def _really_delete(self, feed_id: int) -> None:
        timer = self._pending_deletes.pop(feed_id, None)
        if timer is not None:
            timer.stop()
        self.store.delete_feed(feed_id)
        self.subscriptions_changed()

    def feed_properties(self) -> None:
        from newsreader.ui.dialogs import FeedPropertiesDialog

        feed_id = self.selected_feed_id()
        if feed_id is None:
            return
        if FeedPropertiesDialog(self.store, feed_id, self).exec():
            self.subscriptions_changed(feed_id)

    def feed_health(self) -> None:
        from newsreader.ui.dialogs import FeedHealthDialog

        FeedHealthDialog(self.store, self).exec()

    def show_shortcuts(self) -> None:
        from newsreader.ui.dialogs import ShortcutsDialog

        ShortcutsDialog(self.registry, self).exec()

    def show_preferences(self) -> None:
        from newsreader.ui.dialogs import PreferencesDialog

        dialog = PreferencesDialog(
            self.settings, self.registry, self, store=self.store, cache_dir=self.paths.cache_dir
        )
        if dialog.exec():
            self.settings = dialog.settings
            save_settings(self.paths.settings_file, self.settings)
            if self.sync is not None:
                self.sync.schedule(self.settings.sync_interval_minutes)
                self.sync.set_options(sync_media_options(self.settings))
        if dialog.cache_cleared:  # also when cancelled: the clearing is done
            self.article_view.refresh()

    def show_about(self) -> None:
        from PySide6.QtWidgets import QMessageBox

        from newsreader import __version__

        QMessageBox.about(
            self,
            self.tr("About Newsreader"),
            f"<b>Newsreader {__version__}</b><br/>"
            + self.tr("An offline-first news reader for English and Chinese news."),
        )

    # -- drag and drop OPML -------------------------------------------------

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        urls = event.mimeData().urls()
        if urls and all(u.isLocalFile() for u in urls):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        for url in event.mimeData().urls():
            if url.isLocalFile():
                self.import_opml_file(url.toLocalFile())
        event.acceptProposedAction()

    # -- tray ---------------------------------------------------------------

    def set_tray(self, tray: Any) -> None:
        self._tray = tray
        self._update_tray()

    def _update_tray(self) -> None:
        if self.sync is None or not self.sync.running:
            self._show_idle_status()
        tray = getattr(self, "_tray", None)
        if tray is not None:
            unread = self.subs_model.total_unread()
            tray.setToolTip(ntr("MainWindow", "Newsreader — %n unread", unread))

    def _notify(self, count: int) -> None:
        tray = getattr(self, "_tray", None)
        if tray is not None and tray.supportsMessages():
            tray.showMessage(APP_TITLE, ntr("MainWindow", "%n new article(s)", count))

    # -- layout details -----------------------------------------------------

    def _place_toast(self) -> None:
        self.toast.adjustSize()
        area = self.splitter.geometry()
        x = area.left() + (area.width() - self.toast.width()) // 2
        y = area.bottom() - self.toast.height() - 16
        self.toast.move(max(area.left(), x), y)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self._toast is not None and self._toast.isVisible():
            self._place_toast()

    # -- persistence --------------------------------------------------------

    def _restore_state(self) -> None:
        s = self.ui_state
        geometry = s.value("window/geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        state = s.value("window/state")
        if state is not None:
            self.restoreState(state)
        ratios = s.value("window/splitter")
        total = 1280
        if isinstance(ratios, list) and len(ratios) == 3:
            try:
                fractions = [float(r) for r in ratios]
                self.splitter.setSizes([max(1, int(f * total)) for f in fractions])
            except ValueError:
                pass
        else:
            self.splitter.setSizes([220, 430, 630])
        try:
            zoom = float(s.value("article/zoom", 1.0))  # type: ignore[arg-type]
        except (TypeError, ValueError):
            zoom = 1.0
        if zoom != 1.0:
            self.article_view.set_zoom(zoom)
        node_text = str(s.value("view/node", ""))
        node = DEFAULT_NODE
        if ":" in node_text:
            kind, key = node_text.split(":", 1)
            try:
                node = Node(NodeKind(kind), int(key) if kind != "view" else key)
            except ValueError:
                node = DEFAULT_NODE
        self._node = node
        self._restore_node_selection()
        self._load_view(self.current_node())
        article_id = s.value("view/article")
        if article_id is not None:
            # After the first paint: paging down to an old article must not
            # delay the window.
            scroll = s.value("view/article_scroll", 0)
            self.after_first_paint(lambda: self._restore_article(article_id, scroll))

    def _restore_article(self, article_id: object, scroll: object) -> None:
        if self.current_article_id() is not None:
            return  # the user got there first
        try:
            if self.select_article(int(str(article_id))):
                pos = int(str(scroll))
                QTimer.singleShot(0, lambda: self.article_view.verticalScrollBar().setValue(pos))
        except (TypeError, ValueError):
            pass

    def save_state(self) -> None:
        s = self.ui_state
        s.setValue("window/geometry", self.saveGeometry())
        s.setValue("window/state", self.saveState())
        sizes = self.splitter.sizes()
        total = sum(sizes) or 1
        s.setValue("window/splitter", [f"{x / total:.4f}" for x in sizes])
        node = self.current_node()
        s.setValue("view/node", f"{node.kind.value}:{node.key}")
        article_id = self.current_article_id()
        if article_id is not None:
            s.setValue("view/article", article_id)
            s.setValue("view/article_scroll", self.article_view.verticalScrollBar().value())
        s.setValue("article/zoom", self.article_view.zoom)
        s.sync()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self._searcher is not None:
            self._searcher.close()
        for feed_id in list(self._pending_deletes):
            self._really_delete(feed_id)
        self.save_state()
        if self.sync is not None:
            self.sync.shutdown()
        super().closeEvent(event)
