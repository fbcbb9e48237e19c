"""Relative ages for headline rows: "3 min", "2 h", "yesterday" / "昨天"."""

from __future__ import annotations

from datetime import datetime, timedelta

from PySide6.QtCore import QLocale

_ui_chinese: bool | None = None  # set by the app once the UI language is chosen


def set_ui_chinese(value: bool | None) -> None:
    """Ages in Chinese when the UI is; None falls back to the default QLocale."""
    global _ui_chinese
    _ui_chinese = value


def ui_is_chinese() -> bool:
    if _ui_chinese is not None:
        return _ui_chinese
    return QLocale().language() == QLocale.Language.Chinese


def relative_age(when: datetime, now: datetime, *, chinese: bool = False) -> str:
    """A short age; calendar words (yesterday, weekday, date) past 24 hours."""
    delta = now - when
    local_when = when.astimezone()
    local_now = now.astimezone()
    if delta < timedelta(minutes=1):
        return "刚刚" if chinese else "now"
    if delta < timedelta(hours=1):
        minutes = int(delta.total_seconds() // 60)
        return f"{minutes} 分钟前" if chinese else f"{minutes} min"
    if delta < timedelta(hours=24) and local_when.date() == local_now.date():
        hours = int(delta.total_seconds() // 3600)
        return f"{hours} 小时前" if chinese else f"{hours} h"
    days = (local_now.date() - local_when.date()).days
    if days <= 1:
        if days <= 0:  # within 24 h but across midnight handled above
            hours = max(1, int(delta.total_seconds() // 3600))
            return f"{hours} 小时前" if chinese else f"{hours} h"
        return f"昨天 {local_when:%H:%M}" if chinese else f"yesterday {local_when:%H:%M}"
    if days < 7:
        weekday = "一二三四五六日"[local_when.weekday()]
        return f"周{weekday}" if chinese else local_when.strftime("%a")
    if local_when.year == local_now.year:
        return (
            f"{local_when.month}月{local_when.day}日" if chinese else local_when.strftime("%b %d")
        )
    return local_when.strftime("%Y-%m-%d")
