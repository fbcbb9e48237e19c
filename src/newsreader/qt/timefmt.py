"""Dates in the UI language: relative ages ("3 min", "昨天 08:15") and full
timestamps ("Nov 29, 2026 08:15", "2026年11月29日 08:15").

Month and weekday names come from the tables below, never from the C
library's locale (Qt sets it from the environment, so `strftime("%b")` could
answer in a third language).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from PySide6.QtCore import QLocale

_ui_chinese: bool | None = None  # set by the app once the UI language is chosen

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun",
          "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")  # fmt: skip
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
WEEKDAYS_ZH = "一二三四五六日"


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
        weekday = local_when.weekday()
        return f"周{WEEKDAYS_ZH[weekday]}" if chinese else WEEKDAYS[weekday]
    if local_when.year == local_now.year:
        if chinese:
            return f"{local_when.month}月{local_when.day}日"
        return f"{MONTHS[local_when.month - 1]} {local_when.day:02d}"
    return local_when.strftime("%Y-%m-%d")


def format_datetime(when: datetime, *, chinese: bool | None = None) -> str:
    """A full local timestamp for the article header, tooltips and dialogs.

    `chinese` defaults to the UI language (`ui_is_chinese`).
    """
    local = when.astimezone()
    if ui_is_chinese() if chinese is None else chinese:
        return f"{local.year}年{local.month}月{local.day}日 {local:%H:%M}"
    return f"{MONTHS[local.month - 1]} {local.day}, {local.year} {local:%H:%M}"


def format_optional(when: datetime | None, *, chinese: bool | None = None) -> str:
    """`format_datetime`, or an em dash for "never"."""
    return format_datetime(when, chinese=chinese) if when is not None else "—"
