"""Translation helpers."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication


def ntr(context: str, text: str, n: int) -> str:
    """Translate a "%n item(s)" string; untranslated English gets its plural right.

    Without a loaded translation Qt only substitutes %n, leaving "(s)"; the
    English source text is resolved here instead of shipping an English .qm.
    """
    out = QCoreApplication.translate(context, text, "", n)
    return out.replace("(s)", "" if n == 1 else "s")
