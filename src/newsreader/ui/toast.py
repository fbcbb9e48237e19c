"""An undo toast: a slim bar with a message and an Undo button, no modal dialog."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QWidget


class UndoToast(QFrame):
    TIMEOUT_MS = 10_000

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("toast")
        self.setAccessibleName(self.tr("Notification"))
        self.setStyleSheet(
            "#toast { background: #343a40; border-radius: 6px; }"
            "#toast QLabel { color: white; }"
            "#toast QPushButton { color: #74c0fc; background: transparent; border: none;"
            " font-weight: 600; padding: 2px 8px; }"
        )
        layout = QHBoxLayout(self)
        layout.setContentsMargins(12, 6, 6, 6)
        self.label = QLabel(self)
        self.button = QPushButton(self.tr("Undo"), self)
        self.button.setAccessibleName(self.tr("Undo"))
        self.button.clicked.connect(self.undo)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.button)
        self._undo: Callable[[], None] | None = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.dismiss)
        self.hide()

    def show_message(self, text: str, undo: Callable[[], None] | None = None) -> None:
        self.label.setText(text)
        self.label.setAccessibleName(text)
        self._undo = undo
        self.button.setVisible(undo is not None)
        self.adjustSize()
        self.show()
        self.raise_()
        self._timer.start(self.TIMEOUT_MS)

    def undo(self) -> bool:
        """Run the pending undo, if any; True when something was undone."""
        action, self._undo = self._undo, None
        self.dismiss()
        if action is None:
            return False
        action()
        return True

    @property
    def can_undo(self) -> bool:
        return self._undo is not None

    def dismiss(self) -> None:
        self._timer.stop()
        self.hide()
