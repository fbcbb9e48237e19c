from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QWidget

from newsreader.qt.actions import SPECS, ActionRegistry, ShortcutConflict


@pytest.fixture
def registry(qtbot: object) -> Iterator[ActionRegistry]:
    widget = QWidget()
    qtbot.addWidget(widget)  # type: ignore[attr-defined]
    yield ActionRegistry(widget)
    del widget


def test_ids_unique_texts_present_no_default_clashes(registry: ActionRegistry) -> None:
    ids = [spec.id for spec in SPECS]
    assert len(ids) == len(set(ids))
    assert all(spec.text for spec in SPECS)
    assert registry.find_conflicts({}) == []


def test_defaults_bound(registry: ActionRegistry) -> None:
    assert registry.keys("entry.next") == ("J",)
    assert registry.keys("sync.now") == ("R", "F5")
    assert registry.keys("go.hot") == ("G, H",)


def test_override_applies_and_conflict_is_refused(registry: ActionRegistry) -> None:
    registry.apply_bindings({"entry.next": "Y"})
    assert registry.keys("entry.next") == ("Y",)
    with pytest.raises(ShortcutConflict, match="already bound"):
        registry.apply_bindings({"entry.next": "K"})
    assert registry.keys("entry.next") == ("Y",)  # unchanged after the refusal


def test_cheat_sheet_lists_bound_actions(registry: ActionRegistry) -> None:
    rows = {text: keys for keys, text in registry.cheat_sheet()}
    assert rows["Next article"] == ("J", "Down")
    assert "F5" in rows["Sync now"]


def test_readme_keyboard_table_is_generated_from_the_registry(registry: ActionRegistry) -> None:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    assert registry.markdown_table() in readme
