"""The action registry: every command the app has, with its default keys.

The table says *what* an action is; settings say *which keys* run it (user
overrides, id → key list).  Menus, the toolbar, the cheat sheet and the
shortcut editor are all built from this one table.

Single-letter keys are window-wide shortcuts: a QLineEdit (the search field,
dialogs) takes printable keys for itself through ShortcutOverride, so they
never fire while typing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from PySide6.QtCore import QCoreApplication, QObject, Qt
from PySide6.QtGui import QAction, QKeySequence

from newsreader.qt.icons import icon


def _tr(text: str) -> str:
    return QCoreApplication.translate("Actions", text)


@dataclass(frozen=True, slots=True)
class ActionSpec:
    id: str
    text: str
    keys: tuple[str, ...] = ()
    menu: str = ""  # "file", "view", "article", "subscriptions", "help"
    icon: str = ""
    checkable: bool = False
    toolbar: bool = False
    # "window": anywhere in the window; "headlines": only when the headline
    # list has focus (keys such as Return that other widgets need).
    context: str = "window"
    # Keys that already do this natively in the focused list (shown in the
    # cheat sheet, never bound, so lists keep their own arrow keys).
    native_keys: tuple[str, ...] = ()


# Order matters: menus list actions in table order.
SPECS: tuple[ActionSpec, ...] = (
    ActionSpec("sync.now", "Sync now", ("R", "F5"), "file", "sync", toolbar=True),
    ActionSpec("sync.cancel", "Cancel sync", (), "file"),
    ActionSpec("feed.add", "Add feed…", ("Ctrl+N",), "subscriptions", "add", toolbar=True),
    ActionSpec("feed.import", "Import OPML…", ("Ctrl+O",), "file"),
    ActionSpec("feed.export", "Export OPML…", ("Ctrl+Shift+S",), "file"),
    ActionSpec("feed.suggested", "Add suggested feeds", (), "subscriptions"),
    ActionSpec("app.preferences", "Preferences…", ("Ctrl+,",), "file"),
    ActionSpec("app.quit", "Quit", ("Ctrl+Q",), "file"),
    ActionSpec("entry.next", "Next article", ("J",), "article", native_keys=("Down",)),
    ActionSpec("entry.prev", "Previous article", ("K",), "article", native_keys=("Up",)),
    ActionSpec("entry.next_unread", "Next unread article", ("N",), "article"),
    ActionSpec("entry.prev_unread", "Previous unread article", ("P",), "article"),
    ActionSpec("article.page_down", "Scroll article / next unread", ("Space",), "article"),
    ActionSpec("article.page_up", "Scroll article back", ("Shift+Space",), "article"),
    ActionSpec(
        "entry.open",
        "Open in browser",
        ("O",),
        "article",
        "open-browser",
        toolbar=True,
        native_keys=("Return",),
    ),
    ActionSpec(
        "entry.open_enter",
        "Open in browser",
        ("Return", "Enter"),
        "",
        context="headlines",
    ),
    ActionSpec("entry.toggle_read", "Toggle read", ("M",), "article", "unread"),
    ActionSpec("entry.toggle_star", "Toggle star", ("S",), "article", "starred"),
    ActionSpec(
        "view.mark_all_read",
        "Mark all as read",
        ("Shift+A",),
        "article",
        "mark-read",
        toolbar=True,
    ),
    ActionSpec("edit.undo", "Undo", ("Ctrl+Z",), "article"),
    ActionSpec("search.focus", "Search", ("/", "Ctrl+F"), "view", "search"),
    ActionSpec(
        "search.everywhere",
        "Search all articles",
        ("Ctrl+Shift+F",),
        "view",
        checkable=True,
    ),
    ActionSpec(
        "story.expand",
        "Show the story's other sources",
        ("L", "Right"),
        "article",
        context="headlines",
    ),
    ActionSpec(
        "story.collapse",
        "Hide the story's other sources",
        ("H", "Left"),
        "article",
        context="headlines",
    ),
    ActionSpec("article.related", "Go to related articles", ("Shift+R",), "article"),
    ActionSpec("focus.subscriptions", "Focus subscriptions", ("1",), "view"),
    ActionSpec("focus.headlines", "Focus headlines", ("2",), "view"),
    ActionSpec("focus.article", "Focus article", ("3",), "view"),
    ActionSpec("go.hot", "Go to Hot news", ("G, H",), "view", "hot"),
    ActionSpec("go.all", "Go to All articles", ("G, A",), "view", "all"),
    ActionSpec("go.unread", "Go to Unread", ("G, U",), "view", "unread"),
    ActionSpec("go.starred", "Go to Starred", ("G, S",), "view", "starred"),
    ActionSpec("view.zoom_in", "Zoom in", ("Ctrl+=", "Ctrl++"), "view"),
    ActionSpec("view.zoom_out", "Zoom out", ("Ctrl+-",), "view"),
    ActionSpec("view.zoom_reset", "Reset zoom", ("Ctrl+0",), "view"),
    ActionSpec("feed.rename", "Rename…", ("F2",), "subscriptions"),
    ActionSpec("feed.move", "Move to folder…", (), "subscriptions"),
    ActionSpec("feed.delete", "Delete", ("Del",), "subscriptions"),
    ActionSpec("feed.properties", "Properties…", ("Alt+Return",), "subscriptions"),
    ActionSpec("feed.health", "Feed health…", ("Ctrl+H",), "subscriptions"),
    ActionSpec("help.shortcuts", "Keyboard shortcuts", ("?",), "help"),
    ActionSpec("help.about", "About Newsreader", (), "help"),
)

TEXTS = {spec.id: spec.text for spec in SPECS}  # for translation extraction


class ShortcutConflict(ValueError):
    pass


class ActionRegistry(QObject):
    """Builds one QAction per spec, parented to `parent` (the main window)."""

    def __init__(self, parent: QObject, overrides: Mapping[str, str] | None = None) -> None:
        super().__init__(parent)
        self.specs = {spec.id: spec for spec in SPECS}
        self.actions: dict[str, QAction] = {}
        for spec in SPECS:
            action = QAction(_tr(spec.text), parent)
            action.setObjectName(spec.id)
            if spec.icon:
                action.setIcon(icon(spec.icon))
            action.setCheckable(spec.checkable)
            action.setShortcutContext(
                Qt.ShortcutContext.WidgetWithChildrenShortcut
                if spec.context != "window"
                else Qt.ShortcutContext.WindowShortcut
            )
            self.actions[spec.id] = action
        self.apply_bindings(overrides or {})

    def __getitem__(self, action_id: str) -> QAction:
        return self.actions[action_id]

    def default_keys(self, action_id: str) -> tuple[str, ...]:
        return self.specs[action_id].keys

    def keys(self, action_id: str) -> tuple[str, ...]:
        return tuple(
            seq.toString(QKeySequence.SequenceFormat.PortableText)
            for seq in self.actions[action_id].shortcuts()
        )

    @staticmethod
    def parse_keys(text: str) -> tuple[str, ...]:
        """ "J; F5" → ("J", "F5"): a user's key list, separated by semicolons."""
        return tuple(k.strip() for k in text.split(";") if k.strip())

    def bindings(self, overrides: Mapping[str, str]) -> dict[str, tuple[str, ...]]:
        result: dict[str, tuple[str, ...]] = {}
        for spec in SPECS:
            if spec.id in overrides:
                result[spec.id] = self.parse_keys(overrides[spec.id])
            else:
                result[spec.id] = spec.keys
        return result

    def find_conflicts(self, overrides: Mapping[str, str]) -> list[tuple[str, str, str]]:
        """(key, action a, action b) for every key bound twice in one context."""
        seen: dict[tuple[str, str], str] = {}
        conflicts: list[tuple[str, str, str]] = []
        for action_id, keys in self.bindings(overrides).items():
            context = self.specs[action_id].context
            for key in keys:
                norm = QKeySequence(key).toString(QKeySequence.SequenceFormat.PortableText)
                # A pane-local key clashes with a window-wide one too.
                for ctx in {context, "window"}:
                    other = seen.get((norm, ctx))
                    if (
                        other is not None
                        and other != action_id
                        and {action_id, other} != {"entry.open", "entry.open_enter"}
                    ):
                        conflicts.append((norm, other, action_id))
                seen[(norm, context)] = action_id
        return conflicts

    def apply_bindings(self, overrides: Mapping[str, str]) -> None:
        """Bind keys; raises ShortcutConflict (and changes nothing) on a clash."""
        conflicts = self.find_conflicts(overrides)
        if conflicts:
            key, first, second = conflicts[0]
            # Name the action that holds the key, not the one being changed.
            holder = first if second in overrides or first not in overrides else second
            raise ShortcutConflict(
                _tr("{key} is already bound to “{other}”").format(
                    key=key, other=_tr(self.specs[holder].text)
                )
                + f" ({holder})"
            )
        for action_id, keys in self.bindings(overrides).items():
            self.actions[action_id].setShortcuts([QKeySequence(k) for k in keys])

    def in_menu(self, menu: str) -> list[QAction]:
        return [self.actions[s.id] for s in SPECS if s.menu == menu]

    def toolbar_actions(self) -> list[QAction]:
        return [self.actions[s.id] for s in SPECS if s.toolbar]

    def cheat_sheet(self) -> list[tuple[tuple[str, ...], str]]:
        """(keys as shown to the user, description) for every bound action."""
        rows = []
        for spec in SPECS:
            if spec.id == "entry.open_enter":
                continue
            seqs = [*self.actions[spec.id].shortcuts(), *map(QKeySequence, spec.native_keys)]
            keys = tuple(s.toString(QKeySequence.SequenceFormat.NativeText) for s in seqs)
            if keys:
                rows.append((keys, _tr(spec.text).replace("&", "")))
        return rows

    def markdown_table(self) -> str:
        """The README's keyboard table (a test keeps README.md in step)."""
        lines = ["| keys | action |", "|---|---|"]
        for keys, text in self.cheat_sheet():
            shown = " or ".join(
                " then ".join(f"`{part.strip()}`" for part in key.split(", ")) for key in keys
            )
            lines.append(f"| {shown} | {text.replace('…', '')} |")
        return "\n".join(lines)

    def all_ids(self) -> Iterable[str]:
        return self.specs.keys()
