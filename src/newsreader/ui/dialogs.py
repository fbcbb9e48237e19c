"""Dialogs: add feed, feed properties, feed health, shortcuts, preferences.

Network work (feed discovery) and walks of the offline cache (its size,
clearing it) run on worker threads; the dialog stays responsive and shows
what they found.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QLocale, QObject, QRunnable, QThreadPool, Signal
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QKeySequenceEdit,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from newsreader.core import media
from newsreader.core.model import FeedStatus
from newsreader.core.settings import THEMES, Settings
from newsreader.core.storage import Store
from newsreader.qt.actions import ActionRegistry, ShortcutConflict
from newsreader.qt.i18n import ntr
from newsreader.qt.theme import theme_manager
from newsreader.qt.timefmt import format_optional

# Feed statuses as the user reads them (the enum values are for scripts);
# translated in context "Dialogs".
STATUS_TEXTS = {
    FeedStatus.NEW: "not synced yet",
    FeedStatus.OK: "OK",
    FeedStatus.ERROR: "error",
    FeedStatus.GONE: "gone (HTTP 410)",
}


def status_text(status: FeedStatus) -> str:
    return QCoreApplication.translate("Dialogs", STATUS_TEXTS.get(status, str(status)))


# Languages by their own names, as every language menu shows them.
LANGUAGE_NAMES = {"en": "English", "zh_CN": "简体中文"}

# The restart note in both languages: when switching, the user may read only
# the language they switch to.  The English text is also translated in
# context "PreferencesDialog" (same Chinese sentence).
RESTART_NOTES = {
    False: "Restart Newsreader to use the new language.",
    True: "重新启动新闻阅读器后使用新的语言。",
}


def language_is_chinese(language: str) -> bool:
    """Whether a language setting ("" = the system's) means a Chinese UI."""
    locale = QLocale(language) if language else QLocale.system()
    return locale.language() == QLocale.Language.Chinese


class _DiscoverSignals(QObject):
    found = Signal(object)  # list[Candidate]
    failed = Signal(str)


class _DiscoverTask(QRunnable):
    def __init__(self, url: str) -> None:
        super().__init__()
        self.url = url
        self.signals = _DiscoverSignals()

    def run(self) -> None:
        from newsreader.core.errors import NewsreaderError
        from newsreader.core.fetch import Fetcher
        from newsreader.core.subscriptions import discover

        fetcher = Fetcher()
        try:
            self.signals.found.emit(discover(fetcher, self.url))
        except NewsreaderError as exc:
            self.signals.failed.emit(str(exc))
        except Exception as exc:  # noqa: BLE001 - shown in the dialog, never a crash
            message = QCoreApplication.translate("AddFeedDialog", "Unexpected error: %1")
            self.signals.failed.emit(message.replace("%1", repr(exc)))
        finally:
            fetcher.close()


def format_size(size: int) -> str:
    """Bytes as the cache section shows them: KB below 1 MB, then MB, then GB."""
    locale = QLocale()
    if size < 1 << 20:
        return f"{locale.toString((size + 1023) >> 10)} KB"
    if size < 1 << 30:
        return f"{locale.toString(size / (1 << 20), 'f', 1)} MB"
    return f"{locale.toString(size / (1 << 30), 'f', 2)} GB"


class _CacheSignals(QObject):
    size = Signal(int)  # bytes the offline cache holds
    cleared = Signal(int)  # bytes freed
    failed = Signal(str)


class _CacheTask(QRunnable):
    """Measures (or clears, then measures) the offline cache on a pool thread.

    Summing the full texts and deleting thousands of image files can take
    long on a large cache; the task opens its own connection to the cache.
    """

    def __init__(self, db_path: Path, cache_dir: Path, *, clear: bool) -> None:
        super().__init__()
        self.db_path = db_path
        self.cache_dir = cache_dir
        self.clear = clear
        self.signals = _CacheSignals()

    def run(self) -> None:
        from newsreader.core.errors import NewsreaderError
        from newsreader.core.storage import Store

        try:
            with Store(self.db_path) as store:
                if self.clear:
                    self.signals.cleared.emit(media.clear_cache(store, self.cache_dir))
                self.signals.size.emit(media.cache_size_bytes(store))
        except (NewsreaderError, OSError) as exc:
            self.signals.failed.emit(str(exc))
        except Exception as exc:  # noqa: BLE001 - shown in the dialog, never a crash
            self.signals.failed.emit(repr(exc))


class AddFeedDialog(QDialog):
    """URL (feed or site page) → discovery → pick a feed → folder → subscribe."""

    def __init__(self, store: Store, parent: QWidget | None = None, url: str = "") -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Add feed"))
        self.setMinimumWidth(520)
        self.store = store
        self.feed_id: int | None = None
        self._candidates: list[Any] = []
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.url_edit = QLineEdit(url, self)
        self.url_edit.setPlaceholderText(self.tr("https://example.com/feed.xml  or  example.com"))
        self.url_edit.setAccessibleName(self.tr("Feed or website address"))
        form.addRow(self.tr("Address:"), self.url_edit)
        self.find_button = QPushButton(self.tr("Find feeds"), self)
        self.find_button.clicked.connect(self.find_feeds)
        form.addRow("", self.find_button)
        self.results = QListWidget(self)
        self.results.setAccessibleName(self.tr("Feeds found"))
        form.addRow(self.tr("Feeds:"), self.results)
        self.folder = QComboBox(self)
        self.folder.setEditable(True)
        self.folder.addItem("")
        for folder in store.folders():
            self.folder.addItem("/".join(store.folder_path(folder.id)))
        form.addRow(self.tr("Folder:"), self.folder)
        layout.addLayout(form)
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        layout.addWidget(self.message)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel,
            self,
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Subscribe"))
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(False)
        self.buttons.accepted.connect(self.subscribe)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.url_edit.returnPressed.connect(self.find_feeds)

    def find_feeds(self) -> None:
        url = self.url_edit.text().strip()
        if not url:
            return
        self.results.clear()
        self.message.setText(self.tr("Looking for feeds…"))
        self.find_button.setEnabled(False)
        task = _DiscoverTask(url)
        task.signals.found.connect(self._on_found)
        task.signals.failed.connect(self._on_failed)
        self._task = task  # keep the signals object alive
        QThreadPool.globalInstance().start(task)

    def _on_found(self, candidates: list[Any]) -> None:
        self.find_button.setEnabled(True)
        self._candidates = candidates
        for candidate in candidates:
            item = QListWidgetItem(f"{candidate.title}\n{candidate.url}")
            item.setToolTip(ntr("Dialogs", "%n article(s)", len(candidate.parsed.entries)))
            self.results.addItem(item)
        self.results.setCurrentRow(0)
        self.message.setText(ntr("Dialogs", "Found %n feed(s).", len(candidates)))
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(bool(candidates))

    def _on_failed(self, message: str) -> None:
        self.find_button.setEnabled(True)
        self.message.setText(message)

    def subscribe(self) -> None:
        from newsreader.core.errors import NewsreaderError
        from newsreader.core.subscriptions import subscribe

        row = self.results.currentRow()
        if not 0 <= row < len(self._candidates):
            return
        folder = tuple(p for p in self.folder.currentText().split("/") if p.strip())
        try:
            self.feed_id = subscribe(self.store, self._candidates[row], folder=folder)
        except NewsreaderError as exc:
            self.message.setText(str(exc))
            return
        self.accept()


class FeedPropertiesDialog(QDialog):
    ENCODINGS = ("", "utf-8", "gb18030", "gbk", "big5", "big5hkscs", "shift_jis",
                 "euc-kr", "windows-1251", "windows-1252", "iso-8859-1")  # fmt: skip

    def __init__(self, store: Store, feed_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.feed_id = feed_id
        feed = store.feed(feed_id)
        assert feed is not None
        self.setWindowTitle(self.tr("Feed properties"))
        self.setMinimumWidth(520)
        form = QFormLayout(self)
        self.url = QLineEdit(feed.url, self)
        form.addRow(self.tr("Address:"), self.url)
        self.interval = QSpinBox(self)
        self.interval.setRange(0, 7 * 24 * 60)
        self.interval.setSpecialValueText(self.tr("Default"))
        self.interval.setSuffix(self.tr(" min"))
        self.interval.setValue(feed.interval_minutes)
        form.addRow(self.tr("Check every:"), self.interval)
        self.encoding = QComboBox(self)
        self.encoding.setEditable(True)
        self.encoding.addItems(list(self.ENCODINGS))
        self.encoding.setItemText(0, "")
        self.encoding.setCurrentText(feed.encoding_override)
        self.encoding.setToolTip(self.tr("Leave empty to detect the encoding automatically"))
        form.addRow(self.tr("Encoding:"), self.encoding)
        self._media = media.feed_settings(store, feed_id)
        self.full_text = QComboBox(self)
        self.full_text.setAccessibleName(self.tr("Full article"))
        for value, text in (("auto", self.tr("Automatic")), ("always", self.tr("Always fetch")),
                            ("never", self.tr("Never"))):  # fmt: skip
            self.full_text.addItem(text, value)
        self.full_text.setCurrentIndex(max(0, self.full_text.findData(self._media.full_text)))
        self.full_text.setToolTip(
            self.tr(
                "Fetch the article's web page for offline reading. Automatic: only when "
                "the feed sends a summary instead of the whole article."
            )
        )
        form.addRow(self.tr("Full article:"), self.full_text)
        self.images = QCheckBox(self.tr("Download images for offline reading"), self)
        self.images.setChecked(self._media.images)
        form.addRow(self.images)
        status = status_text(feed.status) + (
            f" (HTTP {feed.http_status})" if feed.http_status else ""
        )
        form.addRow(self.tr("Last status:"), QLabel(status, self))
        error = QLabel(feed.error or "—", self)
        error.setWordWrap(True)
        form.addRow(self.tr("Last error:"), error)
        form.addRow(self.tr("Last success:"), QLabel(format_optional(feed.last_success), self))
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel,
            self,
        )
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self._feed = feed

    def save(self) -> None:
        url = self.url.text().strip()
        enc = self.encoding.currentText().strip()
        self.store.set_feed_options(
            self.feed_id,
            url=url if url and url != self._feed.url else None,
            interval_minutes=self.interval.value(),
            encoding_override=enc if enc != self._feed.encoding_override else None,
        )
        chosen = replace(
            self._media, full_text=str(self.full_text.currentData()), images=self.images.isChecked()
        )
        if chosen != self._media:  # unchanged: the articles' media state stays as it is
            media.set_feed_settings(self.store, self.feed_id, chosen)
        self.accept()


class FeedHealthDialog(QDialog):
    """Every feed's status, last success, HTTP code, next check and error."""

    def __init__(self, store: Store, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Feed health"))
        self.resize(900, 420)
        layout = QVBoxLayout(self)
        feeds = store.feeds()
        headers = [self.tr("Feed"), self.tr("Status"), self.tr("HTTP"),
                   self.tr("Last success"), self.tr("Next check"), self.tr("Message")]  # fmt: skip
        self.table = QTableWidget(len(feeds), len(headers), self)
        self.table.setHorizontalHeaderLabels(headers)
        self.table.setAccessibleName(self.tr("Feed health"))
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        failing_first = sorted(feeds, key=lambda f: (f.status.value == "ok", f.title.lower()))

        for row, feed in enumerate(failing_first):
            values = [feed.title or feed.url, status_text(feed.status), str(feed.http_status or ""),
                      format_optional(feed.last_success), format_optional(feed.next_check),
                      feed.error]  # fmt: skip
            for col, value in enumerate(values):
                item = QTableWidgetItem(value)
                if col == 5:
                    item.setToolTip(value)
                self.table.setItem(row, col, item)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        layout.addWidget(self.table)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)


class ShortcutsDialog(QDialog):
    """The cheat sheet, generated from the action registry."""

    def __init__(self, registry: ActionRegistry, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Keyboard shortcuts"))
        self.resize(520, 640)
        layout = QVBoxLayout(self)
        rows = registry.cheat_sheet()
        table = QTableWidget(len(rows), 2, self)
        table.setHorizontalHeaderLabels([self.tr("Keys"), self.tr("Action")])
        table.verticalHeader().hide()
        table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        for row, (keys, text) in enumerate(rows):
            table.setItem(row, 0, QTableWidgetItem(self.tr("  or  ").join(keys)))
            table.setItem(row, 1, QTableWidgetItem(text))
        table.horizontalHeader().setStretchLastSection(True)
        table.resizeColumnToContents(0)
        self.table = table
        layout.addWidget(table)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)


class PreferencesDialog(QDialog):
    """General settings, offline reading and its cache, and the shortcut editor.

    With `store` and `cache_dir` the Offline page shows the cache's size
    (measured on a pool thread: the dialog opens at once) and can clear it;
    `cache_cleared` then tells the caller to redraw what it shows.
    """

    MB_PER_GB = 1024

    def __init__(
        self,
        settings: Settings,
        registry: ActionRegistry,
        parent: QWidget | None = None,
        *,
        store: Store | None = None,
        cache_dir: Path | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Preferences"))
        self.resize(620, 560)
        self.settings = settings
        self.registry = registry
        self._overrides = dict(settings.shortcuts)
        tabs = QTabWidget(self)
        general = QWidget(self)
        form = QFormLayout(general)
        self.sync_on_startup = QCheckBox(self.tr("Sync when the app starts"), general)
        self.sync_on_startup.setChecked(settings.sync_on_startup)
        form.addRow(self.sync_on_startup)
        self.interval = QSpinBox(general)
        self.interval.setRange(0, 24 * 60)
        self.interval.setSpecialValueText(self.tr("Never"))
        self.interval.setSuffix(self.tr(" min"))
        self.interval.setValue(settings.sync_interval_minutes)
        form.addRow(self.tr("Sync every:"), self.interval)
        self.retention = QSpinBox(general)
        self.retention.setRange(0, 3650)
        self.retention.setSpecialValueText(self.tr("Keep forever"))
        self.retention.setSuffix(self.tr(" days"))
        self.retention.setValue(settings.retention_days)
        form.addRow(self.tr("Keep read articles:"), self.retention)
        self.mark_delay = QSpinBox(general)
        self.mark_delay.setRange(0, 60_000)
        self.mark_delay.setSingleStep(500)
        self.mark_delay.setSpecialValueText(self.tr("Immediately"))
        self.mark_delay.setSuffix(" ms")
        self.mark_delay.setValue(settings.mark_read_delay_ms)
        form.addRow(self.tr("Mark read after:"), self.mark_delay)
        self.mark_story_read = QCheckBox(
            self.tr("Reading a hot story marks its other sources read"), general
        )
        self.mark_story_read.setChecked(settings.mark_story_read)
        form.addRow(self.mark_story_read)
        self.theme = QComboBox(general)
        self.theme.setAccessibleName(self.tr("Theme"))
        for value, text in zip(THEMES, (self.tr("System"), self.tr("Light"), self.tr("Dark")),
                               strict=True):  # fmt: skip
            self.theme.addItem(text, value)
        self.theme.setCurrentIndex(max(0, self.theme.findData(settings.theme)))
        form.addRow(self.tr("Theme:"), self.theme)
        self.language = QComboBox(general)
        self.language.setAccessibleName(self.tr("Language"))
        self.language.addItem(self.tr("System"), "")
        for value, name in LANGUAGE_NAMES.items():
            self.language.addItem(name, value)
        if self.language.findData(settings.language) < 0:  # set by hand in the file
            self.language.addItem(settings.language, settings.language)
        self.language.setCurrentIndex(self.language.findData(settings.language))
        form.addRow(self.tr("Language:"), self.language)
        self.language_note = QLabel(general)
        self.language_note.setWordWrap(True)
        form.addRow(self.language_note)
        self.language.currentIndexChanged.connect(self._language_changed)
        tabs.addTab(general, self.tr("General"))
        tabs.addTab(self._offline_page(store, cache_dir), self.tr("Offline reading"))

        keys_page = QWidget(self)
        keys_layout = QVBoxLayout(keys_page)
        self.keys_table = QTableWidget(0, 2, keys_page)
        self.keys_table.setHorizontalHeaderLabels([self.tr("Action"), self.tr("Keys")])
        self.keys_table.verticalHeader().hide()
        self.keys_table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.keys_table.horizontalHeader().setStretchLastSection(True)
        self._ids: list[str] = []
        for action_id in registry.all_ids():
            if action_id == "entry.open_enter":
                continue
            row = self.keys_table.rowCount()
            self.keys_table.insertRow(row)
            self._ids.append(action_id)
            text = registry[action_id].text().replace("&", "")
            self.keys_table.setItem(row, 0, QTableWidgetItem(text))
            self.keys_table.setItem(row, 1, QTableWidgetItem("; ".join(registry.keys(action_id))))
        self.keys_table.resizeColumnToContents(0)
        keys_layout.addWidget(self.keys_table)
        self.key_edit = QKeySequenceEdit(keys_page)
        self.key_edit.setAccessibleName(self.tr("New shortcut"))
        self.key_message = QLabel(keys_page)
        self.key_message.setWordWrap(True)
        assign = QPushButton(self.tr("Assign"), keys_page)
        assign.clicked.connect(self._assign)
        reset = QPushButton(self.tr("Reset to default"), keys_page)
        reset.clicked.connect(self._reset)
        form2 = QFormLayout()
        form2.addRow(self.tr("New keys:"), self.key_edit)
        form2.addRow(assign)
        form2.addRow(reset)
        keys_layout.addLayout(form2)
        keys_layout.addWidget(self.key_message)
        tabs.addTab(keys_page, self.tr("Shortcuts"))

        layout = QVBoxLayout(self)
        layout.addWidget(tabs)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel,
            self,
        )
        buttons.accepted.connect(self._save)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def _offline_page(self, store: Store | None, cache_dir: Path | None) -> QWidget:
        page = QWidget(self)
        layout = QVBoxLayout(page)
        self.offline_media = QCheckBox(
            self.tr("Download full text and images for offline reading"), page
        )
        self.offline_media.setChecked(self.settings.offline_media)
        layout.addWidget(self.offline_media)
        hint = QLabel(self.tr("Each feed can turn them off in its Feed properties."), page)
        hint.setWordWrap(True)
        layout.addWidget(hint)

        box = QGroupBox(self.tr("Cache"), page)
        form = QFormLayout(box)
        self.cache_size = QLabel(box)
        self.cache_size.setAccessibleName(self.tr("Cache size"))
        form.addRow(self.tr("Size:"), self.cache_size)
        limit_row = QHBoxLayout()
        self.cache_limit = QSpinBox(box)
        self.cache_limit.setAccessibleName(self.tr("Cache limit"))
        self.cache_limit_unit = QComboBox(box)
        self.cache_limit_unit.setAccessibleName(self.tr("Cache limit unit"))
        self.cache_limit_unit.addItem("MB", 1)
        self.cache_limit_unit.addItem("GB", self.MB_PER_GB)
        limit_mb = self.settings.cache_limit_mb
        in_gb = limit_mb % self.MB_PER_GB == 0
        self.cache_limit_unit.setCurrentIndex(1 if in_gb else 0)
        self._set_limit_range()
        self.cache_limit.setValue(limit_mb // self.MB_PER_GB if in_gb else limit_mb)
        self.cache_limit_unit.currentIndexChanged.connect(self._limit_unit_changed)
        limit_row.addWidget(self.cache_limit)
        limit_row.addWidget(self.cache_limit_unit)
        limit_row.addStretch(1)
        form.addRow(self.tr("Limit:"), limit_row)
        limit_hint = QLabel(
            self.tr("Over the limit, the images and full texts read longest ago go first."), box
        )
        limit_hint.setWordWrap(True)
        form.addRow(limit_hint)
        self.clear_button = QPushButton(self.tr("Clear cache…"), box)
        self.clear_button.clicked.connect(self._ask_clear)
        form.addRow(self.clear_button)
        # The confirmation stays inside the dialog: one more click, no message box.
        self.clear_confirm = QWidget(box)
        confirm_layout = QVBoxLayout(self.clear_confirm)
        confirm_layout.setContentsMargins(0, 0, 0, 0)
        self.clear_question = QLabel(self.clear_confirm)
        self.clear_question.setWordWrap(True)
        confirm_layout.addWidget(self.clear_question)
        confirm_buttons = QHBoxLayout()
        self.clear_yes = QPushButton(self.tr("Delete cached content"), self.clear_confirm)
        self.clear_yes.clicked.connect(self.clear_cache)
        self.clear_no = QPushButton(self.tr("Keep it"), self.clear_confirm)
        self.clear_no.clicked.connect(self._cancel_clear)
        confirm_buttons.addWidget(self.clear_yes)
        confirm_buttons.addWidget(self.clear_no)
        confirm_buttons.addStretch(1)
        confirm_layout.addLayout(confirm_buttons)
        self.clear_confirm.hide()
        form.addRow(self.clear_confirm)
        self.cache_message = QLabel(box)
        self.cache_message.setWordWrap(True)
        form.addRow(self.cache_message)
        layout.addWidget(box)
        layout.addStretch(1)

        self.cache_size_bytes: int | None = None  # None until measured
        self.cache_cleared = False
        self._cache_paths = (store.path, cache_dir) if store and cache_dir else None
        self._cache_tasks: list[_CacheTask] = []  # keeps the signal objects alive
        if self._cache_paths is None:
            self.cache_size.setText("—")
            self.clear_button.setEnabled(False)
        else:
            self.cache_size.setText(self.tr("Measuring…"))
            self._start_cache_task(clear=False)
        return page

    def _set_limit_range(self) -> None:
        per_unit = int(self.cache_limit_unit.currentData())
        self.cache_limit.setRange(1, (1 << 20) // per_unit)  # up to 1 TB

    def _limit_unit_changed(self, _index: int) -> None:
        """Keep the limit when the unit changes (rounded up to a whole GB)."""
        per_unit = int(self.cache_limit_unit.currentData())
        before = self.cache_limit.value() * (self.MB_PER_GB if per_unit == 1 else 1)
        self._set_limit_range()
        self.cache_limit.setValue(-(-before // per_unit))

    def cache_limit_mb(self) -> int:
        return self.cache_limit.value() * int(self.cache_limit_unit.currentData())

    def _start_cache_task(self, *, clear: bool) -> None:
        assert self._cache_paths is not None
        task = _CacheTask(*self._cache_paths, clear=clear)
        task.signals.size.connect(self._on_cache_size)
        task.signals.cleared.connect(self._on_cache_cleared)
        task.signals.failed.connect(self._on_cache_failed)
        self._cache_tasks.append(task)
        QThreadPool.globalInstance().start(task)

    def _on_cache_size(self, size: int) -> None:
        self.cache_size_bytes = size
        self.cache_size.setText(format_size(size))
        self.clear_button.setEnabled(size > 0)

    def _ask_clear(self) -> None:
        size = self.cache_size.text() if self.cache_size_bytes is not None else "…"
        self.clear_question.setText(
            self.tr(
                "Delete all cached full texts and images (%1)? This cannot be undone. "
                "Articles keep the content their feeds sent; new articles are cached again."
            ).replace("%1", size)
        )
        self.cache_message.clear()
        self.clear_button.hide()
        self.clear_confirm.show()
        self.clear_no.setFocus()

    def _cancel_clear(self) -> None:
        self.clear_confirm.hide()
        self.clear_button.show()

    def clear_cache(self) -> None:
        """Delete the cached content on a pool thread; the size follows."""
        self.clear_confirm.hide()
        self.clear_button.show()
        self.clear_button.setEnabled(False)
        self.cache_message.setText(self.tr("Clearing the cache…"))
        self._start_cache_task(clear=True)

    def _on_cache_cleared(self, freed: int) -> None:
        self.cache_cleared = True
        self.cache_message.setText(
            self.tr("Cache cleared: %1 freed.").replace("%1", format_size(freed))
        )

    def _on_cache_failed(self, message: str) -> None:
        self.cache_message.setText(
            self.tr("The cache could not be read: %1").replace("%1", message)
        )
        self.clear_button.setEnabled(True)

    def _language_changed(self, _index: int) -> None:
        """The language is read at start: say so, in the old and the new language."""
        chosen = str(self.language.currentData())
        if chosen == self.settings.language:
            self.language_note.clear()
            return
        notes = [self.tr("Restart Newsreader to use the new language.")]
        other = RESTART_NOTES[language_is_chinese(chosen)]
        if other not in notes:
            notes.append(other)
        self.language_note.setText("\n".join(notes))

    def set_binding(self, action_id: str, keys: str) -> str:
        """Try a binding; returns "" when it took, else the conflict message."""
        trial = dict(self._overrides)
        trial[action_id] = keys
        try:
            self.registry.apply_bindings(trial)
        except ShortcutConflict as exc:
            self.registry.apply_bindings(self._overrides)
            return str(exc)
        self._overrides = trial
        row = self._ids.index(action_id)
        self.keys_table.setItem(row, 1, QTableWidgetItem("; ".join(self.registry.keys(action_id))))
        return ""

    def _assign(self) -> None:
        row = self.keys_table.currentRow()
        seq = self.key_edit.keySequence()
        if row < 0 or seq.isEmpty():
            return
        keys = seq.toString(QKeySequence.SequenceFormat.PortableText)
        message = self.set_binding(self._ids[row], keys)
        self.key_message.setText(message or self.tr("Saved."))

    def _reset(self) -> None:
        row = self.keys_table.currentRow()
        if row < 0:
            return
        action_id = self._ids[row]
        trial = {k: v for k, v in self._overrides.items() if k != action_id}
        try:
            self.registry.apply_bindings(trial)
        except ShortcutConflict as exc:
            self.key_message.setText(str(exc))
            self.registry.apply_bindings(self._overrides)
            return
        self._overrides = trial
        self.keys_table.setItem(row, 1, QTableWidgetItem("; ".join(self.registry.keys(action_id))))

    def _save(self) -> None:
        self.settings = self.settings.with_changes(
            sync_on_startup=self.sync_on_startup.isChecked(),
            sync_interval_minutes=self.interval.value(),
            retention_days=self.retention.value(),
            mark_read_delay_ms=self.mark_delay.value(),
            mark_story_read=self.mark_story_read.isChecked(),
            theme=str(self.theme.currentData()),
            language=str(self.language.currentData()),
            shortcuts=dict(self._overrides),
            offline_media=self.offline_media.isChecked(),
            cache_limit_mb=self.cache_limit_mb(),
        )
        theme_manager().set_theme(self.settings.theme)  # live: palette and article page
        self.accept()

    def reject(self) -> None:
        self.registry.apply_bindings(self.settings.shortcuts)
        super().reject()
