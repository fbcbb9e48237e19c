"""Make imports after PySide6 cheaper, before the window's modules load.

Once PySide6 is loaded, every module imported from then on is checked for
whether it uses PySide (so that `from __feature__ import snake_case` can
apply to it): `shibokensupport.feature` reads the module's source through
`inspect.getsource`, which costs 0.1–0.6 ms a module.  The window imports
about 75 modules after PySide6 (ours and the standard library's): ~10 ms of
the start-up went there.

`load_pyside()` loads PySide6 and answers the same question by reading the
module's file and looking for the same word.  Modules without a plain
source file (built-in, frozen, zipped) still go to PySide's own check, so
every answer is the one PySide would give.  Newsreader uses no `__feature__`;
if a PySide release changes the hook, nothing is replaced and start-up is
merely slower (tests/test_startup.py notices).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from types import ModuleType

_MARK = "_newsreader_quick_check"


def load_pyside() -> bool:
    """Import PySide6 and speed up its import hook; True when it was sped up."""
    import PySide6  # noqa: F401  (loads shiboken and installs the hook)

    feature = sys.modules.get("shibokensupport.feature")
    original = getattr(feature, "_mod_uses_pyside", None)
    if feature is None or not callable(original):
        return False
    if getattr(original, _MARK, False):
        return True
    feature._mod_uses_pyside = quick_check(original)  # type: ignore[attr-defined]
    return True


def quick_check(original: Callable[[ModuleType], bool]) -> Callable[[ModuleType], bool]:
    """PySide's "does this module's source say PySide6?", by reading the file."""

    def uses_pyside(module: ModuleType) -> bool:
        path = getattr(module, "__file__", None)
        if not isinstance(path, str) or not path.endswith(".py"):
            return original(module)
        try:
            with open(path, "rb") as source:
                return b"PySide6" in source.read()
        except OSError:
            return original(module)

    setattr(uses_pyside, _MARK, True)
    uses_pyside.__wrapped__ = original  # type: ignore[attr-defined]
    return uses_pyside
