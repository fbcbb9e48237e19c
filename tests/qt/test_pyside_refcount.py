"""Guard against a Qt binding that loses references to None.

PySide6 6.12.0 on Python 3.11 drops a reference to None whenever C++ hands
an invalid QVariant to Python; a reader that paints and queries its models
all day then dies with "deallocating None".
"""

from __future__ import annotations

import sys

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QStandardItem, QStandardItemModel


def test_invalid_variants_keep_none_alive(qapp: object) -> None:
    model = QStandardItemModel()
    model.appendRow(QStandardItem("row"))
    index = model.index(0, 0)
    before = sys.getrefcount(None)
    for _ in range(2000):
        assert index.data(Qt.ItemDataRole.UserRole + 7) is None
        assert QModelIndex().data() is None
    assert sys.getrefcount(None) - before > -50
