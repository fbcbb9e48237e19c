"""Qt layer: item models, actions, sync bridge (QtCore/QtGui only)."""
