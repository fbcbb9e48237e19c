"""Dates and counts in the UI language, independent of the C library locale."""

from __future__ import annotations

import locale
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from PySide6.QtCore import QCoreApplication

from newsreader.qt.i18n import ntr
from newsreader.qt.timefmt import (
    format_datetime,
    format_optional,
    relative_age,
    set_ui_chinese,
    ui_is_chinese,
)

# 08:15 local time on Sunday 29 November 2026, whatever the machine's zone.
WHEN = datetime(2026, 11, 29, 8, 15).astimezone()


@pytest.fixture
def chinese_flag() -> Iterator[None]:
    yield
    set_ui_chinese(None)


def test_full_timestamp_in_chinese_and_english() -> None:
    assert format_datetime(WHEN, chinese=True) == "2026年11月29日 08:15"
    assert format_datetime(WHEN, chinese=False) == "Nov 29, 2026 08:15"
    assert format_datetime(WHEN.astimezone(UTC), chinese=True) == "2026年11月29日 08:15"
    assert format_optional(None) == "—"


def test_full_timestamp_follows_the_ui_language(chinese_flag: None) -> None:
    set_ui_chinese(True)
    assert ui_is_chinese()
    assert format_datetime(WHEN) == "2026年11月29日 08:15"
    set_ui_chinese(False)
    assert format_datetime(WHEN) == "Nov 29, 2026 08:15"


def test_relative_ages_in_both_languages() -> None:
    now = WHEN
    cases = [
        (timedelta(seconds=20), "now", "刚刚"),
        (timedelta(minutes=12), "12 min", "12 分钟前"),
        (timedelta(hours=3), "3 h", "3 小时前"),
        (timedelta(days=3), "Thu", "周四"),
        (timedelta(days=40), "Oct 20", "10月20日"),
        (timedelta(days=400), "2025-10-25", "2025-10-25"),
    ]
    for delta, english, chinese in cases:
        assert relative_age(now - delta, now) == english
        assert relative_age(now - delta, now, chinese=True) == chinese
    yesterday = now - timedelta(days=1)
    assert relative_age(yesterday, now) == "yesterday 08:15"
    assert relative_age(yesterday, now, chinese=True) == "昨天 08:15"


def test_names_do_not_come_from_the_c_library_locale() -> None:
    """Qt sets LC_ALL from the environment; a German desktop must not leak "Okt"."""
    saved = locale.setlocale(locale.LC_TIME)
    try:
        for name in ("de_DE.UTF-8", "fr_FR.UTF-8", "C.UTF-8"):
            try:
                locale.setlocale(locale.LC_TIME, name)
            except locale.Error:
                continue
            assert relative_age(WHEN - timedelta(days=40), WHEN) == "Oct 20"
            assert relative_age(WHEN - timedelta(days=3), WHEN) == "Thu"
            assert format_datetime(WHEN, chinese=False) == "Nov 29, 2026 08:15"
    finally:
        locale.setlocale(locale.LC_TIME, saved)


def test_english_plurals_without_a_translation(qapp: QCoreApplication) -> None:
    assert ntr("MainWindow", "%n feed(s) failed", 1) == "1 feed failed"
    assert ntr("MainWindow", "%n feed(s) failed", 2) == "2 feeds failed"
    assert ntr("MainWindow", "Syncing 0 of %n feed(s)…", 1) == "Syncing 0 of 1 feed…"
    assert ntr("MainWindow", "Syncing 0 of %n feed(s)…", 12) == "Syncing 0 of 12 feeds…"
    assert ntr("Dialogs", "%n article(s)", 0) == "0 articles"
