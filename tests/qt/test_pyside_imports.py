"""The faster "does this module use PySide6?" check gives PySide's own answers."""

from __future__ import annotations

import json
import sys
import types

import pytest

from newsreader.qt.pyside_imports import load_pyside


@pytest.fixture(scope="module")
def check() -> types.FunctionType:
    assert load_pyside()
    feature = sys.modules["shibokensupport.feature"]
    return feature._mod_uses_pyside  # type: ignore[no-any-return]


def test_installed_once(check: types.FunctionType) -> None:
    assert load_pyside()  # a second call keeps the one check
    assert sys.modules["shibokensupport.feature"]._mod_uses_pyside is check
    assert hasattr(check, "__wrapped__")


@pytest.mark.parametrize(
    "name",
    [
        "newsreader.ui.main_window",  # uses PySide6
        "newsreader.qt.icons",
        "newsreader.core.storage",  # does not
        "json",
        "sys",  # built in: no source
        "PySide6.QtCore",  # an extension module
    ],
)
def test_same_answer_as_pyside(check: types.FunctionType, name: str) -> None:
    __import__(name)
    module = sys.modules[name]
    assert check(module) == check.__wrapped__(module)


def test_answers(check: types.FunctionType) -> None:
    import newsreader.core.storage
    import newsreader.ui.main_window

    assert check(newsreader.ui.main_window) is True
    assert check(newsreader.core.storage) is False
    assert check(json) is False


def test_unreadable_source_falls_back(check: types.FunctionType, tmp_path) -> None:
    module = types.ModuleType("gone")
    module.__file__ = str(tmp_path / "gone.py")  # no such file
    assert check(module) == check.__wrapped__(module) is False
